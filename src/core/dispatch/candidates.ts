/**
 * The eligible (contact, worker) pairs of a dispatch instance, as a compressed sparse row graph:
 * a uniform latitude/longitude grid narrows each contact's workers to those whose cell can lie
 * within reach, then rules 2–5 are checked exactly (rule 1 decides which workers are indexed).
 */
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  EARTH_RADIUS_KM,
  genderRule,
  RADIANS,
} from "./model.js";

/**
 * Edges of contact c are `worker[offsets[c]] … worker[offsets[c + 1] − 1]`; `cost` is the flow
 * cost of each: −(assign_value · priority − distance_per_km · d − trust · (1 − w.trust)).
 */
export interface CandidateGraph {
  offsets: Int32Array;
  worker: Int32Array;
  cost: Float64Array;
}

const CELL_DEGREES = 0.25;
const LAT_CELLS = Math.ceil(180 / CELL_DEGREES);
const LON_CELLS = Math.ceil(360 / CELL_DEGREES);
/** Slack added to every bound of a grid query, so the grid never misses a worker the exact test accepts. */
const MARGIN_DEGREES = 1e-6;

/**
 * Workers bucketed by grid cell (cell i holds `items[start[i]] … items[start[i + 1] − 1]`), built
 * separately for bands of max_km so a contact never scans workers far beyond their own reach.
 */
interface WorkerGrid {
  start: Int32Array;
  items: Int32Array;
  /** The largest max_km among the indexed workers: the radius every query must cover. */
  reachKm: number;
  /** Grid rows run from firstRow to lastRow (latitude rows of CELL_DEGREES from the South Pole). */
  firstRow: number;
  lastRow: number;
}

function latRow(lat: number): number {
  const row = Math.floor((lat + 90) / CELL_DEGREES);
  return row < 0 ? 0 : row >= LAT_CELLS ? LAT_CELLS - 1 : row;
}

function lonColumn(lon: number): number {
  const column = Math.floor((lon + 180) / CELL_DEGREES) % LON_CELLS;
  return column < 0 ? column + LON_CELLS : column;
}

/** Only the rows between the southernmost and northernmost worker get cells. */
function buildGrid(workers: readonly DispatchWorker[], indexed: readonly number[]): WorkerGrid {
  let firstRow = LAT_CELLS;
  let lastRow = -1;
  let reachKm = 0;
  for (const w of indexed) {
    const worker = workers[w]!;
    const row = latRow(worker.lat);
    if (row < firstRow) firstRow = row;
    if (row > lastRow) lastRow = row;
    if (worker.maxKm > reachKm) reachKm = worker.maxKm;
  }
  const cells = Math.max(0, lastRow - firstRow + 1) * LON_CELLS;
  const start = new Int32Array(cells + 1);
  const cellOf = new Int32Array(indexed.length);
  for (let i = 0; i < indexed.length; i++) {
    const worker = workers[indexed[i]!]!;
    const cell = (latRow(worker.lat) - firstRow) * LON_CELLS + lonColumn(worker.lon);
    cellOf[i] = cell;
    start[cell + 1]! += 1;
  }
  for (let cell = 0; cell < cells; cell++) start[cell + 1]! += start[cell]!;
  const fill = start.slice(0, cells);
  const items = new Int32Array(indexed.length);
  for (let i = 0; i < indexed.length; i++) items[fill[cellOf[i]!]!++] = indexed[i]!;
  return { start, items, reachKm, firstRow, lastRow };
}

/**
 * The grid cells that can hold a point within `reachKm` of (lat, lon): rows for latitudes φ ± r,
 * columns for longitudes λ ± asin(sin r / cos φ) (the widest point of a spherical cap), or every
 * column when the cap holds a pole. Written into `out` as [firstRow, lastRow, firstColumn, columns].
 */
