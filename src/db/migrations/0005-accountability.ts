/** Accountability: deadlines with their escalation ladder, notifications, and each person's choices. */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  // The facts deadlines are computed from; cleared whenever the contact changes hands.
  for (const column of ["accepted_at", "first_attempt_at", "first_meeting_at", "last_update_at"]) {
    await db.schema.alterTable("contacts").addColumn(column, "text").execute();
  }
  await db.schema
    .createTable("deadlines")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("worker_id", "text", (c) => c.references("workers.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("level", "integer", (c) => c.notNull().defaultTo(0))
    // When the sweeper looks at it next; null once closed or at the end of its ladder.
    .addColumn("next_at", "text")
    .addColumn("requested_by", "text", (c) => c.references("users.id"))
    .addColumn("note", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("closed_at", "text")
    .addColumn("outcome", "text")
    .addColumn("answer", "text")
    .execute();
  await db.schema.createIndex("deadlines_next").on("deadlines").column("next_at").execute();
  await db.schema
    .createIndex("deadlines_by_contact")
    .on("deadlines")
    .columns(["contact_id", "closed_at"])
    .execute();
  await db.schema
    .createIndex("deadlines_open_by_worker")
    .on("deadlines")
    .columns(["organisation_id", "closed_at", "worker_id", "due_at"])
    .execute();
  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.references("contacts.id"))
    .addColumn("deadline_id", "text", (c) => c.references("deadlines.id"))
    .addColumn("urgent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("data", "text", (c) => c.notNull())
    // none, digest (waiting for the next digest) or queued (in the outbox)
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    // Set when the contact left this person: hidden from the inbox and never e-mailed.
    .addColumn("withdrawn_at", "text")
    .execute();
  await db.schema
    .createIndex("notifications_inbox")
    .on("notifications")
    .columns(["user_id", "withdrawn_at", "read_at", "id"])
    .execute();
  await db.schema
    .createIndex("notifications_digest")
    .on("notifications")
    .columns(["email", "user_id"])
    .execute();
  await db.schema
    .createIndex("notifications_by_contact")
    .on("notifications")
    .columns(["contact_id", "user_id"])
    .execute();
  await db.schema
    .createTable("notification_settings")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id"))
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("preferences", "text", (c) => c.notNull())
    .addColumn("last_digest_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // One message per key: a digest or an e-mail enqueued twice by racing processes is refused.
  await db.schema
    .createIndex("outbox_key")
    .on("outbox")
    .columns(["kind", "idempotency_key"])
    .unique()
    .execute();
}
