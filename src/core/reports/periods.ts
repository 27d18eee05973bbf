/** Report periods: the ISO week (`2026-W09`) or the month (`2026-03`) a UTC timestamp falls in. */
import { DateTime } from "luxon";

export const PERIODS = ["week", "month"] as const;
export type Period = (typeof PERIODS)[number];

/** The ISO-8601 week of a UTC instant, as `YYYY-Www`: the week-numbering year, which may differ near New Year. */
export function isoWeekOf(iso: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).toFormat("kkkk-'W'WW");
}

/** The calendar month of a UTC instant, as `YYYY-MM`. */
export function monthOf(iso: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).toFormat("yyyy-MM");
}

export function periodOf(period: Period, iso: string): string {
  return period === "week" ? isoWeekOf(iso) : monthOf(iso);
}