function cellRange(reachKm: number, lat: number, lon: number, out: Int32Array): void {
  const r = (reachKm / EARTH_RADIUS_KM) * (1 + 1e-9);
  const rDegrees = r / RADIANS + MARGIN_DEGREES;
  const south = lat - rDegrees;
  const north = lat + rDegrees;
  let firstColumn = 0;
  let columns = LON_CELLS;
  if (south > -90 && north < 90 && r < Math.PI / 2) {
    const sinSpan = Math.sin(r) / Math.cos(lat * RADIANS);
    if (sinSpan < 1) {
      const spanDegrees = Math.asin(sinSpan) / RADIANS + MARGIN_DEGREES;
      const west = Math.floor((lon - spanDegrees + 180) / CELL_DEGREES);
      const east = Math.floor((lon + spanDegrees + 180) / CELL_DEGREES);
      if (east - west + 1 < LON_CELLS) {
        firstColumn = ((west % LON_CELLS) + LON_CELLS) % LON_CELLS;
        columns = east - west + 1;
      }
    }
  }
  out[0] = latRow(south);
  out[1] = latRow(north);
  out[2] = firstColumn;
  out[3] = columns;
}

/** Growable typed arrays for the edge list, doubled as needed. */
interface EdgeBuffer {
  worker: Int32Array;
  value: Float64Array;
  size: number;
}

function pushEdge(edges: EdgeBuffer, worker: number, value: number): void {
  if (edges.size === edges.worker.length) {
    const grownWorker = new Int32Array(edges.size * 2);
    grownWorker.set(edges.worker);
    edges.worker = grownWorker;
    const grownValue = new Float64Array(edges.size * 2);
    grownValue.set(edges.value);
    edges.value = grownValue;
  }
  edges.worker[edges.size] = worker;
  edges.value[edges.size] = value;
  edges.size++;
}

/** Everything the search needs, in flat arrays: worker geometry, languages as bit sets, genders. */
interface Prepared {
  words: number;
  workerLanguages: Uint32Array;
  contactLanguages: Uint32Array;
  phi: Float64Array;
  lambda: Float64Array;
  cosPhi: Float64Array;
  maxKm: Float64Array;
  /** 0 unknown, 1 m, 2 f. */
  gender: Uint8Array;
  /** trust · (1 − w.trust): the worker's part of every edge cost. */
  trustTerm: Float64Array;
  declined: Array<Int32Array | null>;
}

function prepare(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): Prepared {
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
  const byId = new Map<string, number[]>();
  workers.forEach((worker, w) => {
    const same = byId.get(worker.id);
    if (same) same.push(w);
    else byId.set(worker.id, [w]);
  });
  const phi = Float64Array.from(workers, (w) => w.lat * RADIANS);
  return {
    words,
    workerLanguages: bitSets(workers),
    contactLanguages: bitSets(contacts),
    phi,
    lambda: Float64Array.from(workers, (w) => w.lon * RADIANS),
    cosPhi: phi.map((value) => Math.cos(value)),
    maxKm: Float64Array.from(workers, (w) => w.maxKm),
    gender: Uint8Array.from(workers, (w) => (w.gender === "m" ? 1 : w.gender === "f" ? 2 : 0)),
    trustTerm: Float64Array.from(workers, (w) => config.weights.trust * (1 - w.trust)),
    declined: contacts.map((contact) => {
      const list = contact.declinedBy.flatMap((id) => byId.get(id) ?? []);
      return list.length > 0 ? Int32Array.from(list) : null;
    }),
  };
}

interface WorkerIndex {
  indexed: number[];
  grids: WorkerGrid[];
}

/** Workers that pass rule 1 (status, and room unless `ignoreCapacity`), in max_km bands. */
function indexWorkers(workers: readonly DispatchWorker[], ignoreCapacity: boolean): WorkerIndex {
  const indexed: number[] = [];
  workers.forEach((worker, w) => {
    if (worker.status === "active" && (ignoreCapacity || worker.capacity - worker.active > 0))
      indexed.push(w);
  });
  // Bands of max_km with about equal numbers of workers, so short-reach workers are not scanned
  // at the radius of the longest one.
  const byReach = [...indexed].sort((a, b) => workers[a]!.maxKm - workers[b]!.maxKm);
  const bands = Math.min(4, Math.max(1, Math.floor(byReach.length / 256)));
  const grids: WorkerGrid[] = [];
  for (let band = 0; band < bands; band++) {
    const part = byReach.slice(
      Math.floor((band * byReach.length) / bands),
      Math.floor(((band + 1) * byReach.length) / bands),
    );
    if (part.length > 0) grids.push(buildGrid(workers, part));
  }
  return { indexed, grids };
}

/** 2R, for the haversine below: (2 · R) · asin(…) is how haversineRad evaluates it too. */
const TWO_R = 2 * EARTH_RADIUS_KM;
const TO_RADIANS = RADIANS;

