/**
 * Reports at 10^6 contacts: the contacts each worker holds now (for free capacity), found without
 * reading the contacts a worker held once.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  // Partial: only the contacts held now (offered, active, paused), a small share of all of them.
  await db.schema
    .createIndex("contacts_held_by_worker")
    .on("contacts")
    .columns(["organisation_id", "assigned_worker_id"])
    .where(sql<SqlBool>`status in ('offered', 'active', 'paused')`)
    .execute();
}
