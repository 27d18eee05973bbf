/**
 * Appointments: book, reschedule, cancel, and record how a meeting went. A booking checks the slot
 * with the worker's row locked (hours, notice, buffers, travel, the daily cap, others' holds), and
 * the database's own no-overlap rule backs it, so two processes racing for one slot get one booking.
 * Each change raises the invitation's SEQUENCE and sends it, through the outbox, with the change.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canSeeContact } from "../core/access/roles.js";
import { allowedProgress } from "../core/lifecycle/progress.js";
import { allowedStatuses } from "../core/lifecycle/states.js";
import type { Contact, Organisation } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import {
  type Appointment,
  type AppointmentFilter,
  type AppointmentRow,
  findAppointment,
  listAppointments,
  type MeetingMode,
  toAppointment,
} from "../db/appointments.js";
import { isOverlapViolation } from "../db/dialect.js";
import { loadSettings } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import { dispatcherSystem } from "./auto-dispatch.js";
import { enqueueInvitations } from "./calendar.js";
import { applyStatusChange } from "./change-contact-status.js";
import { recordDeed } from "./deadlines.js";
import { lockVisibleContact } from "./load-contact.js";
import { notify, workerUserId } from "./notify.js";
import { addToTimeline, audit, type Caller } from "./record.js";
import { checkSlot, placeOf } from "./slots.js";
import { enqueueEvent } from "./webhooks.js";

export interface BookingRequest {
  workerId: string;
  start: string;
  durationMinutes?: number | undefined;
  mode: MeetingMode;
  placeName?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
  /** A hold of the caller's on this slot: the booking takes its place. */
  holdId?: string | undefined;
  /** Send the contact the invitation too (they have an address and agreed). */
  inviteContact?: boolean | undefined;
  note?: string | undefined;
}

const MINUTE = 60_000;

/** Setters book for contacts nobody holds; dispatchers and admins for anyone; workers their own. */
function mayBook(caller: Caller): boolean {
  return caller.role !== "marketer";
}

/** The steps a booked meeting moves a contact to, on each path. */
const SCHEDULED_STEP = { ministry: "scheduled", sales: "meeting_set" } as const;
const MET_STEP = "met";

/** The appointment as just written in this transaction. */
async function reread(trx: Kysely<Database>, organisationId: string, id: string): Promise<Appointment> {
  const row = await findAppointment(trx, organisationId, id);
  if (!row) throw new Error(`appointment ${id}, just written, is missing`);
  return toAppointment(row);
}

function meetingPlace(contact: Contact, request: Pick<BookingRequest, "mode" | "lat" | "lon" | "placeName">) {
  if (request.mode !== "in_person") return { place: null, placeName: request.placeName ?? null };
  const given =
    request.lat !== undefined && request.lon !== undefined ? { lat: request.lat, lon: request.lon } : null;
  return { place: given ?? placeOf(contact), placeName: request.placeName ?? contact.placeName };
}

