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
  haversineRad,
  RADIANS,
} from "./model.js";

/** Edges of contact c are `worker[offsets[c]] … worker[offsets[c + 1] − 1]`, each with its distance. */
export interface CandidateGraph {
  offsets: Int32Array;
  worker: Int32Array;
  distanceKm: Float64Array;
}

const CELL_DEGREES = 0.5;
const LAT_CELLS = Math.ceil(180 / CELL_DEGREES);
const LON_CELLS = Math.ceil(360 / CELL_DEGREES);
/** Slack added to every bound of a grid query, so the grid never misses a worker the exact test accepts. */
const MARGIN_DEGREES = 1e-6;

/** Workers bucketed by grid cell (CSR again: cell i holds `items[start[i]] … items[start[i + 1] − 1]`). */
interface WorkerGrid {
  start: Int32Array;
  items: Int32Array;
  /** The largest max_km among the indexed workers: the radius every query must cover. */
  reachKm: number;
}

function latRow(lat: number): number {
  const row = Math.floor((lat + 90) / CELL_DEGREES);
  return row < 0 ? 0 : row >= LAT_CELLS ? LAT_CELLS - 1 : row;
}

function lonColumn(lon: number): number {
  const column = Math.floor((lon + 180) / CELL_DEGREES) % LON_CELLS;
  return column < 0 ? column + LON_CELLS : column;
}

function buildGrid(workers: readonly DispatchWorker[], indexed: readonly number[]): WorkerGrid {
  const start = new Int32Array(LAT_CELLS * LON_CELLS + 1);
  const cellOf = new Int32Array(indexed.length);
  let reachKm = 0;
  for (let i = 0; i < indexed.length; i++) {
    const worker = workers[indexed[i]!]!;
    const cell = latRow(worker.lat) * LON_CELLS + lonColumn(worker.lon);
    cellOf[i] = cell;
    start[cell + 1]! += 1;
    if (worker.maxKm > reachKm) reachKm = worker.maxKm;
  }
  for (let cell = 0; cell < LAT_CELLS * LON_CELLS; cell++) start[cell + 1]! += start[cell]!;
  const fill = start.slice(0, LAT_CELLS * LON_CELLS);
  const items = new Int32Array(indexed.length);
  for (let i = 0; i < indexed.length; i++) items[fill[cellOf[i]!]!++] = indexed[i]!;
  return { start, items, reachKm };
}

/**
 * Calls `visit(cellStart, cellEnd)` for every grid cell that can hold a point within `reachKm`
 * of (lat, lon): latitudes φ ± r, longitudes λ ± asin(sin r / cos φ) (the widest point of a
 * spherical cap), or every longitude when the cap holds a pole.
 */
function visitCells(
  grid: WorkerGrid,
  lat: number,
  lon: number,
  visit: (from: number, to: number) => void,
): void {
  const r = (grid.reachKm / EARTH_RADIUS_KM) * (1 + 1e-9);
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
  const lastRow = latRow(north);
  for (let row = latRow(south); row <= lastRow; row++) {
    const rowBase = row * LON_CELLS;
    let column = firstColumn;
    for (let k = 0; k < columns; k++) {
      const cell = rowBase + column;
      const from = grid.start[cell]!;
      const to = grid.start[cell + 1]!;
      if (to > from) visit(from, to);
      column = column + 1 === LON_CELLS ? 0 : column + 1;
    }
  }
}

/** Codes as bit sets over the instance's own language list, `words` 32-bit words per entity. */
interface LanguageSets {
  words: number;
  bits: Uint32Array;
}

function languageIndex(contacts: readonly DispatchContact[], workers: readonly DispatchWorker[]) {
  const index = new Map<string, number>();
  for (const list of [workers.map((w) => w.languages), contacts.map((c) => c.languages)]) {
    for (const codes of list) for (const code of codes) if (!index.has(code)) index.set(code, index.size);
  }
  return index;
}

function languageSets(
  entities: readonly { languages: string[] }[],
  index: Map<string, number>,
  words: number,
): LanguageSets {
  const bits = new Uint32Array(entities.length * words);
  entities.forEach((entity, i) => {
    for (const code of entity.languages) {
      const bit = index.get(code)!;
      bits[i * words + (bit >>> 5)]! |= 1 << (bit & 31);
    }
  });
  return { words, bits };
}

/** What the candidate search needs of the instance, precomputed once into flat arrays. */
interface Prepared {
  contacts: readonly DispatchContact[];
  workers: readonly DispatchWorker[];
  phi: Float64Array;
  lambda: Float64Array;
  cosPhi: Float64Array;
  maxKm: Float64Array;
  gender: Uint8Array;
  workerLanguages: LanguageSets;
  contactLanguages: LanguageSets;
  declined: Array<Int32Array | null>;
}

