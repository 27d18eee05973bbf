/**
 * `npm run bench -- highs`: the batch optimiser side by side with the HiGHS LP solver on the
 * same instances: identical objective (to 1e-6 per assignment), and the time ratio. Both solvers
 * first solve a small instance untimed (our code's JIT and HiGHS's WebAssembly warm up). On each
 * size, ours is timed cold (its first run on that size, still partly in V8's first tiers: the
 * column "ours, 1st") and then as every bench here times (measure.ts: one more run untimed, then
 * the median of nine); the speed-up is HiGHS's one run against that median. `tsx
 * bench/dispatch-highs.ts C W` runs one size.
 */
import { DEFAULT_DISPATCH_CONFIG as config } from "../src/core/dispatch/model.js";
import { planDispatch } from "../src/core/dispatch/plan.js";
import { dispatchLp, highsObjective } from "../test/support/highs-lp.js";
import { generateDispatchInstance } from "./dispatch-data.js";
import { ms, table, time } from "./measure.js";

const [contactArg, workerArg] = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
const SIZES: Array<[number, number]> =
  contactArg && workerArg
    ? [[Number(contactArg), Number(workerArg)]]
    : [
        [2_000, 200],
        [5_000, 500],
        [20_000, 2_000],
      ];

const warmUp = generateDispatchInstance(300, 40, 11);
planDispatch(warmUp.contacts, warmUp.workers, config);
await highsObjective(warmUp.contacts, warmUp.workers, config);

const rows: string[][] = [];
for (const [c, w] of SIZES) {
  const { contacts, workers } = generateDispatchInstance(c, w, 11);
  const firstStart = performance.now();
  let plan = planDispatch(contacts, workers, config);
  const firstMs = performance.now() - firstStart;
  const oursMs = (
    await time(9, () => {
      plan = planDispatch(contacts, workers, config);
    })
  ).p50;
  const lpStart = performance.now();
  const lpText = dispatchLp(contacts, workers, config);
  const buildMs = performance.now() - lpStart;
  const solveStart = performance.now();
  const objective = await highsObjective(contacts, workers, config);
  const highsMs = performance.now() - solveStart;
  const gap = Math.abs(plan.objective - objective);
  rows.push([
    `${c} × ${w}`,
    plan.objective.toFixed(3),
    objective.toFixed(3),
    gap <= 1e-6 * Math.max(1, plan.assigned) ? "equal" : `differs by ${gap}`,
    ms(firstMs),
    ms(oursMs),
    ms(highsMs),
    `${(highsMs / oursMs).toFixed(0)}×`,
    `${(lpText.length / 1e6).toFixed(1)} MB LP built in ${ms(buildMs)} ms`,
  ]);
}
process.stdout.write(
  `\nBatch dispatch: our solver beside HiGHS (LP, same model), ms\n${table(
    ["size", "our objective", "HiGHS objective", "check", "ours, 1st", "ours", "HiGHS", "speed-up", "note"],
    rows,
  )}\n`,
);
