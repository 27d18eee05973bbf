/**
 * Appointment slots: when a worker can meet, from their weekly hours in their own time zone, their
 * exceptions and daily cap, and the appointments they already have (kept apart by a buffer and,
 * between in-person places, the travel time). Pure: the caller passes `now` in the query.
 *
 * Local wall times become instants with luxon in the worker's zone. Two days a year need a rule,
 * and the same rule holds everywhere in this module, so intervals that do not overlap on the wall
 * clock never overlap in time:
 * - a time the clocks skip (02:30 on the day Rome jumps from 02:00 to 03:00) is read as the moment
 *   of the jump, 03:00. (luxon alone moves it on by the length of the gap, to 03:30, which would put
 *   02:30–04:00 after the start of 03:00–04:00.) So 01:00–04:00 that day is 2 real hours.
 * - a time the clocks show twice (02:30 on the day Rome goes back from 03:00 to 02:00) is read as
 *   its first occurrence, as Temporal's "compatible" disambiguation does. So 01:00–04:00 that day
 *   is 4 real hours, and 02:00–03:00 is 2.
 * Candidate starts step through real time from each interval's start, so on those days they keep
 * the spacing of the step (01:30, then 03:00 when the clocks skip 02:00–03:00).
 *
 * `findSlots` converts each (zone, local date) once and sweeps the candidates against the merged,
 * sorted busy periods; `scanSlots` is the plain reading of the rules, one luxon conversion and a
 * check of every busy period per candidate, kept as the reference for tests and the benchmark.
 */
import { DateTime, IANAZone } from "luxon";
import { haversineKm, haversineRad, RADIANS } from "../dispatch/model.js";
import { type Availability, type Interval, minutesOfDay, WEEKDAYS } from "./availability.js";

export {
  type Availability,
  AvailabilitySchema,
  DEFAULT_AVAILABILITY,
  type Interval,
  IntervalSchema,
} from "./availability.js";

export interface SlotWorker {
  id: string;
  timeZone: string;
  availability: Availability;
  /** Home base; the slot rules do not use it (travel is between appointments only). */
  lat: number;
  lon: number;
}

export interface Busy {
  startMs: number;
  endMs: number;
  /** where the worker must be: in-person meetings only */
  place: { lat: number; lon: number } | null;
  /** counts toward maxPerDay (a booking does, a hold does not) */
  counts: boolean;
}

export interface SlotQuery {
  /** search window (UTC epoch ms): a slot starts at or after fromMs and before toMs */
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** meeting length, a positive whole number */
  durationMinutes: number;
  /** candidate starts every step, aligned to each interval's start; a positive whole number */
  stepMinutes: number;
  /** no slot starting before now + notice */
  minNoticeMinutes: number;
  /** free time kept before and after every other appointment */
  bufferMinutes: number;
  /** where this meeting is, when in person */
  place: { lat: number; lon: number } | null;
  /** travel time between in-person places = haversine km / travelKmh, rounded up to the millisecond */
  travelKmh: number;
}

/** The earliest slot of one worker. */
export interface SoonestSlot {
  workerId: string;
  startMs: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Travel time between two in-person places, in whole milliseconds (rounded up, so all slot
 * arithmetic stays in exact integers); 0 unless both places are known.
 */
export function travelMs(
  from: { lat: number; lon: number } | null,
  to: { lat: number; lon: number } | null,
  kmh: number,
): number {
  if (!from || !to) return 0;
  const km = haversineKm(from.lat, from.lon, to.lat, to.lon);
  return km === 0 ? 0 : Math.ceil((km / kmh) * HOUR);
}

function checkQuery(query: SlotQuery): void {
  const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (!whole(query.durationMinutes, 1)) throw new RangeError("durationMinutes must be a positive integer");
  if (!whole(query.stepMinutes, 1)) throw new RangeError("stepMinutes must be a positive integer");
  if (!whole(query.minNoticeMinutes, 0)) throw new RangeError("minNoticeMinutes must be a whole number ≥ 0");
  if (!whole(query.bufferMinutes, 0)) throw new RangeError("bufferMinutes must be a whole number ≥ 0");
  if (!(query.travelKmh > 0)) throw new RangeError("travelKmh must be positive");
}

function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  // The edge validates time zones; an unknown one here is a bug.
  if (!zone.isValid) throw new RangeError(`unknown time zone ${name}`);
  return zone;
}

