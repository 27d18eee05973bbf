/** Duplicates: the review queue of likely pairs, merges and their undoing, and a whole-database scan. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { canMergeContacts } from "../../core/access/roles.js";
import { MERGE_FIELDS } from "../../core/contacts/merge.js";
import { ContactSchema } from "../../core/model.js";
import { recentMerges } from "../../db/duplicates.js";
import type { MergeRow } from "../../db/schema.js";
import { mergeContactPair, undoMerge } from "../../services/merge-contacts.js";
import { listDuplicatePairs, markDistinct, scanDuplicates } from "../../services/review-duplicates.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const isoTime = z.string().describe("UTC timestamp, ISO-8601");
const IdParams = z.object({ id: z.string().min(1).max(64) });

const PairFields = {
  id: z.string(),
  score: z.number().describe("certainty in [0, 1] that the two are the same person"),
  fields: z
    .array(z.string())
    .describe('what agreed or told them apart: "phone", "email", "name", "household", …'),
  status: z.enum(["open", "merged", "distinct"]),
  foundAt: isoTime,
  foundBy: z.string().describe("intake, import, scan or manual"),
};

export const DuplicatePairSchema = z.object({ ...PairFields, a: ContactSchema, b: ContactSchema });

export const MergeSchema = z.object({
  id: z.string(),
  survivorId: z.string(),
  mergedId: z.string(),
  survivorName: z.string().describe("the survivor's name as the merge left it"),
  mergedName: z.string().describe("the merged record's name before the merge"),
  automatic: z.boolean().describe("merged on arrival, above the organisation's certainty"),
  createdAt: isoTime,
  createdBy: z.string(),
  undoneAt: isoTime.nullable(),
  undoneBy: z.string().nullable(),
});

const MergeBody = z
  .object({
    survivorId: z.string().min(1).max(64).describe("the contact that stays"),
    mergedId: z.string().min(1).max(64).describe("the contact folded into it, then closed as a duplicate"),
    choices: z
      .partialRecord(z.enum(MERGE_FIELDS), z.enum(["survivor", "merged"]))
      .default({})
      .describe(
        "per field, whose value survives: name, gender, place, origin (source, campaign), handling (status, worker, progress); phones, e-mails and languages are always united",
      ),
  })
  .strict();

function toMerge(row: MergeRow) {
  const name = (snapshot: string) => {
    const value = (JSON.parse(snapshot) as { display_name?: string }).display_name;
    return value ?? "(erased)";
  };
  return {
    id: row.id,
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    survivorName: name(row.survivor_after),
    mergedName: name(row.merged_before),
    automatic: row.automatic === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    undoneAt: row.undone_at,
    undoneBy: row.undone_by,
  };
}

export function duplicateRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["duplicates"];

  r.get(
    "/api/v1/duplicates",
    {
      schema: {
        tags,
        summary: "Likely duplicates waiting for review, most certain first, both contacts side by side",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({ items: z.array(DuplicatePairSchema), total: z.number().int() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      sendResult(reply, await listDuplicatePairs(ctx, callerOf(request), request.query)),
  );

  r.post(
    "/api/v1/duplicates/:id/distinct",
    {
      schema: {
        tags,
        summary: "Remember that the two contacts of a pair are different people",
        params: IdParams,
        response: { 200: z.object(PairFields), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await markDistinct(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/duplicates/scan",
    {
      schema: {
        tags,
        summary: "Compare every stored contact with every other and queue the likely duplicates",
        response: {
          200: z.object({
            contacts: z.number().int().describe("contacts compared"),
            found: z.number().int().describe("pairs judged the same person"),
            added: z.number().int().describe("of those, pairs new to the queue"),
            filed: z.number().int().describe("contacts filed under match keys for the first time"),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => sendResult(reply, await scanDuplicates(ctx, callerOf(request))),
  );

  r.get(
    "/api/v1/merges",
    {
      schema: {
        tags,
        summary: "Recent merges, newest first, each undoable until undone",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(MergeSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canMergeContacts(caller)) {
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} does not see merges` });
      }
      const rows = await recentMerges(ctx.db.kysely, caller.organisationId, request.query.limit);
      return { items: rows.map(toMerge) };
    },
  );

  r.post(
    "/api/v1/merges",
    {
      schema: {
        tags,
        summary: "Merge two contacts of one person",
        description:
          "The survivor keeps the chosen value of each field, every phone and e-mail of both, and takes the other's timeline, appointments and callbacks; the other is closed as a duplicate. Undo with POST /api/v1/merges/:id/undo.",
        body: MergeBody,
        response: { 201: MergeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await mergeContactPair(ctx, callerOf(request), request.body);
      return result.ok ? reply.code(201).send(toMerge(result.value)) : sendFailure(reply, result.error);
    },
  );

  r.post(
    "/api/v1/merges/:id/undo",
    {
      schema: {
        tags,
        summary: "Undo a merge: both contacts as they were, except fields changed since",
        params: IdParams,
        response: { 200: MergeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await undoMerge(ctx, callerOf(request), request.params.id);
      return result.ok ? reply.send(toMerge(result.value)) : sendFailure(reply, result.error);
    },
  );
}
