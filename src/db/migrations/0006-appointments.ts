/**
 * Appointment setting: call scripts and objections, callbacks, each worker's availability, slot
 * holds, appointments that never overlap, and the shortages found when no slot exists.
 */
import type { Kysely } from "kysely";
import { addNoOverlapRule, type DialectName, doubleType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  // Weekly hours, exceptions and the daily cap, as JSON in the worker's own time zone; null = default.
  await db.schema.alterTable("workers").addColumn("availability", "text").execute();
  // SHA-256 of the secret in the worker's calendar feed URL.
  await db.schema.alterTable("workers").addColumn("calendar_token_hash", "text").execute();
  await db.schema
    .createIndex("workers_calendar_token")
    .on("workers")
    .column("calendar_token_hash")
    .unique()
    .execute();
  // What the setter learnt on calls (question id → answer), the calls made, and the person's zone.
  await db.schema.alterTable("contacts").addColumn("script_answers", "text").execute();
  await db.schema
    .alterTable("contacts")
    .addColumn("call_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("contacts").addColumn("time_zone", "text").execute();

  await db.schema
    .createTable("scripts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    // The campaign it is for; "" is the organisation's default script.
    .addColumn("campaign", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("steps", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("scripts_campaign", ["organisation_id", "campaign"])
    .execute();
  await db.schema
    .createTable("objections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("objection", "text", (c) => c.notNull())
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("search_text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("objections_by_organisation")
    .on("objections")
    .column("organisation_id")
    .execute();

  await db.schema
    .createTable("callbacks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("setter_id", "text", (c) => c.references("users.id"))
    .addColumn("due_at", "text", (c) => c.notNull())
    // The zone the time was agreed in, and the local time as said ("Tuesday 18:30").
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("local_time", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("reminded_at", "text")
    .addColumn("done_at", "text")
    .execute();
  await db.schema
    .createIndex("callbacks_queue")
    .on("callbacks")
    .columns(["organisation_id", "done_at", "setter_id", "due_at"])
    .execute();
  await db.schema.createIndex("callbacks_due").on("callbacks").columns(["done_at", "due_at"]).execute();

  await db.schema
    .createTable("appointments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("worker_id", "text", (c) => c.notNull().references("workers.id"))
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    // The same instants as epoch milliseconds: what the overlap rule compares, on both databases.
    .addColumn("start_ms", "bigint", (c) => c.notNull())
    .addColumn("end_ms", "bigint", (c) => c.notNull())
    // The worker's local date, for the most-per-day rule.
    .addColumn("local_date", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("place_name", "text")
    .addColumn("lat", doubleType(dialect))
    .addColumn("lon", doubleType(dialect))
    // booked, cancelled, completed or no_show
    .addColumn("status", "text", (c) => c.notNull())
    // Raised on every change: the SEQUENCE of its invitations.
    .addColumn("sequence", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("note", "text")
    .addColumn("cancel_reason", "text")
    .addColumn("invite_contact", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reminders_sent", "text", (c) => c.notNull())
    .addColumn("booked_by", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("appointments_by_worker")
    .on("appointments")
    .columns(["worker_id", "start_ms"])
    .execute();
  await db.schema.createIndex("appointments_by_contact").on("appointments").column("contact_id").execute();
  await db.schema
    .createIndex("appointments_by_time")
    .on("appointments")
    .columns(["organisation_id", "status", "start_ms"])
    .execute();
  // No worker is ever in two booked meetings at once, whatever the application does.
  await addNoOverlapRule(db, dialect, {
    name: "appointments_no_overlap",
    table: "appointments",
    key: "worker_id",
    start: "start_ms",
    end: "end_ms",
    when: "status = 'booked'",
  });

  await db.schema
    .createTable("slot_holds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("worker_id", "text", (c) => c.notNull().references("workers.id"))
    .addColumn("contact_id", "text", (c) => c.references("contacts.id"))
    .addColumn("start_ms", "bigint", (c) => c.notNull())
    .addColumn("end_ms", "bigint", (c) => c.notNull())
    .addColumn("held_by", "text", (c) => c.references("users.id"))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("slot_holds_by_worker")
    .on("slot_holds")
    .columns(["worker_id", "expires_at"])
    .execute();

  // The overdue board reads open deadlines by due time (0005's index leads with the worker).
  await db.schema
    .createIndex("deadlines_open_by_due")
    .on("deadlines")
    .columns(["organisation_id", "closed_at", "due_at"])
    .execute();

  // Where a setter found no slot with anyone who fits: supply falling short of demand, by place.
  await db.schema
    .createTable("supply_shortages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.references("contacts.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("place_name", "text")
    .addColumn("country", "text")
    .addColumn("lat", doubleType(dialect))
    .addColumn("lon", doubleType(dialect))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("supply_shortages_by_time")
    .on("supply_shortages")
    .columns(["organisation_id", "created_at"])
    .execute();
}
