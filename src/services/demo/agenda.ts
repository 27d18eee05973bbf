/**
 * The demo's agenda: the callbacks setters agreed with the people they are qualifying, and the
 * meetings set with the contacts whose progress says one is set, each on a free slot the slot
 * engine finds in the worker's week; with what the sweeper would already have sent about them
 * (the setter's and the worker's reminders) and the timeline rows a booking writes.
 */
import type { Insertable } from "kysely";
import { DateTime } from "luxon";
import { DEFAULT_APPOINTMENTS } from "../../core/appointments/settings.js";
import { PATHS } from "../../core/lifecycle/progress.js";
import { type Busy, findSlots } from "../../core/schedule/slots.js";
import type {
  ActivitiesTable,
  AppointmentsTable,
  CallbacksTable,
  ContactsTable,
  NotificationsTable,
  WorkersTable,
} from "../../db/schema.js";
import { slotQuery, slotWorkerOf } from "../slots.js";
import type { DemoUsers } from "./generate.js";
import { demoNotice } from "./notices.js";
import { COUNTRIES, type CountryCode } from "./places.js";
import type { Random } from "./random.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The progress step that says a meeting is set, per vocabulary. */
const MEETING_SET = { ministry: "scheduled", sales: "meeting_set" } as const;
/** Who among those a setter is working through asked to be called again. */
const CALLBACK_CHANCE: Partial<Record<string, number>> = { qualifying: 0.45, new: 0.15 };
/** A follow-up meeting is set only with someone heard from within this many days. */
const FOLLOW_UP_WITHIN_DAYS = 21;
/** Meetings are set within this many days from now. */
const MEETING_HORIZON_DAYS = 10;

export interface DemoAgenda {
  callbacks: CallbacksTable[];
  appointments: Array<Insertable<AppointmentsTable>>;
  activities: ActivitiesTable[];
  notifications: Array<Insertable<NotificationsTable>>;
}

