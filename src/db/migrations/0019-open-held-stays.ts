/**
 * The holding stays still open (a worker holds the contact now), by worker and when they began: the
 * workers report counts them per worker at each weekly instant. The index of migration 0012 keeps them
 * as its null `left_at` tail, which every stay passes through and leaves when it ends, so that tail grows
 * sparse (at 10^6 contacts its 158,488 open entries sat on 32,738 pages: 146–199 ms to read). Here a
 * stay leaves the index when it ends, the index keeps only the stays held now, and a new stay lands in its
 * worker's pages, whose room the ended ones left.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("contact_stage_changes_open_held")
    .on("contact_stage_changes")
    .columns(["organisation_id", "worker_id", "entered_at"])
    .where(
      sql<SqlBool>`left_at is null and worker_id is not null and status in ('offered', 'active', 'paused')`,
    )
    .execute();
}
