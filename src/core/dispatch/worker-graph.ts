/**
 * The eligible (worker, contact) pairs of a dispatch instance from each worker's side: located
 * contacts sorted into thin latitude bands, each band by longitude, so a worker scans only the
 * stretch of each band its reach can cover. `reachIndex` builds that index once and
 * `workerPairs` lists one worker's pairs on demand into scratch arrays, so the solver never
 * holds all of them (14 M at 100,000 × 10,000: fresh memory costs more than computing them
 * again); `workerGraph` lists them all, for successive shortest paths (place-flow.ts), which
 * planDispatch uses on small and medium instances.
 */
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  EARTH_RADIUS_KM,
  genderRule,
  haversineKm,
  RADIANS,
} from "./model.js";

export interface WorkerGraph {
  /** Located contacts in the graph's order (by latitude band, then longitude), as input indices. */
  contact: Int32Array;
  /**
   * The located contacts each worker may take, by graph index in increasing order, and what each
   * pairing costs the worker: distance_per_km · d + trust · (1 − w.trust). Empty for a worker
   * without room.
   */
  targets: Int32Array[];
  costs: Float64Array[];
  /**
   * Contacts without a location, grouped by everything that decides their workers (languages,
   * the gender they need, declined workers): members of hub h are
   * `hubMembers[hubStart[h]] … hubMembers[hubStart[h + 1] − 1]`, highest priority first. Every
   * member may take the same workers at distance 0, so one hub node stands for all of them.
   */
  hubStart: Int32Array;
  hubMembers: Int32Array;
  /** The hubs worker w may take from are `hubArcHub[hubOffsets[w]] … hubArcHub[hubOffsets[w + 1] − 1]`. */
  hubOffsets: Int32Array;
  hubArcHub: Int32Array;
  /** Per input contact: 1 when some worker with room may take it. */
  hasWorker: Uint8Array;
}

/** Height of a latitude band: thin, so a band's longitude stretch follows the worker's circle closely. */
const BAND_DEGREES = 0.05;
const BANDS = Math.ceil(180 / BAND_DEGREES);
const TWO_R = 2 * EARTH_RADIUS_KM;
/**
 * Haversine terms this close to a worker's threshold are decided by `haversineKm` itself, so the
 * fast test below agrees with the contract's rule 4 bit for bit. Rounding moves the fast term by
 * about 1e-16; this margin is ten thousand times that.
 */
const EXACT_MARGIN = 1e-12;
/** Slack (radians) added to every longitude stretch, far above the rounding of its computation. */
const STRETCH_SLACK = 1e-7;

function bandOf(lat: number): number {
  const band = Math.floor((lat + 90) / BAND_DEGREES);
  return band < 0 ? 0 : band >= BANDS ? BANDS - 1 : band;
}

/** Longitude in [−180, 180), the key contacts are sorted by within a band. */
function lonKey(lon: number): number {
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return wrapped;
}

/**
 * asin(√h) for the haversine term h. For the short distances dispatch is about (√h < 0.01, about
 * 127 km) a four-term series is as exact as Math.asin (error below 1e-17 relative) and several
 * times faster; farther pairs use Math.asin.
 */
function asinOfSqrt(h: number): number {
  const x = Math.sqrt(Math.min(h, 1));
  if (x >= 0.01) return Math.asin(x);
  const x2 = x * x;
  return x * (1 + x2 * (1 / 6 + x2 * (3 / 40 + x2 * (5 / 112))));
}

/** Languages as bit sets over the codes the instance uses, `words` 32-bit words per entity. */
function languageBits(workers: readonly DispatchWorker[], contacts: readonly DispatchContact[]) {
  const codes = new Map<string, number>();
  for (const entity of [...workers, ...contacts]) {
    for (const code of entity.languages) if (!codes.has(code)) codes.set(code, codes.size);
  }
  const words = Math.max(1, Math.ceil(codes.size / 32));
  const bitSets = (entities: readonly { languages: string[] }[]) => {
    const bits = new Uint32Array(entities.length * words);
    entities.forEach((entity, i) => {
      for (const code of entity.languages) {
        const bit = codes.get(code)!;
        bits[i * words + (bit >>> 5)]! |= 1 << (bit & 31);
      }
    });
    return bits;
  };
  return { words, worker: bitSets(workers), contact: bitSets(contacts) };
}

