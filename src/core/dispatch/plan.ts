/**
 * The optimal dispatch plan of contract.md: the min-cost flow of place-flow.ts (worker places →
 * workers → contacts → sink, convex load costs), solved exactly either by successive shortest
 * paths over every eligible pair (place-flow.ts; the faster on small and medium instances) or, on
 * large ones, by cost scaling over each contact's and each worker's cheapest pairs, the other
 * pairs priced in until none lowers the cost (column-flow.ts); both read the pairs from the reach
 * index of worker-graph.ts. Then the reasons of the contacts left unassigned.
 */
import { hasEligibleWorkerIgnoringCapacity } from "./candidates.js";
import { solveByColumns } from "./column-flow.js";
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  haversineKm,
  planObjective,
} from "./model.js";
import { solvePlaceFlow } from "./place-flow.js";
import { reachIndex, workerGraphOf } from "./worker-graph.js";

export type UnassignedReason = "no_eligible_worker" | "no_capacity";

export interface PlanAssignment {
  contactIndex: number;
  /** −1 when the contact is unassigned. */
  workerIndex: number;
  reason: UnassignedReason | null;
  /** null when unassigned; 0 for a contact without a location. */
  distanceKm: number | null;
}

export interface DispatchPlan {
  /** One per contact, in input order. */
  assignments: PlanAssignment[];
  objective: number;
  assigned: number;
  counts: Record<UnassignedReason, number>;
}

/** The two exact solvers: successive shortest paths (place-flow.ts) or cost scaling with pricing (column-flow.ts). */
export type PlanSolver = "paths" | "scaling";

export interface PlanOptions {
  /** Called now and then with the solver's steps done so far and an estimate of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Which exact solver to use; by default chosen by the instance's size (`solverFor`). Both give an optimal plan. */
  solver?: PlanSolver;
}

/**
 * Up to this many candidate pairs (the contacts in the workers' reach stretches, which the reach
 * index counts for free; about twice the eligible pairs), successive shortest paths beat cost
 * scaling. CPU time of planDispatch, `DISPATCH_SOLVER=paths|scaling npx tsx bench/dispatch.ts C W`
 * back to back, 2026-12-03 at load 6–7, with the hubs joined last above 3 M candidates
 * (`HUBS_LAST_ABOVE_CANDIDATES`): 60,000 × 6,000 (9.6 M candidates) 5.3 s against 8.9 s;
 * 80,000 × 8,000 (17.1 M) 11.2 s against 17.2 s; 100,000 × 10,000 (26.6 M) 21.0 s against
 * 16.0 s. (Before the hubs joined last, at load 4–6: 50,000 × 5,000 4.6–4.7 s against 4.1 s,
 * 60,000 × 6,000 8.2 s against 6.3 s, 100,000 × 10,000 33–51 s against 13–14 s.) Smaller
 * sizes: BENCHMARKS.md, "dispatch" and "highs".
 */
export const PATHS_UP_TO_CANDIDATES = 20_000_000;

/**
 * Above this many candidate pairs successive shortest paths join the hubs (contacts without a
 * location) after the places (place-flow.ts, `hubsLast`); below, every search crosses them. CPU
 * of planDispatch, `BENCH_RUNS=3 DISPATCH_SOLVER=paths` back to back, 2026-12-03 at load 5–7:
 * 20,000 × 2,000 (1.05 M candidates) 0.72–0.98 s with the hubs in every search against
 * 0.85–1.76 s hubs last; 40,000 × 4,000 (4.3 M) 3.0–4.0 s against 2.5–3.0 s.
 */
export const HUBS_LAST_ABOVE_CANDIDATES = 3_000_000;

/** The solver planDispatch uses by default for an instance with `candidates` candidate pairs (ReachIndex.candidateCount). */
export function solverFor(candidates: number): PlanSolver {
  return candidates <= PATHS_UP_TO_CANDIDATES ? "paths" : "scaling";
}

export function planDispatch(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: PlanOptions = {},
): DispatchPlan {
  const index = reachIndex(contacts, workers, config);
  const solver = options.solver ?? solverFor(index.candidateCount);
  // hasWorker: per contact, 1 when a worker with room may take it (then an unassigned contact lost to capacity).
  let workerOf: Int32Array;
  let hasWorker: Uint8Array;
  if (solver === "paths") {
    const graph = workerGraphOf(index);
    workerOf = solvePlaceFlow(contacts, workers, config, graph, options.onProgress, {
      hubsLast: index.candidateCount > HUBS_LAST_ABOVE_CANDIDATES,
    });
    hasWorker = graph.hasWorker;
  } else {
    ({ workerOf, hasWorker } = solveByColumns(contacts, workers, config, index, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }));
  }

  const unassigned: number[] = [];
  const toCheck: number[] = [];
  for (let c = 0; c < contacts.length; c++) {
    if (workerOf[c]! >= 0) continue;
    unassigned.push(c);
    if (hasWorker[c] !== 1) toCheck.push(c);
  }
  const couldHave = hasEligibleWorkerIgnoringCapacity(contacts, workers, config, toCheck);
  for (const c of unassigned) if (hasWorker[c] === 1) couldHave[c] = 1;

  const counts: Record<UnassignedReason, number> = { no_eligible_worker: 0, no_capacity: 0 };
  const assignments = contacts.map((contact, c): PlanAssignment => {
    const w = workerOf[c]!;
    if (w >= 0) {
      const worker = workers[w]!;
      const distanceKm =
        contact.lat === null || contact.lon === null
          ? 0
          : haversineKm(contact.lat, contact.lon, worker.lat, worker.lon);
      return { contactIndex: c, workerIndex: w, reason: null, distanceKm };
    }
    const reason: UnassignedReason = couldHave[c] ? "no_capacity" : "no_eligible_worker";
    counts[reason]++;
    return { contactIndex: c, workerIndex: -1, reason, distanceKm: null };
  });
  return {
    assignments,
    objective: planObjective(contacts, workers, config, workerOf),
    assigned: contacts.length - unassigned.length,
    counts,
  };
}
