/**
 * The dispatch min-cost flow on few of its arcs: cost scaling (cost-scaling.ts) over each worker's
 * and each contact's cheapest pairs, then every other eligible pair is priced at the final
 * prices and those that would lower the cost join, until none does (column generation).
 */
import { scalingFlow } from "./cost-scaling.js";
import type { DispatchConfig, DispatchContact, DispatchWorker } from "./model.js";
import { pairCostOf, pairScratch, type ReachIndex, workerPairs } from "./worker-graph.js";

/**
 * Which pairs start in the flow: each worker's `perWorker` cheapest contacts, each contact's
 * `perContact` cheapest workers among its other pairs, and per hub its `hubMin` +
 * `hubPerMember` · members cheapest workers. Any choice gives the same optimum (pricing adds what
 * is missing); these were measured to keep the pricing rounds few at 100,000 × 10,000 without
 * slowing the refines.
 */
export interface StartingArcs {
  perContact: number;
  perWorker: number;
  hubPerMember: number;
  hubMin: number;
}
export const STARTING_ARCS: StartingArcs = Object.freeze({
  perContact: 10,
  perWorker: 40,
  hubPerMember: 4,
  hubMin: 16,
});

export interface ColumnOptions {
  onProgress?: (done: number, total: number) => void;
  startingArcs?: StartingArcs;
  /** Overrides FINISH_BELOW (for tests and measurements). */
  finishBelow?: number;
}

/** ε is divided by ALPHA between refines. */
const ALPHA = 8;
/**
 * A lower bound on any double that rounds to the float32 `stored`: float32 rounds to nearest, so
 * the double is at least the stored value less 2⁻²⁴ of it (2⁻²³ here, for margin), and less the
 * subnormal step (2⁻¹⁴⁹) for values that round to 0 or below 2⁻¹²⁶.
 */
export function float32LowerBound(stored: number): number {
  // Costs past float32's range (a weight of 10³⁰ is valid input) are stored as infinity: every
  // double that rounds to it is at least float32's largest finite value.
  if (stored === Number.POSITIVE_INFINITY) return FLOAT32_MAX;
  return stored - Math.abs(stored) * 2 ** -23 - 1e-40;
}
const FLOAT32_MAX = 3.4028234663852886e38;
/**
 * Relative to the largest cost: the ε at which scaling stops and the finish (successive shortest
 * paths, cost-scaling.ts) takes over. The finish mends about 40–55 thousand near ties at
 * 100,000 × 10,000 whatever ε, each by a search whose ball grows with ε: from ε = 0.11 (4 · 10⁻⁶
 * here) it took 30 s, from 0.014 6 s, from 2.1 · 10⁻³ (this) 1.2–1.6 s and from 3 · 10⁻⁴ 0.56 s
 * under load 4–5, against 0.5–1.1 s for each refine it spares. Whole solver, alternating under
 * the bench lock: 9.07–9.79 s of CPU here, 9.50–12.20 s from 3 · 10⁻⁴, 9.58–10.44 s for the
 * refines down to 10⁻¹⁴ and a certificate (BENCHMARKS.md, "dispatch", session 12).
 */
export const FINISH_BELOW = 7e-8;

export interface ColumnSolution {
  /** Per input contact: its worker index, or −1. */
  workerOf: Int32Array;
  /** Per input contact: 1 when some worker with room may take it. */
  hasWorker: Uint8Array;
}

/**
 * Solves the place-side network of place-flow.ts (same arcs and costs) exactly. The eligible
 * pairs are listed once from the reach index, worker by worker, into one buffer the pricing
 * rounds scan (listing them again for each of the eight or so rounds costs more than keeping
 * them: 0.6 s per listing at 100,000 × 10,000 against 0.2 s per scan).
 */
