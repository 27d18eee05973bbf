/** /api/v1/contacts: list, create, read, edit, status and progress changes, and the timeline. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { canChangeStatus, contactScope } from "../../core/access/roles.js";
import { allowedProgress } from "../../core/lifecycle/progress.js";
import { allowedStatuses } from "../../core/lifecycle/states.js";
import {
  ACTIVITY_KINDS,
  ActivitySchema,
  type Contact,
  ContactCreateSchema,
  ContactDetailSchema,
  ContactExportSchema,
  ContactPatchSchema,
  ContactSchema,
  StatusSchema,
} from "../../core/model.js";
import { listActivities } from "../../db/activities.js";
import { CONTACT_SORTS, type ContactSort, listContacts, sortValue, toContact } from "../../db/contacts.js";
import { loadSettings } from "../../db/organisations.js";
import { advanceContactProgress } from "../../services/advance-contact-progress.js";
import { changeContactStatus } from "../../services/change-contact-status.js";
import { createContact } from "../../services/create-contact.js";
import { exportContactsCsv } from "../../services/export-contacts.js";
import { readContact } from "../../services/load-contact.js";
import { logActivity } from "../../services/log-activity.js";
import { eraseContact, exportContact } from "../../services/personal-data.js";
import type { Caller } from "../../services/record.js";
import { editContact } from "../../services/update-contact.js";
import { callerOf } from "../auth.js";
import { cursorParam, decodeCursor, encodeCursor, limitParam, pageOf } from "../pagination.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });
const EraseBody = z
  .object({
    reason: z.string().trim().min(1).max(300).describe("why, for the audit log: a request, a complaint"),
  })
  .strict();

const ListQuery = z.object({
  status: z
    .string()
    .max(300)
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(StatusSchema))
    .optional()
    .describe("comma-separated statuses"),
  workerId: z.string().max(64).optional(),
  unassigned: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  place: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("city, region or postal-code prefix, or a country code"),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2}$/, "an ISO 639-1 code")
    .optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("words found in the name, phones, e-mails or place"),
  source: z.string().max(100).optional(),
  campaign: z.string().max(100).optional(),
  sort: z.enum(Object.keys(CONTACT_SORTS) as [ContactSort, ...ContactSort[]]).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: limitParam,
  cursor: cursorParam,
});

const StatusBody = z
  .object({
    to: z.string().min(1).max(40).describe("the status to move to"),
    reason: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("required for paused, nurture, unassignable and closed"),
    workerId: z.string().min(1).max(64).optional().describe("required for offered"),
    note: z.string().max(2000).optional(),
  })
  .strict();

const ProgressBody = z
  .object({ to: z.string().min(1).max(40), note: z.string().max(2000).optional() })
  .strict();

const ActivityBody = z
  .object({
    kind: z.enum(ACTIVITY_KINDS).extract(["comment", "call", "meeting"]),
    body: z.string().trim().min(1).max(10000),
  })
  .strict();

const ActivityQuery = z.object({ limit: limitParam, before: z.string().max(64).optional() });

/** A contact with the moves this caller may make next. */
export async function contactDetail(ctx: Context, caller: Caller, contact: Contact) {
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return {
    ...contact,
    allowedStatuses: allowedStatuses(contact).filter((to) => canChangeStatus(caller, contact.status, to)),
    allowedProgress: caller.role === "marketer" ? [] : allowedProgress(organisation.kind, contact.progress),
  };
}

