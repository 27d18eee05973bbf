/**
 * Tells people what happened, inside the transaction of the change itself: a row in each
 * person's inbox and, by their choice, an e-mail in the outbox now (or when their quiet hours
 * end), a place in their next digest, or nothing.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import type { NotificationData } from "../core/notifications/messages.js";
import {
  channelFor,
  DEFAULT_PREFERENCES,
  emailDueAt,
  type NotificationKind,
  type NotificationPreferences,
  NotificationPreferencesSchema,
} from "../core/notifications/preferences.js";
import { insertNotifications } from "../db/notifications.js";
import type { Database } from "../db/schema.js";

export const EMAIL_KIND = "email";

export interface Notice {
  organisationId: string;
  /** Repeats and empty ids are ignored. */
  userIds: ReadonlyArray<string | null>;
  kind: NotificationKind;
  contactId?: string | null;
  deadlineId?: string | null;
  urgent?: boolean;
  data?: NotificationData;
}

export function preferencesOf(text: string | null | undefined): NotificationPreferences {
  if (!text) return DEFAULT_PREFERENCES;
  const parsed = NotificationPreferencesSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
}

export async function notify(trx: Kysely<Database>, ctx: Context, notice: Notice): Promise<void> {
  const ids = [...new Set(notice.userIds.filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return;
  const users = await trx
    .selectFrom("users")
    .leftJoin("notification_settings", "notification_settings.user_id", "users.id")
    .select(["users.id", "users.time_zone", "notification_settings.preferences"])
    .where("users.organisation_id", "=", notice.organisationId)
    .where("users.id", "in", ids)
    .where("users.disabled", "=", 0)
    .execute();
  const now = ctx.clock.now();
  const urgent = notice.urgent ?? false;
  const rows = [];
  const outbox = [];
  for (const user of users) {
    const preferences = preferencesOf(user.preferences);
    const channel = ctx.mailer ? channelFor(preferences, notice.kind) : "off";
    const id = ctx.newId();
    rows.push({
      id,
      organisation_id: notice.organisationId,
      user_id: user.id,
      kind: notice.kind,
      contact_id: notice.contactId ?? null,
      deadline_id: notice.deadlineId ?? null,
      urgent: urgent ? 1 : 0,
      data: JSON.stringify(notice.data ?? {}),
      email: channel === "immediate" ? "queued" : channel === "digest" ? "digest" : "none",
      created_at: now.toISOString(),
      read_at: null,
      withdrawn_at: null,
    });
    if (channel === "immediate") {
      outbox.push({
        id: ctx.newId(),
        organisation_id: notice.organisationId,
        kind: EMAIL_KIND,
        target_id: user.id,
        payload: JSON.stringify({ notificationIds: [id] }),
        idempotency_key: `notification-${id}`,
        due_at: emailDueAt(now, preferences, user.time_zone, urgent).toISOString(),
        last_error: null,
        delivered_at: null,
        failed_at: null,
        created_at: now.toISOString(),
      });
    }
  }
  await insertNotifications(trx, rows);
  if (outbox.length > 0) await trx.insertInto("outbox").values(outbox).execute();
}

/** The user who works as this worker, when they have an account. */
export async function workerUserId(
  db: Kysely<Database>,
  organisationId: string,
  workerId: string | null,
): Promise<string | null> {
  if (!workerId) return null;
  const row = await db
    .selectFrom("workers")
    .select("user_id")
    .where("organisation_id", "=", organisationId)
    .where("id", "=", workerId)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Whoever dispatches: the dispatchers, or the admins when an organisation has no dispatcher. */
export async function dispatcherUserIds(db: Kysely<Database>, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "role"])
    .where("organisation_id", "=", organisationId)
    .where("role", "in", ["dispatcher", "admin"])
    .where("disabled", "=", 0)
    .execute();
  const dispatchers = rows.filter((r) => r.role === "dispatcher");
  return (dispatchers.length > 0 ? dispatchers : rows).map((r) => r.id);
}
