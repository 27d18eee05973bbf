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

/**
 * Every worker's last offer from the decisions recorded (what insertDecision keeps from then on), in one
 * grouped pass over the offered decisions: a correlated max per worker is one index descent each while
 * migration 0020's index exists, but a scan of every decision per worker once 0022 has dropped it (the
 * benchmark's fill calls this after; at 10^4 workers it ran for over nine minutes).
 */
export async function fillLastOffers(db: AnyDb): Promise<void> {
  await sql`update workers set last_offer_at = last.at
    from (
      select organisation_id, worker_id, max(created_at) as at from dispatch_decisions
      where outcome = 'offered' and worker_id is not null group by organisation_id, worker_id
    ) as last
    where last.organisation_id = workers.organisation_id and last.worker_id = workers.id`.execute(db);
}
