/**
 * `npm run bench -- slots`: free appointment slots for 1,000 workers over four weeks that span the
 * autumn clock changes in Europe (25 October 2026) and the United States (1 November), each worker
 * with 0–4 appointments a day. `findSlotsForAll` (local times converted once per zone and local
 * date, a sweep over the merged busy periods) side by side with the baseline `scanSlots` run for
 * every worker (luxon for every candidate, every busy period checked against every candidate), on
 * the same data. The two must give identical slots; the run exits 1 if they do not.
 */
import { cpus, loadavg } from "node:os";
import { DateTime } from "luxon";
import type { Availability, Interval } from "../src/core/schedule/availability.js";
import {
  type Busy,
  findSlotsForAll,
  type SlotQuery,
  type SlotWorker,
  scanSlots,
} from "../src/core/schedule/slots.js";
import { ms, table, time } from "./measure.js";

const WORKERS = Number(process.env.BENCH_WORKERS ?? 1_000);
const RUNS = 50;
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 3);
const FROM = "2026-10-19";
const WEEKS = 4;

let seed = 20261019;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const CITIES = [
  { zone: "Europe/Rome", lat: 41.89, lon: 12.48, weight: 4 },
  { zone: "Europe/Athens", lat: 37.98, lon: 23.73, weight: 2 },
  { zone: "Europe/London", lat: 51.51, lon: -0.13, weight: 2 },
  { zone: "America/New_York", lat: 40.71, lon: -74.01, weight: 1 },
  { zone: "Asia/Kolkata", lat: 22.57, lon: 88.36, weight: 1 },
];
const WEIGHTED = CITIES.flatMap((c) => Array.from({ length: c.weight }, () => c));

const h = (start: string, end: string): Interval => ({ start, end });
const week = (days: Partial<Record<keyof Availability["weekly"], Interval[]>>): Availability["weekly"] => ({
  mon: [],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
  ...days,
});
/** The weekly patterns workers keep, as functions so every worker gets arrays of their own. */
const PATTERNS: Array<() => Availability["weekly"]> = [
  () => {
    const d = [h("09:00", "17:00")];
    return week({ mon: d, tue: d, wed: d, thu: d, fri: d });
  },
  () => {
    const d = [h("09:00", "12:30"), h("13:30", "18:00")];
    return week({ mon: d, tue: d, wed: d, thu: d, fri: d });
  },
  () => {
    const d = [h("10:00", "19:00")];
    return week({ tue: d, wed: d, thu: d, fri: d, sat: [h("09:00", "13:00")] });
  },
  () => {
    const d = [h("17:00", "21:00")];
    return week({ mon: d, tue: d, wed: d, thu: d, sat: [h("09:00", "13:00")], sun: [h("15:00", "19:00")] });
  },
  () => {
    const d = [h("08:30", "12:00"), h("14:00", "16:30")];
    return week({ mon: d, wed: d, fri: d, sun: [h("10:00", "12:00")] });
  },
];

const fromMs = Date.parse(`${FROM}T00:00:00Z`);
const toMs = fromMs + WEEKS * 7 * 86_400_000;
const localDates = Array.from({ length: WEEKS * 7 + 1 }, (_, i) =>
  DateTime.fromISO(FROM, { zone: "utc" }).plus({ days: i }),
);

const workers: SlotWorker[] = [];
const busyByWorker = new Map<string, Busy[]>();
let busyCount = 0;
for (let i = 0; i < WORKERS; i++) {
  const city = pick(WEIGHTED);
  const near = () => ({ lat: city.lat + (random() - 0.5) * 0.4, lon: city.lon + (random() - 0.5) * 0.4 });
  const exceptions: Availability["exceptions"] = [];
  if (random() < 0.3) {
    const dates = new Set(Array.from({ length: between(1, 3) }, () => pick(localDates).toISODate()!));
    for (const date of dates)
      exceptions.push(
        random() < 0.6
          ? { date, intervals: [], note: "away" }
          : { date, intervals: [h("10:00", "14:00")], note: null },
      );
  }
  const availability: Availability = {
    weekly: pick(PATTERNS)(),
    exceptions,
    maxPerDay: random() < 0.3 ? between(2, 4) : null,
  };
  const home = near();
  const worker: SlotWorker = { id: `w${i}`, timeZone: city.zone, availability, ...home };
  const busy: Busy[] = [];
  for (const date of localDates) {
    for (let n = between(0, 4); n > 0; n--) {
      const start = DateTime.fromObject(
        {
          year: date.year,
          month: date.month,
          day: date.day,
          hour: between(8, 19),
          minute: 15 * between(0, 3),
        },
        { zone: city.zone },
      ).toMillis();
      busy.push({
        startMs: start,
        endMs: start + pick([30, 45, 60, 90]) * 60_000,
        place: random() < 0.7 ? near() : null,
        counts: random() < 0.85,
      });
    }
  }
  busy.sort((a, b) => a.startMs - b.startMs);
  busyCount += busy.length;
  workers.push(worker);
  busyByWorker.set(worker.id, busy);
}