/** 0 when any worker's gender will do, else the gender (1 m, 2 f) a worker must not differ from. */
function neededGender(contact: DispatchContact, config: DispatchConfig): number {
  if (genderRule(contact, config) !== "same" || contact.gender === null) return 0;
  return contact.gender === "m" ? 1 : 2;
}

const genderCode = (worker: DispatchWorker) => (worker.gender === "m" ? 1 : worker.gender === "f" ? 2 : 0);

/**
 * Everything `workerPairs` reads, in flat arrays: located contacts in graph order with the terms
 * of the haversine formula, the language, gender and declined tests as small codes, and the
 * workers' own terms.
 */
export interface ReachIndex {
  workers: readonly DispatchWorker[];
  contacts: readonly DispatchContact[];
  /** Located contacts in the graph's order (by latitude band, then longitude), as input indices. */
  contact: Int32Array;
  /** Workers with room (status active and capacity − active > 0), by latitude band, then longitude. */
  withRoom: Int32Array;
  /** Hubs, as in WorkerGraph. */
  hubStart: Int32Array;
  hubMembers: Int32Array;
  hubOffsets: Int32Array;
  hubArcHub: Int32Array;
  /** Per input contact without a location: 1 when some worker with room may take it. */
  hubHasWorker: Uint8Array;
  bandStart: Int32Array;
  lonOf: Float64Array;
  sinHalfPhi: Float64Array;
  cosHalfPhi: Float64Array;
  sinHalfLambda: Float64Array;
  cosHalfLambda: Float64Array;
  cosPhi: Float64Array;
  mask: Uint32Array;
  needGender: Uint8Array;
  hasDeclined: Uint8Array;
  declined: (Int32Array | null)[];
  words: number;
  workerLanguages: Uint32Array;
  contactLanguages: Uint32Array;
  /** Per worker: sin and cos of half its latitude and longitude, cos of its latitude, gender code, trust term, threshold on h. */
  workerTerms: Float64Array;
  distancePerKm: number;
  /** The most pairs one worker can have: the scratch arrays of `workerPairs` need this many slots. */
  maxPairs: number;
  /** A bound on all the pairs: the contacts in every worker's stretches. */
  candidateCount: number;
}

const TERMS = 8;
/** Below this h (√h < 0.01), asin(√h) is computed by its series. */
const SERIES_LIMIT = 1e-4;

