/**
 * Loaded into each server process of the intake benchmark (`node --import tsx --import
 * ./bench/intake-probe.ts …`, or imported by the bare server): counts the statements the process
 * sends to PostgreSQL, and watches its event loop and garbage collector, so that a slow answer can
 * be put down to the process (a stalled loop, a GC pause) or to what it waits on. Answers the
 * bench over IPC: `{ probe: "reset" }` starts a measurement, `{ probe: "read" }` ends it.
 */
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

let loop: IntervalHistogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
let since = process.cpuUsage();

process.on("message", (message: ProbeRequest) => {
  if (!message || typeof message !== "object" || !("probe" in message)) return;
  if (message.probe === "reset") {
    statements = 0;
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
    },
  } satisfies ProbeAnswer);
});
