/**
 * Calendars: the invitation e-mailed with each change of a meeting (an iCalendar REQUEST, or CANCEL,
 * with a stable UID and a SEQUENCE raised on every change), each worker's private feed URL that
 * calendar apps subscribe to, and the reminders before each meeting.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canManageWorkers, canSeeWorker } from "../core/access/roles.js";
import type { Contact, Organisation } from "../core/model.js";
import { formatLocal } from "../core/notifications/messages.js";
import { type Locale, localeOf } from "../core/notifications/wording.js";
import { fail, ok, type Result } from "../core/result.js";
import { type CalendarAppointment, calendarFeed, invitation } from "../core/schedule/ical.js";
import { eventWords, invitationEmail } from "../core/schedule/invitation-wording.js";
import { type Appointment, toAppointment } from "../db/appointments.js";
import { loadSettings } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import type { InvitationPayload } from "../notify/email.js";
import { notify, workerUserId } from "./notify.js";
import { audit, type Caller } from "./record.js";

export const INVITATION_KIND = "invitation";

function senderAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

export function calendarAppointment(
  appointment: Appointment,
  organiser: { name: string; email: string },
  attendees: Array<{ name: string; email: string }>,
  locale: Locale,
): CalendarAppointment {
  const words = eventWords(appointment, locale);
  return {
    uid: `${appointment.id}@handoff`,
    sequence: appointment.sequence,
    startMs: Date.parse(appointment.start),
    endMs: Date.parse(appointment.end),
    title: words.title,
    description: appointment.note,
    location: words.location,
    geo:
      appointment.lat !== null && appointment.lon !== null
        ? { lat: appointment.lat, lon: appointment.lon }
        : null,
    status: appointment.status === "cancelled" ? "cancelled" : "booked",
    organizer: organiser,
    attendees,
    updatedMs: Date.parse(appointment.updatedAt),
  };
}

/**
 * In the transaction of the change: one invitation per recipient, to the worker and, if they agreed, the
 * contact, each in their own language: the worker's console language, and English for a contact (an
 * organisation has no language of its own to fall back on).
 */
export async function enqueueInvitations(
  trx: Kysely<Database>,
  ctx: Context,
  change: { organisation: Organisation; appointment: Appointment; contact: Contact },
): Promise<void> {
  if (!ctx.mailer) return;
  const { organisation, appointment, contact } = change;
  const worker = await trx
    .selectFrom("workers")
    .leftJoin("users", "users.id", "workers.user_id")
    .select(["workers.name", "users.email", "users.time_zone", "users.locale", "users.disabled"])
    .where("workers.id", "=", appointment.workerId)
    .executeTakeFirst();
  const recipients: Array<{ name: string; email: string; zone: string; locale: Locale }> = [];
  if (worker?.email && worker.disabled !== 1) {
    recipients.push({
      name: worker.name,
      email: worker.email,
      zone: worker.time_zone ?? "UTC",
      locale: localeOf(worker.locale),
    });
  }
  const contactEmail = contact.emails[0];
  if (appointment.inviteContact && contactEmail && !contact.erasedAt) {
    recipients.push({
      name: contact.displayName,
      email: contactEmail,
      zone: organisation.settings.timeZone,
      locale: "en",
    });
  }
  if (recipients.length === 0) return;
  const organiser = { name: organisation.name, email: senderAddress(ctx.config.mailFrom) };
  const method = appointment.status === "cancelled" ? "CANCEL" : "REQUEST";
  const attendees = recipients.map(({ name, email }) => ({ name, email }));
  const now = ctx.clock.now().toISOString();
  for (const recipient of recipients) {
    // The same event (UID, SEQUENCE, attendees) for everyone; only its words follow the reader.
    const ics = invitation(calendarAppointment(appointment, organiser, attendees, recipient.locale), method);
    const email = invitationEmail(
      {
        method,
        sequence: appointment.sequence,
        when: formatLocal(appointment.start, recipient.zone, recipient.locale),
        mode: appointment.mode,
        placeName: appointment.placeName,
        counterpart: recipient.email === contactEmail ? organisation.name : appointment.contactName,
        cancelReason: appointment.cancelReason,
      },
      recipient.locale,
    );
    const payload: InvitationPayload = { to: recipient.email, method, ics, ...email };
    await trx
      .insertInto("outbox")
      .values({
        id: ctx.newId(),
        organisation_id: organisation.id,
        kind: INVITATION_KIND,
        target_id: appointment.id,
        payload: JSON.stringify(payload),
        idempotency_key: `invitation-${appointment.id}-${appointment.sequence}-${recipient.email}`,
        due_at: now,
        last_error: null,
        delivered_at: null,
        failed_at: null,
        created_at: now,
      })
      .execute();
  }
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Who may hand out, check or turn off a worker's feed: the worker, and those who manage workers. */
function feedRefusal(caller: Caller, workerId: string): Result<never> | null {
  if (caller.workerId === workerId || canManageWorkers(caller)) return null;
  return caller.role === "marketer" || canSeeWorker(caller, workerId)
    ? fail("forbidden", `a ${caller.role} does not manage workers' calendars`)
    : fail("not_found", `no worker ${workerId}`);
}

/** Sets (a hash of) the worker's feed token, or null to turn the feed off; audited. False: no such worker. */
async function setFeedToken(
  ctx: Context,
  caller: Caller,
  workerId: string,
  token: string | null,
): Promise<boolean> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("workers")
      .set({ calendar_token_hash: token === null ? null : tokenHash(token) })
      .where("organisation_id", "=", caller.organisationId)
      .where("id", "=", workerId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await audit(trx, ctx, caller, {
      action: token === null ? "worker.calendar_feed_off" : "worker.calendar_feed",
      entity: "worker",
      entityId: workerId,
      after: token === null ? { active: false } : { rotated: true },
    });
    return true;
  });
}