function prepare(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
): Prepared {
  const index = languageIndex(contacts, workers);
  const words = Math.max(1, Math.ceil(index.size / 32));
  const phi = new Float64Array(workers.length);
  const lambda = new Float64Array(workers.length);
  const cosPhi = new Float64Array(workers.length);
  const maxKm = Float64Array.from(workers, (worker) => worker.maxKm);
  const gender = new Uint8Array(workers.length);
  const byId = new Map<string, number[]>();
  workers.forEach((worker, w) => {
    phi[w] = worker.lat * RADIANS;
    lambda[w] = worker.lon * RADIANS;
    cosPhi[w] = Math.cos(phi[w]!);
    gender[w] = worker.gender === "m" ? 1 : worker.gender === "f" ? 2 : 0;
    const same = byId.get(worker.id);
    if (same) same.push(w);
    else byId.set(worker.id, [w]);
  });
  const declined = contacts.map((contact) => {
    const list = contact.declinedBy.flatMap((id) => byId.get(id) ?? []);
    return list.length > 0 ? Int32Array.from(list) : null;
  });
  return {
    contacts,
    workers,
    phi,
    lambda,
    cosPhi,
    maxKm,
    gender,
    workerLanguages: languageSets(workers, index, words),
    contactLanguages: languageSets(contacts, index, words),
    declined,
  };
}

/** Growable typed arrays for the edge list, doubled as needed (edges are counted only once). */
class EdgeBuffer {
  worker = new Int32Array(1 << 16);
  distanceKm = new Float64Array(1 << 16);
  size = 0;

  push(worker: number, distanceKm: number): void {
    if (this.size === this.worker.length) {
      const worker = new Int32Array(this.size * 2);
      worker.set(this.worker);
      this.worker = worker;
      const distance = new Float64Array(this.size * 2);
      distance.set(this.distanceKm);
      this.distanceKm = distance;
    }
    this.worker[this.size] = worker;
    this.distanceKm[this.size] = distanceKm;
    this.size++;
  }
}

/**
 * The eligible pairs of rules 1–5 (or, with `ignoreCapacity`, of rules 1–5 without rule 1's
 * capacity part) for the contacts `which` (all when omitted; the others get no edges).
 */
export function candidateGraph(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: { ignoreCapacity?: boolean; which?: readonly number[] } = {},
): CandidateGraph {
  const prepared = prepare(contacts, workers);
  const indexed: number[] = [];
  workers.forEach((worker, w) => {
    if (worker.status === "active" && (options.ignoreCapacity || worker.capacity - worker.active > 0)) {
      indexed.push(w);
    }
  });
  const grid = buildGrid(workers, indexed);
  const offsets = new Int32Array(contacts.length + 1);
  const edges = new EdgeBuffer();
  const which = options.which ?? contacts.map((_, c) => c);
  let next = 0;
  for (const c of which) {
    while (next <= c) offsets[next++] = edges.size;
    collectEdges(prepared, grid, indexed, config, c, edges);
  }
  while (next <= contacts.length) offsets[next++] = edges.size;
  return {
    offsets,
    worker: edges.worker.slice(0, edges.size),
    distanceKm: edges.distanceKm.slice(0, edges.size),
  };
}

function collectEdges(
  prepared: Prepared,
  grid: WorkerGrid,
  indexed: readonly number[],
  config: DispatchConfig,
  c: number,
  edges: EdgeBuffer,
): void {
  const { workerLanguages, contactLanguages, gender, phi, lambda, cosPhi, maxKm } = prepared;
  const contact = prepared.contacts[c]!;
  const words = workerLanguages.words;
  const anyLanguage = contact.languages.length === 0;
  const base = c * words;
  const needGender =
    genderRule(contact, config) === "same" && contact.gender !== null ? (contact.gender === "m" ? 1 : 2) : 0;
  const declined = prepared.declined[c] ?? null;

  const consider = (w: number, distanceKm: number): void => {
    if (!anyLanguage) {
      let shared = 0;
      for (let k = 0; k < words; k++) {
        shared |= workerLanguages.bits[w * words + k]! & contactLanguages.bits[base + k]!;
      }
      if (shared === 0) return;
    }
    if (needGender !== 0) {
      const g = gender[w]!;
      if (g !== 0 && g !== needGender) return;
    }
    if (!(distanceKm <= maxKm[w]!)) return;
    if (declined !== null && declined.includes(w)) return;
    edges.push(w, distanceKm);
  };

  if (contact.lat === null || contact.lon === null) {
    for (const w of indexed) consider(w, 0);
    return;
  }
  const cPhi = contact.lat * RADIANS;
  const cLambda = contact.lon * RADIANS;
  const cCos = Math.cos(cPhi);
  visitCells(grid, contact.lat, contact.lon, (from, to) => {
    for (let i = from; i < to; i++) {
      const w = grid.items[i]!;
      consider(w, haversineRad(cPhi, cLambda, cCos, phi[w]!, lambda[w]!, cosPhi[w]!));
    }
  });
}