export async function bookAppointment(
  ctx: Context,
  caller: Caller,
  contactId: string,
  request: BookingRequest,
): Promise<Result<Appointment>> {
  if (!mayBook(caller)) return fail("forbidden", `a ${caller.role} does not book meetings`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const minutes = request.durationMinutes ?? organisation.settings.appointments.durationMinutes;
  const startMs = Date.parse(request.start);
  try {
    return await ctx.db.kysely.transaction().execute(async (trx) => {
      const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
      if (!loaded.ok) return loaded;
      let contact = loaded.value;
      if (caller.role === "worker" && request.workerId !== caller.workerId) {
        return fail<Appointment>("forbidden", "a worker books meetings in their own calendar only");
      }
      if (contact.assignedWorkerId && contact.assignedWorkerId !== request.workerId) {
        return fail<Appointment>(
          "conflict",
          `${contact.assignedWorkerName ?? "another worker"} holds this contact: book with them, or hand it back first`,
          {
            errors: [{ path: "workerId", message: "not the worker who holds the contact" }],
          },
        );
      }
      const { place, placeName } = meetingPlace(contact, request);
      const checked = await checkSlot(trx, ctx, {
        organisation,
        workerId: request.workerId,
        startMs,
        minutes,
        place,
        except: { holdId: request.holdId ?? null },
      });
      if (!checked.ok) return checked;
      const now = ctx.clock.now().toISOString();
      const id = ctx.newId();
      await trx
        .insertInto("appointments")
        .values({
          id,
          organisation_id: caller.organisationId,
          contact_id: contactId,
          worker_id: request.workerId,
          starts_at: new Date(startMs).toISOString(),
          ends_at: new Date(startMs + minutes * MINUTE).toISOString(),
          start_ms: startMs,
          end_ms: startMs + minutes * MINUTE,
          local_date: checked.value.localDate,
          mode: request.mode,
          place_name: placeName,
          lat: place?.lat ?? null,
          lon: place?.lon ?? null,
          status: "booked",
          sequence: 0,
          note: request.note ?? null,
          cancel_reason: null,
          invite_contact: request.inviteContact ? 1 : 0,
          reminders_sent: "[]",
          booked_by: caller.userId || null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (request.holdId) await trx.deleteFrom("slot_holds").where("id", "=", request.holdId).execute();
      // A contact nobody holds is handed to the worker with the meeting: offered, with its deadlines.
      contact = await handOver(trx, ctx, organisation, contact, request.workerId);
      await moveProgress(trx, ctx, caller, organisation, contact, SCHEDULED_STEP[organisation.kind]);
      const appointment = await reread(trx, caller.organisationId, id);
      await afterChange(trx, ctx, caller, { organisation, appointment, contact, event: "booked" });
      await enqueueEvent(trx, ctx, caller.organisationId, "appointment.booked", {
        appointmentId: id,
        contactId,
        workerId: request.workerId,
        startsAt: appointment.start,
      });
      return ok(appointment);
    });
  } catch (error) {
    if (isOverlapViolation(error))
      return fail("conflict", "someone booked this time a moment ago: choose another slot");
    if (error instanceof BookingRefused) return fail("conflict", error.message);
    throw error;
  }
}

async function handOver(
  trx: Kysely<Database>,
  ctx: Context,
  organisation: Organisation,
  contact: Contact,
  workerId: string,
): Promise<Contact> {
  if (contact.assignedWorkerId) return contact;
  const system = dispatcherSystem(organisation.id);
  let current = contact;
  for (const to of ["ready", "offered"] as const) {
    if (current.status === to || !allowedStatuses(current).includes(to)) continue;
    const changed = await applyStatusChange(trx, ctx, system, {
      organisation,
      before: current,
      request: to === "offered" ? { to, workerId, note: "a meeting was booked with them" } : { to },
      mode: "manual",
    });
    if (!changed.ok) throw new BookingRefused(changed.error.message);
    current = changed.value.contact;
  }
  return current;
}

/** A status move the booking needs was refused: the whole booking is undone, and the reason told. */
class BookingRefused extends Error {}

async function moveProgress(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  organisation: Organisation,
  contact: Contact,
  to: string,
): Promise<void> {
  if (!allowedProgress(organisation.kind, contact.progress).includes(to)) return;
  const now = ctx.clock.now().toISOString();
  await trx
    .updateTable("contacts")
    .set({ progress: to, updated_at: now, last_activity_at: now })
    .where("id", "=", contact.id)
    .execute();
  await addToTimeline(trx, ctx, caller, {
    contactId: contact.id,
    kind: "progress",
    data: { from: contact.progress, to },
  });
  await recordDeed(trx, ctx, organisation, contact, {
    kind: "progress",
    to,
    byAssignedWorker: caller.workerId !== null && caller.workerId === contact.assignedWorkerId,
  });
}

type AppointmentEvent = "booked" | "rescheduled" | "cancelled" | "completed" | "no_show";

/** The timeline, the worker's notification, the invitations and the audit of one change. */
async function afterChange(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  change: {
    organisation: Organisation;
    appointment: Appointment;
    contact: Contact;
    event: AppointmentEvent;
    reason?: string | null;
  },
): Promise<void> {
  const { appointment, event } = change;
  await addToTimeline(trx, ctx, caller, {
    contactId: appointment.contactId,
    kind: "appointment",
    body: change.reason ?? appointment.note,
    data: {
      appointmentId: appointment.id,
      event,
      start: appointment.start,
      end: appointment.end,
      workerId: appointment.workerId,
      mode: appointment.mode,
      placeName: appointment.placeName,
    },
  });
  if (event === "booked" || event === "rescheduled" || event === "cancelled") {
    const kind =
      event === "booked"
        ? "appointment_booked"
        : event === "cancelled"
          ? "appointment_cancelled"
          : "appointment_changed";
    const workerUser = await workerUserId(trx, change.organisation.id, appointment.workerId);
    if (workerUser !== caller.userId) {
      await notify(trx, ctx, {
        organisationId: change.organisation.id,
        userIds: [workerUser],
        kind,
        contactId: appointment.contactId,
        data: { dueAt: appointment.start, reason: change.reason ?? null, placeName: appointment.placeName },
      });
    }
    await enqueueInvitations(trx, ctx, {
      organisation: change.organisation,
      appointment,
      contact: change.contact,
    });
  }
  await audit(trx, ctx, caller, {
    action: `appointment.${event}`,
    entity: "appointment",
    entityId: appointment.id,
    after: {
      start: appointment.start,
      end: appointment.end,
      workerId: appointment.workerId,
      status: appointment.status,
      sequence: appointment.sequence,
      reason: change.reason ?? null,
    },
  });
}

/** Loads an appointment for a change, with its contact locked; who may change it: its worker, dispatchers, admins, the setter who booked it. */
async function lockForChange(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<{ row: AppointmentRow; contact: Contact }>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer does not change meetings");
  const row = await findAppointment(trx, caller.organisationId, id);
  if (!row) return fail("not_found", `no appointment ${id}`);
  const system = dispatcherSystem(caller.organisationId);
  const loaded = await lockVisibleContact(trx, ctx.db.dialect, system, row.contact_id);
  if (!loaded.ok) return loaded;
  const own = caller.workerId !== null && caller.workerId === row.worker_id;
  const booker = caller.userId !== "" && caller.userId === row.booked_by;
  const dispatches = caller.role === "admin" || caller.role === "dispatcher";
  if (!own && !booker && !dispatches) {
    return canSeeContact(caller, loaded.value)
      ? fail("forbidden", "only the worker, the person who booked it, or a dispatcher changes a meeting")
      : fail("not_found", `no appointment ${id}`);
  }
  return ok({ row, contact: loaded.value });
}

export async function rescheduleAppointment(
  ctx: Context,
  caller: Caller,
  id: string,
  request: {
    start: string;
    durationMinutes?: number | undefined;
    reason?: string | undefined;
    holdId?: string | undefined;
  },
): Promise<Result<Appointment>> {
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  try {
    return await ctx.db.kysely.transaction().execute(async (trx) => {
      const locked = await lockForChange(trx, ctx, caller, id);
      if (!locked.ok) return locked;
      const { row, contact } = locked.value;
      if (row.status !== "booked")
        return fail<Appointment>("conflict", `the meeting is ${row.status}; only a booked one moves`);
      const startMs = Date.parse(request.start);
      const minutes =
        request.durationMinutes ?? Math.round((Number(row.end_ms) - Number(row.start_ms)) / MINUTE);
      const place =
        row.mode === "in_person" && row.lat !== null && row.lon !== null
          ? { lat: row.lat, lon: row.lon }
          : null;
      const checked = await checkSlot(trx, ctx, {
        organisation,
        workerId: row.worker_id,
        startMs,
        minutes,
        place,
        except: { appointmentId: id, holdId: request.holdId ?? null },
      });
      if (!checked.ok) return checked;
      const now = ctx.clock.now().toISOString();
      await trx
        .updateTable("appointments")
        .set({
          starts_at: new Date(startMs).toISOString(),
          ends_at: new Date(startMs + minutes * MINUTE).toISOString(),
          start_ms: startMs,
          end_ms: startMs + minutes * MINUTE,
          local_date: checked.value.localDate,
          sequence: row.sequence + 1,
          reminders_sent: "[]",
          updated_at: now,
        })
        .where("id", "=", id)
        .execute();
      if (request.holdId) await trx.deleteFrom("slot_holds").where("id", "=", request.holdId).execute();
      const appointment = await reread(trx, caller.organisationId, id);
      await afterChange(trx, ctx, caller, {
        organisation,
        appointment,
        contact,
        event: "rescheduled",
        reason: request.reason ?? null,
      });
      return ok(appointment);
    });
  } catch (error) {
    if (isOverlapViolation(error))
      return fail("conflict", "someone booked this time a moment ago: choose another slot");
    throw error;
  }
}

export async function cancelAppointment(
  ctx: Context,
  caller: Caller,
  id: string,
  request: { reason: string },
): Promise<Result<Appointment>> {
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const locked = await lockForChange(trx, ctx, caller, id);
    if (!locked.ok) return locked;
    const { row, contact } = locked.value;
    if (row.status !== "booked") return fail<Appointment>("conflict", `the meeting is ${row.status} already`);
    const now = ctx.clock.now().toISOString();
    await trx
      .updateTable("appointments")
      .set({
        status: "cancelled",
        cancel_reason: request.reason,
        sequence: row.sequence + 1,
        updated_at: now,
      })
      .where("id", "=", id)
      .execute();
    const appointment = await reread(trx, caller.organisationId, id);
    await afterChange(trx, ctx, caller, {
      organisation,
      appointment,
      contact,
      event: "cancelled",
      reason: request.reason,
    });
    return ok(appointment);
  });
}

/**
 * How it went. Completed: the first meeting happened (the contact's progress moves to "met", which
 * the worker's track record counts). No-show: kept on the timeline; the contact stays with its worker.
 */
export async function recordOutcome(
  ctx: Context,
  caller: Caller,
  id: string,
  request: { outcome: "completed" | "no_show"; note?: string | undefined },
): Promise<Result<Appointment>> {
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const locked = await lockForChange(trx, ctx, caller, id);
    if (!locked.ok) return locked;
    const { row, contact } = locked.value;
    if (row.status !== "booked") return fail<Appointment>("conflict", `the meeting is ${row.status} already`);
    if (Number(row.start_ms) > ctx.clock.now().getTime()) {
      return fail<Appointment>("conflict", "the meeting has not started yet");
    }
    const now = ctx.clock.now().toISOString();
    await trx
      .updateTable("appointments")
      .set({ status: request.outcome, note: request.note ?? row.note, updated_at: now })
      .where("id", "=", id)
      .execute();
    const appointment = await reread(trx, caller.organisationId, id);
    if (request.outcome === "completed") {
      await recordDeed(trx, ctx, organisation, contact, {
        kind: "meeting",
        byAssignedWorker: caller.workerId !== null && caller.workerId === contact.assignedWorkerId,
      });
      await moveProgress(trx, ctx, caller, organisation, contact, MET_STEP);
    }
    await afterChange(trx, ctx, caller, {
      organisation,
      appointment,
      contact,
      event: request.outcome,
      reason: request.note ?? null,
    });
    return ok(appointment);
  });
}