/** A new private feed URL for a worker; the previous one stops working. */
export async function rotateCalendarFeed(
  ctx: Context,
  caller: Caller,
  workerId: string,
): Promise<Result<{ url: string }>> {
  const refusal = feedRefusal(caller, workerId);
  if (refusal) return refusal;
  const token = randomBytes(24).toString("base64url");
  if (!(await setFeedToken(ctx, caller, workerId, token))) return fail("not_found", `no worker ${workerId}`);
  return ok({ url: `${ctx.config.publicUrl}/calendar/${token}.ics` });
}

/**
 * Whether the worker has a feed address in use. The address itself cannot be shown again (only a
 * hash of it is kept): a lost one is replaced with a new one.
 */
export async function calendarFeedState(
  ctx: Context,
  caller: Caller,
  workerId: string,
): Promise<Result<{ active: boolean }>> {
  const refusal = feedRefusal(caller, workerId);
  if (refusal) return refusal;
  const row = await ctx.db.kysely
    .selectFrom("workers")
    .select("calendar_token_hash")
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", workerId)
    .executeTakeFirst();
  if (!row) return fail("not_found", `no worker ${workerId}`);
  return ok({ active: row.calendar_token_hash !== null });
}

/** Turns the worker's feed off: its address stops working in every calendar that uses it. */
export async function stopCalendarFeed(
  ctx: Context,
  caller: Caller,
  workerId: string,
): Promise<Result<{ active: boolean }>> {
  const refusal = feedRefusal(caller, workerId);
  if (refusal) return refusal;
  if (!(await setFeedToken(ctx, caller, workerId, null))) return fail("not_found", `no worker ${workerId}`);
  return ok({ active: false });
}

/** The feed behind a token: the worker's meetings from 30 days ago on, cancelled ones marked so, in their language. */
export async function calendarFeedFor(ctx: Context, token: string): Promise<string | null> {
  const db = ctx.db.kysely;
  const worker = await db
    .selectFrom("workers")
    .leftJoin("users", "users.id", "workers.user_id")
    .select(["workers.id", "workers.name", "workers.organisation_id", "users.locale"])
    .where("workers.calendar_token_hash", "=", tokenHash(token))
    .executeTakeFirst();
  if (!worker) return null;
  const organisation = await loadSettings(db, worker.organisation_id);
  const since = ctx.clock.now().getTime() - 30 * 24 * 3_600_000;
  const rows = await db
    .selectFrom("appointments")
    .leftJoin("contacts", "contacts.id", "appointments.contact_id")
    .selectAll("appointments")
    .select(["contacts.display_name as contact_name", "contacts.erased_at"])
    .where("appointments.worker_id", "=", worker.id)
    .where("appointments.end_ms", ">=", since)
    .where("appointments.status", "in", ["booked", "cancelled", "completed"])
    .orderBy("appointments.start_ms")
    .limit(5000)
    .execute();
  const organiser = { name: organisation.name, email: senderAddress(ctx.config.mailFrom) };
  return calendarFeed(
    `${worker.name} · ${organisation.name}`,
    rows.map((row) =>
      calendarAppointment(
        toAppointment({
          ...row,
          contact_name: row.erased_at ? null : row.contact_name,
          worker_name: worker.name,
        }),
        organiser,
        [],
        localeOf(worker.locale),
      ),
    ),
  );
}

/** Reminders before each booked meeting at the organisation's lead times, each sent once. */
export async function remindAppointments(ctx: Context): Promise<number> {
  const db = ctx.db.kysely;
  const now = ctx.clock.now().getTime();
  let sent = 0;
  for (const org of await db.selectFrom("organisations").select("id").execute()) {
    const organisation = await loadSettings(db, org.id);
    const leads = organisation.settings.appointments.reminderMinutes;
    if (leads.length === 0) continue;
    const furthest = Math.max(...leads) * 60_000;
    const due = await db
      .selectFrom("appointments")
      .select(["id", "worker_id", "contact_id", "starts_at", "start_ms", "reminders_sent", "place_name"])
      .where("organisation_id", "=", org.id)
      .where("status", "=", "booked")
      .where("start_ms", ">", now)
      .where("start_ms", "<=", now + furthest)
      .execute();
    for (const row of due) {
      const done = JSON.parse(row.reminders_sent) as number[];
      const owed = leads.filter(
        (lead) => !done.includes(lead) && Number(row.start_ms) - lead * 60_000 <= now,
      );
      if (owed.length === 0) continue;
      await db.transaction().execute(async (trx) => {
        const fresh = await trx
          .selectFrom("appointments")
          .select(["reminders_sent", "status"])
          .where("id", "=", row.id)
          .executeTakeFirst();
        const already = fresh ? (JSON.parse(fresh.reminders_sent) as number[]) : leads;
        if (fresh?.status !== "booked" || owed.every((lead) => already.includes(lead))) return;
        await trx
          .updateTable("appointments")
          .set({ reminders_sent: JSON.stringify([...new Set([...already, ...owed])]) })
          .where("id", "=", row.id)
          .execute();
        await notify(trx, ctx, {
          organisationId: org.id,
          userIds: [await workerUserId(trx, org.id, row.worker_id)],
          kind: "appointment_reminder",
          contactId: row.contact_id,
          data: { dueAt: row.starts_at, placeName: row.place_name },
        });
        sent += 1;
      });
    }
  }
  return sent;
}
