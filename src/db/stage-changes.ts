/** Query functions for contact_stage_changes: every status a contact entered, and who held it then. */
import type { Kysely } from "kysely";
import type { ContactStageChangesTable, Database } from "./schema.js";

export async function recordStageChange(trx: Kysely<Database>, row: ContactStageChangesTable): Promise<void> {
  await trx.insertInto("contact_stage_changes").values(row).execute();
}

export async function insertStageChanges(
  trx: Kysely<Database>,
  rows: readonly ContactStageChangesTable[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto("contact_stage_changes")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}
