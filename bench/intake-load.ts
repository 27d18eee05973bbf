/**
 * The intake benchmark's load generator, run as a child process of bench/intake.ts so that its own
 * work (building requests, parsing responses, timing) runs on its own event loop and not between
 * the server's callbacks, where it would be counted in the server's latency. Receives a Load over
 * IPC, answers with Figures.
 *
 * Throughput (no rate): autocannon, each connection sending its next request when the last is
 * answered. Latency at a rate: requests evenly spaced in time (open loop), each timed from the
 * moment it was due, so a server that falls behind is charged for the wait (no coordinated
 * omission). autocannon's own rate limit is not used for latency: it lets each connection send its
 * share of a second's requests back to back at the start of that second and then idle, so the
 * server sees bursts at full speed, and with a rate its histogram adds corrected values for every
 * answer slower than 1 ms, both of which measure the load generator, not the server.
 */
import { Agent, request as httpRequest } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";

export interface Load {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Requests per second in total; absent: as fast as the server answers. */
  rate?: number;
  /** The first request's number: each request's Idempotency-Key, name, phone and e-mail carry theirs. */
  first: number;
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** The slowest answer. */
  max: number;
  errors: number;
  /**
   * The generator's own event loop: how late it ran a timer (p99 and max ms, at 1 ms resolution)
   * and its CPU time. A late loop sends requests late and reads answers late, and both delays are
   * counted in the latencies above: this says how much of a tail is the generator's.
   */
  generator: { loopDelayP99Ms: number; loopDelayMaxMs: number; cpuMs: number };
}

/** The load's n-th person, with a unique Idempotency-Key, name, phone and e-mail. */
function personOf(n: number): { idempotencyKey: string; body: string } {
  return {
    idempotencyKey: `bench-${process.pid}-${n}`,
    body: JSON.stringify({
      name: `Bench Person ${n}`,
      phone: `+39 333 ${String(1_000_000 + n).slice(-7)}`,
      email: `person${n}@bench.example`,
      city: "Milan",
      country: "IT",
      utm_source: "bench",
    }),
  };
}

/** The value at quantile q (0–1) of ascending values, by the nearest-rank method. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One POST; resolves with its status once the whole answer has arrived. */
function post(url: URL, agent: Agent, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
        res.once("error", () => resolve(0));
      },
    );
    req.once("error", () => resolve(0));
    req.end(body);
  });
}

/** `rate` requests a second, evenly spaced, for `seconds`; latency of each from when it was due. */
async function paced(load: Load, rate: number): Promise<Omit<Figures, "generator">> {
  const url = new URL(load.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { "content-type": "application/json", ...load.headers };
  const total = Math.round(rate * load.seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const answers: Promise<void>[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    // A timer that fires late delays the request, and the delay is counted in its latency.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { idempotencyKey, body } = personOf(load.first + i + 1);
    answers.push(
      post(url, agent, { ...headers, "idempotency-key": idempotencyKey }, body).then((status) => {
        if (status >= 200 && status < 300) latencies.push(performance.now() - due);
        else errors += 1;
      }),
    );
  }
  await Promise.all(answers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / load.seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    errors,
  };
}

const LOOP_RESOLUTION_MS = 1;

async function run(load: Load): Promise<Figures> {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpu = process.cpuUsage();
  const figures = await measured(load);
  loop.disable();
  const used = process.cpuUsage(cpu);
  return {
    ...figures,
    generator: {
      // The histogram counts from when the timer was due, in nanoseconds; the resolution is not a delay.
      loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
      loopDelayMaxMs: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS),
      cpuMs: (used.user + used.system) / 1000,
    },
  };
}

async function measured(load: Load): Promise<Omit<Figures, "generator">> {
  if (load.rate) return paced(load, load.rate);
  let sent = load.first;
  const result = await autocannon({
    url: load.url,
    method: "POST",
    connections: load.connections,
    duration: load.seconds,
    headers: { "content-type": "application/json", ...load.headers },
    requests: [
      {
        setupRequest: (request) => {
          sent += 1;
          const { idempotencyKey, body } = personOf(sent);
          return { ...request, headers: { ...request.headers, "idempotency-key": idempotencyKey }, body };
        },
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.non2xx,
  };
}

process.on("message", (load: Load) => {
  run(load).then(
    (figures) => process.send?.(figures, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
});
