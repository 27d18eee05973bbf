/**
 * Slots and holds: loads what a worker's calendar looks like (their week, their meetings, the slots
 * others hold) and asks the core for the free starts; holds a slot for a setter for a few minutes.
 */
import type { Kysely } from "kysely";
import { DateTime } from "luxon";
import type { Context } from "../context.js";
import { canSeeWorker } from "../core/access/roles.js";
import type { AppointmentSettings } from "../core/appointments/settings.js";
import type { Contact, Organisation } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import {
  type Availability,
  AvailabilitySchema,
  DEFAULT_AVAILABILITY,
} from "../core/schedule/availability.js";
import { type Busy, findSlots, type SlotQuery, type SlotWorker } from "../core/schedule/slots.js";
import { lockWorker } from "../db/dispatch.js";
import { loadSettings } from "../db/organisations.js";
import type { Database, WorkerRow } from "../db/schema.js";
import { readContact } from "./load-contact.js";
import type { Caller } from "./record.js";
import { suggestionsFor } from "./suggest-workers.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type Place = { lat: number; lon: number } | null;

export function availabilityOf(row: Pick<WorkerRow, "availability">): Availability {
  if (!row.availability) return DEFAULT_AVAILABILITY;
  const parsed = AvailabilitySchema.safeParse(JSON.parse(row.availability));
  return parsed.success ? parsed.data : DEFAULT_AVAILABILITY;
}

export function slotWorkerOf(
  row: Pick<WorkerRow, "id" | "time_zone" | "availability" | "lat" | "lon">,
): SlotWorker {
  return {
    id: row.id,
    timeZone: row.time_zone,
    availability: availabilityOf(row),
    lat: row.lat,
    lon: row.lon,
  };
}

/**
 * Everything that keeps the workers busy around a window: booked meetings (in-person ones with
 * their place, for travel) and the unexpired holds of others. A day either side, for buffers and travel.
 */
export async function busyOf(
  db: Kysely<Database>,
  organisationId: string,
  workerIds: readonly string[],
  window: {
    fromMs: number;
    toMs: number;
    now: string;
    except?: { holdId?: string | null; appointmentId?: string | null };
  },
): Promise<Map<string, Busy[]>> {
  const busy = new Map<string, Busy[]>(workerIds.map((id) => [id, []]));
  if (workerIds.length === 0) return busy;
  const from = window.fromMs - DAY;
  const to = window.toMs + DAY;
  let meetings = db
    .selectFrom("appointments")
    .select(["id", "worker_id", "start_ms", "end_ms", "mode", "lat", "lon"])
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "booked")
    .where("worker_id", "in", workerIds)
    .where("start_ms", "<", to)
    .where("end_ms", ">", from);
  if (window.except?.appointmentId) meetings = meetings.where("id", "<>", window.except.appointmentId);
  for (const m of await meetings.execute()) {
    const place =
      m.mode === "in_person" && m.lat !== null && m.lon !== null ? { lat: m.lat, lon: m.lon } : null;
    busy
      .get(m.worker_id)
      ?.push({ startMs: Number(m.start_ms), endMs: Number(m.end_ms), place, counts: true });
  }
  let holds = db
    .selectFrom("slot_holds")
    .select(["id", "worker_id", "start_ms", "end_ms"])
    .where("organisation_id", "=", organisationId)
    .where("worker_id", "in", workerIds)
    .where("expires_at", ">", window.now)
    .where("start_ms", "<", to)
    .where("end_ms", ">", from);
  if (window.except?.holdId) holds = holds.where("id", "<>", window.except.holdId);
  for (const h of await holds.execute()) {
    busy
      .get(h.worker_id)
      ?.push({ startMs: Number(h.start_ms), endMs: Number(h.end_ms), place: null, counts: false });
  }
  for (const list of busy.values()) list.sort((a, b) => a.startMs - b.startMs);
  return busy;
}

export function slotQuery(
  settings: AppointmentSettings,
  window: { fromMs: number; toMs: number; nowMs: number },
  meeting: { durationMinutes?: number | undefined; place: Place; stepMinutes?: number },
): SlotQuery {
  return {
    fromMs: window.fromMs,
    toMs: window.toMs,
    nowMs: window.nowMs,
    durationMinutes: meeting.durationMinutes ?? settings.durationMinutes,
    stepMinutes: meeting.stepMinutes ?? settings.stepMinutes,
    minNoticeMinutes: settings.minNoticeMinutes,
    bufferMinutes: settings.bufferMinutes,
    place: meeting.place,
    travelKmh: settings.travelKmh,
  };
}

export interface SlotSearch {
  from?: string | undefined;
  to?: string | undefined;
  durationMinutes?: number | undefined;
  /** Where the meeting would be; null or absent for a call or a video meeting. */
  place?: Place | undefined;
}

