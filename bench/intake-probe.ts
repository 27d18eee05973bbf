/**
 * Loaded into each server process of the intake benchmark (`node --import tsx --import
 * ./bench/intake-probe.ts …`, or imported by the bare server): counts the statements the process
 * sends to PostgreSQL, and watches its event loop and garbage collector, so that a slow answer can
 * be put down to the process (a stalled loop, a GC pause) or to what it waits on. Answers the
 * bench over IPC: `{ probe: "reset" }` starts a measurement, `{ probe: "read" }` ends it.
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { type IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import pg from "pg";

/** What a server process did during one measurement. */
export interface Probed {
  /** CPU time of the whole process (every thread), user + system. */
  cpuMs: number;
  /** Statements sent to PostgreSQL (every pg.Client.query call); 0 on SQLite. */
  statements: number;
  /** How late the event loop ran a timer due every EVENT_LOOP_RESOLUTION_MS: p99 and max. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Garbage collection pauses: young generation (scavenges) and full (mark-compact), count, sum and longest. */
  scavenges: number;
  scavengeMs: number;
  markCompacts: number;
  markCompactMs: number;
  gcMaxMs: number;
  /** The V8 heap in use when read. */
  heapUsedMb: number;
  /**
   * Answers as the server saw them: from the request's headers read to the response's last byte
   * handed to the socket (p50, p99, max ms). The load generator times the same answers from when
   * each was due; what lies between (its own delays, the time a request waits to be read) is
   * not in these.
   */
  served: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  /**
   * The intake's group commit (src/db/group-commit.ts; none in the bare server): units per batch on
   * average, each unit's wait for its batch to start, and each batch's time to commit (p50, p99, max ms).
   */
  batches: {
    count: number;
    meanSize: number;
    waited: { p50Ms: number; p99Ms: number; maxMs: number };
    ran: { p50Ms: number; p99Ms: number; maxMs: number };
  };
  /** The sweep's report refresh (src/db/report-rollups.ts): its steps (transactions), changes counted, longest step. */
  refresh: { steps: number; changes: number; maxMs: number };
}

export type ProbeRequest = { probe: "reset" } | { probe: "read" };
export type ProbeAnswer = { probe: "ready" } | { probe: "figures"; figures: Probed };

const EVENT_LOOP_RESOLUTION_MS = 2;

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

interface Gc {
  scavenges: number;
  scavengeMs: number;
  markCompacts: number;
  markCompactMs: number;
  maxMs: number;
}
const noGc = (): Gc => ({ scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0, maxMs: 0 });
let gc = noGc();
// Node's gc entries: detail.kind 1 = scavenge (minor), 2 = minor mark-compact, 4 = mark-compact (major),
// 8 = incremental marking step, 16 = weak callbacks.
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
    if (kind === 1 || kind === 2) {
      gc.scavenges += 1;
      gc.scavengeMs += entry.duration;
    } else if (kind === 4) {
      gc.markCompacts += 1;
      gc.markCompactMs += entry.duration;
    }
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ["gc"] });

// Node's HTTP server publishes each request's start and its response's end (node:diagnostics_channel).
const started = new WeakMap<IncomingMessage, number>();
let served: number[] = [];
subscribe("http.server.request.start", (message) => {
  started.set((message as { request: IncomingMessage }).request, performance.now());
});
subscribe("http.server.response.finish", (message) => {
  const start = started.get((message as { request: IncomingMessage }).request);
  if (start !== undefined) served.push(performance.now() - start);
});

// The group commit publishes each batch it settles (only while someone listens).
let waited: number[] = [];
let ran: number[] = [];
subscribe("handoff:group-commit", (message) => {
  const batch = message as { waitedMs: number[]; ranMs: number };
  waited.push(...batch.waitedMs);
  ran.push(batch.ranMs);
});

// The report refresh publishes each step it ends (only while someone listens).
let refresh = { steps: 0, changes: 0, maxMs: 0 };
subscribe("handoff:report-refresh", (message) => {
  const step = message as { changes: number; ms: number };
  refresh.steps += 1;
  refresh.changes += step.changes;
  refresh.maxMs = Math.max(refresh.maxMs, step.ms);
});

/** The value at quantile q (0–1) of ascending values, by the nearest-rank method. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

let loop: IntervalHistogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
let since = process.cpuUsage();

process.on("message", (message: ProbeRequest) => {
  if (!message || typeof message !== "object" || !("probe" in message)) return;
  if (message.probe === "reset") {
    statements = 0;
    served = [];
    waited = [];
    ran = [];
    refresh = { steps: 0, changes: 0, maxMs: 0 };
    gc = noGc();
    loop.disable();
    loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    loop.enable();
    since = process.cpuUsage();
    process.send?.({ probe: "ready" } satisfies ProbeAnswer);
    return;
  }
  const cpu = process.cpuUsage(since);
  loop.disable();
  const answers = served.sort((a, b) => a - b);
  const spread = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return {
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? Number.NaN,
    };
  };
  process.send?.({
    probe: "figures",
    figures: {
      cpuMs: (cpu.user + cpu.system) / 1000,
      statements,
      // The histogram counts from the moment the timer was due, in nanoseconds; the resolution
      // itself is not a delay.
      loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - EVENT_LOOP_RESOLUTION_MS),
      loopDelayMaxMs: Math.max(0, loop.max / 1e6 - EVENT_LOOP_RESOLUTION_MS),
      scavenges: gc.scavenges,
      scavengeMs: gc.scavengeMs,
      markCompacts: gc.markCompacts,
      markCompactMs: gc.markCompactMs,
      gcMaxMs: gc.maxMs,
      heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
      served: {
        count: answers.length,
        p50Ms: quantile(answers, 0.5),
        p99Ms: quantile(answers, 0.99),
        maxMs: answers.at(-1) ?? Number.NaN,
      },
      batches: {
        count: ran.length,
        meanSize: ran.length ? waited.length / ran.length : 0,
        waited: spread(waited),
        ran: spread(ran),
      },
      refresh,
    },
  } satisfies ProbeAnswer);
});
