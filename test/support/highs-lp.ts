/**
 * The dispatch model of contract.md as a linear program, solved by HiGHS: an independent
 * check of the optimiser's objective. The constraint matrix is a network's (totally
 * unimodular) and the load costs are convex, so the LP optimum is the integer optimum.
 */
import highsModule, { type Highs } from "highs";
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  loadCost,
} from "../../src/core/dispatch/model.js";

export function dispatchLp(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): string {
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const byWorker: string[][] = workers.map(() => []);
  contacts.forEach((contact, c) => {
    const vars: string[] = [];
    workers.forEach((worker, w) => {
      const check = eligibility(contact, worker, config);
      if (!check.ok) return;
      const name = `x${c}_${w}`;
      objective.push(`${check.score >= 0 ? "+" : "-"} ${Math.abs(check.score)} ${name}`);
      bounds.push(`0 <= ${name} <= 1`);
      vars.push(name);
      byWorker[w]!.push(name);
    });
    if (vars.length > 0) rows.push(` c${c}: ${vars.join(" + ")} <= 1`);
  });
  workers.forEach((worker, w) => {
    const given = byWorker[w]!;
    if (given.length === 0) return;
    const slots: string[] = [];
    for (let k = 1; k <= worker.capacity - worker.active; k++) {
      const name = `y${w}_${k}`;
      objective.push(`- ${loadCost(worker, k, config)} ${name}`);
      bounds.push(`0 <= ${name} <= 1`);
      slots.push(name);
    }
    rows.push(` w${w}: ${given.join(" + ")} - ${slots.join(" - ")} = 0`);
  });
  if (objective.length === 0) return "";
  return `Maximize\n obj: ${objective.join(" ")}\nSubject To\n${rows.join("\n")}\nBounds\n${bounds.map((b) => ` ${b}`).join("\n")}\nEnd\n`;
}

/** The optimal objective by HiGHS (0 when no pair is eligible). */
export async function highsObjective(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): Promise<number> {
  const lp = dispatchLp(contacts, workers, config);
  if (!lp) return 0;
  // The package is CommonJS with ES-module types: at run time the default import is the loader itself.
  const load = highsModule as unknown as () => Promise<Highs>;
  const highs = await load();
  const solution = highs.solve(lp, { log_to_console: false, output_flag: false });
  if (solution.Status !== "Optimal") throw new Error(`HiGHS: ${solution.Status}`);
  return solution.ObjectiveValue;
}
