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
  genderRule,
  haversineRad,
  loadCost,
  RADIANS,
  sharesLanguage,
} from "./model.js";
import { type RankedWorker, scoreWorker } from "./suggest.js";

export interface OnlineIndex {
  workers: DispatchWorker[];
  tree: KDBush;
  /** The largest travel radius: no worker farther than this can take anyone. */
  reachKm: number;
  /** Per worker, for an allocation-free check: languages as bits, position in radians. */
  languageBits: Map<string, number>;
  workerLanguages: Uint32Array;
  phi: Float64Array;
  lambda: Float64Array;
  cosPhi: Float64Array;
}

export function buildOnlineIndex(workers: readonly DispatchWorker[]): OnlineIndex {
  const copy = workers.map((w) => ({ ...w }));
  const tree = new KDBush(Math.max(copy.length, 1));
  for (const w of copy) tree.add(w.lon, w.lat);
  if (copy.length === 0) tree.add(0, 0);
  tree.finish();
  const languageBits = new Map<string, number>();
  const workerLanguages = new Uint32Array(copy.length);
  const phi = new Float64Array(copy.length);
  const lambda = new Float64Array(copy.length);
  const cosPhi = new Float64Array(copy.length);
  copy.forEach((w, i) => {
    for (const code of w.languages) {
      if (!languageBits.has(code) && languageBits.size < 32) languageBits.set(code, 1 << languageBits.size);
      workerLanguages[i]! |= languageBits.get(code) ?? 0;
    }
    phi[i] = w.lat * RADIANS;
    lambda[i] = w.lon * RADIANS;
    cosPhi[i] = Math.cos(phi[i]!);
  });
  return {
    workers: copy,
    tree,
    reachKm: copy.reduce((m, w) => Math.max(m, w.maxKm), 0),
    languageBits,
    workerLanguages,
    phi,
    lambda,
    cosPhi,
  };
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

/** Workers inside the box that holds every point within the largest travel radius of (lat, lon). */
function nearby(index: OnlineIndex, lat: number, lon: number): number[] {
  // A degree of latitude is R·π/180 km; a degree of longitude shrinks with the cosine of the latitude.
  const dLat = index.reachKm / (EARTH_RADIUS_KM * RADIANS) + 1e-6;
  const cosLat = Math.cos(Math.min(89.9, Math.abs(lat) + dLat) * RADIANS);
  const dLon = cosLat > 1e-9 ? Math.min(180, dLat / cosLat) : 180;
  return lon - dLon < -180 || lon + dLon > 180
    ? index.tree.range(-180, lat - dLat, 180, lat + dLat)
    : index.tree.range(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
}

/**
 * The eligible worker whose assignment adds most to the objective, or null: by the tree, with
 * the rules checked cheapest first on typed arrays (the same rules as `eligibility`, which the
 * property test holds it to).
 */
export function pickWorker(
  index: OnlineIndex,
  contact: DispatchContact,
  config: DispatchConfig,
): RankedWorker | null {
  const located = contact.lat !== null && contact.lon !== null;
  // The box around the contact that holds every point within reach (a degree of latitude is R·π/180 km).
  const ids = located ? nearby(index, contact.lat ?? 0, contact.lon ?? 0) : index.workers.keys();
  // A language the index has no bit for (past 32 codes) falls back to the exact check.
  let wanted = 0;
  let exactLanguages = false;
  for (const code of contact.languages) {
    const bit = index.languageBits.get(code);
    if (bit === undefined) exactLanguages = true;
    else wanted |= bit;
  }
  const sameGender = genderRule(contact, config) === "same" && contact.gender !== null;
  const phiC = (contact.lat ?? 0) * RADIANS;
  const lambdaC = (contact.lon ?? 0) * RADIANS;
  const cosC = Math.cos(phiC);
  const assignTerm = config.assignValue * contact.priority;
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestId = "";
  for (const i of ids) {
    const worker = index.workers[i];
    if (worker?.status !== "active" || worker.capacity - worker.active <= 0) continue;
    if (contact.languages.length > 0 && (index.workerLanguages[i]! & wanted) === 0 && !exactLanguages)
      continue;
    if (exactLanguages && !sharesLanguage(contact, worker)) continue;
    if (sameGender && worker.gender !== null && worker.gender !== contact.gender) continue;
    const d = located
      ? haversineRad(phiC, lambdaC, cosC, index.phi[i]!, index.lambda[i]!, index.cosPhi[i]!)
      : 0;
    if (!(d <= worker.maxKm)) continue;
    if (contact.declinedBy.length > 0 && contact.declinedBy.includes(worker.id)) continue;
    const score =
      assignTerm -
      config.weights.distancePerKm * d -
      config.weights.trust * (1 - worker.trust) -
      loadCost(worker, 1, config);
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
