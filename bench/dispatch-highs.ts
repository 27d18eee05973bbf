/**
 * `npm run bench -- highs`: the batch optimiser side by side with the HiGHS LP solver on the
 * same instances: identical objective (to 1e-6 per assignment), and the time ratio.
 */
import { DEFAULT_DISPATCH_CONFIG as config } from "../src/core/dispatch/model.js";
import { planDispatch } from "../src/core/dispatch/plan.js";
import { dispatchLp, highsObjective } from "../test/support/highs-lp.js";
import { generateDispatchInstance } from "./dispatch-data.js";
import { ms, table } from "./measure.js";

const SIZES: Array<[number, number]> = [
  [2_000, 200],
  [5_000, 500],
  [20_000, 2_000],
];

const rows: string[][] = [];
for (const [c, w] of SIZES) {
  const { contacts, workers } = generateDispatchInstance(c, w, 11);
  const ours = performance.now();
  const plan = planDispatch(contacts, workers, config);
  const oursMs = performance.now() - ours;
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
    ms(oursMs),
    ms(highsMs),
    `${(highsMs / oursMs).toFixed(0)}×`,
    `${(lpText.length / 1e6).toFixed(1)} MB LP built in ${ms(buildMs)} ms`,
  ]);
}
process.stdout.write(
  `\nBatch dispatch: our solver beside HiGHS (LP, same model), ms\n${table(
    ["size", "our objective", "HiGHS objective", "check", "ours", "HiGHS", "speed-up", "note"],
    rows,
  )}\n`,
);
