/**
 * When each stay in a stage ends: `left_at` on a stage change is the time of the contact's next change
 * (null while the contact is still in that stage). The writer of the next change sets it in its own
 * transaction (src/db/stage-changes.ts), so that the reports read a stay's end from its row instead of
 * ordering every change of every contact on each request. Existing rows get it here, on both databases,
 * in the order the reports used: by time entered, then by id.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("contact_stage_changes").addColumn("left_at", "text").execute();
  // UPDATE … FROM: PostgreSQL, and SQLite since 3.33.
  await sql`
    update contact_stage_changes set left_at = n.next_at
    from (
      select id, lead(entered_at) over (partition by contact_id order by entered_at, id) as next_at
      from contact_stage_changes
    ) n
    where n.id = contact_stage_changes.id and n.next_at is not null`.execute(db);
  // The stays in which a worker held a contact, by when they ended (null: holding still): the contacts
  // each worker held at an instant are the open ones entered before it and the ones that ended after.
  await db.schema
    .createIndex("contact_stage_changes_held")
    .on("contact_stage_changes")
    .columns(["organisation_id", "left_at", "entered_at", "worker_id"])
    .where(sql<SqlBool>`worker_id is not null and status in ('offered', 'active', 'paused')`)
    .execute();
}
