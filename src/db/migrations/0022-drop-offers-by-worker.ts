/**
 * Each worker's last offer is kept on the worker's row since migration 0021, which read this index once to
 * fill it. Nothing reads it any more, and every offered decision paid for its upkeep.
 */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema.dropIndex("dispatch_decisions_offered_by_worker").execute();
}
