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

/** The instant (UTC ISO) a week (`2026-W10`) or month (`2026-03`) starts, and the one it ends at (exclusive). */
export function periodBounds(period: Period, key: string): { from: string; to: string } {
  const start = DateTime.fromISO(period === "week" ? `${key}-1` : `${key}-01`, { zone: "utc" });
  const end = start.plus(period === "week" ? { weeks: 1 } : { months: 1 });
  return { from: start.toISO() ?? "", to: end.toISO() ?? "" };
}

/**
 * The same period a year earlier: the month of the year before (`2026-03` → `2025-03`), or the ISO week
 * of the same number (`2026-W10` → `2025-W10`); null for week 53 of a year whose predecessor has none.
 */
export function aYearEarlier(period: Period, key: string): string | null {
  const match = /^(\d{4})-(W?\d{2})$/.exec(key);
  if (!match) return null;
  const earlier = `${Number(match[1]) - 1}-${match[2]}`;
  if (period === "week" && !DateTime.fromISO(`${earlier}-1`, { zone: "utc" }).isValid) return null;
  return earlier;
}

/** An instant (UTC ISO) one calendar year earlier (29 February becomes 28 February). */
export function instantAYearEarlier(iso: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).minus({ years: 1 }).toUTC().toISO() ?? iso;
}