export function solveByColumns(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  index: ReachIndex,
  options: ColumnOptions = {},
): ColumnSolution {
  const { onProgress } = options;
  const starting = options.startingArcs ?? STARTING_ARCS;
  const CONTACT_ARCS = Math.max(1, starting.perContact);
  const W = workers.length;
  const { hubStart, hubMembers, hubOffsets, hubArcHub } = index;
  const L = index.contact.length;
  const H = hubStart.length - 1;
  const C = contacts.length;
  const scratch = pairScratch(index);
  const hasWorker = index.hubHasWorker.slice();

  const room = new Int32Array(W);
  const loadActive = new Float64Array(W);
  const loadStep = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    const worker = workers[w]!;
    // A worker never fills more places than there are contacts.
    room[w] = worker.status === "active" ? Math.max(0, Math.min(worker.capacity - worker.active, C)) : 0;
    loadStep[w] = worker.capacity > 0 ? config.weights.load / worker.capacity : 0;
    loadActive[w] = loadStep[w]! * worker.active;
  }
  const value = Float64Array.from(index.contact, (c) => config.assignValue * contacts[c]!.priority);
  const memberValue = Float64Array.from(hubMembers, (c) => config.assignValue * contacts[c]!.priority);
  const flow = scalingFlow({
    workers: W,
    contacts: L,
    hubs: H,
    room,
    loadActive,
    loadStep,
    value,
    hubStart,
    memberValue,
  });

  // Every pair, listed once worker by worker into one buffer (only the part filled is ever
  // touched, so it costs the memory of the pairs, not of the bound), and the starting arcs: per
  // worker its cheapest (all those up to the perWorker-th cost), per contact its cheapest among
  // the rest (a small max-heap per contact, with the worker).
  // The costs are kept as float32 (pricing reads a lower bound from them and computes the exact
  // cost again for the few pairs that pass it): 57 MB less fresh memory at 100,000 × 10,000.
  const pairTarget = new Int32Array(index.candidateCount);
  const pairCost = new Float32Array(index.candidateCount);
  const pairStart = new Int32Array(W);
  const pairEnd = new Int32Array(W);
  const kept = new Float64Array(L * CONTACT_ARCS);
  const keptWorker = new Int32Array(L * CONTACT_ARCS);
  const keptCount = new Int32Array(L);
  const select = new Float64Array(index.maxPairs);
  const arcs = arcBuffer(L * starting.perContact + W * starting.perWorker);
  let pairs = 0;
  // Workers in the contacts' order (the reach index's), so that one after another reads the same
  // contacts: 0.41 s against 0.54 s for the listing alone in input order at 100,000 × 10,000, and
  // the pricing scans read the prices of one city after another. Workers without room have no pairs.
  const listed = index.withRoom;
  for (const w of listed) {
    pairStart[w] = pairs;
    const n = workerPairs(index, w, scratch);
    const list = scratch.targets;
    const listCosts = scratch.costs;
    pairTarget.set(list.subarray(0, n), pairs);
    pairCost.set(listCosts.subarray(0, n), pairs);
    let limit = Number.POSITIVE_INFINITY;
    if (n > starting.perWorker) {
      if (starting.perWorker > 0) {
        select.set(listCosts.subarray(0, n));
        limit = kthSmallest(select, n, starting.perWorker - 1);
      } else limit = Number.NEGATIVE_INFINITY;
    }
    for (let e = 0; e < n; e++) {
      const i = list[e]!;
      const cost = listCosts[e]!;
      hasWorker[index.contact[i]!] = 1;
      if (cost <= limit) arcs.add(w, i, cost);
      else if (starting.perContact > 0 && (keptCount[i]! < CONTACT_ARCS || cost < kept[i * CONTACT_ARCS]!))
        offerCheapest(kept, keptWorker, keptCount, CONTACT_ARCS, i, cost, w);
    }
    pairs += n;
    pairEnd[w] = pairs;
  }
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < keptCount[i]!; j++)
      arcs.add(keptWorker[i * CONTACT_ARCS + j]!, i, kept[i * CONTACT_ARCS + j]!);
  }

  // Hub arcs (each costs the worker's trust term): per hub, its cheapest ones.
  const trustTerm = Float64Array.from(workers, (worker) => config.weights.trust * (1 - worker.trust));
  const hubArcWorker = new Int32Array(hubArcHub.length);
  for (let w = 0; w < W; w++) hubArcWorker.fill(w, hubOffsets[w]!, hubOffsets[w + 1]!);
  const hubInFlow = new Uint8Array(hubArcHub.length);
  // Workers by trust term (then index), each offering its hub arcs to the hubs not yet full: one
  // sort of the workers instead of one of each hub's arcs (1.3 M at 100,000 × 10,000).
  const byTrust = Int32Array.from({ length: W }, (_, w) => w).sort(
    (a, b) => trustTerm[a]! - trustTerm[b]! || a - b,
  );
  const hubLeft = Int32Array.from(
    { length: H },
    (_, h) => starting.hubMin + starting.hubPerMember * (hubStart[h + 1]! - hubStart[h]!),
  );
  for (const w of byTrust) {
    for (let a = hubOffsets[w]!; a < hubOffsets[w + 1]!; a++) {
      const h = hubArcHub[a]!;
      if (hubLeft[h]! <= 0) continue;
      hubLeft[h]!--;
      hubInFlow[a] = 1;
      arcs.add(w, L + h, trustTerm[w]!);
    }
  }

  // Per worker, a lower bound on cost − p(c) over its pairs left out: the least met when it was
  // last priced. Prices only fall (refines relabel down, the finish moves them by d − D ≤ 0), so
  // cost − p(c) only rises and the bound holds; a worker whose bound is at or above its floor has
  // no pair to price in, and its pairs are not read (most workers, once ε is fine).
  const leastLeftOut = new Float64Array(W).fill(Number.NEGATIVE_INFINITY);
  /** Adds every eligible pair left out whose reduced cost is below −tolerance; returns the largest such violation, or 0. */
  const priceIn = (tolerance: number): number => {
    const price = flow.price;
    let added = 0;
    let worst = 0;
    for (const w of listed) {
      // cost + p(w) − p(c) < −tolerance, with p(w) moved to the right-hand side.
      const floor = -tolerance - price[w]!;
      if (leastLeftOut[w]! >= floor) continue;
      flow.markHeads(w, stamp, w + 1);
      let least = Number.POSITIVE_INFINITY;
      const end = pairEnd[w]!;
      for (let e = pairStart[w]!; e < end; e++) {
        const i = pairTarget[e]!;
        if (stamp[i] === w + 1) continue;
        const low = float32LowerBound(pairCost[e]!) - price[W + i]!;
        if (!(low < floor)) {
          if (low < least) least = low;
          continue;
        }
        const cost = pairCostOf(index, w, i);
        const reduced = cost - price[W + i]!;
        if (!(reduced < floor)) {
          if (reduced < least) least = reduced;
          continue;
        }
        stamp[i] = w + 1;
        const violation = floor + tolerance - reduced;
        if (violation > worst) worst = violation;
        arcs.add(w, i, cost);
        added++;
      }
      leastLeftOut[w] = least;
    }
    for (let a = 0; a < hubArcHub.length; a++) {
      if (hubInFlow[a] === 1) continue;
      const w = hubArcWorker[a]!;
      const h = hubArcHub[a]!;
      const reduced = trustTerm[w]! + price[w]! - price[W + L + h]!;
      if (reduced < -tolerance) {
        if (-reduced > worst) worst = -reduced;
        hubInFlow[a] = 1;
        arcs.add(w, L + h, trustTerm[w]!);
        added++;
      }
    }
    if (added > 0) flow.addArcs(arcs.tail, arcs.head, arcs.cost, arcs.size);
    arcs.size = 0;
    return worst;
  };
  // Which contacts a worker has an arc to, while pricing it: stamp[i] = w + 1.
  const stamp = new Int32Array(L);

  flow.addArcs(arcs.tail, arcs.head, arcs.cost, arcs.size);
  arcs.size = 0;
  // ε-scaling down to FINISH_BELOW, then the finish. Each refine, from the first, is followed by
  // pricing at ε (pairs that break ε-optimality join, and the next refine absorbs them). A pair
  // left out while ε is coarse joins later with a violation of tens or hundreds of the finer ε,
  // which the next refine pays for in as many rounds of relabels across the network: with pricing
  // only from ε = 7.3 on, the 100 k refines took 7.4–7.8 s of CPU (5.2–5.4 s with it), and a
  // contact worth 10,000 that had no starting arc joined at ε = 7.3 with a violation of 9,846
  // and held the next refine for more than ten minutes (20,000 × 2,000 with every contact
  // located). The finish (shortest paths from the ε-optimal flow, cost-scaling.ts) leaves every
  // residual arc's reduced cost ≥ −finalEpsilon / 8: no plan on the flow's arcs is cheaper by
  // more than that times the number of nodes (10⁻⁵ at 100,000 contacts, below the objective's own
  // rounding). Then pricing at finalEpsilon decides: nothing left out, or the pairs that join are
  // absorbed by another finish.
  const final = flow.finalEpsilon;
  const finishAt = Math.max(final, Math.max(1, flow.maxCost()) * (options.finishBelow ?? FINISH_BELOW));
  let epsilon = flow.maxCost();
  let refines = 0;
  const expected = Math.ceil(Math.log(Math.max(2, epsilon / finishAt)) / Math.log(ALPHA)) + 1;
  do {
    epsilon = Math.max(finishAt, epsilon / ALPHA);
    flow.refine(epsilon);
    onProgress?.(++refines, Math.max(expected, refines + 1));
    priceIn(epsilon);
  } while (epsilon > finishAt);
  do flow.finish(final / 8);
  while (priceIn(final) > 0);
  onProgress?.(refines, refines);

  const workerOf = new Int32Array(C).fill(-1);
  const located = flow.contactWorkers();
  for (let i = 0; i < L; i++) if (located[i]! >= 0) workerOf[index.contact[i]!] = located[i]!;
  // A hub's used units go to its first members (highest priority); any of them may take any unit.
  for (let h = 0; h < H; h++) {
    flow.hubWorkers(h).forEach((w, k) => {
      workerOf[hubMembers[hubStart[h]! + k]!] = w;
    });
  }
  return { workerOf, hasWorker };
}

