/**
 * Each worker's last offer on the worker's own row, written with the offer's decision (src/db/dispatch.ts):
 * worker health and the workers report read every worker's last offer, which was one descent of
 * dispatch_decisions_offered_by_worker (migration 0020) per worker, the largest part of reading the roster
 * at 10^4 workers. Filled here from the decisions already recorded.
 */
import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("workers").addColumn("last_offer_at", "text").execute();
  await fillLastOffers(db);
}

/** Every worker's last offer from the decisions recorded (what insertDecision keeps from then on). */
export async function fillLastOffers(db: AnyDb): Promise<void> {
  await sql`update workers set last_offer_at = (
      select max(d.created_at) from dispatch_decisions d
      where d.organisation_id = workers.organisation_id and d.worker_id = workers.id and d.outcome = 'offered'
    )`.execute(db);
}