function windowOf(organisation: Organisation, nowMs: number, search: SlotSearch) {
  const fromMs = search.from ? Date.parse(search.from) : nowMs;
  const horizon = nowMs + organisation.settings.appointments.horizonDays * DAY;
  const toMs = search.to ? Math.min(Date.parse(search.to), fromMs + 62 * DAY) : horizon;
  return { fromMs, toMs, nowMs };
}

export interface WorkerSlots {
  workerId: string;
  name: string;
  timeZone: string;
  slots: Array<{ start: string; end: string }>;
}

function shapeSlots(
  worker: { id: string; name: string; time_zone: string },
  starts: number[],
  minutes: number,
  limit: number,
): WorkerSlots {
  return {
    workerId: worker.id,
    name: worker.name,
    timeZone: worker.time_zone,
    slots: starts.slice(0, limit).map((s) => ({
      start: new Date(s).toISOString(),
      end: new Date(s + minutes * MINUTE).toISOString(),
    })),
  };
}

export async function workerSlots(
  ctx: Context,
  caller: Caller,
  workerId: string,
  search: SlotSearch & { limit?: number },
): Promise<Result<WorkerSlots>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer does not see workers");
  if (!canSeeWorker(caller, workerId)) return fail("not_found", `no worker ${workerId}`);
  const db = ctx.db.kysely;
  const organisation = await loadSettings(db, caller.organisationId);
  const row = await db
    .selectFrom("workers")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", workerId)
    .executeTakeFirst();
  if (!row) return fail("not_found", `no worker ${workerId}`);
  const now = ctx.clock.now();
  const window = windowOf(organisation, now.getTime(), search);
  const busy = await busyOf(db, caller.organisationId, [workerId], { ...window, now: now.toISOString() });
  const query = slotQuery(organisation.settings.appointments, window, {
    durationMinutes: search.durationMinutes,
    place: search.place ?? null,
  });
  const starts = findSlots(slotWorkerOf(row), busy.get(workerId) ?? [], query);
  return ok(shapeSlots(row, starts, query.durationMinutes, search.limit ?? 500));
}

/**
 * The soonest meetings with anyone who fits the contact: the worker who holds it, or every worker
 * dispatch finds eligible, each with their first few slots, soonest first. No slot within the
 * horizon is a supply shortage for the contact's place, recorded once a day per contact.
 */
export async function contactSlots(
  ctx: Context,
  caller: Caller,
  contactId: string,
  search: SlotSearch & { perWorker?: number },
): Promise<Result<{ contact: Contact; workers: WorkerSlots[]; shortage: boolean }>> {
  const db = ctx.db.kysely;
  const read = await readContact(db, caller, contactId);
  if (!read.ok) return read;
  const contact = read.value;
  const organisation = await loadSettings(db, caller.organisationId);
  let ids: string[];
  if (contact.assignedWorkerId) ids = [contact.assignedWorkerId];
  else {
    const [suggested] = await suggestionsFor(ctx, { db, organisation, contacts: [contact] });
    ids = (suggested?.suggestions.ranked ?? []).slice(0, 50).map((r) => r.workerId);
  }
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom("workers")
          .selectAll()
          .where("organisation_id", "=", caller.organisationId)
          .where("id", "in", ids)
          .execute();
  const now = ctx.clock.now();
  const window = windowOf(organisation, now.getTime(), search);
  const place = search.place === undefined ? placeOf(contact) : search.place;
  const query = slotQuery(organisation.settings.appointments, window, {
    durationMinutes: search.durationMinutes,
    place,
  });
  const busy = await busyOf(db, caller.organisationId, ids, { ...window, now: now.toISOString() });
  const workers = rows
    .map((row) =>
      shapeSlots(
        row,
        findSlots(slotWorkerOf(row), busy.get(row.id) ?? [], query),
        query.durationMinutes,
        search.perWorker ?? 5,
      ),
    )
    .filter((w) => w.slots.length > 0)
    .sort((a, b) => (a.slots[0]?.start ?? "").localeCompare(b.slots[0]?.start ?? ""));
  const shortage = workers.length === 0;
  if (shortage) await recordShortage(ctx, caller.organisationId, contact);
  return ok({ contact, workers, shortage });
}

export function placeOf(contact: Pick<Contact, "lat" | "lon">): Place {
  return contact.lat !== null && contact.lon !== null ? { lat: contact.lat, lon: contact.lon } : null;
}

async function recordShortage(ctx: Context, organisationId: string, contact: Contact): Promise<void> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - DAY).toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const recent = await trx
      .selectFrom("supply_shortages")
      .select("id")
      .where("organisation_id", "=", organisationId)
      .where("contact_id", "=", contact.id)
      .where("created_at", ">", since)
      .executeTakeFirst();
    if (recent) return;
    await trx
      .insertInto("supply_shortages")
      .values({
        id: ctx.newId(),
        organisation_id: organisationId,
        contact_id: contact.id,
        reason: "no_slot",
        place_name: contact.placeName,
        country: contact.country,
        lat: contact.lat,
        lon: contact.lon,
        created_at: now.toISOString(),
      })
      .execute();
  });
}

