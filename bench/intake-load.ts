/**
 * The intake benchmark's load generator, run as a child process of bench/intake.ts so that
 * autocannon's own work (building requests, parsing responses, timing) runs on its own event loop
 * and not between the server's callbacks, where it would be counted in the server's latency.
 * Receives a Load over IPC, answers with Figures.
 */
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
  errors: number;
}

async function run(load: Load): Promise<Figures> {
  let sent = load.first;
  const result = await autocannon({
    url: load.url,
    method: "POST",
    connections: load.connections,
    duration: load.seconds,
    ...(load.rate ? { overallRate: load.rate } : {}),
    headers: { "content-type": "application/json", ...load.headers },
    requests: [
      {
        setupRequest: (request) => {
          sent += 1;
          const n = sent;
          return {
            ...request,
            headers: { ...request.headers, "idempotency-key": `bench-${process.pid}-${n}` },
            body: JSON.stringify({
              name: `Bench Person ${n}`,
              phone: `+39 333 ${String(1_000_000 + n).slice(-7)}`,
              email: `person${n}@bench.example`,
              city: "Milan",
              country: "IT",
              utm_source: "bench",
            }),
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
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
