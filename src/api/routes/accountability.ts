/** Accountability: open deadlines, the overdue board, update requests and worker health. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import {
  DEADLINE_KINDS,
  hoursLate,
  LATENESS_BUCKETS,
  type LatenessBucket,
  latenessBucket,
} from "../../core/accountability/deadlines.js";
import { listOpenDeadlines, overdueCounts } from "../../db/deadlines.js";
import { canDispatch } from "../../services/offer-contact.js";
import { answerUpdate, requestUpdate } from "../../services/update-requests.js";
import { workersHealth } from "../../services/worker-health.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const isoTime = z.string().describe("UTC timestamp, ISO-8601");

export const DeadlineSchema = z.object({
  id: z.string(),
  kind: z.enum(DEADLINE_KINDS),
  contactId: z.string(),
  contactName: z.string(),
  workerId: z.string().nullable(),
  workerName: z.string().nullable(),
  dueAt: isoTime,
  /** 0 not yet acted on, 1 the worker reminded, 2 the dispatchers told. */
  level: z
    .number()
    .int()
    .describe("0: not acted on yet; 1: the worker was reminded; 2: the dispatchers were told"),
  note: z.string().nullable().describe("for an update request: what was asked"),
  requestedBy: z.string().nullable(),
  requesterName: z.string().nullable(),
  createdAt: isoTime,
  overdue: z.boolean(),
  hoursLate: z.number().int(),
  bucket: z.enum(LATENESS_BUCKETS),
});