export function contactRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["contacts"];

  r.get(
    "/api/v1/contacts",
    {
      config: { apiKeyScope: "contacts:read" },
      schema: {
        tags,
        summary: "List contacts the caller may see",
        querystring: ListQuery,
        response: { 200: pageOf(ContactSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const scope = contactScope(caller);
      if (scope.kind === "none")
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} cannot see contacts` });
      const q = request.query;
      const after = q.cursor ? (decodeCursor(q.cursor) ?? undefined) : undefined;
      const rows = await listContacts(ctx.db.kysely, caller.organisationId, scope, q, {
        sort: q.sort,
        order: q.order,
        limit: q.limit + 1,
        after,
      });
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map(toContact),
        nextCursor: more && last ? encodeCursor(sortValue(last, q.sort), last.id) : null,
      };
    },
  );

  r.post(
    "/api/v1/contacts",
    {
      config: { apiKeyScope: "intake" },
      schema: {
        tags,
        summary: "Create a contact",
        body: ContactCreateSchema,
        response: { 201: ContactSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await createContact(ctx, callerOf(request), request.body), 201),
  );

  r.get(
    "/api/v1/contacts/:id",
    {
      config: { apiKeyScope: "contacts:read" },
      schema: {
        tags,
        summary: "Read one contact, with the moves allowed next",
        params: IdParams,
        response: { 200: ContactDetailSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const result = await readContact(ctx.db.kysely, caller, request.params.id);
      if (!result.ok) return sendFailure(reply, result.error);
      return contactDetail(ctx, caller, result.value);
    },
  );

  r.patch(
    "/api/v1/contacts/:id",
    {
      schema: {
        tags,
        summary: "Edit a contact's fields",
        params: IdParams,
        body: ContactPatchSchema,
        response: { 200: ContactSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await editContact(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.post(
    "/api/v1/contacts/:id/status",
    {
      schema: {
        tags,
        summary: "Move a contact to another status",
        description:
          "Refused with 409 naming the current status and the allowed next ones when the move is not allowed.",
        params: IdParams,
        body: StatusBody,
        response: { 200: ContactDetailSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const result = await changeContactStatus(ctx, caller, request.params.id, request.body);
      if (!result.ok) return sendFailure(reply, result.error);
      return contactDetail(ctx, caller, result.value);
    },
  );

  r.post(
    "/api/v1/contacts/:id/progress",
    {
      schema: {
        tags,
        summary: "Move a contact forward on the progress path",
        params: IdParams,
        body: ProgressBody,
        response: { 200: ContactDetailSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const result = await advanceContactProgress(ctx, caller, request.params.id, request.body);
      if (!result.ok) return sendFailure(reply, result.error);
      return contactDetail(ctx, caller, result.value);
    },
  );

  r.get(
    "/api/v1/contacts/:id/activities",
    {
      schema: {
        tags,
        summary: "The contact's timeline, newest first",
        params: IdParams,
        querystring: ActivityQuery,
        response: { 200: pageOf(ActivitySchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const found = await readContact(ctx.db.kysely, caller, request.params.id);
      if (!found.ok) return sendFailure(reply, found.error);
      const { limit, before } = request.query;
      const items = await listActivities(ctx.db.kysely, caller.organisationId, request.params.id, {
        limit: limit + 1,
        before,
      });
      const more = items.length > limit;
      const page = more ? items.slice(0, limit) : items;
      return { items: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
    },
  );

  r.post(
    "/api/v1/contacts/:id/activities",
    {
      schema: {
        tags,
        summary: "Add a comment, call or meeting to the timeline",
        params: IdParams,
        body: ActivityBody,
        response: { 201: ActivitySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await logActivity(ctx, callerOf(request), request.params.id, request.body), 201),
  );

  r.get(
    "/api/v1/contacts/export",
    {
      config: { apiKeyScope: "contacts:read" },
      schema: {
        tags,
        summary: "The contacts the caller may see, as CSV (the list's filters; every page)",
        description:
          "Columns are named like the intake's fields (name, phone, email, language, placeName …), so an export imports back; lists are ;-separated. Each export is written to the audit log with its filter and count.",
        querystring: ListQuery.omit({ sort: true, order: true, limit: true, cursor: true }),
        produces: ["text/csv"],
        response: { 200: z.string().describe("text/csv; charset=utf-8"), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await exportContactsCsv(ctx, callerOf(request), request.query);
      if (!result.ok) return sendFailure(reply, result.error);
      const day = ctx.clock.now().toISOString().slice(0, 10);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="contacts-${day}.csv"`)
        .serializer((payload: unknown) => String(payload))
        .send(result.value.csv);
    },
  );

  r.get(
    "/api/v1/contacts/:id/export",
    {
      schema: {
        tags,
        summary: "Everything stored about one contact, for a data-subject access request (admins)",
        params: IdParams,
        response: { 200: ContactExportSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await exportContact(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/contacts/:id/erase",
    {
      schema: {
        tags,
        summary: "Erase a contact's personal data, keeping only what anonymous counts need (admins)",
        description:
          "Names, phones, e-mails, address, coordinates, timeline text, dispatch traces and the before/after of audit entries about the contact are removed; status, languages, gender, region, country, source, campaign and dates stay.",
        params: IdParams,
        body: EraseBody,
        response: { 200: ContactSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await eraseContact(ctx, callerOf(request), request.params.id, request.body.reason)),
  );
}