/**
 * The instant of local wall time `minutes` (0 to 1439) on the local date year-month-day, by the
 * rules in the module comment. luxon reads an ambiguous time with an offset guessed from the
 * current time; taking the earliest of `getPossibleOffsets` makes the answer independent of it.
 */
export function wallClockMs(zone: string, year: number, month: number, day: number, minutes: number): number {
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone: zoneOf(zone) });
  if (local.hour === hour && local.minute === minute) {
    let earliest = local.toMillis();
    for (const reading of local.getPossibleOffsets()) earliest = Math.min(earliest, reading.toMillis());
    return earliest;
  }
  // Skipped by the clocks: luxon read it with the offset from before the jump, which lands past the
  // jump; reading it with the offset after lands before. The jump lies between; find its instant.
  const iana = zoneOf(zone);
  const after = local.offset;
  let before = local.toMillis() - (after - iana.offset(local.toMillis() - DAY)) * MINUTE;
  let past = local.toMillis();
  while (past - before > 1) {
    const middle = Math.floor((before + past) / 2);
    if (iana.offset(middle) === after) past = middle;
    else before = middle;
  }
  return past;
}

// ---------------------------------------------------------------------------------------------
// The local days of one zone over the search window, shared by every worker in that zone.

interface LocalDay {
  /** YYYY-MM-DD */
  date: string;
  year: number;
  month: number;
  day: number;
  /** 0 = Monday */
  weekday: number;
  startMs: number;
  /** the start of the next local day */
  endMs: number;
  /** wall minute → instant, on a day whose clocks change; null on a plain day */
  changes: Map<number, number> | null;
}

interface ZoneDays {
  zone: string;
  days: LocalDay[];
  /** startMs of each day, for finding the local day of an instant */
  starts: Float64Array;
}

function civil(dayNumber: number): {
  year: number;
  month: number;
  day: number;
  weekday: number;
  date: string;
} {
  const d = new Date(dayNumber * DAY);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7,
    date: d.toISOString().slice(0, 10),
  };
}

/** Whether the clocks read exactly 00:00 at `ms` (not so at the start of a day whose midnight is skipped). */
function isMidnight(zone: IANAZone, ms: number): boolean {
  const t = DateTime.fromMillis(ms, { zone });
  return t.hour === 0 && t.minute === 0 && t.second === 0 && t.millisecond === 0;
}

/**
 * The local days whose hours can hold a slot starting in [fromMs, toMs). A day that runs from a
 * midnight to a midnight exactly 24 hours later has one offset throughout (no zone changes its
 * offset and back within a day), so its wall minute m is start + m minutes: a "plain" day. After a
 * plain midnight the next one is guessed as 24 hours later and kept when luxon gives the same
 * offset there; otherwise (a clock change) it is converted in full, and so is every wall time of
 * a day that is not plain. Only the first day and the days of a change cost a full conversion.
 */
function zoneDays(zone: string, fromMs: number, toMs: number): ZoneDays {
  const iana = zoneOf(zone);
  const first = DateTime.fromMillis(fromMs, { zone: iana });
  let dayNumber = Math.round(Date.UTC(first.year, first.month - 1, first.day) / DAY);
  let today = civil(dayNumber);
  let startMs = wallClockMs(zone, today.year, today.month, today.day, 0);
  let midnight = isMidnight(iana, startMs);
  let offset = iana.offset(startMs);
  const days: LocalDay[] = [];
  while (startMs < toMs) {
    const tomorrow = civil(dayNumber + 1);
    let endMs = startMs + DAY;
    let endMidnight = midnight;
    let endOffset = midnight ? iana.offset(endMs) : Number.NaN;
    if (endOffset !== offset) {
      endMs = wallClockMs(zone, tomorrow.year, tomorrow.month, tomorrow.day, 0);
      endMidnight = isMidnight(iana, endMs);
      endOffset = iana.offset(endMs);
    }
    const plain = midnight && endMidnight && endMs - startMs === DAY;
    days.push({ ...today, startMs, endMs, changes: plain ? null : new Map() });
    dayNumber += 1;
    today = tomorrow;
    startMs = endMs;
    midnight = endMidnight;
    offset = endOffset;
  }
  return { zone, days, starts: Float64Array.from(days, (d) => d.startMs) };
}

