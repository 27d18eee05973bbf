/** Query functions for the hexagonal map: new contacts per H3 cell, and the available workers with their load. */
import { sql } from "kysely";
import { type H3Resolution, h3Column } from "../core/reports/hexagons.js";
import { CONTACT_COLUMNS, conditions, type ReportFilter, type ReportScope } from "./reports.js";
import { HOLDING_STATUSES } from "./workers.js";

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

/**
 * The available workers (active, or away with the away period over) where they live, with their capacity
 * and the contacts they hold now: one row a worker (10^4 at most), placed in cells by the caller.
 */
export async function availableWorkerPlaces(
  { db, organisationId }: ReportScope,
  filter: Pick<ReportFilter, "country" | "place" | "team">,
  now: string,
) {
  let q = db
    .selectFrom("workers")
    .select((eb) => [
      "workers.id",
      "workers.lat",
      "workers.lon",
      "workers.capacity",
      eb
        .selectFrom("contacts")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("contacts.assigned_worker_id", "=", "workers.id")
        .where("contacts.organisation_id", "=", organisationId)
        .where("contacts.status", "in", HOLDING_STATUSES)
        .as("load"),
    ])
    .where("workers.organisation_id", "=", organisationId)
    .where((eb) =>
      eb.or([
        eb("workers.status", "=", "active"),
        eb.and([
          eb("workers.status", "=", "away"),
          eb("workers.away_until", "is not", null),
          eb("workers.away_until", "<=", now),
        ]),
      ]),
    );
  if (filter.country !== undefined) q = q.where("workers.country", "=", filter.country);
  if (filter.place !== undefined) q = q.where("workers.place_name", "=", filter.place);
  if (filter.team !== undefined) q = q.where("workers.team", "=", filter.team);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, lat: r.lat, lon: r.lon, capacity: r.capacity, load: n(r.load) }));
}
