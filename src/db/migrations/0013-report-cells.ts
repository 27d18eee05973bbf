/**
 * The hexagonal map from the rollups: the report facts keep each contact's H3 cells, and two more grains
 * of rollups (by week and by month, per place and cell) sum them, so that the map reads like a report by
 * city instead of counting 10^6 contacts per cell. A change of a contact's cells is noted like a change of
 * its place. The facts built before this have no cells: every organisation's are built again by the next
 * refresh (its reports read the contacts until then).
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import { addChangeTrigger, type DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

const CELLS = ["h3_r4", "h3_r5", "h3_r6", "h3_r7"];

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  for (const table of ["report_facts", "report_rollups"]) {
    for (const column of CELLS) await db.schema.alterTable(table).addColumn(column, "text").execute();
  }
  // The map's counts per cell, narrow: read without the rows' 168 histogram columns.
  await db.schema
    .createIndex("report_rollups_cells")
    .on("report_rollups")
    .columns(["organisation_id", "grain", "period", "country", "place_name", ...CELLS, "contacts"])
    .where(sql<SqlBool>`grain in ('week-by-cell', 'month-by-cell')`)
    .execute();
  await addChangeTrigger(db, dialect, {
    name: "report_contact_cells_changed",
    table: "contacts",
    columns: CELLS,
    contactId: "id",
    updatesOnly: true,
  });
  await db.updateTable("report_refreshes").set({ built_at: null }).execute();
}
