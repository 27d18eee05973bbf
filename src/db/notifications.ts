/** Query functions for notifications (the inbox) and each person's notification choices. */
import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database, NotificationsTable } from "./schema.js";

export type NotificationRow = Selectable<NotificationsTable>;

export async function insertNotifications(
  db: Kysely<Database>,
  rows: Array<Insertable<NotificationsTable>>,
): Promise<void> {
  if (rows.length > 0) await db.insertInto("notifications").values(rows).execute();
}

/** A person's inbox, newest first, with the contact's name (hidden once erased). */
export async function listInbox(
  db: Kysely<Database>,
  userId: string,
  options: { unreadOnly: boolean; before?: string | undefined; limit: number },
) {
  let q = db
    .selectFrom("notifications")
    .leftJoin("contacts", "contacts.id", "notifications.contact_id")
    .select([
      "notifications.id",
      "notifications.kind",
      "notifications.contact_id",
      "notifications.deadline_id",
      "notifications.urgent",
      "notifications.data",
      "notifications.created_at",
      "notifications.read_at",
      "contacts.display_name as contact_name",
      "contacts.erased_at as contact_erased_at",
    ])
    .where("notifications.user_id", "=", userId)
    .where("notifications.withdrawn_at", "is", null);
  if (options.unreadOnly) q = q.where("notifications.read_at", "is", null);
  if (options.before) q = q.where("notifications.id", "<", options.before);
  return q.orderBy("notifications.id", "desc").limit(options.limit).execute();
}

export async function unreadCount(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("withdrawn_at", "is", null)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks some (or, with no ids, all) of a person's notifications read; returns how many changed. */
export async function markRead(
  db: Kysely<Database>,
  userId: string,
  at: string,
  ids: string[] | null,
): Promise<number> {
  let q = db
    .updateTable("notifications")
    .set({ read_at: at })
    .where("user_id", "=", userId)
    .where("read_at", "is", null);
  if (ids) q = q.where("id", "in", ids.length > 0 ? ids : [""]);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * When a contact leaves a person: their notifications about it vanish from the inbox, and any
 * still waiting for an e-mail or a digest are never sent.
 */
export async function withdrawNotifications(
  db: Kysely<Database>,
  contactId: string,
  userId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable("notifications")
    .set({ withdrawn_at: at })
    .where("contact_id", "=", contactId)
    .where("user_id", "=", userId)
    .where("withdrawn_at", "is", null)
    .execute();
}

export async function findPreferencesRow(db: Kysely<Database>, userId: string) {
  return db.selectFrom("notification_settings").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** Users with notifications waiting for a digest, with when the oldest arrived. */
export async function usersAwaitingDigest(db: Kysely<Database>) {
  return db
    .selectFrom("notifications")
    .innerJoin("users", "users.id", "notifications.user_id")
    .select(["notifications.user_id", "users.organisation_id", "users.time_zone"])
    .select((eb) => eb.fn.min("notifications.created_at").as("oldest"))
    .where("notifications.email", "=", "digest")
    .where("notifications.withdrawn_at", "is", null)
    .groupBy(["notifications.user_id", "users.organisation_id", "users.time_zone"])
    .execute();
}