export function demoAgenda(input: {
  kind: "ministry" | "sales";
  organisationId: string;
  contacts: readonly ContactsTable[];
  workers: readonly WorkersTable[];
  activities: readonly ActivitiesTable[];
  users: DemoUsers;
  now: number;
  random: Random;
  newId: (at: number) => string;
}): DemoAgenda {
  const agenda: DemoAgenda = { callbacks: [], appointments: [], activities: [], notifications: [] };
  const nowIso = new Date(input.now).toISOString();
  const settings = DEFAULT_APPOINTMENTS;
  const notice = (userId: string | null, at: number, rest: Parameters<typeof demoNotice>[5]) => {
    if (userId) {
      agenda.notifications.push(
        demoNotice(input.organisationId, userId, new Date(at).toISOString(), nowIso, input.newId, rest),
      );
    }
  };
  // When each contact reached each progress step.
  const stepAt = new Map<string, number>();
  for (const a of input.activities) {
    if (a.kind === "progress")
      stepAt.set(`${a.contact_id} ${JSON.parse(a.data).to}`, Date.parse(a.created_at));
  }

  for (const c of input.contacts) {
    if (c.assigned_worker_id !== null || !input.random.chance(CALLBACK_CHANCE[c.status] ?? 0)) continue;
    const zone = COUNTRIES[c.country as CountryCode]?.timeZone ?? "UTC";
    const agreedAt = Date.parse(c.last_activity_at);
    // A local time in the coming days, on the quarter hour between 9:00 and 19:45; some already passed today.
    const local = DateTime.fromMillis(input.now, { zone })
      .startOf("day")
      .plus({ days: input.random.int(0, 3), minutes: 9 * 60 + 15 * input.random.int(0, 43) });
    const dueAt = local.toMillis();
    if (dueAt <= agreedAt) continue;
    const remindAt = dueAt - settings.callbackReminderMinutes * MINUTE;
    const reminded = remindAt <= input.now;
    agenda.callbacks.push({
      id: input.newId(agreedAt),
      organisation_id: input.organisationId,
      contact_id: c.id,
      setter_id: input.users.setter,
      due_at: new Date(dueAt).toISOString(),
      time_zone: zone,
      local_time: local.toFormat("yyyy-MM-dd'T'HH:mm"),
      note: null,
      created_at: new Date(agreedAt).toISOString(),
      reminded_at: reminded ? new Date(Math.max(remindAt, agreedAt)).toISOString() : null,
      done_at: null,
    });
    if (reminded) {
      notice(input.users.setter, Math.max(remindAt, agreedAt), {
        kind: "callback_due",
        contactId: c.id,
        data: { dueAt: new Date(dueAt).toISOString(), note: null },
      });
    }
  }

  const workers = new Map(input.workers.map((w) => [w.id, w]));
  const busy = new Map<string, Busy[]>();
  const path = PATHS[input.kind] as readonly string[];
  const met = path.indexOf("met");
  for (const c of input.contacts) {
    const worker = c.assigned_worker_id ? workers.get(c.assigned_worker_id) : undefined;
    if (c.status !== "active" || worker?.status !== "active") continue;
    // A meeting set, or a follow-up with someone already met who is still in touch (more often for
    // the workers with a login, whose agenda the demo shows).
    const followUp =
      path.indexOf(c.progress) >= met &&
      Date.parse(c.last_activity_at) > input.now - FOLLOW_UP_WITHIN_DAYS * DAY &&
      input.random.chance(worker.user_id ? 0.35 : 0.06);
    if (c.progress !== MEETING_SET[input.kind] && !followUp) continue;
    const located = c.lat !== null && c.lon !== null;
    const mode =
      located && input.random.chance(0.75) ? "in_person" : input.random.chance(0.6) ? "phone" : "video";
    const place = mode === "in_person" ? { lat: c.lat!, lon: c.lon! } : null;
    const taken = busy.get(worker.id) ?? [];
    const slots = findSlots(
      slotWorkerOf(worker),
      taken,
      slotQuery(
        settings,
        { fromMs: input.now, toMs: input.now + MEETING_HORIZON_DAYS * DAY, nowMs: input.now },
        { place },
      ),
    );
    if (slots.length === 0) continue;
    const startMs = input.random.pick(slots);
    const endMs = startMs + settings.durationMinutes * MINUTE;
    taken.push({ startMs, endMs, place, counts: true });
    busy.set(worker.id, taken);
    // Booked just before the step was marked: by the setter for a sales rep, by the worker themselves otherwise.
    const bookedAt = (stepAt.get(`${c.id} ${c.progress}`) ?? Date.parse(c.last_activity_at)) - MINUTE;
    const bookedBy = input.kind === "sales" ? input.users.setter : worker.user_id;
    const id = input.newId(bookedAt);
    const start = new Date(startMs).toISOString();
    const placeName = mode === "in_person" ? c.place_name : null;
    const sent = settings.reminderMinutes.filter((lead) => startMs - lead * MINUTE <= input.now);
    agenda.appointments.push({
      id,
      organisation_id: input.organisationId,
      contact_id: c.id,
      worker_id: worker.id,
      starts_at: start,
      ends_at: new Date(endMs).toISOString(),
      start_ms: startMs,
      end_ms: endMs,
      local_date: DateTime.fromMillis(startMs, { zone: worker.time_zone }).toISODate() ?? "",
      mode,
      place_name: placeName,
      lat: place?.lat ?? null,
      lon: place?.lon ?? null,
      status: "booked",
      sequence: 0,
      note: null,
      cancel_reason: null,
      invite_contact: 0,
      reminders_sent: JSON.stringify(sent),
      booked_by: bookedBy,
      created_at: new Date(bookedAt).toISOString(),
      updated_at: new Date(bookedAt).toISOString(),
    });
    agenda.activities.push({
      id: input.newId(bookedAt),
      organisation_id: input.organisationId,
      contact_id: c.id,
      kind: "appointment",
      body: null,
      data: JSON.stringify({
        appointmentId: id,
        event: "booked",
        start,
        end: new Date(endMs).toISOString(),
        workerId: worker.id,
        mode,
        placeName,
      }),
      actor_user_id: bookedBy,
      created_at: new Date(bookedAt).toISOString(),
    });
    if (bookedBy !== worker.user_id) {
      notice(worker.user_id, bookedAt, {
        kind: "appointment_booked",
        contactId: c.id,
        data: { dueAt: start, reason: null, placeName },
      });
    }
    // Each reminder as the sweeper sent it, when its lead time came (at once for one already due at booking).
    for (const lead of sent) {
      notice(worker.user_id, Math.max(startMs - lead * MINUTE, bookedAt + MINUTE), {
        kind: "appointment_reminder",
        contactId: c.id,
        data: { dueAt: start, placeName },
      });
    }
  }
  return agenda;
}
