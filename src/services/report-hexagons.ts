/**
 * Demand per worker on the hexagonal grid: per H3 cell, the new contacts of the period, the available
 * workers who live there and their free places, and contacts per available worker.
 */
import type { Context } from "../context.js";
import { seesSuppressedCounts } from "../core/access/roles.js";
import { type H3Resolution, type HexagonsReport, h3CellOf, h3Shape } from "../core/reports/hexagons.js";
import { combineSupply, EMPTY_SUPPLY, type SupplyFigures, supplyMeasures } from "../core/reports/measures.js";
import { ok, type Result } from "../core/result.js";
import { availableWorkerPlaces, contactsPerCell } from "../db/report-hexagons.js";
import type { ReportFilter } from "../db/reports.js";
import type { Caller } from "./record.js";
import { mayReadReports, reportScopeOf } from "./report-stages.js";

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
  const [contacts, workers] = await Promise.all([
    contactsPerCell(scope, resolution, filter),
    availableWorkerPlaces(scope, filter, now),
  ]);
  const cells = new Map<string, SupplyFigures>();
  const of = (cell: string) => {
    const figures = cells.get(cell) ?? { ...EMPTY_SUPPLY };
    cells.set(cell, figures);
    return figures;
  };
  for (const row of contacts) of(row.cell).contacts += row.contacts;
  for (const w of workers) {
    const figures = of(h3CellOf(w.lat, w.lon, resolution));
    figures.availableWorkers += 1;
    figures.freeCapacity += Math.max(0, w.capacity - w.load);
  }
  const marketer = seesSuppressedCounts(caller);
  const rows = [...cells.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([cell, figures]) => {
      const shape = h3Shape(cell);
      return shape ? [{ key: cell, ...shape, ...supplyMeasures(figures, marketer) }] : [];
    });
  return ok({
    by: "h3",
    resolution,
    rows,
    totals: supplyMeasures(combineSupply([...cells.values()]), marketer),
  });
}
