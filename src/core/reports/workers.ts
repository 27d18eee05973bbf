/**
 * The workers report as pure functions: the weeks a period spans and the instant each is measured at,
 * load against capacity per week, and who improves and who slips (the last 30 days against the 30 before
 * on acceptance rate, time to first contact and meeting rate).
 */
import { DateTime } from "luxon";
import { z } from "zod";
import { type Count, isSmall, rate, round2, SMALL, suppressCount } from "./figures.js";

/** The windows compared: this many days each. */
export const WINDOW_DAYS = 30;
/** A measure is compared only when both windows have at least this many offers or contacts behind it. */
export const MIN_BEHIND = 3;
/** How many improvers and slippers are listed. */
export const LISTED = 5;
export const DEFAULT_WEEKS = 12;

export interface Week {
  /** ISO week, `2026-W10`. */
  week: string;
  /** When the week's load is measured: its end, or now for the week under way. */
  at: string;
}

/** The ISO weeks from `from` to `to` (default: the 12 weeks up to now), each measured at its end or now. */
export function weeksOf(now: string, from?: string, to?: string): Week[] {
  const end = DateTime.min(
    DateTime.fromISO(to ?? now, { zone: "utc" }),
    DateTime.fromISO(now, { zone: "utc" }),
  );
  const start = from
    ? DateTime.fromISO(from, { zone: "utc" })
    : end.startOf("week").minus({ weeks: DEFAULT_WEEKS - 1 });
  const weeks: Week[] = [];
  for (
    let monday = start.startOf("week");
    monday < end && weeks.length < 105;
    monday = monday.plus({ weeks: 1 })
  ) {
    const next = monday.plus({ weeks: 1 });
    const at = DateTime.min(next, end);
    weeks.push({ week: monday.toFormat("kkkk-'W'WW"), at: at.toUTC().toISO() ?? "" });
  }
  return weeks;
}

export interface WindowFigures {
  answered: number;
  acceptedOffers: number;
  acceptedContacts: number;
  met: number;
  firstContact: { n: number; medianHours: number } | null;
}

export const EMPTY_WINDOW: WindowFigures = {
  answered: 0,
  acceptedOffers: 0,
  acceptedContacts: 0,
  met: 0,
  firstContact: null,
};

export interface WindowMeasures {
  acceptanceRate: number | null;
  medianHoursToFirstContact: number | null;
  meetingRate: number | null;
}

export function windowMeasures(f: WindowFigures): WindowMeasures {
  return {
    acceptanceRate: rate(f.acceptedOffers, f.answered),
    medianHoursToFirstContact: f.firstContact ? round2(f.firstContact.medianHours) : null,
    meetingRate: rate(f.met, f.acceptedContacts),
  };
}

/**
 * How much a worker changed, from -1 (slipped on everything) to 1: the mean over the measures with
 * enough behind them in both windows of the rates' difference, and of the time's relative fall.
 */
export function changeScore(before: WindowFigures, recent: WindowFigures): number | null {
  const parts: number[] = [];
  if (before.answered >= MIN_BEHIND && recent.answered >= MIN_BEHIND) {
    parts.push(recent.acceptedOffers / recent.answered - before.acceptedOffers / before.answered);
  }
  const a = before.firstContact;
  const b = recent.firstContact;
  if (a && b && a.n >= MIN_BEHIND && b.n >= MIN_BEHIND) {
    const slower = Math.max(a.medianHours, b.medianHours);
    parts.push(slower > 0 ? (a.medianHours - b.medianHours) / slower : 0);
  }
  if (before.acceptedContacts >= MIN_BEHIND && recent.acceptedContacts >= MIN_BEHIND) {
    parts.push(recent.met / recent.acceptedContacts - before.met / before.acceptedContacts);
  }
  if (parts.length === 0) return null;
  return Math.round((parts.reduce((s, x) => s + x, 0) / parts.length) * 1000) / 1000;
}

export interface Change {
  workerId: string;
  score: number;
}

/** The biggest improvers (score above 0, best first) and slippers (below 0, worst first). */
export function improversAndSlippers(changes: readonly Change[]): {
  improvers: Change[];
  slippers: Change[];
} {
  const byScore = [...changes].sort((a, b) => b.score - a.score || a.workerId.localeCompare(b.workerId));
  return {
    improvers: byScore.filter((c) => c.score > 0).slice(0, LISTED),
    slippers: byScore
      .filter((c) => c.score < 0)
      .reverse()
      .slice(0, LISTED),
  };
}

/** Which way a worker's load went over the period: up, down or flat (first week against last). */
export function trendOf(series: readonly number[]): "up" | "down" | "flat" {
  const first = series[0] ?? 0;
  const last = series[series.length - 1] ?? 0;
  return last > first ? "up" : last < first ? "down" : "flat";
}

/** A week's total as a marketer sees it. */
export function weekMeasures(w: { held: number; capacity: number; workers: number }, marketer: boolean) {
  const count = (n: number): Count => (marketer ? suppressCount(n) : n);
  const hidden = marketer && (isSmall(w.workers) || isSmall(w.held));
  return {
    held: count(w.held),
    capacity: count(w.capacity),
    workers: count(w.workers),
    loadRate: hidden ? null : rate(w.held, w.capacity),
  };
}

const count = z
  .union([z.number().int(), z.literal(SMALL)])
  .describe(`a count; "${SMALL}" for a marketer when 1–4`);
const WindowSchema = z.object({
  acceptanceRate: z.number().nullable(),
  medianHoursToFirstContact: z.number().nullable(),
  meetingRate: z.number().nullable(),
});
const ChangeSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  team: z.string().nullable(),
  score: z.number().describe("-1..1: the mean change over the measures with enough behind them"),
  before: WindowSchema.describe("the 30 days before the last 30"),
  recent: WindowSchema.describe("the last 30 days"),
});

export const WorkersReportSchema = z.object({
  weeks: z
    .array(
      z.object({
        week: z.string().describe("ISO week"),
        at: z.string().describe("when the load is measured: the week's end, or now"),
        held: count.describe("contacts held (offered, active or paused) by the workers selected"),
        capacity: count.describe("their capacity (as it is now)"),
        workers: count,
        loadRate: z.number().nullable().describe("held / capacity"),
      }),
    )
    .describe("load against capacity over time, in total"),
  workers: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        team: z.string().nullable(),
        placeName: z.string().nullable(),
        country: z.string().nullable(),
        status: z.string(),
        capacity: z.number().int(),
        held: z.number().int().describe("contacts held now"),
        series: z.array(z.number().int()).describe("contacts held at each week's measuring instant"),
        trend: z.enum(["up", "down", "flat"]),
        overloaded: z.boolean(),
        starved: z.boolean(),
        signals: z.array(z.string()),
      }),
    )
    .describe("per worker, for admins and dispatchers; empty for a marketer"),
  improvers: z.array(ChangeSchema).describe("empty for a marketer"),
  slippers: z.array(ChangeSchema).describe("empty for a marketer"),
  teams: z.array(z.string()).describe("every team named in the organisation, for the team filter"),
  totals: z.object({
    workers: count,
    overloaded: count,
    starved: count,
    held: count,
    capacity: count,
  }),
});
export type WorkersReport = z.infer<typeof WorkersReportSchema>;
