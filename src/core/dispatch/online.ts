/**
 * Online dispatch: the best worker for one arriving contact, without scanning every worker. A
 * k-d tree (kdbush) over the workers' home bases yields those inside the bounding box of the
 * largest travel radius; each is then checked with the exact rules and scored by its marginal
 * objective, without allocating. Loads change as contacts are committed; positions do not, so
 * the tree is built once.
 */
import KDBush from "kdbush";
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  EARTH_RADIUS_KM,
  eligibility,
  loadCost,
  RADIANS,
} from "./model.js";
import { type RankedWorker, scoreWorker } from "./suggest.js";

export interface OnlineIndex {
  workers: DispatchWorker[];
  tree: KDBush;
  /** The largest travel radius: no worker farther than this can take anyone. */
  reachKm: number;
}

export function buildOnlineIndex(workers: readonly DispatchWorker[]): OnlineIndex {
  const copy = workers.map((w) => ({ ...w }));
  const tree = new KDBush(Math.max(copy.length, 1));
  for (const w of copy) tree.add(w.lon, w.lat);
  if (copy.length === 0) tree.add(0, 0);
  tree.finish();
  return { workers: copy, tree, reachKm: copy.reduce((m, w) => Math.max(m, w.maxKm), 0) };
}

/** Marginal objective of giving `worker` the contact, or −∞ when a rule forbids it. */
function marginal(contact: DispatchContact, worker: DispatchWorker, config: DispatchConfig): number {
  const check = eligibility(contact, worker, config);
  return check.ok ? check.score - loadCost(worker, 1, config) : Number.NEGATIVE_INFINITY;
}

function better(score: number, id: string, bestScore: number, bestId: string): boolean {
  return score > bestScore || (score === bestScore && score > Number.NEGATIVE_INFINITY && id < bestId);
}

function ranked(
  contact: DispatchContact,
  worker: DispatchWorker | undefined,
  config: DispatchConfig,
): RankedWorker | null {
  return worker ? scoreWorker(contact, worker, config) : null;
}

/** The eligible worker whose assignment adds most to the objective, or null: by the tree. */
export function pickWorker(
  index: OnlineIndex,
  contact: DispatchContact,
  config: DispatchConfig,
): RankedWorker | null {
  if (contact.lat === null || contact.lon === null) return pickWorkerByScan(index.workers, contact, config);
  // The box around the contact that holds every point within reach (a degree of latitude is R·π/180 km).
  const dLat = index.reachKm / (EARTH_RADIUS_KM * RADIANS) + 1e-6;
  const cosLat = Math.cos(Math.min(89.9, Math.abs(contact.lat) + dLat) * RADIANS);
  const dLon = cosLat > 1e-9 ? Math.min(180, dLat / cosLat) : 180;
  const ids =
    contact.lon - dLon < -180 || contact.lon + dLon > 180
      ? index.tree.range(-180, contact.lat - dLat, 180, contact.lat + dLat)
      : index.tree.range(contact.lon - dLon, contact.lat - dLat, contact.lon + dLon, contact.lat + dLat);
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestId = "";
  for (const i of ids) {
    const worker = index.workers[i];
    if (!worker) continue;
    const score = marginal(contact, worker, config);
    if (better(score, worker.id, bestScore, bestId)) {
      best = i;
      bestScore = score;
      bestId = worker.id;
    }
  }
  return best < 0 ? null : ranked(contact, index.workers[best], config);
}

/** The same pick by looking at every worker: the baseline, and the path for a contact with no location. */
export function pickWorkerByScan(
  workers: readonly DispatchWorker[],
  contact: DispatchContact,
  config: DispatchConfig,
): RankedWorker | null {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestId = "";
  for (let i = 0; i < workers.length; i++) {
    const worker = workers[i]!;
    const score = marginal(contact, worker, config);
    if (better(score, worker.id, bestScore, bestId)) {
      best = i;
      bestScore = score;
      bestId = worker.id;
    }
  }
  return best < 0 ? null : ranked(contact, workers[best], config);
}
