/**
 * `npm run bench -- dispatch` or `tsx bench/dispatch.ts [CONTACTS WORKERS]`: planDispatch on
 * generated instances: wall time, CPU time of the process (the reference machine is shared, so
 * the wall time alone says little) and peak memory. Without arguments it runs 20,000 × 2,000 and
 * 100,000 × 10,000, each in a fresh process so one size's heap does not inflate the other's peak
 * RSS. Figures and what was tried: BENCHMARKS.md, "dispatch". BENCH_RUNS=n repeats each size n
 * times in its process; DISPATCH_SOLVER=paths or scaling forces planDispatch's solver (default:
 * chosen by size), for A/B runs.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_DISPATCH_CONFIG } from "../src/core/dispatch/model.js";
import { type PlanSolver, planDispatch } from "../src/core/dispatch/plan.js";
import { generateDispatchInstance } from "./dispatch-data.js";

const SIZES: Array<[number, number]> = [
  [20_000, 2_000],
  [100_000, 10_000],
];
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SOLVER = process.env.DISPATCH_SOLVER;
if (SOLVER !== undefined && SOLVER !== "paths" && SOLVER !== "scaling") {
  process.stderr.write(`DISPATCH_SOLVER must be paths or scaling, not ${SOLVER}\n`);
  process.exit(2);
}
const options: { solver?: PlanSolver } = SOLVER ? { solver: SOLVER } : {};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function measure(contactCount: number, workerCount: number): void {
  const { contacts, workers } = generateDispatchInstance(contactCount, workerCount);
  global.gc?.();
  const before = process.memoryUsage().rss;
  const times: number[] = [];
  const cpu: number[] = [];
  let plan = null as ReturnType<typeof planDispatch> | null;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    plan = planDispatch(contacts, workers, DEFAULT_DISPATCH_CONFIG, options);
    times.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  if (!plan) return;
  process.stdout.write(
    `${contactCount} × ${workerCount}: ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")}` +
      ` (first run cold; CPU ${cpu.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")}); peak RSS ${mb(peak)}, of which ${mb(before)} before planning;` +
      ` assigned ${plan.assigned}, no_eligible_worker ${plan.counts.no_eligible_worker},` +
      ` no_capacity ${plan.counts.no_capacity}, objective ${plan.objective.toFixed(3)}\n`,
  );
}

const [contactArg, workerArg] = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
if (contactArg && workerArg) {
  measure(Number(contactArg), Number(workerArg));
} else {
  for (const [c, w] of SIZES) {
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), String(c), String(w)],
      { stdio: "inherit" },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
