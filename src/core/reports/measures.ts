/**
 * The supply and demand reports as pure functions: raw figures per group (counts and the hours that
 * medians are taken over) are merged, turned into measures, and suppressed for marketers.
 */
import { type Count, hoursBetween, isSmall, median, rate, round2, SMALL, suppressCount } from "./figures.js";
import { type Period, periodOf } from "./periods.js";

export const DIMENSIONS = ["country", "region", "city", "source", "campaign", "week", "month"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** Workers have a country and a city but no region, source or campaign. */
export const SUPPLY_DIMENSIONS = ["country", "city"] as const;
export const PLACE_DIMENSIONS = ["country", "region", "city"] as const;

export function isPeriod(by: Dimension): by is Period {
  return by === "week" || by === "month";
}

/** One group's figures: `key` is the dimension's value (null: unknown); `country` qualifies a region or city. */
export interface Keyed<F> {
  key: string | null;
  country: string | null;
  figures: F;
}

/**
 * Groups keyed by day (`YYYY-MM-DD`, as SQL groups them on both databases) become weeks or months;
 * groups with the same key are merged, and the result is sorted by key (unknown last).
 */
export function rollUp<F>(
  rows: ReadonlyArray<Keyed<F>>,
  by: Dimension,
  combine: (parts: readonly F[]) => F,
): Keyed<F>[] {
  const groups = new Map<string, { key: string | null; country: string | null; parts: F[] }>();
  for (const row of rows) {
    const key = isPeriod(by) && row.key !== null ? periodOf(by, `${row.key}T00:00:00Z`) : row.key;
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

function allOf<F>(parts: readonly F[], field: (f: F) => readonly number[]): number[] {
  return parts.flatMap(field);
}

/** A median only over enough values: a marketer never sees one taken over fewer than five people. */
function medianFor(values: readonly number[], marketer: boolean): number | null {
  return marketer && isSmall(values.length) ? null : median(values);
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
  /** Hours from arrival to assignment, one per assigned contact. */
  hoursToAssignment: number[];
  offersAccepted: number;
  /** Offers that ended by the worker: accepted, declined or lapsed. */
  offersAnswered: number;
  accepted: number;
  /** Hours from acceptance to the first attempt to reach the contact. */
  hoursToFirstContact: number[];
  met: number;
}

export const EMPTY_FLOW: FlowFigures = {
  contacts: 0,
  hoursToAssignment: [],
  offersAccepted: 0,
  offersAnswered: 0,
  accepted: 0,
  hoursToFirstContact: [],
  met: 0,
};

export function combineFlow(parts: readonly FlowFigures[]): FlowFigures {
  return {
    contacts: sumOf(parts, (f) => f.contacts),
    hoursToAssignment: allOf(parts, (f) => f.hoursToAssignment),
    offersAccepted: sumOf(parts, (f) => f.offersAccepted),
    offersAnswered: sumOf(parts, (f) => f.offersAnswered),
    accepted: sumOf(parts, (f) => f.accepted),
    hoursToFirstContact: allOf(parts, (f) => f.hoursToFirstContact),
    met: sumOf(parts, (f) => f.met),
  };
}

/** The times a contact's flow is measured from (null where the step has not happened). */
export interface FlowTimes {
  createdAt: string;
  assignedAt: string | null;
  acceptedAt: string | null;
  firstAttemptAt: string | null;
}

/** One contact's contribution to the medians. */
export function flowHours(t: FlowTimes): Pick<FlowFigures, "hoursToAssignment" | "hoursToFirstContact"> {
  return {
    hoursToAssignment: t.assignedAt ? [hoursBetween(t.createdAt, t.assignedAt)] : [],
    hoursToFirstContact:
      t.acceptedAt && t.firstAttemptAt ? [hoursBetween(t.acceptedAt, t.firstAttemptAt)] : [],
  };
}

export function flowMeasures(f: FlowFigures, marketer: boolean) {
  return {
    contacts: countFor(f.contacts, marketer),
    assigned: countFor(f.hoursToAssignment.length, marketer),
    medianHoursToAssignment: medianFor(f.hoursToAssignment, marketer),
    offersAnswered: countFor(f.offersAnswered, marketer),
    offersAccepted: countFor(f.offersAccepted, marketer),
    acceptanceRate: rateFor(f.offersAccepted, f.offersAnswered, marketer),
    accepted: countFor(f.accepted, marketer),
    medianHoursToFirstContact: medianFor(f.hoursToFirstContact, marketer),
    met: countFor(f.met, marketer),
    meetingRate: rateFor(f.met, f.accepted, marketer),
  };
}

// --- backlog --------------------------------------------------------------------------------------------

export interface BacklogFigures {
  /** Hours each waiting contact has waited since it arrived. */
  waitingHours: number[];
}

export function combineBacklog(parts: readonly BacklogFigures[]): BacklogFigures {
  return { waitingHours: allOf(parts, (f) => f.waitingHours) };
}

export function backlogMeasures(f: BacklogFigures, marketer: boolean) {
  const hidden = marketer && isSmall(f.waitingHours.length);
  // A loop, not Math.max(...values): a spread of a million values overflows the stack.
  let oldest: number | null = null;
  for (const h of f.waitingHours) if (oldest === null || h > oldest) oldest = h;
  return {
    waiting: countFor(f.waitingHours.length, marketer),
    oldestHours: hidden || oldest === null ? null : round2(oldest),
    medianHours: medianFor(f.waitingHours, marketer),
  };
}

export { SMALL };
