/**
 * Suggestions for one contact: every worker, ranked by what giving them this contact adds to the
 * plan's objective (its score minus the load cost of one more contact), with the reason for each;
 * excluded workers with the rule that excluded them.
 */
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  genderRule,
  loadCost,
  type PairScore,
  pairScore,
  type Rule,
} from "./model.js";

export interface RankedWorker extends PairScore {
  workerId: string;
  name: string;
  /** score − load cost of the next contact: what this assignment adds to the objective. */
  marginal: number;
  loadTerm: number;
  sharedLanguages: string[];
  genderRule: "same" | "any";
  active: number;
  capacity: number;
  trust: number;
}

export interface ExcludedWorker {
  workerId: string;
  name: string;
  rule: Rule;
}

export interface Suggestions {
  ranked: RankedWorker[];
  excluded: ExcludedWorker[];
}

export function rankWorker(
  contact: DispatchContact,
  worker: DispatchWorker,
  config: DispatchConfig,
): RankedWorker | ExcludedWorker {
  const check = eligibility(contact, worker, config);
  if (!check.ok) return { workerId: worker.id, name: worker.name, rule: check.rule };
  return scoreWorker(contact, worker, config);
}

/** The score of giving `worker` this contact, whether or not the rules allow it. */
export function scoreWorker(
  contact: DispatchContact,
  worker: DispatchWorker,
  config: DispatchConfig,
): RankedWorker {
  const score = pairScore(contact, worker, config);
  const loadTerm = loadCost(worker, 1, config);
  return {
    ...score,
    workerId: worker.id,
    name: worker.name,
    marginal: score.score - loadTerm,
    loadTerm,
    sharedLanguages:
      contact.languages.length === 0
        ? [...worker.languages]
        : contact.languages.filter((l) => worker.languages.includes(l)),
    genderRule: genderRule(contact, config),
    active: worker.active,
    capacity: worker.capacity,
    trust: worker.trust,
  };
}

/** Best first; ties go to the nearer worker, then the one with more room, then by id, so the order is stable. */
export function suggestWorkers(
  contact: DispatchContact,
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): Suggestions {
  const ranked: RankedWorker[] = [];
  const excluded: ExcludedWorker[] = [];
  for (const worker of workers) {
    const result = rankWorker(contact, worker, config);
    if ("rule" in result) excluded.push(result);
    else ranked.push(result);
  }
  ranked.sort(
    (a, b) =>
      b.marginal - a.marginal ||
      a.distanceKm - b.distanceKm ||
      b.capacity - b.active - (a.capacity - a.active) ||
      (a.workerId < b.workerId ? -1 : 1),
  );
  return { ranked, excluded };
}

/**
 * Why no worker could take a contact, as one of the reasons an organisation lists for
 * "unassignable": the rule that kept out the workers who passed every rule before it.
 */
export function unassignableRule(
  excluded: readonly ExcludedWorker[],
): "distance" | "language" | "gender" | "status" {
  const rules = new Set(excluded.map((e) => e.rule));
  for (const rule of ["distance", "gender", "language"] as const) if (rules.has(rule)) return rule;
  return "status";
}