/** The instant of wall minute `minutes` (0 to 1440) of a local day. */
function instantOf(zone: string, day: LocalDay, minutes: number): number {
  if (minutes === 1440) return day.endMs;
  if (day.changes === null) return day.startMs + minutes * MINUTE;
  let at = day.changes.get(minutes);
  if (at === undefined) {
    at = wallClockMs(zone, day.year, day.month, day.day, minutes);
    day.changes.set(minutes, at);
  }
  return at;
}

/** Index of the local day containing instant `ms`, or -1 outside the days. */
function dayIndexOf(days: ZoneDays, ms: number): number {
  const { starts } = days;
  const last = days.days.at(-1);
  if (!last || ms < starts[0]! || ms >= last.endMs) return -1;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// One worker.

/**
 * What one call shares between its workers: the local days of each zone, and scratch space for
 * the busy periods, the daily counts and the starts found, so a call over many workers allocates
 * little beyond its answer.
 */
interface Shared {
  query: SlotQuery;
  zones: Map<string, ZoneDays>;
  lo: Float64Array;
  hi: Float64Array;
  counts: Int32Array;
  /** the starts found for the current worker, copied out into an array of the exact size */
  found: Float64Array;
}

function shared(query: SlotQuery): Shared {
  return {
    query,
    zones: new Map(),
    lo: new Float64Array(64),
    hi: new Float64Array(64),
    counts: new Int32Array(64),
    found: new Float64Array(1024),
  };
}

function daysOf(context: Shared, zone: string): ZoneDays {
  let days = context.zones.get(zone);
  if (!days) {
    days = zoneDays(zone, context.query.fromMs, context.query.toMs);
    context.zones.set(zone, days);
  }
  return days;
}

/** A day's intervals as [start, end) wall minutes, flat and sorted by start. */
function minutesOf(intervals: readonly Interval[]): number[] {
  let flat: number[] = [];
  let sorted = true;
  for (const interval of intervals) {
    const start = minutesOfDay(interval.start);
    if (flat.length > 0 && start < flat[flat.length - 2]!) sorted = false;
    flat.push(start, minutesOfDay(interval.end));
  }
  if (!sorted) {
    const pairs = Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!]);
    flat = pairs.sort((a, b) => a[0]! - b[0]!).flat();
  }
  return flat;
}

/** The weekly hours in minutes, Monday first; weekdays that share one array of intervals share the result. */
function weeklyMinutes(weekly: Availability["weekly"]): number[][] {
  const out: number[][] = [];
  for (let d = 0; d < 7; d++) {
    const intervals = weekly[WEEKDAYS[d]!];
    const same = d > 0 && intervals === weekly[WEEKDAYS[d - 1]!];
    out.push(same ? out[d - 1]! : minutesOf(intervals));
  }
  return out;
}

/**
 * The periods a candidate start must avoid: s collides with busy b exactly when lo < s < hi, the
 * negation of the two ways the rule lets it pass. Sorted by lo and merged where they overlap, into
 * context.lo/hi; returns how many. Open intervals that only touch stay apart: the shared end is free.
 */
