/** The dispatch model of contract.md: who may take whom (rules 1–5), and what one pairing scores. */

export type Gender = "m" | "f";

export interface DispatchWorker {
  id: string;
  name: string;
  gender: Gender | null;
  /** Lower-case ISO 639-1 codes, at least one. */
  languages: string[];
  lat: number;
  lon: number;
  maxKm: number;
  capacity: number;
  active: number;
  trust: number;
  status: "active" | "paused";
}

export interface DispatchContact {
  id: string;
  name: string;
  gender: Gender | null;
  /** Lower-case ISO 639-1 codes; empty = any. */
  languages: string[];
  /** Both null = location unknown (distance 0 to every worker). */
  lat: number | null;
  lon: number | null;
  /** null = the config's default. */
  genderMatch: "same" | "any" | null;
  priority: number;
  declinedBy: string[];
}

export interface DispatchConfig {
  sameGenderDefault: boolean;
  assignValue: number;
  weights: { distancePerKm: number; trust: number; load: number };
}

export const DEFAULT_DISPATCH_CONFIG: DispatchConfig = Object.freeze({
  sameGenderDefault: true,
  assignValue: 10_000,
  weights: Object.freeze({ distancePerKm: 1.0, trust: 50, load: 100 }),
});

export const EARTH_RADIUS_KM = 6371.0088;
export const RADIANS = Math.PI / 180;

/**
 * Haversine distance between two points given in radians, with the cosines of their latitudes
 * passed in so a caller that meets the same point often computes them once. Every distance in
 * dispatch goes through here, so the planner's `d ≤ max_km` test and `eligibility` agree bit for bit.
 */
export function haversineRad(
  phi1: number,
  lambda1: number,
  cosPhi1: number,
  phi2: number,
  lambda2: number,
  cosPhi2: number,
): number {
  const sinDPhi = Math.sin((phi2 - phi1) / 2);
  const sinDLambda = Math.sin((lambda2 - lambda1) / 2);
  const h = sinDPhi * sinDPhi + cosPhi1 * cosPhi2 * sinDLambda * sinDLambda;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const phi1 = lat1 * RADIANS;
  const phi2 = lat2 * RADIANS;
  return haversineRad(phi1, lon1 * RADIANS, Math.cos(phi1), phi2, lon2 * RADIANS, Math.cos(phi2));
}

/** The rules of contract.md in the order they are checked; rule 1 is split into its two parts. */
export const RULES = ["status", "capacity", "language", "gender", "distance", "declined"] as const;
export type Rule = (typeof RULES)[number];

/** The terms of one pairing's score, before the worker's load term. */
export interface PairScore {
  distanceKm: number;
  /** assign_value · priority */
  assignTerm: number;
  /** distance_per_km · d */
  distanceTerm: number;
  /** trust · (1 − w.trust) */
  trustTerm: number;
  /** assignTerm − distanceTerm − trustTerm */
  score: number;
}

export type Eligibility = ({ ok: true } & PairScore) | { ok: false; rule: Rule };

export function hasRoom(worker: DispatchWorker): boolean {
  return worker.capacity - worker.active > 0;
}

/** The gender rule that applies to a contact: its own, else the config's default. */
export function genderRule(contact: DispatchContact, config: DispatchConfig): "same" | "any" {
  return contact.genderMatch ?? (config.sameGenderDefault ? "same" : "any");
}

export function sharesLanguage(contact: DispatchContact, worker: DispatchWorker): boolean {
  return contact.languages.length === 0 || contact.languages.some((code) => worker.languages.includes(code));
}

export function contactDistanceKm(contact: DispatchContact, worker: DispatchWorker): number {
  if (contact.lat === null || contact.lon === null) return 0;
  return haversineKm(contact.lat, contact.lon, worker.lat, worker.lon);
}

/** The score terms of pairing `contact` with `worker`, whether or not the pair is eligible. */
export function pairScore(
  contact: DispatchContact,
  worker: DispatchWorker,
  config: DispatchConfig,
  distanceKm = contactDistanceKm(contact, worker),
): PairScore {
  const assignTerm = config.assignValue * contact.priority;
  const distanceTerm = config.weights.distancePerKm * distanceKm;
  const trustTerm = config.weights.trust * (1 - worker.trust);
  return { distanceKm, assignTerm, distanceTerm, trustTerm, score: assignTerm - distanceTerm - trustTerm };
}

/** What the `n`-th contact the plan gives `worker` costs it: load · (active + n) / capacity. */
export function loadCost(worker: DispatchWorker, n: number, config: DispatchConfig): number {
  return (config.weights.load * (worker.active + n)) / worker.capacity;
}

/**
 * Whether `worker` may take `contact` (rules 1–5 of contract.md), with the first rule that fails,
 * or the pair's score terms. `ignoreCapacity` drops rule 1's capacity part (its status part still
 * counts): that is the test that tells `no_eligible_worker` from `no_capacity`.
 */
export function eligibility(
  contact: DispatchContact,
  worker: DispatchWorker,
  config: DispatchConfig,
  options: { ignoreCapacity?: boolean } = {},
): Eligibility {
  if (worker.status !== "active") return { ok: false, rule: "status" };
  if (!options.ignoreCapacity && !hasRoom(worker)) return { ok: false, rule: "capacity" };
  if (!sharesLanguage(contact, worker)) return { ok: false, rule: "language" };
  if (
    genderRule(contact, config) === "same" &&
    contact.gender !== null &&
    worker.gender !== null &&
    contact.gender !== worker.gender
  ) {
    return { ok: false, rule: "gender" };
  }
  const distanceKm = contactDistanceKm(contact, worker);
  if (!(distanceKm <= worker.maxKm)) return { ok: false, rule: "distance" };
  if (contact.declinedBy.includes(worker.id)) return { ok: false, rule: "declined" };
  return { ok: true, ...pairScore(contact, worker, config, distanceKm) };
}

/** The contract's objective of a plan; `workerOf[c]` is the worker index of contact c, or −1. */
export function planObjective(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  workerOf: ArrayLike<number>,
): number {
  let objective = 0;
  const given = new Int32Array(workers.length);
  for (let c = 0; c < contacts.length; c++) {
    const w = workerOf[c] ?? -1;
    if (w < 0) continue;
    const worker = workers[w]!;
    objective += pairScore(contacts[c]!, worker, config).score;
    given[w]! += 1;
    objective -= loadCost(worker, given[w]!, config);
  }
  return objective;
}