/**
 * The meetings a caller may see: dispatchers and admins all; a worker their own; a setter those they
 * booked (to follow up on them); a marketer none.
 */
export async function appointmentsFor(
  ctx: Context,
  caller: Caller,
  filter: AppointmentFilter,
  limit: number,
): Promise<Result<Appointment[]>> {
  const scoped: AppointmentFilter = { ...filter };
  switch (caller.role) {
    case "admin":
    case "dispatcher":
      break;
    case "worker":
      if (!caller.workerId) return ok([]);
      if (filter.workerId && filter.workerId !== caller.workerId) return ok([]);
      scoped.workerId = caller.workerId;
      break;
    case "setter":
      scoped.bookedBy = caller.userId;
      break;
    case "marketer":
      return fail("forbidden", "a marketer sees no meetings with people");
  }
  const rows = await listAppointments(ctx.db.kysely, caller.organisationId, scoped, limit);
  return ok(rows.map(toAppointment));
}

/** One meeting, for those who may see it (others get 404). */
export async function readAppointment(
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<Appointment>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer sees no meetings with people");
  const row = await findAppointment(ctx.db.kysely, caller.organisationId, id);
  if (!row) return fail("not_found", `no appointment ${id}`);
  const visible =
    caller.role === "admin" ||
    caller.role === "dispatcher" ||
    (caller.workerId !== null && caller.workerId === row.worker_id) ||
    (caller.userId !== "" && caller.userId === row.booked_by);
  return visible ? ok(toAppointment(row)) : fail("not_found", `no appointment ${id}`);
}
