/**
 * Demand per worker on the hexagonal grid: per H3 cell, the new contacts of the period, the available
 * workers who live there and their free places, and contacts per available worker.
 */
import type { Context } from "../context.js";
import { seesSuppressedCounts } from "../core/access/roles.js";
import {
  type H3Resolution,
  type HexagonsReport,
  h3CellOf,
  h3Column,
  h3Shape,
} from "../core/reports/hexagons.js";
import {
  combineSupply,
  EMPTY_SUPPLY,
  type Keyed,
  rollUp,
  type SupplyFigures,
  supplyMeasures,
  totalOf,
} from "../core/reports/measures.js";
import { ok, type Result } from "../core/result.js";
import { availableWorkerPlaces, contactsPerCell } from "../db/report-hexagons.js";
import { rolledContactsPerCell } from "../db/report-rollups.js";
import type { ReportFilter } from "../db/reports.js";
import type { Caller } from "./record.js";
import { rollupsReady } from "./refresh-reports.js";
import { keyed, mayReadReports, reportScopeOf } from "./reports.js";

export interface HexagonsQuery extends ReportFilter {
  resolution: H3Resolution;
}

export async function hexagonsReport(
  ctx: Context,
  caller: Caller,
  query: HexagonsQuery,
): Promise<Result<HexagonsReport>> {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const { resolution, ...filter } = query;
  const scope = reportScopeOf(ctx, caller);
  const now = ctx.clock.now().toISOString();
  // The rollups by cell hold places and periods only: by source, campaign or team, the contacts.
  const rolled =
    filter.source === undefined &&
    filter.campaign === undefined &&
    filter.team === undefined &&
    (await rollupsReady(ctx, caller.organisationId));
  const [contacts, workers] = await Promise.all([
    rolled
      ? rolledContactsPerCell(scope, h3Column(resolution), filter)
      : contactsPerCell(scope, resolution, filter),
    availableWorkerPlaces(scope, filter, now),
  ]);
  const groups: Array<Keyed<SupplyFigures>> = [
    ...contacts.map((r) => keyed({ k: r.cell, c: null }, { ...EMPTY_SUPPLY, contacts: r.contacts })),
    ...workers.map((w) =>
      keyed(
        { k: h3CellOf(w.lat, w.lon, resolution), c: null },
        { ...EMPTY_SUPPLY, availableWorkers: 1, freeCapacity: Math.max(0, w.capacity - w.load) },
      ),
    ),
  ];
  const cells = rollUp(groups, "h3", combineSupply);
  const marketer = seesSuppressedCounts(caller);
  const rows = cells.flatMap(({ key, figures }) => {
    const shape = key === null ? null : h3Shape(key);
    return shape && key !== null ? [{ key, ...shape, ...supplyMeasures(figures, marketer) }] : [];
  });
  return ok({ by: "h3", resolution, rows, totals: supplyMeasures(totalOf(cells, combineSupply), marketer) });
}
