/** Query functions for contact_stage_changes: every status a contact entered, who held it then, and until when. */
import type { Insertable, Kysely } from "kysely";
import { withLeftAt } from "../core/reports/stage-history.js";
import type { ContactStageChangesTable, Database } from "./schema.js";

type StageChange = Omit<Insertable<ContactStageChangesTable>, "left_at">;

/**
 * A contact enters a stage: the stay it was in ends then (its row gets `left_at`), in the caller's
 * transaction, and the new one starts open.
 */
export async function recordStageChange(trx: Kysely<Database>, row: StageChange): Promise<void> {
  await trx
    .updateTable("contact_stage_changes")
    .set({ left_at: row.entered_at })
    .where("organisation_id", "=", row.organisation_id)
    .where("contact_id", "=", row.contact_id)
    .where("left_at", "is", null)
    .execute();
  await trx.insertInto("contact_stage_changes").values(row).execute();
}

/** Whole stage histories of contacts that have none stored yet (the demo): each stay ends at the next. */
export async function insertStageChanges(trx: Kysely<Database>, rows: readonly StageChange[]): Promise<void> {
  const ended = withLeftAt(rows);
  for (let i = 0; i < ended.length; i += 500) {
    await trx
      .insertInto("contact_stage_changes")
      .values(ended.slice(i, i + 500))
      .execute();
  }
}
