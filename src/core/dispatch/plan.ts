/**
 * The optimal dispatch plan of contract.md: the min-cost flow of place-flow.ts (worker places →
 * workers → contacts → sink, convex load costs), solved exactly by cost scaling over each contact's
 * and each worker's cheapest pairs, the other pairs priced in until none lowers the cost
 * (column-flow.ts, pairs listed from the reach index of worker-graph.ts), then the reasons of the
 * contacts left unassigned.
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
import { reachIndex } from "./worker-graph.js";

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

export interface PlanOptions {
  /** Called now and then with the solver's steps done so far and an estimate of the total. */
  onProgress?: (done: number, total: number) => void;
}

export function planDispatch(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: PlanOptions = {},
): DispatchPlan {
  const index = reachIndex(contacts, workers, config);
  // hasWorker: per contact, 1 when a worker with room may take it (then an unassigned contact lost to capacity).
  const { workerOf, hasWorker } = solveByColumns(contacts, workers, config, index, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

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
