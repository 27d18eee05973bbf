/** Dispatch: who declined whom, the trace of every decision, and batch runs with their preview. */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("declines")
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("worker_id", "text", (c) => c.notNull().references("workers.id"))
    .addColumn("reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("declines_pk", ["contact_id", "worker_id"])
    .execute();

  await db.schema
    .createTable("dispatch_decisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("worker_id", "text", (c) => c.references("workers.id"))
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("trace", "text", (c) => c.notNull())
    .addColumn("run_id", "text")
    .addColumn("actor_user_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("dispatch_decisions_by_contact")
    .on("dispatch_decisions")
    .columns(["contact_id", "id"])
    .execute();

  await db.schema
    .createTable("dispatch_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("applied_at", "text")
    .execute();
  await db.schema
    .createIndex("dispatch_runs_by_organisation")
    .on("dispatch_runs")
    .columns(["organisation_id", "id"])
    .execute();
}
