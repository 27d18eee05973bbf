/** The reports screen's filters: kept in the URL, turned into the reports API's query, and counts that may read "<5". */
import { type Count, SMALL } from "../../../src/core/reports/figures.js";
import type { Dimension } from "../../../src/core/reports/measures.js";
import { query } from "../api.js";

/** What the screen can group the breakdown by: every dimension of the demand and flow reports. */
export const GROUPINGS = [
  "month",
  "week",
  "city",
  "region",
  "country",
  "source",
  "campaign",
] as const satisfies readonly Dimension[];
export type Grouping = (typeof GROUPINGS)[number];
export const DEFAULT_GROUPING: Grouping = "month";

export const FILTER_KEYS = ["from", "to", "country", "place", "campaign", "source", "team"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export type ReportFilters = Record<FilterKey, string> & { by: Grouping };

export type ReportName = "demand" | "supply" | "flow" | "backlog" | "stages" | "workers" | "hexagons";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isGrouping(value: string | null): value is Grouping {
  return GROUPINGS.some((g) => g === value);
}

/** The filters a URL holds; a malformed day or grouping is left out rather than sent to be refused. */
export function filtersFrom(params: URLSearchParams): ReportFilters {
  const text = (key: FilterKey) => params.get(key)?.trim() ?? "";
  const day = (key: "from" | "to") => (DAY.test(text(key)) ? text(key) : "");
  const by = params.get("by");
  return {
    from: day("from"),
    to: day("to"),
    country: text("country").toUpperCase(),
    place: text("place"),
    campaign: text("campaign"),
    source: text("source"),
    team: text("team"),
    by: isGrouping(by) ? by : DEFAULT_GROUPING,
  };
}

/** The URL's parameters with one filter changed; a new country forgets the place, which lay in the old one. */
export function withFilter(params: URLSearchParams, key: FilterKey | "by", value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value && !(key === "by" && value === DEFAULT_GROUPING)) next.set(key, value);
  else next.delete(key);
  if (key === "country") next.delete("place");
  return next;
}

/** The day after a `YYYY-MM-DD` day: the screen's "to" includes its day, the API's excludes it. */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** A report's URL for these filters, grouped by `by`; `csv` for the download link. */
export function reportUrl(
  name: ReportName,
  f: ReportFilters,
  by: Dimension | "h3" | undefined,
  format?: "csv",
  extra: Record<string, string | number> = {},
): string {
  return `/api/v1/reports/${name}${query({
    by,
    ...extra,
    from: f.from,
    to: f.to ? nextDay(f.to) : "",
    country: f.country,
    place: f.place,
    campaign: f.campaign,
    source: f.source,
    team: f.team,
    format,
  })}`;
}

export function isPeriod(by: Dimension): by is "week" | "month" {
  return by === "week" || by === "month";
}

/** A count to plot: a suppressed one ("<5") has no exact value. */
export function countValue(count: Count): number | null {
  return count === SMALL ? null : count;
}

/** A count to size or sort by: a suppressed one counts as the middle of 1–4. */
export function countWeight(count: Count): number {
  return count === SMALL ? 2.5 : count;
}

/** One row's identity across reports of the same grouping: a city is known by its country too. */
export function rowId(row: { key: string | null; country: string | null }): string {
  return `${row.country ?? ""}|${row.key ?? ""}`;
}

/** The map's two modes: bubbles per city, or hexagons of the H3 grid at a resolution from 4 to 7. */
export const MAP_MODES = ["cities", "hexagons"] as const;
export type MapMode = (typeof MAP_MODES)[number];
export const H3_RESOLUTIONS = [4, 5, 6, 7] as const;

export function mapModeFrom(params: URLSearchParams): { mode: MapMode; resolution: number } {
  const resolution = Number(params.get("res"));
  return {
    mode: params.get("map") === "hexagons" ? "hexagons" : "cities",
    resolution: (H3_RESOLUTIONS as readonly number[]).includes(resolution) ? resolution : 5,
  };
}
