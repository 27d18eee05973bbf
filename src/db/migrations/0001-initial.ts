/** Organisations, users, sessions, workers, contacts, their timeline and the audit log. */
import type { Kysely } from "kysely";
import { type DialectName, doubleType } from "../dialect.js";

// Migrations see the database untyped: they describe tables, they do not use them.
// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  const double = doubleType(dialect);

  await db.schema
    .createTable("organisations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("vocabulary", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("users_by_organisation")
    .on("users")
    .columns(["organisation_id", "name"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_by_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("workers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("user_id", "text", (c) => c.unique().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("gender", "text")
    .addColumn("languages", "text", (c) => c.notNull())
    .addColumn("place_name", "text")
    .addColumn("country", "text")
    .addColumn("lat", double, (c) => c.notNull())
    .addColumn("lon", double, (c) => c.notNull())
    .addColumn("max_km", double, (c) => c.notNull())
    .addColumn("capacity", "integer", (c) => c.notNull())
    .addColumn("trust", double, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("away_until", "text")
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("workers_by_organisation")
    .on("workers")
    .columns(["organisation_id", "name", "id"])
    .execute();

  await db.schema
    .createTable("contacts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("given_name", "text")
    .addColumn("family_name", "text")
    .addColumn("phones", "text", (c) => c.notNull())
    .addColumn("emails", "text", (c) => c.notNull())
    .addColumn("gender", "text")
    .addColumn("languages", "text", (c) => c.notNull())
    .addColumn("place_name", "text")
    .addColumn("region", "text")
    .addColumn("country", "text")
    .addColumn("postal_code", "text")
    .addColumn("lat", double)
    .addColumn("lon", double)
    .addColumn("source", "text")
    .addColumn("campaign", "text")
    .addColumn("inbound", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_reason", "text")
    .addColumn("progress", "text", (c) => c.notNull())
    .addColumn("assigned_worker_id", "text", (c) => c.references("workers.id"))
    .addColumn("search_text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("status_changed_at", "text", (c) => c.notNull())
    .addColumn("assigned_at", "text")
    .addColumn("last_activity_at", "text", (c) => c.notNull())
    .execute();
  // One index per list order and filter the console uses; each ends in id for a stable cursor.
  for (const [name, columns] of [
    ["contacts_by_created", ["organisation_id", "created_at", "id"]],
    ["contacts_by_updated", ["organisation_id", "updated_at", "id"]],
    ["contacts_by_name", ["organisation_id", "display_name", "id"]],
    ["contacts_by_status", ["organisation_id", "status", "created_at", "id"]],
    ["contacts_by_worker", ["organisation_id", "assigned_worker_id", "created_at", "id"]],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("contacts")
      .columns([...columns])
      .execute();
  }

  await db.schema
    .createTable("activities")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("body", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("actor_user_id", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("activities_by_contact")
    .on("activities")
    .columns(["contact_id", "id"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("actor_user_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("ip", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_by_organisation")
    .on("audit_log")
    .columns(["organisation_id", "id"])
    .execute();
  await db.schema.createIndex("audit_by_entity").on("audit_log").columns(["entity_id", "id"]).execute();
}
