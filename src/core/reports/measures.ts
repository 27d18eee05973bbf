/**
 * The supply and demand reports as pure functions: raw figures per group (counts, and medians the
 * database took with how many values each is over) are merged, turned into measures, and suppressed
 * for marketers.
 */
import { type Count, isSmall, rate, round2, SMALL, suppressCount } from "./figures.js";
import { aYearEarlier, instantAYearEarlier, type Period, periodBounds } from "./periods.js";

export const DIMENSIONS = ["country", "region", "city", "source", "campaign", "week", "month"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** Workers have a country and a city but no region, source or campaign. */
export const SUPPLY_DIMENSIONS = ["country", "city"] as const;
export const PLACE_DIMENSIONS = ["country", "region", "city"] as const;

export function isPeriod(by: Dimension | "h3"): by is Period {
  return by === "week" || by === "month";
}

/** One group's figures: `key` is the dimension's value (null: unknown); `country` qualifies a region or city. */
export interface Keyed<F> {
  key: string | null;
  country: string | null;
  figures: F;
}

/** Groups with the same key (and country) are merged, and the result is sorted by key (unknown last). */
export function rollUp<F>(
  rows: ReadonlyArray<Keyed<F>>,
  by: Dimension | "h3",
  combine: (parts: readonly F[]) => F,
): Keyed<F>[] {
  const groups = new Map<string, { key: string | null; country: string | null; parts: F[] }>();
  for (const row of rows) {
    const key = row.key;
    const country = isPeriod(by) ? null : row.country;
    const id = `${country ?? ""}\u0000${key ?? "\u0001"}`;
    const group = groups.get(id) ?? { key, country, parts: [] };
    if (group.parts.length === 0) groups.set(id, group);
    group.parts.push(row.figures);
  }
  return [...groups.values()]
    .map(({ key, country, parts }) => ({ key, country, figures: combine(parts) }))
    .sort(
      (a, b) =>
        Number(a.key === null) - Number(b.key === null) ||
        (a.key ?? "").localeCompare(b.key ?? "") ||
        (a.country ?? "").localeCompare(b.country ?? ""),
    );
}

export function totalOf<F>(rows: ReadonlyArray<Keyed<F>>, combine: (parts: readonly F[]) => F): F {
  return combine(rows.map((row) => row.figures));
}

function sumOf<F>(parts: readonly F[], field: (f: F) => number): number {
  let sum = 0;
  for (const part of parts) sum += field(part);
  return sum;
}

/** A median the database took, with how many values it is over (null: none). */
export interface Median {
  n: number;
  /** In hours; null over no values. */
  hours: number | null;
}

export const NO_MEDIAN: Median = { n: 0, hours: null };

/** The one median among the parts of a group (each group's median comes from one query row). */
function medianOf(parts: readonly Median[]): Median {
  return parts.find((m) => m.n > 0) ?? NO_MEDIAN;
}

/** A median only over enough values: a marketer never sees one taken over fewer than five people. */
function medianFor(m: Median, marketer: boolean): number | null {
  return (marketer && isSmall(m.n)) || m.hours === null ? null : round2(m.hours);
}

/** A rate only from counts a marketer may see. */
function rateFor(numerator: number, denominator: number, marketer: boolean): number | null {
  return marketer && (isSmall(numerator) || isSmall(denominator)) ? null : rate(numerator, denominator);
}

function countFor(n: number, marketer: boolean): Count {
  return marketer ? suppressCount(n) : n;
}

// --- demand ---------------------------------------------------------------------------------------------

export interface DemandFigures {
  newContacts: number;
  unassignable: number;
  /** Unassignable contacts by the reason given. */
  reasons: Record<string, number>;
  shortages: number;
}

export const EMPTY_DEMAND: DemandFigures = { newContacts: 0, unassignable: 0, reasons: {}, shortages: 0 };

export function combineDemand(parts: readonly DemandFigures[]): DemandFigures {
  const reasons: Record<string, number> = {};
  for (const part of parts) {
    for (const [reason, n] of Object.entries(part.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
  }
  return {
    newContacts: sumOf(parts, (f) => f.newContacts),
    unassignable: sumOf(parts, (f) => f.unassignable),
    reasons,
    shortages: sumOf(parts, (f) => f.shortages),
  };
}

export function demandMeasures(f: DemandFigures, marketer: boolean) {
  return {
    newContacts: countFor(f.newContacts, marketer),
    unassignable: countFor(f.unassignable, marketer),
    unassignableReasons: Object.fromEntries(
      Object.entries(f.reasons)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([reason, n]) => [reason, countFor(n, marketer)]),
    ),
    shortages: countFor(f.shortages, marketer),
  };
}

// --- seasonality: demand beside the same period a year earlier ------------------------------------------

/** A group's demand a year earlier, as the comparison shows it. */
export function lastYearMeasures(f: DemandFigures, marketer: boolean) {
  return {
    newContacts: countFor(f.newContacts, marketer),
    unassignable: countFor(f.unassignable, marketer),
    shortages: countFor(f.shortages, marketer),
  };
}

/** Which group a row of this dimension is, the same way across this year's and last year's rows. */
export function groupId(by: Dimension, row: { key: string | null; country: string | null }): string {
  return `${by === "region" || by === "city" ? (row.country ?? "") : ""}\u0000${row.key ?? "\u0001"}`;
}

/**
 * What demand is compared with: for weeks and months, each period's namesake a year earlier (the filter
 * spans them whole); for places, sources and campaigns, the same from/to a year earlier. Null when there is
 * nothing to compare: no period shown, or no from/to to shift.
 */
export function lastYearOf<F extends { from?: string | undefined; to?: string | undefined }>(
  by: Dimension,
  filter: F,
  keys: ReadonlyArray<string | null>,
): { filter: F; keyOf: (key: string | null) => string | null } | null {
  if (isPeriod(by)) {
    const earlier = keys.flatMap((key) => {
      const then = key === null ? null : aYearEarlier(by, key);
      return then === null ? [] : [periodBounds(by, then)];
    });
    if (earlier.length === 0) return null;
    // ISO instants of one format sort as text.
    const from = earlier.map((b) => b.from).sort()[0];
    const to = earlier.map((b) => b.to).sort()[earlier.length - 1];
    return { filter: { ...filter, from, to }, keyOf: (key) => (key === null ? null : aYearEarlier(by, key)) };
  }
  if (filter.from === undefined && filter.to === undefined) return null;
  return {
    filter: {
      ...filter,
      from: filter.from === undefined ? undefined : instantAYearEarlier(filter.from),
      to: filter.to === undefined ? undefined : instantAYearEarlier(filter.to),
    },
    keyOf: (key) => key,
  };
}

// --- supply ---------------------------------------------------------------------------------------------

export interface SupplyFigures {
  availableWorkers: number;
  /** Free places: capacity less load, never below zero per worker. */
  freeCapacity: number;
  /** Contacts that arrived in the period, in the place. */
  contacts: number;
}

export const EMPTY_SUPPLY: SupplyFigures = { availableWorkers: 0, freeCapacity: 0, contacts: 0 };

export function combineSupply(parts: readonly SupplyFigures[]): SupplyFigures {
  return {
    availableWorkers: sumOf(parts, (f) => f.availableWorkers),
    freeCapacity: sumOf(parts, (f) => f.freeCapacity),
    contacts: sumOf(parts, (f) => f.contacts),
  };
}

export function supplyMeasures(f: SupplyFigures, marketer: boolean) {
  const hidden = marketer && (isSmall(f.contacts) || isSmall(f.availableWorkers));
  const perWorker = hidden || f.availableWorkers === 0 ? null : round2(f.contacts / f.availableWorkers);
  return {
    availableWorkers: countFor(f.availableWorkers, marketer),
    freeCapacity: countFor(f.freeCapacity, marketer),
    contacts: countFor(f.contacts, marketer),
    contactsPerWorker: perWorker,
  };
}

// --- flow -----------------------------------------------------------------------------------------------

export interface FlowFigures {
  contacts: number;
  /** Hours from arrival to assignment, over the assigned contacts. */
  toAssignment: Median;
  offersAccepted: number;
  /** Offers that ended by the worker: accepted, declined or lapsed. */
  offersAnswered: number;
  accepted: number;
  /** Hours from acceptance to the first attempt to reach the contact. */
  toFirstContact: Median;
  met: number;
}

export const EMPTY_FLOW: FlowFigures = {
  contacts: 0,
  toAssignment: NO_MEDIAN,
  offersAccepted: 0,
  offersAnswered: 0,
  accepted: 0,
  toFirstContact: NO_MEDIAN,
  met: 0,
};

/** Sums the counts; the medians come from the one part that holds each (totals have their own). */
export function combineFlow(parts: readonly FlowFigures[]): FlowFigures {
  return {
    contacts: sumOf(parts, (f) => f.contacts),
    toAssignment: medianOf(parts.map((f) => f.toAssignment)),
    offersAccepted: sumOf(parts, (f) => f.offersAccepted),
    offersAnswered: sumOf(parts, (f) => f.offersAnswered),
    accepted: sumOf(parts, (f) => f.accepted),
    toFirstContact: medianOf(parts.map((f) => f.toFirstContact)),
    met: sumOf(parts, (f) => f.met),
  };
}

export function flowMeasures(f: FlowFigures, marketer: boolean) {
  return {
    contacts: countFor(f.contacts, marketer),
    assigned: countFor(f.toAssignment.n, marketer),
    medianHoursToAssignment: medianFor(f.toAssignment, marketer),
    offersAnswered: countFor(f.offersAnswered, marketer),
    offersAccepted: countFor(f.offersAccepted, marketer),
    acceptanceRate: rateFor(f.offersAccepted, f.offersAnswered, marketer),
    accepted: countFor(f.accepted, marketer),
    medianHoursToFirstContact: medianFor(f.toFirstContact, marketer),
    met: countFor(f.met, marketer),
    meetingRate: rateFor(f.met, f.accepted, marketer),
  };
}

// --- backlog --------------------------------------------------------------------------------------------

export interface BacklogFigures {
  /** How long the waiting contacts have waited since they arrived: how many, the median. */
  waiting: Median;
  /** The longest wait, in hours (null: no one waits). */
  oldestHours: number | null;
}

export const EMPTY_BACKLOG: BacklogFigures = { waiting: NO_MEDIAN, oldestHours: null };

export function combineBacklog(parts: readonly BacklogFigures[]): BacklogFigures {
  let oldest: number | null = null;
  for (const part of parts) {
    if (part.oldestHours !== null && (oldest === null || part.oldestHours > oldest))
      oldest = part.oldestHours;
  }
  return { waiting: medianOf(parts.map((f) => f.waiting)), oldestHours: oldest };
}

export function backlogMeasures(f: BacklogFigures, marketer: boolean) {
  const hidden = marketer && isSmall(f.waiting.n);
  return {
    waiting: countFor(f.waiting.n, marketer),
    oldestHours: hidden || f.oldestHours === null ? null : round2(f.oldestHours),
    medianHours: medianFor(f.waiting, marketer),
  };
}

export { SMALL };