/**
 * A search for one contact's eligible workers among an index: `find(c, firstOnly)` writes the
 * workers passing rules 1–5 (rule 1 as the index was built) to `worker`, their distances to
 * `distanceKm`, and returns how many; with `firstOnly` it stops at the first.
 */
function eligibleSearch(
  contacts: readonly DispatchContact[],
  config: DispatchConfig,
  prepared: Prepared,
  index: WorkerIndex,
) {
  const { indexed, grids } = index;
  const { phi, lambda, cosPhi, maxKm, gender, words, workerLanguages, contactLanguages } = prepared;
  const range = new Int32Array(4);
  const worker = new Int32Array(indexed.length);
  const distanceKm = new Float64Array(indexed.length);

  /** Rules 2, 3 and 5 for one pair: everything but the distance. */
  const passesCheapRules = (
    c: number,
    w: number,
    languageMask: number,
    needGender: number,
    declined: Int32Array | null,
  ): boolean => {
    if (languageMask !== 0) {
      if (words === 1) {
        if ((workerLanguages[w]! & languageMask) === 0) return false;
      } else {
        let shared = 0;
        for (let k = 0; k < words; k++)
          shared |= workerLanguages[w * words + k]! & contactLanguages[c * words + k]!;
        if (shared === 0) return false;
      }
    }
    if (needGender !== 0) {
      const g = gender[w]!;
      if (g !== 0 && g !== needGender) return false;
    }
    return declined === null || !declined.includes(w);
  };

  const find = (c: number, firstOnly: boolean): number => {
    const contact = contacts[c]!;
    // Any non-zero mask means "check languages"; with several words the mask only flags that.
    let languageMask = 0;
    if (contact.languages.length > 0) languageMask = words === 1 ? contactLanguages[c]! : 1;
    const needGender = neededGender(contact, config);
    const declined = prepared.declined[c] ?? null;
    let count = 0;
    if (contact.lat === null || contact.lon === null) {
      for (const w of indexed) {
        if (passesCheapRules(c, w, languageMask, needGender, declined) && 0 <= maxKm[w]!) {
          worker[count] = w;
          distanceKm[count++] = 0;
          if (firstOnly) return count;
        }
      }
      return count;
    }
    // The same operations, in the same order, as haversineRad: a pair is eligible here exactly
    // when `eligibility` says so.
    const cPhi = contact.lat * TO_RADIANS;
    const cLambda = contact.lon * TO_RADIANS;
    const cCos = Math.cos(cPhi);
    for (const grid of grids) {
      cellRange(grid.reachKm, contact.lat, contact.lon, range);
      const lastRow = Math.min(range[1]!, grid.lastRow);
      const columns = range[3]!;
      const start = grid.start;
      const items = grid.items;
      for (let row = Math.max(range[0]!, grid.firstRow); row <= lastRow; row++) {
        const rowBase = (row - grid.firstRow) * LON_CELLS;
        let column = range[2]!;
        for (let k = 0; k < columns; k++) {
          const cell = rowBase + column;
          column = column + 1 === LON_CELLS ? 0 : column + 1;
          const to = start[cell + 1]!;
          for (let i = start[cell]!; i < to; i++) {
            const w = items[i]!;
            if (!passesCheapRules(c, w, languageMask, needGender, declined)) continue;
            const sinDPhi = Math.sin((phi[w]! - cPhi) / 2);
            const sinDLambda = Math.sin((lambda[w]! - cLambda) / 2);
            const h = sinDPhi * sinDPhi + cCos * cosPhi[w]! * sinDLambda * sinDLambda;
            const d = TWO_R * Math.asin(Math.sqrt(Math.min(1, h)));
            if (d <= maxKm[w]!) {
              worker[count] = w;
              distanceKm[count++] = d;
              if (firstOnly) return count;
            }
          }
        }
      }
    }
    return count;
  };
  return { find, worker, distanceKm };
}

/**
 * Contacts without a location and without a declined worker, grouped by what decides their
 * eligibility (languages and the gender they need): every contact of a group may take the same
 * workers, at distance 0, so the cost of a pair splits into the contact's part
 * (−assign_value · priority) and the worker's part (trust · (1 − w.trust)). The flow routes such
 * contacts through one "hub" node per group with an arc to each of the group's workers, which is
 * exactly equivalent to an arc from each contact to each worker and far smaller.
 */