function blockedPeriods(context: Shared, busy: readonly Busy[], lower: number): number {
  const { query } = context;
  const durationMs = query.durationMinutes * MINUTE;
  const bufferMs = query.bufferMinutes * MINUTE;
  if (context.lo.length < busy.length) {
    context.lo = new Float64Array(busy.length * 2);
    context.hi = new Float64Array(busy.length * 2);
  }
  const { lo, hi } = context;
  const place = query.place && {
    phi: query.place.lat * RADIANS,
    lambda: query.place.lon * RADIANS,
    cosPhi: Math.cos(query.place.lat * RADIANS),
  };
  let n = 0;
  let sorted = true;
  for (const b of busy) {
    let travel = 0;
    if (place && b.place) {
      // As travelMs(b.place, query.place) computes it, with the meeting's side worked out once.
      // haversine is symmetric, so one travel time serves both directions.
      const phi = b.place.lat * RADIANS;
      const km = haversineRad(
        phi,
        b.place.lon * RADIANS,
        Math.cos(phi),
        place.phi,
        place.lambda,
        place.cosPhi,
      );
      travel = km === 0 ? 0 : Math.ceil((km / query.travelKmh) * HOUR);
    }
    const from = b.startMs - durationMs - bufferMs - travel;
    const to = b.endMs + bufferMs + travel;
    if (to <= lower || from >= query.toMs) continue;
    if (n > 0 && from < lo[n - 1]!) sorted = false;
    lo[n] = from;
    hi[n] = to;
    n++;
  }
  // Busy periods usually arrive by start time, and travel times only shuffle them a little: an
  // insertion sort is linear on that; a list far out of order is sorted by index instead.
  if (!sorted && n <= 256) {
    for (let k = 1; k < n; k++) {
      const from = lo[k]!;
      const to = hi[k]!;
      let j = k - 1;
      while (j >= 0 && lo[j]! > from) {
        lo[j + 1] = lo[j]!;
        hi[j + 1] = hi[j]!;
        j--;
      }
      lo[j + 1] = from;
      hi[j + 1] = to;
    }
  } else if (!sorted) {
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => lo[a]! - lo[b]!);
    const los = order.map((k) => lo[k]!);
    const his = order.map((k) => hi[k]!);
    lo.set(los);
    hi.set(his);
  }
  let merged = 0;
  for (let k = 0; k < n; k++) {
    if (merged > 0 && lo[k]! < hi[merged - 1]!) {
      if (hi[k]! > hi[merged - 1]!) hi[merged - 1] = hi[k]!;
    } else {
      lo[merged] = lo[k]!;
      hi[merged] = hi[k]!;
      merged++;
    }
  }
  return merged;
}

function slotsOf(context: Shared, worker: SlotWorker, busy: readonly Busy[], limit: number): number[] {
  const { query } = context;
  const { availability } = worker;
  const lower = Math.max(query.fromMs, query.nowMs + query.minNoticeMinutes * MINUTE);
  if (lower >= query.toMs) return [];
  const zone = daysOf(context, worker.timeZone);
  const days = zone.days;
  const durationMs = query.durationMinutes * MINUTE;
  const stepMs = query.stepMinutes * MINUTE;

  const blocked = blockedPeriods(context, busy, lower);
  const { lo, hi } = context;

  const cap = availability.maxPerDay;
  let counts: Int32Array | null = null;
  if (cap !== null) {
    if (context.counts.length < days.length) context.counts = new Int32Array(days.length);
    counts = context.counts.fill(0, 0, days.length);
    for (const b of busy) {
      if (!b.counts) continue;
      const index = dayIndexOf(zone, b.startMs);
      if (index >= 0) counts[index]! += 1;
    }
  }

  const weekly = weeklyMinutes(availability.weekly);
  let exceptions: Map<string, readonly Interval[]> | null = null;
  if (availability.exceptions.length > 0)
    exceptions = new Map(availability.exceptions.map((e) => [e.date, e.intervals]));

  // Candidates come out ascending (days in order, a day's intervals in order, and the wall-to-
  // instant reading keeps order), so one pointer w walks the blocked periods once.
  let found = context.found;
  let n = 0;
  let w = 0;
  for (let d = 0; d < days.length; d++) {
    const day = days[d]!;
    if (day.endMs <= lower) continue;
    if (counts !== null && counts[d]! >= cap!) continue;
    const exception = exceptions?.get(day.date);
    const intervals = exception ? minutesOf(exception) : weekly[day.weekday]!;
    const plain = day.changes === null;
    for (let i = 0; i < intervals.length; i += 2) {
      // Worked out in line on a plain day; V8 then keeps these in registers instead of boxing them.
      const startMinute = intervals[i]!;
      const endMinute = intervals[i + 1]!;
      const a = plain ? day.startMs + startMinute * MINUTE : +instantOf(zone.zone, day, startMinute);
      const b = plain ? day.startMs + endMinute * MINUTE : +instantOf(zone.zone, day, endMinute);
      const last = Math.min(b - durationMs, query.toMs - 1);
      if (last < lower || last < a) continue;
      // Candidate k starts at a + k·step; counting in k keeps the loop on small integers.
      let k = a >= lower ? 0 : Math.ceil((lower - a) / stepMs);
      for (;;) {
        const s = a + k * stepMs;
        if (s > last) break;
        while (w < blocked && hi[w]! <= s) w++;
        if (w < blocked && lo[w]! < s) {
          k = Math.ceil((hi[w]! - a) / stepMs);
          continue;
        }
        if (n === found.length) {
          const more = new Float64Array(n * 2);
          more.set(found);
          found = context.found = more;
        }
        found[n++] = s;
        if (n === limit) return copyOut(found, n);
        k++;
      }
    }
  }
  return copyOut(found, n);
}