/** Keeps, per contact, the `size` smallest costs offered and their workers, as a max-heap (largest first). */
function offerCheapest(
  kept: Float64Array,
  keptWorker: Int32Array,
  count: Int32Array,
  size: number,
  i: number,
  cost: number,
  w: number,
): void {
  const base = i * size;
  const n = count[i]!;
  if (n < size) {
    let at = n;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (kept[base + up]! >= cost) break;
      kept[base + at] = kept[base + up]!;
      keptWorker[base + at] = keptWorker[base + up]!;
      at = up;
    }
    kept[base + at] = cost;
    keptWorker[base + at] = w;
    count[i] = n + 1;
    return;
  }
  if (cost >= kept[base]!) return;
  let at = 0;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    if (child + 1 < size && kept[base + child + 1]! > kept[base + child]!) child++;
    if (kept[base + child]! <= cost) break;
    kept[base + at] = kept[base + child]!;
    keptWorker[base + at] = keptWorker[base + child]!;
    at = child;
  }
  kept[base + at] = cost;
  keptWorker[base + at] = w;
}

/** The k-th smallest (0-based) of values[0 … n − 1], by quickselect; reorders values. */
function kthSmallest(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** Arcs waiting to join the flow; `capacity` is a first guess (growing copies the arrays: fresh memory is dear). */
function arcBuffer(capacity: number) {
  const size0 = Math.max(1 << 10, capacity);
  const buffer = {
    tail: new Int32Array(size0),
    head: new Int32Array(size0),
    cost: new Float64Array(size0),
    size: 0,
    add(tail: number, head: number, cost: number): void {
      if (buffer.size === buffer.tail.length) {
        const grow = <A extends Int32Array | Float64Array>(array: A, make: (n: number) => A): A => {
          const next = make(array.length * 2);
          next.set(array);
          return next;
        };
        buffer.tail = grow(buffer.tail, (n) => new Int32Array(n));
        buffer.head = grow(buffer.head, (n) => new Int32Array(n));
        buffer.cost = grow(buffer.cost, (n) => new Float64Array(n));
      }
      buffer.tail[buffer.size] = tail;
      buffer.head[buffer.size] = head;
      buffer.cost[buffer.size++] = cost;
    },
  };
  return buffer;
}
