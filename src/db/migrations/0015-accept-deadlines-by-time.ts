/**
 * The workers report's offers by time: worker health reads the accept deadlines created in the last 30
 * days, and the report the offers answered in its two 30-day windows, each from its own partial covering
 * index instead of every offer (the columns they read follow the time, so neither touches the table).
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("deadlines_accept_created")
    .on("deadlines")
    .columns(["organisation_id", "created_at", "worker_id", "closed_at", "outcome"])
    .where(sql<SqlBool>`kind = 'accept'`)
    .execute();
  await db.schema
    .createIndex("deadlines_accept_answered")
    .on("deadlines")
    .columns(["organisation_id", "closed_at", "worker_id", "outcome"])
    .where(
      sql<SqlBool>`kind = 'accept' and outcome in ('met', 'declined', 'expired') and worker_id is not null`,
    )
    .execute();
}