const DeadlineQuery = z.object({
  workerId: z.string().max(64).optional(),
  contactId: z.string().max(64).optional(),
  kind: z.enum(DEADLINE_KINDS).optional(),
  overdue: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("only those past due"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** Items fetched for the board (most overdue first), and shown per worker. */
const BOARD_ITEMS = 2000;
const ITEMS_PER_WORKER = 50;

const BOARD_BUCKETS = LATENESS_BUCKETS.filter((b): b is Exclude<LatenessBucket, "due"> => b !== "due");

const BoardSchema = z.object({
  generatedAt: isoTime,
  buckets: z.array(z.enum(LATENESS_BUCKETS)),
  total: z.number().int(),
  workers: z.array(
    z.object({
      workerId: z.string().nullable(),
      workerName: z.string().nullable(),
      total: z.number().int(),
      counts: z.record(z.string(), z.number().int()).describe("overdue deadlines per lateness bucket"),
      items: z.array(DeadlineSchema).describe("the most overdue first, at most 50"),
    }),
  ),
});

const HealthSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  load: z.number().int(),
  capacity: z.number().int(),
  overloaded: z.boolean(),
  starved: z.boolean(),
  signals: z.array(z.enum(["over_capacity", "slow_answers", "overdue_pileup", "idle_capacity"])),
  medianAnswerHours: z.number().nullable(),
  overdue: z.number().int(),
  daysWithoutOffer: z.number().int(),
});

const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Rows of the open deadlines as the API shows them, judged late against `now`. */
function toDeadline(row: Awaited<ReturnType<typeof listOpenDeadlines>>[number], now: string) {
  return {
    id: row.id,
    kind: row.kind as (typeof DEADLINE_KINDS)[number],
    contactId: row.contact_id,
    contactName: row.contact_name,
    workerId: row.worker_id,
    workerName: row.worker_name,
    dueAt: row.due_at,
    level: row.level,
    note: row.note,
    requestedBy: row.requested_by,
    requesterName: row.requester_name,
    createdAt: row.created_at,
    overdue: row.due_at < now,
    hoursLate: hoursLate(row.due_at, now),
    bucket: latenessBucket(row.due_at, now),
  };
}

export function accountabilityRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["accountability"];

  r.get(
    "/api/v1/deadlines",
    {
      schema: {
        tags,
        summary: "Open deadlines, soonest first: a worker sees their own, dispatchers everyone's",
        querystring: DeadlineQuery,
        response: { 200: z.object({ items: z.array(DeadlineSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const q = request.query;
      let workerId = q.workerId;
      if (!canDispatch(caller)) {
        if (caller.role !== "worker" || !caller.workerId) {
          return sendFailure(reply, {
            code: "forbidden",
            message: `a ${caller.role} has no deadlines to see`,
          });
        }
        workerId = caller.workerId;
      }
      const now = ctx.clock.now().toISOString();
      const rows = await listOpenDeadlines(
        ctx.db.kysely,
        caller.organisationId,
        { workerId, contactId: q.contactId, kind: q.kind, overdueAt: q.overdue ? now : undefined },
        q.limit,
      );
      return { items: rows.map((row) => toDeadline(row, now)) };
    },
  );

  r.get(
    "/api/v1/deadlines/board",
    {
      schema: {
        tags,
        summary: "The overdue board: every overdue deadline, grouped by worker and by how late",
        response: { 200: BoardSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canDispatch(caller)) {
        return sendFailure(reply, {
          code: "forbidden",
          message: `a ${caller.role} does not see the overdue board`,
        });
      }
      const now = ctx.clock.now().toISOString();
      const counts = await overdueCounts(ctx.db.kysely, caller.organisationId, now);
      // The items: the most overdue first, enough to show each worker's worst; the counts are exact.
      const rows = await listOpenDeadlines(
        ctx.db.kysely,
        caller.organisationId,
        { overdueAt: now },
        BOARD_ITEMS,
      );
      const items = new Map<string, ReturnType<typeof toDeadline>[]>();
      for (const row of rows) {
        const key = row.worker_id ?? "";
        const list = items.get(key) ?? [];
        if (list.length === 0) items.set(key, list);
        if (list.length < ITEMS_PER_WORKER) list.push(toDeadline(row, now));
      }
      const workers = counts
        .map((c) => ({
          workerId: c.worker_id,
          workerName: c.worker_name ?? null,
          total: Number(c.total),
          oldest: String(c.oldest),
          counts: {
            under_1d: Number(c.under_1d),
            "1_3d": Number(c.d1_3),
            "3_7d": Number(c.d3_7),
            over_7d: Number(c.over_7d),
          },
          items: items.get(c.worker_id ?? "") ?? [],
        }))
        .sort((a, b) => b.total - a.total || a.oldest.localeCompare(b.oldest))
        .map(({ oldest: _oldest, ...worker }) => worker);
      const total = workers.reduce((sum, w) => sum + w.total, 0);
      return { generatedAt: now, buckets: [...BOARD_BUCKETS], total, workers };
    },
  );

  r.post(
    "/api/v1/contacts/:id/update-requests",
    {
      schema: {
        tags,
        summary: "Ask the worker holding the contact for an update",
        description:
          "The worker is told; the request is due in the organisation's updateRequestHours unless dueHours says otherwise, and is reminded and escalated like any deadline.",
        params: IdParams,
        body: z
          .object({
            note: z.string().trim().min(1).max(2000).optional().describe("what you would like to know"),
            dueHours: z
              .number()
              .min(0.25)
              .max(24 * 30)
              .optional(),
          })
          .strict(),
        response: {
          201: z.object({
            id: z.string(),
            contactId: z.string(),
            workerId: z.string(),
            dueAt: isoTime,
            note: z.string().nullable(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      sendResult(reply, await requestUpdate(ctx, callerOf(request), request.params.id, request.body), 201),
  );

  r.post(
    "/api/v1/contacts/:id/update-answer",
    {
      schema: {
        tags,
        summary: "Answer the open update requests on a contact (or the one named), as its worker",
        params: IdParams,
        body: z
          .object({
            answer: z.string().trim().min(1).max(10_000),
            requestId: z.string().min(1).max(64).optional().describe("answer only this request"),
          })
          .strict(),
        response: {
          200: z.object({ answered: z.array(z.string()), answeredAt: isoTime }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      sendResult(reply, await answerUpdate(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.get(
    "/api/v1/workers/health",
    {
      schema: {
        tags,
        summary:
          "Every worker's health: overloaded (over capacity, slow answers, overdue pile-up) or starved",
        response: { 200: z.object({ items: z.array(HealthSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await workersHealth(ctx, callerOf(request));
      if (!result.ok) return sendFailure(reply, result.error);
      return { items: result.value };
    },
  );
}
