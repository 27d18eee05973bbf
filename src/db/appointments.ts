/** Query functions for appointments, and their shape in the API. */
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

export const MEETING_MODES = ["in_person", "phone", "video"] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export const APPOINTMENT_STATUSES = ["booked", "cancelled", "completed", "no_show"] as const;

export interface Appointment {
  id: string;
  contactId: string;
  contactName: string | null;
  workerId: string;
  workerName: string | null;
  start: string;
  end: string;
  localDate: string;
  mode: MeetingMode;
  placeName: string | null;
  lat: number | null;
  lon: number | null;
  status: (typeof APPOINTMENT_STATUSES)[number];
  sequence: number;
  note: string | null;
  cancelReason: string | null;
  inviteContact: boolean;
  bookedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function findAppointment(db: Kysely<Database>, organisationId: string, id: string) {
  return db
    .selectFrom("appointments")
    .leftJoin("contacts", "contacts.id", "appointments.contact_id")
    .leftJoin("workers", "workers.id", "appointments.worker_id")
    .selectAll("appointments")
    .select(["contacts.display_name as contact_name", "workers.name as worker_name"])
    .where("appointments.organisation_id", "=", organisationId)
    .where("appointments.id", "=", id)
    .executeTakeFirst();
}

export type AppointmentRow = NonNullable<Awaited<ReturnType<typeof findAppointment>>>;

export function toAppointment(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.contact_name ?? null,
    workerId: row.worker_id,
    workerName: row.worker_name ?? null,
    start: row.starts_at,
    end: row.ends_at,
    localDate: row.local_date,
    mode: row.mode as MeetingMode,
    placeName: row.place_name,
    lat: row.lat,
    lon: row.lon,
    status: row.status as Appointment["status"],
    sequence: row.sequence,
    note: row.note,
    cancelReason: row.cancel_reason,
    inviteContact: row.invite_contact === 1,
    bookedBy: row.booked_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface AppointmentFilter {
  workerId?: string | undefined;
  contactId?: string | undefined;
  bookedBy?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  status?: string | undefined;
}

/** Appointments in time order, with the contact's and the worker's names. */
export async function listAppointments(
  db: Kysely<Database>,
  organisationId: string,
  filter: AppointmentFilter,
  limit: number,
): Promise<AppointmentRow[]> {
  let q = db
    .selectFrom("appointments")
    .leftJoin("contacts", "contacts.id", "appointments.contact_id")
    .leftJoin("workers", "workers.id", "appointments.worker_id")
    .selectAll("appointments")
    .select(["contacts.display_name as contact_name", "workers.name as worker_name"])
    .where("appointments.organisation_id", "=", organisationId);
  if (filter.workerId) q = q.where("appointments.worker_id", "=", filter.workerId);
  if (filter.contactId) q = q.where("appointments.contact_id", "=", filter.contactId);
  if (filter.bookedBy) q = q.where("appointments.booked_by", "=", filter.bookedBy);
  if (filter.status) q = q.where("appointments.status", "=", filter.status);
  if (filter.fromMs !== undefined) q = q.where("appointments.end_ms", ">", filter.fromMs);
  if (filter.toMs !== undefined) q = q.where("appointments.start_ms", "<", filter.toMs);
  return q.orderBy("appointments.start_ms").limit(limit).execute();
}
