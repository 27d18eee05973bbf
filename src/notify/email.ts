/**
 * The outbox's e-mail deliverer: reads the notifications a message carries, drops those the person
 * may no longer see (the contact moved on, was erased) and sends the rest as one e-mail in their
 * language, with a Message-ID fixed by the outbox row so a retried send is recognisable as the same
 * message.
 */
import type { Context } from "../context.js";
import { canSeeContact, type Role } from "../core/access/roles.js";
import { composeEmail, type MessageItem, type NotificationData } from "../core/notifications/messages.js";
import type { NotificationKind } from "../core/notifications/preferences.js";
import { localeOf } from "../core/notifications/wording.js";
import { nounsFor } from "../core/vocabulary.js";
import type { AttemptOutcome } from "../core/webhooks.js";
import { loadSettings } from "../db/organisations.js";
import type { OutboxRow } from "../db/webhooks.js";
import type { Mailer } from "./mailer.js";

export interface EmailPayload {
  notificationIds: string[];
  /** Set for a digest: the local slot it was sent for. */
  digestAt?: string;
}

export function messageIdOf(row: Pick<OutboxRow, "idempotency_key">): string {
  return `<${row.idempotency_key.replace(/[^A-Za-z0-9.-]/g, "-")}@handoff>`;
}

export async function deliverEmail(ctx: Context, mailer: Mailer, row: OutboxRow): Promise<AttemptOutcome> {
  const payload = JSON.parse(row.payload) as EmailPayload;
  const db = ctx.db.kysely;
  const user = await db
    .selectFrom("users")
    .leftJoin("workers", "workers.user_id", "users.id")
    .select([
      "users.id",
      "users.email",
      "users.role",
      "users.time_zone",
      "users.locale",
      "users.disabled",
      "workers.id as worker_id",
    ])
    .where("users.id", "=", row.target_id ?? "")
    .where("users.organisation_id", "=", row.organisation_id)
    .executeTakeFirst();
  // Nobody left to tell: delivered, in the sense that there is nothing more to do.
  if (!user || user.disabled === 1 || payload.notificationIds.length === 0) return { ok: true };
  const rows = await db
    .selectFrom("notifications")
    .leftJoin("contacts", "contacts.id", "notifications.contact_id")
    .select([
      "notifications.kind",
      "notifications.urgent",
      "notifications.data",
      "notifications.contact_id",
      "contacts.display_name",
      "contacts.erased_at",
      "contacts.assigned_worker_id",
    ])
    .where("notifications.id", "in", payload.notificationIds)
    .where("notifications.user_id", "=", user.id)
    .where("notifications.withdrawn_at", "is", null)
    .orderBy("notifications.id")
    .execute();
  const actor = {
    userId: user.id,
    organisationId: row.organisation_id,
    role: user.role as Role,
    workerId: user.worker_id ?? null,
  };
  const items: MessageItem[] = rows
    .filter((r) => !r.contact_id || canSeeContact(actor, { assignedWorkerId: r.assigned_worker_id ?? null }))
    .map((r) => ({
      kind: r.kind as NotificationKind,
      urgent: r.urgent === 1,
      contactId: r.erased_at ? null : r.contact_id,
      contactName: r.erased_at ? null : (r.display_name ?? null),
      data: JSON.parse(r.data) as NotificationData,
    }));
  if (items.length === 0) return { ok: true };
  const organisation = await loadSettings(db, row.organisation_id);
  const locale = localeOf(user.locale);
  const email = composeEmail(items, {
    nouns: nounsFor(organisation.vocabulary, locale),
    zone: user.time_zone,
    locale,
    appUrl: ctx.config.publicUrl,
    digest: payload.digestAt !== undefined,
  });
  await mailer.send({
    to: user.email,
    subject: email.subject,
    text: email.text,
    messageId: messageIdOf(row),
    headers: { "X-Handoff-Delivery": row.idempotency_key },
  });
  return { ok: true };
}

/** An invitation as the outbox keeps it: frozen at the change, so each SEQUENCE is sent as it was. */
export interface InvitationPayload {
  to: string;
  subject: string;
  text: string;
  method: "REQUEST" | "CANCEL";
  ics: string;
}

/** Sends an invitation with its iCalendar part (text/calendar; method=…), which mail apps offer to add. */
export async function deliverInvitation(mailer: Mailer, row: OutboxRow): Promise<AttemptOutcome> {
  const payload = JSON.parse(row.payload) as InvitationPayload;
  await mailer.send({
    to: payload.to,
    subject: payload.subject,
    text: payload.text,
    messageId: messageIdOf(row),
    headers: { "X-Handoff-Delivery": row.idempotency_key },
    icalEvent: { method: payload.method, content: payload.ics },
  });
  return { ok: true };
}
