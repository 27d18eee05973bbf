/** The setter's side of appointment setting: call scripts, the objection library, call outcomes and callbacks. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import {
  CALL_OUTCOMES,
  CallbackRequestSchema,
  campaignOfKey,
  DEFAULT_SCRIPT_KEY,
  line,
  NO_NUL,
  ObjectionInputSchema,
  ScriptInputSchema,
  ScriptStepSchema,
} from "../../core/appointments/scripts.js";
import { ContactSchema } from "../../core/model.js";
import { completeCallback, listCallbacks } from "../../services/callbacks.js";
import { recordCall } from "../../services/calls.js";
import {
  contactScript,
  createObjection,
  deleteObjection,
  deleteScript,
  editObjection,
  listObjections,
  listScripts,
  saveScript,
} from "../../services/scripts.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const isoTime = z.string().describe("UTC timestamp, ISO-8601");
const id = z.string().min(1).max(64).refine(NO_NUL.check, NO_NUL.message);
const IdParams = z.object({ id });
const CampaignParams = z.object({
  campaign: line(100).describe(
    `the campaign as contacts carry it; ${DEFAULT_SCRIPT_KEY} for the organisation's default script`,
  ),
});
const Answers = z
  .record(id, z.string().trim().max(2000).refine(NO_NUL.check, NO_NUL.message))
  .describe("question id → answer; an empty answer clears a saved one");

const ScriptSchema = z.object({
  campaign: z.string().describe('the campaign it is for; "" for the default script'),
  name: z.string(),
  steps: z.array(ScriptStepSchema),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const ObjectionSchema = z.object({
  id: z.string(),
  objection: z.string(),
  answers: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const CallbackSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  contactName: z.string(),
  setterId: z.string().nullable(),
  setterName: z.string().nullable(),
  dueAt: isoTime,
  localTime: z.string().describe("the time as agreed, YYYY-MM-DDTHH:MM in timeZone"),
  timeZone: z.string(),
  note: z.string().nullable(),
  overdue: z.boolean(),
  remindedAt: isoTime.nullable(),
  doneAt: isoTime.nullable(),
  createdAt: isoTime,
});

const CallBody = z
  .object({
    outcome: z.enum(CALL_OUTCOMES),
    answers: Answers.optional(),
    note: line(10_000).optional().describe("what was said, for the timeline"),
    reason: line(100)
      .optional()
      .describe("required when disqualified: one of the organisation's nurture reasons"),
    callback: CallbackRequestSchema.optional().describe("required for not_now, optional for no_answer"),
  })
  .strict();

const CallbackQuery = z.object({
  setterId: id.optional().describe("one setter's queue (dispatchers and admins)"),
  all: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("everyone's open callbacks (dispatchers and admins)"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function callRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["appointment setting"];

  r.get(
    "/api/v1/scripts",
    {
      schema: {
        tags,
        summary: 'The organisation\'s call scripts: the default (campaign "") and one per campaign',
        response: { 200: z.object({ items: z.array(ScriptSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await listScripts(ctx, callerOf(request));
      if (!result.ok) return sendFailure(reply, result.error);
      return { items: result.value };
    },
  );

  r.put(
    "/api/v1/scripts/:campaign",
    {
      schema: {
        tags,
        summary: `Create or replace a campaign's script (${DEFAULT_SCRIPT_KEY}: the default)`,
        params: CampaignParams,
        body: ScriptInputSchema,
        response: { 200: ScriptSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await saveScript(ctx, callerOf(request), campaignOfKey(request.params.campaign), request.body),
      ),
  );

  r.delete(
    "/api/v1/scripts/:campaign",
    {
      schema: {
        tags,
        summary: `Delete a campaign's script (${DEFAULT_SCRIPT_KEY}: the default)`,
        params: CampaignParams,
        response: { 204: z.null().describe("deleted"), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await deleteScript(ctx, callerOf(request), campaignOfKey(request.params.campaign)),
        204,
      ),
  );

  r.get(
    "/api/v1/contacts/:id/script",
    {
      schema: {
        tags,
        summary: "The script to call this contact with, and the answers already saved on them",
        description: "The script of the contact's campaign, else the default; null when there is neither.",
        params: IdParams,
        response: {
          200: z.object({
            contactId: z.string(),
            campaign: z.string().nullable(),
            script: ScriptSchema.nullable(),
            answers: z.record(z.string(), z.string()),
            callAttempts: z.number().int(),
            timeZone: z.string().nullable().describe("the person's IANA time zone, when known"),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      sendResult(reply, await contactScript(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/contacts/:id/calls",
    {
      schema: {
        tags,
        summary: "Record a call and its outcome",
        description:
          "In one step: the call on the timeline, the answers saved, the attempt counted, then by outcome: qualified → ready; not_now → qualifying (from new) with a callback; disqualified → nurture with a reason (raising contact.disqualified); no_answer → only the attempt (and a callback when given). 409 when the contact is not being qualified (new, qualifying, ready, nurture). A callback's local time that the clocks skip is refused (400, callback.at); one that comes twice is taken the first time.",
        params: IdParams,
        body: CallBody,
        response: {
          201: z.object({
            activityId: z.string(),
            contact: ContactSchema,
            answers: z.record(z.string(), z.string()),
            callAttempts: z.number().int(),
            callback: CallbackSchema.nullable(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      sendResult(reply, await recordCall(ctx, callerOf(request), request.params.id, request.body), 201),
  );

  r.get(
    "/api/v1/callbacks",
    {
      schema: {
        tags,
        summary: "Open callbacks, soonest first: the caller's own, or (dispatchers) a setter's or everyone's",
        querystring: CallbackQuery,
        response: { 200: z.object({ items: z.array(CallbackSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await listCallbacks(ctx, callerOf(request), request.query);
      if (!result.ok) return sendFailure(reply, result.error);
      return { items: result.value };
    },
  );

  r.post(
    "/api/v1/callbacks/:id/done",
    {
      schema: {
        tags,
        summary: "Mark a callback done",
        params: IdParams,
        response: { 200: CallbackSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await completeCallback(ctx, callerOf(request), request.params.id)),
  );

  r.get(
    "/api/v1/objections",
    {
      schema: {
        tags,
        summary: "The objection library, or the entries matching every word of q (case and accents ignored)",
        querystring: z.object({
          q: z
            .string()
            .trim()
            .max(200)
            .refine(NO_NUL.check, NO_NUL.message)
            .optional()
            .describe("words found in the objection or its answers"),
          limit: z.coerce.number().int().min(1).max(500).default(200),
        }),
        response: { 200: z.object({ items: z.array(ObjectionSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await listObjections(ctx, callerOf(request), request.query);
      if (!result.ok) return sendFailure(reply, result.error);
      return { items: result.value };
    },
  );

  r.post(
    "/api/v1/objections",
    {
      schema: {
        tags,
        summary: "Add an objection with its prepared answers",
        body: ObjectionInputSchema,
        response: { 201: ObjectionSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await createObjection(ctx, callerOf(request), request.body), 201),
  );

  r.patch(
    "/api/v1/objections/:id",
    {
      schema: {
        tags,
        summary: "Change an objection or its answers",
        params: IdParams,
        body: ObjectionInputSchema.partial(),
        response: { 200: ObjectionSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await editObjection(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.delete(
    "/api/v1/objections/:id",
    {
      schema: {
        tags,
        summary: "Remove an objection from the library",
        params: IdParams,
        response: { 204: z.null().describe("deleted"), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await deleteObjection(ctx, callerOf(request), request.params.id), 204),
  );
}