export function reachIndex(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): ReachIndex {
  const W = workers.length;
  const languages = languageBits(workers, contacts);
  const { words } = languages;
  const byId = new Map<string, number[]>();
  workers.forEach((worker, w) => {
    const same = byId.get(worker.id);
    if (same) same.push(w);
    else byId.set(worker.id, [w]);
  });
  const declined = contacts.map((contact) => {
    const list = contact.declinedBy.flatMap((id) => byId.get(id) ?? []);
    return list.length > 0 ? Int32Array.from(new Set(list)).sort() : null;
  });
  const hasWorker = new Uint8Array(contacts.length);
  const withRoom: number[] = [];
  workers.forEach((worker, w) => {
    if (worker.status === "active" && worker.capacity - worker.active > 0) withRoom.push(w);
  });

  const located: number[] = [];
  const unlocated: number[] = [];
  contacts.forEach((contact, c) => {
    if (contact.lat === null || contact.lon === null) unlocated.push(c);
    else located.push(c);
  });

  // Located contacts by band, then longitude, with everything the scan reads in flat arrays.
  const L = located.length;
  const bandKey = new Float64Array(contacts.length);
  for (const c of located) {
    const contact = contacts[c]!;
    bandKey[c] = bandOf(contact.lat!) * 1000 + (lonKey(contact.lon!) + 180);
  }
  const order = Int32Array.from(located).sort((a, b) => bandKey[a]! - bandKey[b]! || a - b);
  const bandStart = new Int32Array(BANDS + 1);
  const lonOf = new Float64Array(L);
  const sinHalfPhi = new Float64Array(L);
  const cosHalfPhi = new Float64Array(L);
  const sinHalfLambda = new Float64Array(L);
  const cosHalfLambda = new Float64Array(L);
  const cosPhi = new Float64Array(L);
  const mask = new Uint32Array(L);
  const needGender = new Uint8Array(L);
  const hasDeclined = new Uint8Array(L);
  for (let i = 0; i < L; i++) {
    const c = order[i]!;
    const contact = contacts[c]!;
    bandStart[bandOf(contact.lat!) + 1]!++;
    lonOf[i] = lonKey(contact.lon!);
    const phi = contact.lat! * RADIANS;
    const lambda = contact.lon! * RADIANS;
    sinHalfPhi[i] = Math.sin(phi / 2);
    cosHalfPhi[i] = Math.cos(phi / 2);
    sinHalfLambda[i] = Math.sin(lambda / 2);
    cosHalfLambda[i] = Math.cos(lambda / 2);
    cosPhi[i] = Math.cos(phi);
    // Any non-zero mask means "check languages"; with several words it only flags that.
    if (contact.languages.length > 0) mask[i] = words === 1 ? languages.contact[c]! : 1;
    needGender[i] = neededGender(contact, config);
    hasDeclined[i] = declined[c] === null ? 0 : 1;
  }
  for (let b = 0; b < BANDS; b++) bandStart[b + 1]! += bandStart[b]!;

  // Contacts without a location: one hub per set of contacts that may take exactly the same workers.
  const groups = new Map<string, number[]>();
  for (const c of unlocated) {
    const contact = contacts[c]!;
    const key = `${neededGender(contact, config)}|${[...new Set(contact.languages)].sort().join(";")}|${declined[c]?.join(";") ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const hubs = [...groups.values()];
  for (const members of hubs) {
    members.sort((a, b) => contacts[b]!.priority - contacts[a]!.priority || a - b);
  }
  const hubStart = new Int32Array(hubs.length + 1);
  hubs.forEach((members, h) => {
    hubStart[h + 1] = hubStart[h]! + members.length;
  });
  const hubMembers = Int32Array.from(hubs.flat());
  const hubOffsets = new Int32Array(W + 1);
  const hubArcs: number[] = [];
  const hubHasWorker = new Uint8Array(hubs.length);
  for (let w = 0; w < W; w++) {
    hubOffsets[w] = hubArcs.length;
    const worker = workers[w]!;
    if (!(worker.status === "active" && worker.capacity - worker.active > 0)) continue;
    if (!(0 <= worker.maxKm)) continue;
    const gender = genderCode(worker);
    hubs.forEach((members, h) => {
      // Every member has the same languages, needed gender and declined workers: the first speaks for all.
      const c = members[0]!;
      const contact = contacts[c]!;
      if (contact.languages.length > 0) {
        let shared = 0;
        for (let k = 0; k < words; k++)
          shared |= languages.worker[w * words + k]! & languages.contact[c * words + k]!;
        if (shared === 0) return;
      }
      const need = neededGender(contact, config);
      if (need !== 0 && gender !== 0 && gender !== need) return;
      if (declined[c]?.includes(w)) return;
      hubArcs.push(h);
      hubHasWorker[h] = 1;
    });
  }
  hubOffsets[W] = hubArcs.length;
  hubs.forEach((members, h) => {
    if (hubHasWorker[h] === 1) for (const c of members) hasWorker[c] = 1;
  });

  const workerTerms = new Float64Array(W * TERMS);
  let maxPairs = 0;
  let candidateCount = 0;
  const stretch = new Float64Array(3 * 2 * (BANDS + 1));
  for (const w of withRoom) {
    const worker = workers[w]!;
    const phi = worker.lat * RADIANS;
    const lambda = worker.lon * RADIANS;
    const at = w * TERMS;
    workerTerms[at] = Math.sin(phi / 2);
    workerTerms[at + 1] = Math.cos(phi / 2);
    workerTerms[at + 2] = Math.sin(lambda / 2);
    workerTerms[at + 3] = Math.cos(lambda / 2);
    workerTerms[at + 4] = Math.cos(phi);
    workerTerms[at + 5] = genderCode(worker);
    workerTerms[at + 6] = config.weights.trust * (1 - worker.trust);
    // d ≤ max_km ⇔ h ≤ sin²(max_km / 2R) while max_km / 2R < π/2; beyond that every point is in reach.
    const halfAngle = worker.maxKm / TWO_R;
    workerTerms[at + 7] = halfAngle >= Math.PI / 2 ? 1 : Math.sin(halfAngle) ** 2;
    const count = stretches(worker.lat, worker.lon, worker.maxKm, stretch);
    let candidates = 0;
    for (let s = 0; s < count; s++) {
      const band = stretch[3 * s]!;
      const from0 = bandStart[band]!;
      const to0 = bandStart[band + 1]!;
      if (from0 === to0) continue;
      candidates +=
        upperBound(lonOf, from0, to0, stretch[3 * s + 2]!) -
        lowerBound(lonOf, from0, to0, stretch[3 * s + 1]!);
    }
    if (candidates > maxPairs) maxPairs = candidates;
    candidateCount += candidates;
  }
  return {
    workers,
    contacts,
    contact: order,
    // In the contacts' order, so that workers listed one after another read the same contacts.
    withRoom: Int32Array.from(withRoom).sort(
      (a, b) =>
        bandOf(workers[a]!.lat) - bandOf(workers[b]!.lat) ||
        lonKey(workers[a]!.lon) - lonKey(workers[b]!.lon) ||
        a - b,
    ),
    hubStart,
    hubMembers,
    hubOffsets,
    hubArcHub: Int32Array.from(hubArcs),
    hubHasWorker: hasWorker,
    bandStart,
    lonOf,
    sinHalfPhi,
    cosHalfPhi,
    sinHalfLambda,
    cosHalfLambda,
    cosPhi,
    mask,
    needGender,
    hasDeclined,
    declined,
    words,
    workerLanguages: languages.worker,
    contactLanguages: languages.contact,
    workerTerms,
    distancePerKm: config.weights.distancePerKm,
    maxPairs,
    candidateCount,
  };
}

/** Scratch space for `workerPairs`, sized for the index. */
export interface PairScratch {
  targets: Int32Array;
  costs: Float64Array;
  stretch: Float64Array;
}

export function pairScratch(index: ReachIndex): PairScratch {
  return {
    targets: new Int32Array(index.maxPairs),
    costs: new Float64Array(index.maxPairs),
    stretch: new Float64Array(3 * 2 * (BANDS + 1)),
  };
}

/**
 * Writes the located contacts worker w may take (graph indices, increasing) into
 * `scratch.targets` and what each pairing costs the worker, distance_per_km · d +
 * trust · (1 − w.trust), into `scratch.costs`; returns how many. None for a worker without room.
 * A top-level function with every array in a local, so the hot loop reads no closure context.
 */
export function workerPairs(index: ReachIndex, w: number, scratch: PairScratch): number {
  const { workers, bandStart, lonOf } = index;
  const { stretch } = scratch;
  const worker = workers[w]!;
  if (!(worker.status === "active" && worker.capacity - worker.active > 0)) return 0;
  let at = 0;
  const stretchCount = stretches(worker.lat, worker.lon, worker.maxKm, stretch);
  for (let s = 0; s < stretchCount; s++) {
    const band = stretch[3 * s]!;
    const from0 = bandStart[band]!;
    const to0 = bandStart[band + 1]!;
    if (from0 === to0) continue;
    const from = lowerBound(lonOf, from0, to0, stretch[3 * s + 1]!);
    const to = upperBound(lonOf, from0, to0, stretch[3 * s + 2]!);
    if (from < to) at = scanStretch(index, w, from, to, scratch, at);
  }
  // Stretches of one band across the antimeridian come in two pieces: keep targets increasing.
  if (!isIncreasing(scratch.targets, at)) sortTogether(scratch.targets, scratch.costs, at);
  return at;
}

/**
 * The pairs of worker w among located contacts from … to − 1 of one band, appended at `at`;
 * returns the new end. Small and separate from its caller so the optimiser keeps its arrays in
 * registers (measured: 2.5× faster than the same loop inlined in workerPairs).
 */
function scanStretch(
  index: ReachIndex,
  w: number,
  from: number,
  to: number,
  scratch: PairScratch,
  at: number,
): number {
  const { sinHalfPhi, cosHalfPhi, sinHalfLambda, cosHalfLambda, cosPhi, mask, needGender } = index;
  const { hasDeclined, words, workerLanguages, workerTerms, distancePerKm } = index;
  const { targets, costs } = scratch;
  const base = w * TERMS;
  const sinHalfPhiW = workerTerms[base]!;
  const cosHalfPhiW = workerTerms[base + 1]!;
  const sinHalfLambdaW = workerTerms[base + 2]!;
  const cosHalfLambdaW = workerTerms[base + 3]!;
  const cosPhiW = workerTerms[base + 4]!;
  const gender = workerTerms[base + 5]!;
  const trustTerm = workerTerms[base + 6]!;
  const threshold = workerTerms[base + 7]!;
  // Any non-zero mask means "check languages"; with several words, rejectedSlowly does it.
  const languageWord = words === 1 ? workerLanguages[w]! : -1;
  for (let i = from; i < to; i++) {
    const m = mask[i]!;
    if (m !== 0 && (languageWord & m) === 0) continue;
    const need = needGender[i]!;
    if (need !== 0 && gender !== 0 && gender !== need) continue;
    const sinDPhi = sinHalfPhiW * cosHalfPhi[i]! - cosHalfPhiW * sinHalfPhi[i]!;
    const sinDLambda = sinHalfLambdaW * cosHalfLambda[i]! - cosHalfLambdaW * sinHalfLambda[i]!;
    const h = sinDPhi * sinDPhi + cosPhi[i]! * cosPhiW * sinDLambda * sinDLambda;
    if (h > threshold + EXACT_MARGIN) continue;
    let d: number;
    if (h < threshold - EXACT_MARGIN && h < SERIES_LIMIT) {
      // asin(√h) by its series, as exact as Math.asin for √h < 0.01 (see asinOfSqrt).
      d = TWO_R * Math.sqrt(h) * (1 + h * (1 / 6 + h * (3 / 40 + h * (5 / 112))));
    } else {
      d = distanceSlowly(index, w, i, h, threshold);
      if (d < 0) continue;
    }
    if ((hasDeclined[i] === 1 || words > 1) && rejectedSlowly(index, w, i)) continue;
    targets[at] = i;
    costs[at++] = distancePerKm * d + trustTerm;
  }
  return at;
}

/**
 * What the pair of worker w and located contact i (graph index) costs, for a pair `workerPairs`
 * lists: the same arithmetic as scanStretch, operation for operation, so the result is the same
 * double (a test compares every listed pair). For callers that keep the costs in less precision.
 */
export function pairCostOf(index: ReachIndex, w: number, i: number): number {
  const { sinHalfPhi, cosHalfPhi, sinHalfLambda, cosHalfLambda, cosPhi, workerTerms, distancePerKm } = index;
  const base = w * TERMS;
  const threshold = workerTerms[base + 7]!;
  const sinDPhi = workerTerms[base]! * cosHalfPhi[i]! - workerTerms[base + 1]! * sinHalfPhi[i]!;
  const sinDLambda = workerTerms[base + 2]! * cosHalfLambda[i]! - workerTerms[base + 3]! * sinHalfLambda[i]!;
  const h = sinDPhi * sinDPhi + cosPhi[i]! * workerTerms[base + 4]! * sinDLambda * sinDLambda;
  const d =
    h < threshold - EXACT_MARGIN && h < SERIES_LIMIT
      ? TWO_R * Math.sqrt(h) * (1 + h * (1 / 6 + h * (3 / 40 + h * (5 / 112))))
      : distanceSlowly(index, w, i, h, threshold);
  return distancePerKm * d + workerTerms[base + 6]!;
}

/** √h at or past 0.01 (about 127 km), or h within EXACT_MARGIN of the threshold: d, or −1 when out of reach. */
function distanceSlowly(index: ReachIndex, w: number, i: number, h: number, threshold: number): number {
  if (h > threshold - EXACT_MARGIN) {
    const worker = index.workers[w]!;
    const contact = index.contacts[index.contact[i]!]!;
    const d = haversineKm(contact.lat!, contact.lon!, worker.lat, worker.lon);
    return d <= worker.maxKm ? d : -1;
  }
  return TWO_R * asinOfSqrt(h);
}

/** The tests the fast loop leaves out: languages over several words, and declined workers. */
function rejectedSlowly(index: ReachIndex, w: number, i: number): boolean {
  const c = index.contact[i]!;
  if (index.words > 1 && index.mask[i] !== 0) {
    if (!sharesLanguageWords(index.workerLanguages, index.contactLanguages, index.words, w, c)) return true;
  }
  return index.hasDeclined[i] === 1 && index.declined[c]!.includes(w);
}

/** Every eligible pair, listed once (for successive shortest paths, place-flow.ts). */
export function workerGraph(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): WorkerGraph {
  return workerGraphOf(reachIndex(contacts, workers, config));
}

/** Every eligible pair of an index built already, listed once. */
export function workerGraphOf(index: ReachIndex): WorkerGraph {
  const { workers } = index;
  const scratch = pairScratch(index);
  const hasWorker = index.hubHasWorker.slice();
  const targets: Int32Array[] = [];
  const costs: Float64Array[] = [];
  for (let w = 0; w < workers.length; w++) {
    const n = workerPairs(index, w, scratch);
    targets.push(scratch.targets.slice(0, n));
    costs.push(scratch.costs.slice(0, n));
    for (let k = 0; k < n; k++) hasWorker[index.contact[scratch.targets[k]!]!] = 1;
  }
  return {
    contact: index.contact,
    targets,
    costs,
    hubStart: index.hubStart,
    hubMembers: index.hubMembers,
    hubOffsets: index.hubOffsets,
    hubArcHub: index.hubArcHub,
    hasWorker,
  };
}

function sharesLanguageWords(
  workerLanguages: Uint32Array,
  contactLanguages: Uint32Array,
  words: number,
  w: number,
  c: number,
): boolean {
  for (let k = 0; k < words; k++) {
    if ((workerLanguages[w * words + k]! & contactLanguages[c * words + k]!) !== 0) return true;
  }
  return false;
}

/**
 * Writes to `out`, as (band, west, east) triples, each latitude band that can hold a point within
 * `maxKm` of (lat, lon) with a longitude stretch (degrees, within [−180, 180]) that covers every
 * such point of the band; a stretch across the antimeridian comes in two pieces. Returns how many.
 * A generous superset: the exact test is the caller's.
 */
function stretches(lat: number, lon: number, maxKm: number, out: Float64Array): number {
  let n = 0;
  const visit = (band: number, west: number, east: number): void => {
    out[n++] = band;
    out[n++] = west;
    out[n++] = east;
  };
  const r = (maxKm / EARTH_RADIUS_KM) * (1 + 1e-9) + 1e-12;
  const rDegrees = r / RADIANS + 1e-6;
  const firstBand = bandOf(lat - rDegrees);
  const lastBand = bandOf(lat + rDegrees);
  // A circle around a pole, or as wide as a hemisphere: whole bands.
  if (lat + rDegrees >= 90 || lat - rDegrees <= -90 || r >= Math.PI / 2) {
    for (let band = firstBand; band <= lastBand; band++) visit(band, -180, 180);
    return n / 3;
  }
  const phi0 = lat * RADIANS;
  const cosPhi0 = Math.cos(phi0);
  const halfR = Math.sin(r / 2) ** 2;
  // The latitude where the circle is widest; within a band, the width peaks at the point nearest to it.
  const widest = Math.asin(Math.min(1, Math.max(-1, Math.sin(phi0) / Math.cos(r))));
  const center = lonKey(lon);
  for (let band = firstBand; band <= lastBand; band++) {
    const south = Math.max((band * BAND_DEGREES - 90 - 1e-9) * RADIANS, phi0 - r);
    const north = Math.min(((band + 1) * BAND_DEGREES - 90 + 1e-9) * RADIANS, phi0 + r);
    const phi = widest < south ? south : Math.min(widest, north);
    // sin²(Δλ/2) = (sin²(r/2) − sin²(Δφ/2)) / (cos φ · cos φ0) on the circle at latitude φ.
    const sinHalfDPhi = Math.sin((phi - phi0) / 2);
    const s = (halfR - sinHalfDPhi * sinHalfDPhi) / (Math.cos(phi) * cosPhi0);
    if (s >= 1) {
      visit(band, -180, 180);
      continue;
    }
    const span = (2 * Math.asin(Math.sqrt(Math.max(0, s))) + STRETCH_SLACK) / RADIANS;
    if (span >= 180) {
      visit(band, -180, 180);
      continue;
    }
    const west = center - span;
    const east = center + span;
    if (west < -180) {
      visit(band, west + 360, 180);
      visit(band, -180, east);
    } else if (east >= 180) {
      visit(band, west, 180);
      visit(band, -180, east - 360);
    } else {
      visit(band, west, east);
    }
  }
  return n / 3;
}

/** The first index in [from, to) whose key is ≥ value (keys sorted). */
function lowerBound(keys: Float64Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in [from, to) whose key is > value (keys sorted). */
function upperBound(keys: Float64Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isIncreasing(list: Int32Array, count: number): boolean {
  for (let k = 1; k < count; k++) if (list[k]! < list[k - 1]!) return false;
  return true;
}

function sortTogether(list: Int32Array, values: Float64Array, count: number): void {
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => list[a]! - list[b]!);
  const sortedList = Int32Array.from(order, (k) => list[k]!);
  const sortedValues = Float64Array.from(order, (k) => values[k]!);
  list.set(sortedList);
  values.set(sortedValues);
}