/**
 * Whether [start, start + minutes) is free for the worker now, inside the caller's transaction with
 * the worker's row locked: the same rules as the slot search, at minute precision.
 */
export async function checkSlot(
  trx: Kysely<Database>,
  ctx: Context,
  input: {
    organisation: Organisation;
    workerId: string;
    startMs: number;
    minutes: number;
    place: Place;
    except?: { holdId?: string | null; appointmentId?: string | null };
  },
): Promise<Result<{ worker: WorkerRow; localDate: string }>> {
  const { organisation, workerId, startMs, minutes } = input;
  const worker = await lockWorker(trx, ctx.db.dialect, organisation.id, workerId);
  if (!worker) {
    return fail("not_found", `no worker ${workerId}`, {
      errors: [{ path: "workerId", message: "no such worker" }],
    });
  }
  const now = ctx.clock.now();
  const endMs = startMs + minutes * MINUTE;
  const busy = await busyOf(trx, organisation.id, [workerId], {
    fromMs: startMs,
    toMs: endMs,
    now: now.toISOString(),
    ...(input.except ? { except: input.except } : {}),
  });
  const mine = busy.get(workerId) ?? [];
  const held = mine.find((b) => !b.counts && b.startMs < endMs && b.endMs > startMs);
  if (held)
    return fail("conflict", `${worker.name} has this time held for another booking for a few minutes`);
  const clash = mine.find((b) => b.counts && b.startMs < endMs && b.endMs > startMs);
  if (clash) {
    return fail(
      "conflict",
      `${worker.name} has another meeting from ${new Date(clash.startMs).toISOString()} to ${new Date(clash.endMs).toISOString()}`,
    );
  }
  const slotWorker = slotWorkerOf(worker);
  const localDate = DateTime.fromMillis(startMs, { zone: worker.time_zone }).toISODate() ?? "";
  const cap = slotWorker.availability.maxPerDay;
  if (cap !== null) {
    const sameDay = mine.filter(
      (b) => b.counts && DateTime.fromMillis(b.startMs, { zone: worker.time_zone }).toISODate() === localDate,
    ).length;
    if (sameDay >= cap)
      return fail(
        "conflict",
        `${worker.name} has ${sameDay} meetings on ${localDate} already, the most they take in a day`,
      );
  }
  const query = slotQuery(
    organisation.settings.appointments,
    { fromMs: startMs, toMs: startMs + 1, nowMs: now.getTime() },
    { durationMinutes: minutes, place: input.place, stepMinutes: 1 },
  );
  if (findSlots(slotWorker, mine, query)[0] !== startMs) {
    return fail(
      "conflict",
      `${worker.name} is not available then: outside their hours, too soon, or too close to another meeting (buffer and travel)`,
    );
  }
  return ok({ worker, localDate });
}

export interface Hold {
  id: string;
  workerId: string;
  start: string;
  end: string;
  expiresAt: string;
}

/** Holds a slot for the caller for the organisation's holdMinutes, so no one else books it meanwhile. */
export async function holdSlot(
  ctx: Context,
  caller: Caller,
  input: {
    workerId: string;
    start: string;
    durationMinutes?: number | undefined;
    contactId?: string | undefined;
    place?: Place | undefined;
  },
): Promise<Result<Hold>> {
  if (caller.role === "worker" || caller.role === "marketer")
    return fail("forbidden", `a ${caller.role} does not book meetings`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const settings = organisation.settings.appointments;
  const minutes = input.durationMinutes ?? settings.durationMinutes;
  const startMs = Date.parse(input.start);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const checked = await checkSlot(trx, ctx, {
      organisation,
      workerId: input.workerId,
      startMs,
      minutes,
      place: input.place ?? null,
    });
    if (!checked.ok) return checked;
    const now = ctx.clock.now();
    const hold: Hold = {
      id: ctx.newId(),
      workerId: input.workerId,
      start: new Date(startMs).toISOString(),
      end: new Date(startMs + minutes * MINUTE).toISOString(),
      expiresAt: new Date(now.getTime() + settings.holdMinutes * MINUTE).toISOString(),
    };
    await trx
      .insertInto("slot_holds")
      .values({
        id: hold.id,
        organisation_id: caller.organisationId,
        worker_id: input.workerId,
        contact_id: input.contactId ?? null,
        start_ms: startMs,
        end_ms: startMs + minutes * MINUTE,
        held_by: caller.userId || null,
        expires_at: hold.expiresAt,
        created_at: now.toISOString(),
      })
      .execute();
    return ok(hold);
  });
}

export async function releaseHold(
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<{ released: true }>> {
  const result = await ctx.db.kysely
    .deleteFrom("slot_holds")
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", id)
    .where("held_by", "=", caller.userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return fail("not_found", `no hold ${id} of yours`);
  return ok({ released: true });
}
