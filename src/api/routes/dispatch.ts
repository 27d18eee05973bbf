/** /api/v1/dispatch and the dispatch routes of a contact: suggestions, assignment, decisions, batch runs, gaps. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { contactScope } from "../../core/access/roles.js";
import {
  DecisionSchema,
  DispatchRunSchema,
  GapSchema,
  QueueSchema,
  SuggestionsSchema,
} from "../../core/dispatch/shapes.js";
import type { Suggestions } from "../../core/dispatch/suggest.js";
import { type Contact, ContactDetailSchema } from "../../core/model.js";
import { listContacts, sortValue, toContact } from "../../db/contacts.js";
import { coverageGaps, listDecisions } from "../../db/dispatch.js";
import { loadSettings } from "../../db/organisations.js";
import { applyRun, previewRun, readRun } from "../../services/dispatch-run.js";
import { readContact } from "../../services/load-contact.js";
import { canDispatch, offerContact } from "../../services/offer-contact.js";
import { canSeeSuggestions, suggestForContact, suggestionsFor } from "../../services/suggest-workers.js";
import { callerOf } from "../auth.js";
import { cursorParam, decodeCursor, encodeCursor } from "../pagination.js";
import { problemResponses, sendFailure } from "../problem.js";
import { contactDetail } from "./contacts.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });
const tags = ["dispatch"];

function shape(contact: Contact, s: Suggestions, limit: number) {
  const excludedByRule: Record<string, number> = {};
  for (const e of s.excluded) excludedByRule[e.rule] = (excludedByRule[e.rule] ?? 0) + 1;
  return { contact, ranked: s.ranked.slice(0, limit), excluded: s.excluded.slice(0, 200), excludedByRule };
}

export function dispatchRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/contacts/:id/suggestions",
    {
      schema: {
        tags,
        summary:
          "Every worker ranked for this contact, with the reason for each; excluded workers with the rule",
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(10) }),
        response: { 200: SuggestionsSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await suggestForContact(ctx, callerOf(request), request.params.id);
      if (!result.ok) return sendFailure(reply, result.error);
      return shape(result.value.contact, result.value.suggestions, request.query.limit);
    },
  );

  r.post(
    "/api/v1/contacts/:id/assign",
    {
      schema: {
        tags,
        summary: "Offer the contact to a worker (a new or qualifying contact is made ready first)",
        description:
          "Refused with 409 when the worker is paused, away, full, or declined this contact before. A dispatcher may override distance, language and gender; the decision's trace records it.",
        params: IdParams,
        body: z
          .object({
            workerId: z.string().min(1).max(64),
            note: z.string().max(2000).optional(),
            urgent: z
              .boolean()
              .optional()
              .describe("tell the worker at once by e-mail, even in their quiet hours"),
          })
          .strict(),
        response: { 200: ContactDetailSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const result = await offerContact(ctx, caller, request.params.id, { ...request.body, mode: "manual" });
      if (!result.ok) return sendFailure(reply, result.error);
      return contactDetail(ctx, caller, result.value.contact);
    },
  );

  r.get(
    "/api/v1/contacts/:id/decisions",
    {
      schema: {
        tags,
        summary: "Why this contact went where it went: every dispatch decision with its trace, newest first",
        params: IdParams,
        response: { 200: z.array(DecisionSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canSeeSuggestions(caller))
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} does not dispatch` });
      const found = await readContact(ctx.db.kysely, caller, request.params.id);
      if (!found.ok) return sendFailure(reply, found.error);
      const rows = await listDecisions(ctx.db.kysely, caller.organisationId, request.params.id);
      const names = new Map<string, string>();
      for (const row of rows) {
        if (row.worker_id && !names.has(row.worker_id)) {
          const w = await ctx.db.kysely
            .selectFrom("workers")
            .select("name")
            .where("id", "=", row.worker_id)
            .executeTakeFirst();
          names.set(row.worker_id, w?.name ?? "");
        }
      }
      return rows.map((row) => ({
        id: row.id,
        contactId: row.contact_id,
        workerId: row.worker_id,
        workerName: row.worker_id ? (names.get(row.worker_id) ?? null) : null,
        mode: row.mode,
        outcome: row.outcome,
        trace: JSON.parse(row.trace),
        runId: row.run_id,
        actorUserId: row.actor_user_id,
        createdAt: row.created_at,
      }));
    },
  );

  r.get(
    "/api/v1/dispatch/queue",
    {
      schema: {
        tags,
        summary:
          "Contacts waiting for a worker (new, qualifying, ready), oldest first, each with its top suggestions",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          top: z.coerce.number().int().min(1).max(10).default(3),
          cursor: cursorParam,
        }),
        response: { 200: QueueSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canDispatch(caller))
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} does not dispatch` });
      const { limit, top, cursor } = request.query;
      const rows = await listContacts(
        ctx.db.kysely,
        caller.organisationId,
        contactScope(caller),
        { status: ["new", "qualifying", "ready"] },
        {
          sort: "createdAt",
          order: "asc",
          limit: limit + 1,
          after: cursor ? (decodeCursor(cursor) ?? undefined) : undefined,
        },
      );
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
      const suggested = await suggestionsFor(ctx, {
        db: ctx.db.kysely,
        organisation,
        contacts: page.map(toContact),
      });
      const last = page.at(-1);
      return {
        items: suggested.map((s) => shape(s.contact, s.suggestions, top)),
        nextCursor: more && last ? encodeCursor(sortValue(last, "createdAt"), last.id) : null,
      };
    },
  );

  r.post(
    "/api/v1/dispatch/runs",
    {
      schema: {
        tags,
        summary:
          "Plan the whole backlog (ready and unassignable contacts) exactly, as a preview to read before applying",
        response: { 201: DispatchRunSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await previewRun(ctx, callerOf(request));
      if (!result.ok) return sendFailure(reply, result.error);
      return reply.code(201).send(result.value);
    },
  );

  r.get(
    "/api/v1/dispatch/runs/:id",
    {
      schema: {
        tags,
        summary: "A batch run and its plan",
        params: IdParams,
        response: { 200: DispatchRunSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await readRun(ctx, callerOf(request), request.params.id);
      return result.ok ? result.value : sendFailure(reply, result.error);
    },
  );

  r.post(
    "/api/v1/dispatch/runs/:id/apply",
    {
      schema: {
        tags,
        summary:
          "Apply a previewed plan: offer each planned contact, mark those no one can serve unassignable",
        params: IdParams,
        response: { 200: DispatchRunSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await applyRun(ctx, callerOf(request), request.params.id);
      return result.ok ? result.value : sendFailure(reply, result.error);
    },
  );

  r.get(
    "/api/v1/dispatch/gaps",
    {
      schema: {
        tags,
        summary: "Coverage gaps by place: contacts no worker can serve, and those still waiting",
        response: { 200: z.array(GapSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canDispatch(caller))
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} does not dispatch` });
      return coverageGaps(ctx.db.kysely, caller.organisationId);
    },
  );
}
