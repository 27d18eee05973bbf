/** Query functions for the hexagonal map: new contacts per H3 cell, and the available workers with their load. */
import { sql } from "kysely";
import { type H3Resolution, h3Column } from "../core/reports/hexagons.js";
import {
  availableWorkerRows,
  CONTACT_COLUMNS,
  conditions,
  type ReportFilter,
  type ReportScope,
} from "./reports.js";

const n = (value: unknown) => Number(value ?? 0);

/** New contacts per cell (contacts without a location have none and are left out). */
export async function contactsPerCell(scope: ReportScope, resolution: H3Resolution, filter: ReportFilter) {
  const { db, organisationId } = scope;
  const cell = sql<string | null>`${sql.ref(`contacts.${h3Column(resolution)}`)}`;
  let q = db
    .selectFrom("contacts")
    .where("contacts.organisation_id", "=", organisationId)
    .where(cell, "is not", null);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const rows = await q
    .select((eb) => [cell.as("cell"), eb.fn.countAll().as("n")])
    .groupBy(cell)
    .execute();
  return rows.map((r) => ({ cell: r.cell ?? "", contacts: n(r.n) }));
}

/** The available workers where they live, with their capacity and load: placed in cells by the caller. */
export async function availableWorkerPlaces(
  scope: ReportScope,
  filter: Pick<ReportFilter, "country" | "place" | "team">,
  now: string,
) {
  const rows = await availableWorkerRows(scope, filter, now).execute();
  return rows.map((r) => ({ id: r.id, lat: r.lat, lon: r.lon, capacity: r.capacity, load: n(r.load) }));
}