export interface HubGraph {
  /** The hub of each contact, or −1 for contacts with edges of their own. */
  hubOf: Int32Array;
  count: number;
  /** Arcs of hub h are `worker[offsets[h]] … worker[offsets[h + 1] − 1]`, costing `cost[…]`. */
  offsets: Int32Array;
  worker: Int32Array;
  cost: Float64Array;
}

/**
 * The eligible pairs of rules 1–5 with their flow costs, for every contact; with `hubs`, contacts
 * that can share a hub (groups of two or more) get no edges of their own but a hub instead.
 */
export function candidateGraph(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: { hubs?: boolean } = {},
): CandidateGraph & { hubs: HubGraph } {
  const prepared = prepare(contacts, workers, config);
  const index = indexWorkers(workers, false);
  const hubs = options.hubs ? hubGraph(contacts, config, prepared, index) : noHubs(contacts.length);
  const offsets = new Int32Array(contacts.length + 1);
  const edges: EdgeBuffer = { worker: new Int32Array(1 << 16), value: new Float64Array(1 << 16), size: 0 };
  const { distancePerKm } = config.weights;
  const search = eligibleSearch(contacts, config, prepared, index);
  const trustTerm = prepared.trustTerm;
  for (let c = 0; c < contacts.length; c++) {
    offsets[c] = edges.size;
    if (hubs.hubOf[c]! >= 0) continue;
    const value = config.assignValue * contacts[c]!.priority;
    const count = search.find(c, false);
    for (let i = 0; i < count; i++) {
      const w = search.worker[i]!;
      pushEdge(edges, w, -(value - distancePerKm * search.distanceKm[i]! - trustTerm[w]!));
    }
  }
  offsets[contacts.length] = edges.size;
  return { offsets, worker: edges.worker.slice(0, edges.size), cost: edges.value.slice(0, edges.size), hubs };
}

function noHubs(contactCount: number): HubGraph {
  return {
    hubOf: new Int32Array(contactCount).fill(-1),
    count: 0,
    offsets: new Int32Array(1),
    worker: new Int32Array(0),
    cost: new Float64Array(0),
  };
}

function hubGraph(
  contacts: readonly DispatchContact[],
  config: DispatchConfig,
  prepared: Prepared,
  index: WorkerIndex,
): HubGraph {
  const groups = new Map<string, number[]>();
  contacts.forEach((contact, c) => {
    if (contact.lat !== null && contact.lon !== null) return;
    if (prepared.declined[c] !== null) return;
    const key = `${neededGender(contact, config)}|${[...new Set(contact.languages)].sort().join(";")}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  });
  const hubOf = new Int32Array(contacts.length).fill(-1);
  const offsets: number[] = [0];
  const edges: EdgeBuffer = { worker: new Int32Array(1024), value: new Float64Array(1024), size: 0 };
  const search = eligibleSearch(contacts, config, prepared, index);
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const h = offsets.length - 1;
    for (const c of members) hubOf[c] = h;
    // Every member has the same languages, needed gender and no declined worker: the first speaks for all.
    const count = search.find(members[0]!, false);
    for (let i = 0; i < count; i++)
      pushEdge(edges, search.worker[i]!, prepared.trustTerm[search.worker[i]!]!);
    offsets.push(edges.size);
  }
  return {
    hubOf,
    count: offsets.length - 1,
    offsets: Int32Array.from(offsets),
    worker: edges.worker.slice(0, edges.size),
    cost: edges.value.slice(0, edges.size),
  };
}

function neededGender(contact: DispatchContact, config: DispatchConfig): number {
  return genderRule(contact, config) === "same" && contact.gender !== null
    ? contact.gender === "m"
      ? 1
      : 2
    : 0;
}

/**
 * For each contact in `which`: whether some worker passes rules 1–5 with rule 1's capacity part
 * ignored (its status part still counts). This tells `no_capacity` from `no_eligible_worker`.
 */
export function hasEligibleWorkerIgnoringCapacity(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  which: readonly number[],
): Uint8Array {
  const result = new Uint8Array(contacts.length);
  if (which.length === 0) return result;
  const prepared = prepare(contacts, workers, config);
  const search = eligibleSearch(contacts, config, prepared, indexWorkers(workers, true));
  for (const c of which) result[c] = search.find(c, true) > 0 ? 1 : 0;
  return result;
}
