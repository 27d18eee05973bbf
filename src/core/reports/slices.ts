/**
 * How a report's from/to splits into whole weeks or months, read from the rollups, and the edges a bound
 * cuts inside a period, read contact by contact.
 */
import type { Dimension } from "./measures.js";
import { type Period, periodBounds, periodOf } from "./periods.js";

export interface Slices {
  grain: Period;
  /** The whole periods inside from/to: keys from `from` (inclusive) to `before` (exclusive); null: none. */
  periods: { from?: string; before?: string } | null;
  /** Instants [from, to) cut out of a period by a bound: at most two. */
  edges: Array<{ from: string; to: string }>;
}

/** The period after this one. */
function nextPeriod(grain: Period, key: string): string {
  return periodOf(grain, periodBounds(grain, key).to);
}

/** Splits from/to into whole periods of one grain and the edges left over. */
export function slicesOf(
  grain: Period,
  filter: { from?: string | undefined; to?: string | undefined },
): Slices {
  const { from, to } = filter;
  const edges: Slices["edges"] = [];
  let first: string | undefined;
  let before: string | undefined;
  if (from !== undefined) {
    const key = periodOf(grain, from);
    const bounds = periodBounds(grain, key);
    if (bounds.from === from) first = key;
    else {
      first = nextPeriod(grain, key);
      edges.push({ from, to: bounds.to });
    }
  }
  if (to !== undefined) {
    before = periodOf(grain, to);
    const start = periodBounds(grain, before).from;
    if (start < to) edges.push({ from: start, to });
  }
  if (first !== undefined && before !== undefined && first >= before) {
    // No whole period between the bounds: all of it is one edge.
    return {
      grain,
      periods: null,
      edges: from !== undefined && to !== undefined && from < to ? [{ from, to }] : [],
    };
  }
  return {
    grain,
    periods: { ...(first === undefined ? {} : { from: first }), ...(before === undefined ? {} : { before }) },
    edges,
  };
}

function edgeMs(slices: Slices): number {
  let sum = 0;
  for (const edge of slices.edges) sum += Date.parse(edge.to) - Date.parse(edge.from);
  return sum;
}

/**
 * The slices a report reads: by week, weeks; by month, months; grouped otherwise, whichever grain leaves
 * the shorter edges (months on a tie: fewer rows).
 */
export function reportSlices(by: Dimension, filter: { from?: string | undefined; to?: string | undefined }) {
  if (by === "week" || by === "month") return slicesOf(by, filter);
  const months = slicesOf("month", filter);
  const weeks = slicesOf("week", filter);
  return edgeMs(weeks) < edgeMs(months) ? weeks : months;
}