const base: Omit<SlotQuery, "place"> = {
  fromMs,
  toMs,
  nowMs: fromMs + 6 * 3_600_000,
  durationMinutes: 60,
  stepMinutes: 30,
  minNoticeMinutes: 120,
  bufferMinutes: 15,
  travelKmh: 30,
};

/** One search: a set of workers and the query to run for them. */
type Search = Array<{ workers: SlotWorker[]; query: SlotQuery }>;
const CASES: Array<[label: string, search: Search]> = [
  ["video call (no travel), 1 query", [{ workers, query: { ...base, place: null } }]],
  [
    "in person in each city, 5 queries",
    CITIES.map((c) => ({
      workers: workers.filter((w) => w.timeZone === c.zone),
      query: { ...base, place: { lat: c.lat, lon: c.lon } },
    })),
  ],
];

function ours(search: Search): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { workers: group, query } of search)
    for (const [id, slots] of findSlotsForAll(group, busyByWorker, query)) out.set(id, slots);
  return out;
}

function baseline(search: Search): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { workers: group, query } of search)
    for (const w of group) out.set(w.id, scanSlots(w, busyByWorker.get(w.id) ?? [], query));
  return out;
}

/** The first difference between two results, or null when they are identical. */
function difference(a: Map<string, number[]>, b: Map<string, number[]>): string | null {
  if (a.size !== b.size) return `${a.size} workers against ${b.size}`;
  for (const [id, slots] of a) {
    const other = b.get(id) ?? [];
    const k = slots.findIndex((s, i) => s !== other[i]);
    if (k >= 0 || slots.length !== other.length)
      return `${id}: ${slots.length} slots against ${other.length}, first difference at ${k} (${slots[k]} against ${other[k]})`;
  }
  return null;
}

// Ours first, all cases, after a few warm-up runs (the data generation above leaves garbage for
// the collector, and the baseline leaves far more); then the baseline, which also gives the answer
// to compare with.
const loadBefore = loadavg()[0] ?? 0;
const fast = [];
for (const [, search] of CASES) {
  for (let r = 0; r < 5; r++) ours(search);
  fast.push(await time(RUNS, () => ours(search)));
}

const rows: string[][] = [];
let mismatch = false;
for (const [k, [label, search]] of CASES.entries()) {
  const samples: number[] = [];
  let reference = new Map<string, number[]>();
  for (let r = 0; r < BASELINE_RUNS; r++) {
    const start = performance.now();
    reference = baseline(search);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const slow = {
    p50: samples[Math.floor(samples.length / 2)] ?? 0,
    p95: samples[Math.min(samples.length - 1, Math.floor(0.95 * samples.length))] ?? 0,
  };
  const result = ours(search);
  const diff = difference(result, reference);
  if (diff) {
    mismatch = true;
    process.stderr.write(`MISMATCH in "${label}": ${diff}\n`);
  }
  const slots = [...result.values()].reduce((n, s) => n + s.length, 0);
  const mine = fast[k]!;
  rows.push([
    label,
    String(slots),
    ms(mine.p50),
    ms(mine.p95),
    ms(slow.p50),
    ms(slow.p95),
    `${(slow.p50 / mine.p50).toFixed(0)}×`,
    diff ? "NO" : "yes",
  ]);
}

const cpu = cpus();
process.stdout.write(
  `\nFree slots, ${WORKERS} workers in ${CITIES.length} zones, ${WEEKS} weeks from ${FROM} (across the ` +
    `EU and US clock changes), ${busyCount} appointments; 60-minute meetings every 30 minutes, ` +
    `15-minute buffer, 2 hours' notice (ms)\n`,
);
process.stdout.write(
  `machine: ${cpu[0]?.model ?? "unknown cpu"}, ${cpu.length} cores, Node ${process.version}; ` +
    `1-minute load average ${loadBefore.toFixed(1)} when ours was timed\n`,
);
process.stdout.write(
  `runs: findSlotsForAll ${RUNS} (after warm-up), scanSlots baseline ${BASELINE_RUNS}\n\n`,
);
process.stdout.write(
  `${table(
    ["case", "slots", "ours p50", "ours p95", "scan p50", "scan p95", "scan/ours", "identical"],
    rows,
  )}\n`,
);
process.stdout.write(`target: ours p95 < 30 ms for ${WORKERS} workers over ${WEEKS} weeks\n`);
if (mismatch) process.exit(1);
