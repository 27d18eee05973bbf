/**
 * `npm run bench -- online`: the online picker with 10,000 workers. Latency of one pick (p50, p99)
 * side by side with a plain scan of every worker (the baseline), and how far committing one
 * arrival at a time falls short of the batch optimum on the same arrivals.
 */
import { DEFAULT_DISPATCH_CONFIG as config, planObjective } from "../src/core/dispatch/model.js";
import { buildOnlineIndex, pickWorker, pickWorkerByScan } from "../src/core/dispatch/online.js";
import { planDispatch } from "../src/core/dispatch/plan.js";
import { generateDispatchInstance } from "./dispatch-data.js";
import { ms, table } from "./measure.js";

const WORKERS = 10_000;
const ARRIVALS = Number(process.env.BENCH_ARRIVALS ?? 20_000);
const { contacts, workers } = generateDispatchInstance(ARRIVALS, WORKERS, 7);

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

// Online: each arrival takes the best worker now, and keeps them.
const index = buildOnlineIndex(workers);
const position = new Map(workers.map((w, i) => [w.id, i]));
const workerOf = new Int32Array(contacts.length).fill(-1);
const pickTimes: number[] = [];
for (let c = 0; c < contacts.length; c++) {
  const start = performance.now();
  const best = pickWorker(index, contacts[c]!, config);
  pickTimes.push(performance.now() - start);
  if (best) {
    const w = position.get(best.workerId)!;
    workerOf[c] = w;
    index.workers[w]!.active += 1;
  }
}
const onlineObjective = planObjective(contacts, workers, config, workerOf);
const onlineAssigned = workerOf.filter((w) => w >= 0).length;

// Baseline: the same picks by scanning every worker (on a sample: it is slow).
const scanTimes: number[] = [];
const fresh = workers.map((w) => ({ ...w }));
for (let c = 0; c < Math.min(2_000, contacts.length); c++) {
  const start = performance.now();
  pickWorkerByScan(fresh, contacts[c]!, config);
  scanTimes.push(performance.now() - start);
}

const batchStart = performance.now();
const batch = planDispatch(contacts, workers, config);
const batchMs = performance.now() - batchStart;

process.stdout.write(
  `\nOnline pick, ${WORKERS} workers, ${ARRIVALS} arrivals committed one at a time (ms)\n`,
);
process.stdout.write(
  `${table(
    ["method", "p50", "p99", "max"],
    [
      [
        "k-d tree + exact rules",
        ms(percentile(pickTimes, 0.5)),
        ms(percentile(pickTimes, 0.99)),
        ms(Math.max(...pickTimes)),
      ],
      [
        "scan every worker (baseline)",
        ms(percentile(scanTimes, 0.5)),
        ms(percentile(scanTimes, 0.99)),
        ms(Math.max(...scanTimes)),
      ],
    ],
  )}\n`,
);
process.stdout.write(
  `ratio p99 scan/tree: ${(percentile(scanTimes, 0.99) / percentile(pickTimes, 0.99)).toFixed(1)}×\n\n` +
    `Same arrivals, objective:\n` +
    `  online (one at a time): ${onlineObjective.toFixed(1)}  assigned ${onlineAssigned}\n` +
    `  batch optimum:          ${batch.objective.toFixed(1)}  assigned ${batch.assigned}  (${ms(batchMs)} ms)\n` +
    `  online falls short by ${(((batch.objective - onlineObjective) / batch.objective) * 100).toFixed(2)} %\n`,
);
