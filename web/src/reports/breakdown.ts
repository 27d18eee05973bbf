/** The breakdown: the demand and flow reports of one grouping, side by side, one line per key. */
import type { DemandReport, FlowReport } from "../../../src/core/reports/schemas.js";
import { countWeight, rowId } from "./filters.js";

export type DemandRow = DemandReport["rows"][number];
export type FlowRow = FlowReport["rows"][number];

export interface BreakdownRow {
  id: string;
  key: string | null;
  country: string | null;
  demand: DemandRow | undefined;
  flow: FlowRow | undefined;
}

/** Every key either report has, in the flow report's order (by key, unknown last), then the demand's others. */
export function mergeBreakdown(demand: readonly DemandRow[], flow: readonly FlowRow[]): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const row of [...flow, ...demand]) {
    const id = rowId(row);
    if (!rows.has(id))
      rows.set(id, { id, key: row.key, country: row.country, demand: undefined, flow: undefined });
  }
  for (const row of demand) {
    const found = rows.get(rowId(row));
    if (found) found.demand = row;
  }
  for (const row of flow) {
    const found = rows.get(rowId(row));
    if (found) found.flow = row;
  }
  return [...rows.values()];
}

/** The rows with the most new contacts first, for a bar chart that has room for only some. */
export function busiest(rows: readonly BreakdownRow[], limit: number): BreakdownRow[] {
  return [...rows]
    .sort((a, b) => countWeight(b.demand?.newContacts ?? 0) - countWeight(a.demand?.newContacts ?? 0))
    .slice(0, limit);
}
