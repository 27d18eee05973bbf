/** The inbox: each person's notifications, unread counts, and their choices of what is e-mailed when. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  NotificationPreferencesSchema,
} from "../../core/notifications/preferences.js";
import { findPreferencesRow, listInbox, markRead, unreadCount } from "../../db/notifications.js";
import { preferencesOf } from "../../services/notify.js";
import { audit } from "../../services/record.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";

const NotificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  contactId: z.string().nullable(),
  contactName: z.string().nullable().describe("null when about no contact, or the contact was erased"),
  deadlineId: z.string().nullable(),
  urgent: z.boolean(),
  data: z
    .record(z.string(), z.unknown())
    .describe("what the notification says: due time, names, reason, note"),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

const SettingsSchema = z.object({
  preferences: NotificationPreferencesSchema,
  emailEnabled: z.boolean().describe("whether this server sends e-mail at all (an SMTP server is set)"),
  timeZone: z.string().describe("the person's own time zone, in which digest times and quiet hours are read"),
});

export function notificationRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["notifications"];

  r.get(
    "/api/v1/notifications",
    {
      schema: {
        tags,
        summary: "The caller's inbox, newest first",
        querystring: z.object({
          unread: z
            .enum(["true", "false"])
            .transform((v) => v === "true")
            .optional(),
          before: z
            .string()
            .max(64)
            .optional()
            .describe("the id of the last notification of the previous page"),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(NotificationSchema),
            unread: z.number().int(),
            nextBefore: z.string().nullable(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = request.query;
      const rows = await listInbox(ctx.db.kysely, caller.userId, {
        unreadOnly: q.unread ?? false,
        before: q.before,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map((row) => ({
          id: row.id,
          kind: row.kind as NotificationKind,
          contactId: row.contact_erased_at ? null : row.contact_id,
          contactName: row.contact_erased_at ? null : (row.contact_name ?? null),
          deadlineId: row.deadline_id,
          urgent: row.urgent === 1,
          data: JSON.parse(row.data) as Record<string, unknown>,
          createdAt: row.created_at,
          readAt: row.read_at,
        })),
        unread: await unreadCount(ctx.db.kysely, caller.userId),
        nextBefore: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  r.get(
    "/api/v1/notifications/unread-count",
    {
      schema: {
        tags,
        summary: "How many of the caller's notifications are unread",
        response: { 200: z.object({ unread: z.number().int() }), ...problemResponses },
      },
    },
    async (request) => ({ unread: await unreadCount(ctx.db.kysely, callerOf(request).userId) }),
  );

  r.post(
    "/api/v1/notifications/read",
    {
      schema: {
        tags,
        summary: "Mark the caller's notifications read: those listed, or all",
        body: z
          .object({ ids: z.array(z.string().min(1).max(64)).max(500).optional().describe("none: all") })
          .strict(),
        response: {
          200: z.object({ marked: z.number().int(), unread: z.number().int() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const marked = await markRead(
        ctx.db.kysely,
        caller.userId,
        ctx.clock.now().toISOString(),
        request.body.ids ?? null,
      );
      return { marked, unread: await unreadCount(ctx.db.kysely, caller.userId) };
    },
  );

  r.get(
    "/api/v1/me/notification-settings",
    {
      schema: {
        tags,
        summary: "What the caller is e-mailed, and when",
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request) => settingsOf(ctx, callerOf(request).userId),
  );

  r.put(
    "/api/v1/me/notification-settings",
    {
      schema: {
        tags,
        summary: "Choose per kind: e-mail immediately, in a digest, or not at all; digest times; quiet hours",
        body: NotificationPreferencesSchema.strict(),
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!caller.userId)
        return sendFailure(reply, { code: "forbidden", message: "only people have settings" });
      const now = ctx.clock.now().toISOString();
      const preferences = JSON.stringify(request.body);
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const before = await findPreferencesRow(trx, caller.userId);
        await trx
          .insertInto("notification_settings")
          .values({
            user_id: caller.userId,
            organisation_id: caller.organisationId,
            preferences,
            last_digest_at: null,
            updated_at: now,
          })
          .onConflict((oc) => oc.column("user_id").doUpdateSet({ preferences, updated_at: now }))
          .execute();
        await audit(trx, ctx, caller, {
          action: "user.notification_settings",
          entity: "user",
          entityId: caller.userId,
          before: before ? JSON.parse(before.preferences) : null,
          after: request.body,
        });
      });
      return settingsOf(ctx, caller.userId);
    },
  );
}

async function settingsOf(ctx: Context, userId: string) {
  const row = await findPreferencesRow(ctx.db.kysely, userId);
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select("time_zone")
    .where("id", "=", userId)
    .executeTakeFirst();
  return {
    preferences: preferencesOf(row?.preferences),
    emailEnabled: ctx.mailer !== null,
    timeZone: user?.time_zone ?? "UTC",
  };
}