/** The first n starts as a plain array; sized once, not grown one push at a time. */
function copyOut(found: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = found[k]!;
  return out;
}

/** Start times of the free slots of one worker, ascending. */
export function findSlots(worker: SlotWorker, busy: readonly Busy[], query: SlotQuery): number[] {
  checkQuery(query);
  return slotsOf(shared(query), worker, busy, Infinity);
}

/** Free slots of each worker, by worker id; workers in one zone share its local-time conversions. */
export function findSlotsForAll(
  workers: readonly SlotWorker[],
  busyByWorker: ReadonlyMap<string, readonly Busy[]>,
  query: SlotQuery,
): Map<string, number[]> {
  checkQuery(query);
  const context = shared(query);
  const out = new Map<string, number[]>();
  for (const worker of workers)
    out.set(worker.id, slotsOf(context, worker, busyByWorker.get(worker.id) ?? [], Infinity));
  return out;
}

/**
 * The soonest meeting with anyone who fits: each worker's earliest slot, soonest first (ties keep
 * the order of `workers`, so a caller can pass them ranked). Workers with no slot are left out.
 */
export function soonestSlots(
  workers: readonly SlotWorker[],
  busyByWorker: ReadonlyMap<string, readonly Busy[]>,
  query: SlotQuery,
): SoonestSlot[] {
  checkQuery(query);
  const context = shared(query);
  const out: SoonestSlot[] = [];
  for (const worker of workers) {
    const [first] = slotsOf(context, worker, busyByWorker.get(worker.id) ?? [], 1);
    if (first !== undefined) out.push({ workerId: worker.id, startMs: first });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

// ---------------------------------------------------------------------------------------------
// The reference: the rules read literally, slot by slot.

/**
 * The same slots as `findSlots`, by the plain method: every local day from luxon, every candidate
 * converted with luxon, every busy period checked against every candidate. Slow; it is the
 * baseline of `npm run bench -- slots` and the oracle of the property tests.
 */
export function scanSlots(worker: SlotWorker, busy: readonly Busy[], query: SlotQuery): number[] {
  checkQuery(query);
  const zone = worker.timeZone;
  const { availability } = worker;
  const earliest = query.nowMs + query.minNoticeMinutes * MINUTE;
  const bufferMs = query.bufferMinutes * MINUTE;
  const durationMs = query.durationMinutes * MINUTE;
  const busyDates = busy.map((b) => DateTime.fromMillis(b.startMs, { zone }).toISODate());
  const wall = (day: DateTime, hhmm: string) => {
    const minutes = minutesOfDay(hhmm);
    if (minutes < 1440) return wallClockMs(zone, day.year, day.month, day.day, minutes);
    const next = day.plus({ days: 1 });
    return wallClockMs(zone, next.year, next.month, next.day, 0);
  };
  const out: number[] = [];
  let day = DateTime.fromMillis(query.fromMs, { zone }).startOf("day");
  while (query.fromMs < query.toMs && wall(day, "00:00") < query.toMs) {
    const date = day.toISODate();
    const exception = availability.exceptions.find((e) => e.date === date);
    const intervals = exception ? exception.intervals : availability.weekly[WEEKDAYS[day.weekday - 1]!];
    const booked = busy.filter((b, i) => b.counts && busyDates[i] === date).length;
    if (availability.maxPerDay === null || booked < availability.maxPerDay) {
      for (const interval of intervals) {
        const startMs = wall(day, interval.start);
        const endMs = wall(day, interval.end);
        for (let k = 0; ; k++) {
          const s = DateTime.fromMillis(startMs, { zone })
            .plus({ minutes: k * query.stepMinutes })
            .toMillis();
          if (s + durationMs > endMs) break;
          if (s < query.fromMs || s >= query.toMs || s < earliest) continue;
          const clear = busy.every(
            (b) =>
              s >= b.endMs + bufferMs + travelMs(b.place, query.place, query.travelKmh) ||
              s + durationMs + bufferMs + travelMs(query.place, b.place, query.travelKmh) <= b.startMs,
          );
          if (clear) out.push(s);
        }
      }
    }
    day = day.plus({ days: 1 }).startOf("day");
  }
  return out.sort((a, b) => a - b);
}
