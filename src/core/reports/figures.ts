/** The arithmetic of reports: rates, medians, hours between instants, and small-count suppression. */

/** What a marketer sees instead of a count from 1 to 4: small groups could point at a person. */
export const SMALL = "<5";
export type Count = number | typeof SMALL;

/** Counts under this (but above zero) are suppressed for marketers. */
export const SUPPRESS_BELOW = 5;

export function isSmall(n: number): boolean {
  return n > 0 && n < SUPPRESS_BELOW;
}

/** A count as a marketer sees it: 1–4 become "<5"; 0 stays 0. */
export function suppressCount(n: number): Count {
  return isSmall(n) ? SMALL : n;
}

/** numerator / denominator rounded to 3 decimals; null when there is nothing to divide by. */
export function rate(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator / denominator) * 1000) / 1000;
}

/** The median, rounded to 2 decimals; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return round2(value);
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Hours from one UTC ISO instant to another (negative when `to` is earlier). */
export function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 3_600_000;
}
