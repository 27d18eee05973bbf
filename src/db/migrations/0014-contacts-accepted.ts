/**
 * The workers report's two 30-day windows read the contacts accepted in them (per worker: accepted,
 * met, the time to the first attempt) from this index alone, instead of every contact. Partial: a
 * contact enters it when accepted, so arrivals (the busiest writes) never touch it.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("contacts_accepted")
    .on("contacts")
    .columns(["organisation_id", "accepted_at", "assigned_worker_id", "first_attempt_at", "first_meeting_at"])
    .where(sql<SqlBool>`accepted_at is not null and assigned_worker_id is not null`)
    .execute();
}
