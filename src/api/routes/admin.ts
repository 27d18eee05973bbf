/** /api/v1/users, /api/v1/organisation and /api/v1/audit: what admins manage. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { canManageUsers, canReadAudit } from "../../core/access/roles.js";
import {
  AuditEntrySchema,
  OrganisationPatchSchema,
  OrganisationSchema,
  UserCreateSchema,
  UserPatchSchema,
  UserSchema,
} from "../../core/model.js";
import { listAudit, toAuditEntry } from "../../db/audit.js";
import { loadSettings } from "../../db/organisations.js";
import { findUser, listUsers, toUser } from "../../db/users.js";
import { editOrganisation } from "../../services/save-organisation.js";
import { createUser, editUser } from "../../services/save-user.js";
import { callerOf } from "../auth.js";
import { limitParam, pageOf } from "../pagination.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });

const AuditQuery = z.object({
  entity: z.string().max(40).optional(),
  entityId: z.string().max(64).optional(),
  actorUserId: z.string().max(64).optional(),
  action: z.string().max(60).optional(),
  from: z.iso.datetime().optional().describe("entries at or after this instant"),
  to: z.iso.datetime().optional().describe("entries before this instant"),
  limit: limitParam,
  before: z.string().max(64).optional().describe("the id of the oldest entry already seen"),
});

export function adminRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/users",
    {
      schema: {
        tags: ["users"],
        summary: "List the organisation's users",
        response: { 200: z.array(UserSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canManageUsers(caller))
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} cannot manage users` });
      return (await listUsers(ctx.db.kysely, caller.organisationId)).map(toUser);
    },
  );

  r.post(
    "/api/v1/users",
    {
      schema: {
        tags: ["users"],
        summary: "Add a user",
        body: UserCreateSchema,
        response: { 201: UserSchema, ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await createUser(ctx, callerOf(request), request.body), 201),
  );

  r.get(
    "/api/v1/users/:id",
    {
      schema: {
        tags: ["users"],
        summary: "Read a user (admins, or the user themself)",
        params: IdParams,
        response: { 200: UserSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canManageUsers(caller) && caller.userId !== request.params.id) {
        return sendFailure(reply, { code: "forbidden", message: `a ${caller.role} cannot manage users` });
      }
      const row = await findUser(ctx.db.kysely, caller.organisationId, request.params.id);
      if (!row) return sendFailure(reply, { code: "not_found", message: `no user ${request.params.id}` });
      return toUser(row);
    },
  );

  r.patch(
    "/api/v1/users/:id",
    {
      schema: {
        tags: ["users"],
        summary: "Edit a user; a new password ends their sessions",
        params: IdParams,
        body: UserPatchSchema,
        response: { 200: UserSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await editUser(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.get(
    "/api/v1/organisation",
    {
      schema: {
        tags: ["organisation"],
        summary: "The caller's organisation: settings and vocabulary",
        response: { 200: OrganisationSchema, ...problemResponses },
      },
    },
    async (request) => loadSettings(ctx.db.kysely, callerOf(request).organisationId),
  );

  r.patch(
    "/api/v1/organisation",
    {
      schema: {
        tags: ["organisation"],
        summary: "Edit settings, reason lists and vocabulary",
        body: OrganisationPatchSchema,
        response: { 200: OrganisationSchema, ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await editOrganisation(ctx, callerOf(request), request.body)),
  );

  r.get(
    "/api/v1/audit",
    {
      schema: {
        tags: ["audit"],
        summary: "The audit log, newest first",
        querystring: AuditQuery,
        response: { 200: pageOf(AuditEntrySchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!canReadAudit(caller))
        return sendFailure(reply, {
          code: "forbidden",
          message: `a ${caller.role} cannot read the audit log`,
        });
      const { limit, before, ...filter } = request.query;
      const rows = await listAudit(ctx.db.kysely, caller.organisationId, filter, {
        limit: limit + 1,
        before,
      });
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return {
        items: page.map(toAuditEntry),
        nextCursor: more ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
}
