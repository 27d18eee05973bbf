/** /api/v1/workers: the field team, with each worker's load against capacity. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { canListWorkers, canManageWorkers, canSeeWorker } from "../../core/access/roles.js";
import { WORKER_STATUSES, WorkerCreateSchema, WorkerPatchSchema, WorkerSchema } from "../../core/model.js";
import { findWorker, listWorkers, toWorker } from "../../db/workers.js";
import { refreshTrust, workerTrackRecord } from "../../services/refresh-trust.js";
import { createWorker, editWorker } from "../../services/save-worker.js";
import { callerOf } from "../auth.js";
import { cursorParam, decodeCursor, encodeCursor, limitParam, pageOf } from "../pagination.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });

const part = z.number().min(0).max(1);
const TrackRecordResponse = z.object({
  history: z.object({
    accepted: z.number().int(),
    declined: z.number().int(),
    expired: z.number().int(),
    reachedInTime: z.number().int(),
    met: z.number().int(),
    updatesOnTime: z.number().int(),
    updatesDue: z.number().int(),
  }),
  record: z.object({ acceptance: part, speed: part, meetings: part, updates: part, trust: part }),
});

const ListQuery = z.object({
  status: z.enum(WORKER_STATUSES).optional(),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2}$/, "an ISO 639-1 code")
    .optional(),
  q: z.string().trim().min(1).max(200).optional(),
  team: z.string().trim().min(1).max(100).optional().describe("only the workers of this team"),
  limit: limitParam,
  cursor: cursorParam,
});

export function workerRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["workers"];

  r.get(
    "/api/v1/workers",
    {
      schema: {
        tags,
        summary: "List workers by name; a worker sees only their own record",
        querystring: ListQuery,
        response: { 200: pageOf(WorkerSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canListWorkers(caller)) {
        if (caller.role !== "worker")
          return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} cannot see workers` });
        const own = caller.workerId
          ? await findWorker(ctx.db.kysely, caller.organisationId, caller.workerId)
          : undefined;
        return { items: own ? [toWorker(own)] : [], nextCursor: null };
      }
      const q = request.query;
      const cursor = q.cursor ? decodeCursor(q.cursor) : null;
      const rows = await listWorkers(ctx.db.kysely, caller.organisationId, q, {
        limit: q.limit + 1,
        after: cursor ? { name: cursor.value, id: cursor.id } : undefined,
      });
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map(toWorker),
        nextCursor: more && last ? encodeCursor(last.name, last.id) : null,
      };
    },
  );

  r.post(
    "/api/v1/workers",
    {
      schema: {
        tags,
        summary: "Add a worker",
        body: WorkerCreateSchema,
        response: { 201: WorkerSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await createWorker(ctx, callerOf(request), request.body), 201),
  );

  r.get(
    "/api/v1/workers/:id",
    {
      schema: {
        tags,
        summary: "Read one worker",
        params: IdParams,
        response: { 200: WorkerSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.role === "marketer")
        return sendFailure(reply, { code: "forbidden", message: "a marketer cannot see workers" });
      const row = canSeeWorker(caller, request.params.id)
        ? await findWorker(ctx.db.kysely, caller.organisationId, request.params.id)
        : undefined;
      if (!row) return sendFailure(reply, { code: "not_found", message: `no worker ${request.params.id}` });
      return toWorker(row);
    },
  );

  r.get(
    "/api/v1/workers/:id/track-record",
    {
      schema: {
        tags,
        summary: "The worker's track record: the history their trust is computed from, part by part",
        params: IdParams,
        response: { 200: TrackRecordResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const id = request.params.id;
      if (!canManageWorkers(caller) && caller.workerId !== id) {
        return sendFailure(reply, {
          code: caller.role === "worker" ? "not_found" : "forbidden",
          message: `cannot see worker ${id}`,
        });
      }
      const row = await findWorker(ctx.db.kysely, caller.organisationId, id);
      if (!row) return sendFailure(reply, { code: "not_found", message: `no worker ${id}` });
      return workerTrackRecord(ctx, caller.organisationId, id);
    },
  );

  r.post(
    "/api/v1/workers/track-record/refresh",
    {
      schema: {
        tags,
        summary: "Recompute every worker's trust from their history now (the sweeper does it daily)",
        response: { 200: z.object({ changed: z.number().int() }), ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await refreshTrust(ctx, callerOf(request))),
  );

  r.patch(
    "/api/v1/workers/:id",
    {
      schema: {
        tags,
        summary: "Edit a worker",
        params: IdParams,
        body: WorkerPatchSchema,
        response: { 200: WorkerSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await editWorker(ctx, callerOf(request), request.params.id, request.body)),
  );
}
