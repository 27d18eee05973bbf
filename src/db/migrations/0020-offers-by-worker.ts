/**
 * Each worker's offers by time: worker health (and the workers report through it) asks for every worker's
 * last offer, which without this index read every dispatch decision of the organisation (one per offer and
 * per unassignable verdict, each with its trace: about a million rows at 10^6 contacts). With it, one short
 * descent of the index per worker.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("dispatch_decisions_offered_by_worker")
    .on("dispatch_decisions")
    .columns(["organisation_id", "worker_id", "created_at"])
    .where(sql<SqlBool>`outcome = 'offered'`)
    .execute();
}
