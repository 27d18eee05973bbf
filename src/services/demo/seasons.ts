/** When contacts arrive: Easter and Christmas for a ministry, spring for a solar sales team, and growth over time. */
import type { CountryCode } from "./places.js";

const DAY = 86_400_000;

/** Western Easter Sunday (the anonymous Gregorian algorithm), as a UTC date. */
export function westernEaster(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

/** Orthodox Easter Sunday (Meeus' Julian algorithm, moved to the Gregorian calendar; valid 1900–2099). */
export function orthodoxEaster(year: number): Date {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day) + 13 * DAY);
}

/** A bell around `centre`, `width` days wide (one standard deviation). */
function bump(at: number, centre: number, widthDays: number): number {
  const z = (at - centre) / (widthDays * DAY);
  return Math.exp(-0.5 * z * z);
}

/** The same calendar day in the years around `at`, for feasts that fall on a fixed date. */
function yearly(at: number, month: number, day: number, widthDays: number): number {
  const year = new Date(at).getUTCFullYear();
  let sum = 0;
  for (const y of [year - 1, year, year + 1]) sum += bump(at, Date.UTC(y, month - 1, day), widthDays);
  return sum;
}

function ministrySeason(at: number, country: CountryCode): number {
  const year = new Date(at).getUTCFullYear();
  const easter = country === "GR" || country === "CY" ? orthodoxEaster : westernEaster;
  let easterWave = 0;
  // Easter campaigns start weeks before the feast and peak in Holy Week.
  for (const y of [year - 1, year, year + 1]) easterWave += bump(at, easter(y).getTime() - 7 * DAY, 12);
  const christmasWave = yearly(at, 12, 20, 14);
  const weekday = new Date(at).getUTCDay();
  return (1 + 1.7 * easterWave + 1.4 * christmasWave) * (weekday === 0 ? 1.2 : 1);
}

function salesSeason(at: number): number {
  const spring = yearly(at, 4, 20, 40);
  const autumn = yearly(at, 10, 10, 30);
  const august = yearly(at, 8, 12, 10);
  const holidays = yearly(at, 12, 28, 7);
  const weekday = new Date(at).getUTCDay();
  const week = weekday === 0 ? 0.5 : weekday === 6 ? 0.65 : 1.1;
  return Math.max(0.15, 1 + 0.9 * spring + 0.35 * autumn - 0.5 * august - 0.45 * holidays) * week;
}

/**
 * How many contacts arrive on each of `days` calendar days (UTC) from `firstDay` on, as relative weights.
 * The organisation grows, so recent months weigh more than the first ones.
 */
export function dailyWeights(
  kind: "ministry" | "sales",
  country: CountryCode,
  firstDay: number,
  days: number,
): number[] {
  const weights: number[] = [];
  for (let i = 0; i < days; i++) {
    const noon = firstDay + i * DAY + DAY / 2;
    const growth = 0.55 + 0.9 * (i / days);
    weights.push(growth * (kind === "ministry" ? ministrySeason(noon, country) : salesSeason(noon)));
  }
  return weights;
}

/**
 * When in the day (UTC hours) people fill in a form or answer an ad: the evening across southern
 * Europe for a ministry's seekers, office hours for a solar lead.
 */
// biome-ignore format: one weight per hour reads best as a row
export const HOUR_WEIGHTS: Record<"ministry" | "sales", readonly number[]> = {
  ministry: [3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 6, 7, 8, 10, 12, 13, 12, 9, 6, 4],
  sales:    [1, 1, 1, 1, 1, 2, 4, 8, 11, 12, 12, 11, 10, 11, 12, 11, 10, 8, 7, 6, 5, 3, 2, 1],
};
