/**
 * The dispatch min-cost flow solved from the workers' side by successive shortest paths: each
 * worker place joins as a unit of supply and takes the shortest path to the sink (fill the place
 * with a free contact, possibly moving others between workers, or leave it empty). planDispatch
 * uses it up to 20 M candidate pairs (about 90,000 × 9,000), where it is the faster exact solver,
 * and cost scaling (column-flow.ts) above; the tests compare the two. On large instances the
 * contacts without a location (hubs) join after every place (`hubsLast`, see joinHubs), since a
 * hub joins every city in each search that reaches it.
 */
import type { DispatchConfig, DispatchContact, DispatchWorker } from "./model.js";
import type { WorkerGraph } from "./worker-graph.js";

/**
 * The flow network, with place k of worker w (k = 1, 2, …) a source of one unit:
 *
 *   place → w      cost load · (active + k) / capacity, the k-th place's load term
 *   place → t      cost 0: the place stays empty
 *   w → c          cost distance_per_km · d + trust · (1 − w.trust), for each eligible pair
 *   w → hub        cost trust · (1 − w.trust), for each hub whose contacts w may take
 *   c → t, hub → t cost −assign_value · priority, capacity 1 per contact
 *
 * Its minimum cost is minus the contract's objective (used places are the cheapest ones of each
 * worker, since the load term grows with k). Adding one source and sending its unit along a
 * shortest path keeps the flow optimal whatever the order, as in successive shortest paths: the
 * new node has no arc in, so no negative cycle can appear. Dijkstra on reduced costs
 * c(u,v) + p(u) − p(v) ≥ 0 finds each path.
 *
 * What makes the searches short: in the residual graph a contact has one arc out, to t while it
 * is free or back to the worker holding it, so contacts never enter the heap, and a place finds a
 * free contact next door in an oversubscribed city. Contacts need no potential of their own: a
 * free one's is its value (its arc to t stays tight: it is only ever left by being taken), a held
 * one's is p(holder) + the holder's arc cost (the arc it was taken on was tight, and moving it to
 * another worker along a shortest path keeps the sum), so a search works on workers and hubs
 * only, a held contact being an arc from the worker that may take it to its holder. That price,
 * the contact's "price" below, only falls (workers' potentials only fall), so a stale maximum
 * over a group of contacts stays an upper bound: see the grouped pairs.
 * A used place of w is reached only from w and leads only to t, so it is folded into one arc
 * w → t costing −load · (active + n_w) / capacity: drop w's dearest used place. Returns, per input
 * contact, its worker index or −1.
 */
/**
 * Pairs whose bound on the distance they offer is within this of the sink's distance are read
 * anyway, so rounding in the bound never hides a pair a search needs.
 */
const PRUNE_MARGIN = 1e-6;

export interface PlaceFlowOptions {
  /**
   * Join the hubs (contacts without a location) after every place, by searches from each hub
   * (`joinHubs`), instead of letting every search cross them. Exact either way; faster on large
   * instances (planDispatch chooses, see plan.ts).
   */
  hubsLast?: boolean;
}

export function solvePlaceFlow(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  graph: WorkerGraph,
  onProgress?: (done: number, total: number) => void,
  options: PlaceFlowOptions = {},
): Int32Array {
  const hubsInScans = options.hubsLast !== true;
  const W = workers.length;
  const { targets, costs, hubStart, hubMembers, hubOffsets, hubArcHub } = graph;
  const L = graph.contact.length;
  const H = hubStart.length - 1;
  const value = Float64Array.from(graph.contact, (c) => config.assignValue * contacts[c]!.priority);
  const memberValue = Float64Array.from(hubMembers, (c) => config.assignValue * contacts[c]!.priority);

  // Workers: room, load term, trust term, and how many contacts each holds now (n_w).
  const room = new Int32Array(W);
  const loadBase = new Float64Array(W);
  const loadStep = new Float64Array(W);
  const trustTerm = new Float64Array(W);
  const held = new Int32Array(W);
  for (let w = 0; w < W; w++) {
    const worker = workers[w]!;
    // A worker never fills more places than it has contacts in reach.
    let reach = targets[w]!.length;
    for (let a = hubOffsets[w]!; a < hubOffsets[w + 1]!; a++) {
      const h = hubArcHub[a]!;
      reach += hubStart[h + 1]! - hubStart[h]!;
    }
    room[w] = worker.status === "active" ? Math.max(0, Math.min(worker.capacity - worker.active, reach)) : 0;
    loadBase[w] = worker.active;
    loadStep[w] = worker.capacity > 0 ? config.weights.load / worker.capacity : 0;
    trustTerm[w] = config.weights.trust * (1 - worker.trust);
  }

  // Located contacts: who holds each (−1 free) and the cost of that worker's arc to it.
  const holder = new Int32Array(L).fill(-1);
  const heldCost = new Float64Array(L);
  // Hubs: how many members are assigned (always the first ones, highest priority first), the flow
  // on each worker → hub arc, and per hub the arcs carrying flow (with each arc's slot there).
  const assignedOfHub = new Int32Array(H);
  const hubFlow = new Int32Array(hubArcHub.length);
  const hubArcWorker = new Int32Array(hubArcHub.length);
  for (let w = 0; w < W; w++) hubArcWorker.fill(w, hubOffsets[w]!, hubOffsets[w + 1]!);
  const carrying: number[][] = Array.from({ length: H }, () => []);
  const carryingSlot = new Int32Array(hubArcHub.length);
  /** Per worker, the hub units it holds. */
  const carried = new Int32Array(W);
  const changeHubFlow = (arc: number, delta: number): void => {
    hubFlow[arc]! += delta;
    carried[hubArcWorker[arc]!]! += delta;
    const list = carrying[hubArcHub[arc]!]!;
    if (delta > 0 && hubFlow[arc] === 1) {
      carryingSlot[arc] = list.length;
      list.push(arc);
    } else if (delta < 0 && hubFlow[arc] === 0) {
      const last = list.pop()!;
      if (last !== arc) {
        list[carryingSlot[arc]!] = last;
        carryingSlot[last] = carryingSlot[arc]!;
      }
    }
  };

  // Potentials with every reduced cost ≥ 0 at the start (p(t) = 0 throughout): a free contact at
  // its value pays for its arc to t, a hub at its best member's, a worker at the best it can reach.
  const potHub = new Float64Array(H);
  for (let h = 0; h < H; h++) potHub[h] = hubStart[h + 1]! > hubStart[h]! ? memberValue[hubStart[h]!]! : 0;
  const potWorker = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    let p = 0;
    const list = targets[w]!;
    const listCosts = costs[w]!;
    for (let k = 0; k < list.length; k++) p = Math.max(p, value[list[k]!]! - listCosts[k]!);
    if (hubsInScans) {
      for (let a = hubOffsets[w]!; a < hubOffsets[w + 1]!; a++)
        p = Math.max(p, potHub[hubArcHub[a]!]! - trustTerm[w]!);
    }
    potWorker[w] = p;
  }

  // Each worker's pairs again, in groups of equal contact value (highest first), each group in
  // segments of rising cost, with a bound on its contacts' prices per group and per segment: the
  // value at first (every contact starts free), then the highest price seen when a search last
  // read them. A search stops reading a group at the first segment whose cheapest pair cannot
  // beat the sink's distance even at the group's bound, and skips a segment that cannot at its
  // own. Measured by counting the pairs read, at 40,000 × 4,000: 57 M against 490 M reading every
  // pair of each worker popped (138 M with group bounds alone), for the same 1.76 M pops.
  const { arcContact, arcCost, groupOffsets, groupSegments, segStart, segLow, segBound, groupBound } =
    groupPairs(targets, costs, value);

  // Dijkstra state over workers (0…W−1) and hubs (W…W+H−1); contacts keep their own, by stamps.
  const N = W + H;
  const dist = new Float64Array(N);
  const reached = new Int32Array(N);
  const settled = new Int32Array(N);
  /** A worker's parent: −1 its new place, c ≥ 0 the contact it gives up, −2 − h the hub it gives a unit of. */
  const parent = new Int32Array(N);
  /**
   * For a worker reached from contact c: the worker that reached c, and that arc's cost (kept
   * here, not on c, so the path stays the one the worker's distance was found on). For a hub and
   * a worker reached from a hub: the worker → hub arc on the path.
   */
  const parentVia = new Int32Array(N);
  const parentCost = new Float64Array(N);
  /** The heap's order: a node's distance plus a lower bound on every arc out of it (workers; 0 for hubs). */
  const key = new Float64Array(N);
  /** Nodes reached by the current search, for the potentials' update. */
  const touched = new Int32Array(N);
  let touchedCount = 0;
  /**
   * Per worker, a lower bound on cost(w, c) − price(c) over the contacts it does not hold and on
   * trust term − the hub's potential over its hubs: the exact minimum when a search last scanned
   * it, or −∞. Prices and hubs' potentials only fall, so it stays a bound until the worker gives
   * a contact up (then that contact's arc from it, tight, joins the set and the bound is reset).
   */
  const arcFloor = new Float64Array(W).fill(Number.NEGATIVE_INFINITY);
  const heap = new Int32Array(N);
  const heapPos = new Int32Array(N);
  let heapSize = 0;
  /** For a free contact that is the sink's best way in: the worker it was reached from, and that arc's cost. */
  let sinkWorker = -1;
  let sinkCost = 0;
  let stamp = 0;

  const siftUp = (node: number, from: number): void => {
    const nodeKey = key[node]!;
    let i = from;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const above = heap[up]!;
      if (key[above]! <= nodeKey) break;
      heap[i] = above;
      heapPos[above] = i;
      i = up;
    }
    heap[i] = node;
    heapPos[node] = i;
  };
  const popMin = (): void => {
    heapSize--;
    if (heapSize === 0) return;
    const node = heap[heapSize]!;
    const nodeKey = key[node]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && key[heap[child + 1]!]! < key[heap[child]!]!) child++;
      const below = heap[child]!;
      if (key[below]! >= nodeKey) break;
      heap[i] = below;
      heapPos[below] = i;
      i = child;
    }
    heap[i] = node;
    heapPos[node] = i;
  };
  /**
   * A lower bound on the reduced cost of every arc out of worker w (its arcs to contacts it does
   * not hold, to its hubs, and its drop arc), less a margin for rounding; 0 when none is known.
   * A search scans w only once the heap's minimum reaches w's distance plus this: everything w
   * leads to is at least that far, so Dijkstra's order holds, and a worker reached through a hub
   * (at the hub's own distance, its arc being tight) is never scanned when the sink is nearer.
   */
  const scanFloor = (w: number): number => {
    let floor = arcFloor[w]!;
    if (held[w]! > 0) {
      const drop = -loadStep[w]! * (loadBase[w]! + held[w]!);
      if (drop < floor) floor = drop;
    }
    const bound = potWorker[w]! + floor - PRUNE_MARGIN;
    return Math.max(bound, 0);
  };
  /** Offers node v the distance nd (found through `from`, see `parent`); the caller has checked nd < the sink's. */
  const relax = (v: number, nd: number, from: number, via: number, viaCost: number): void => {
    let at: number;
    if (reached[v] !== stamp) {
      reached[v] = stamp;
      touched[touchedCount++] = v;
      at = heapSize++;
    } else if (nd < dist[v]! && settled[v] !== stamp) {
      at = heapPos[v]!;
    } else {
      return;
    }
    dist[v] = nd;
    key[v] = v < W ? nd + scanFloor(v) : nd;
    parent[v] = from;
    parentVia[v] = via;
    parentCost[v] = viaCost;
    siftUp(v, at);
  };

  // Places join worker by worker, each worker's cheapest place first (a worker's used places must
  // stay its cheapest ones, see the drop arc), workers with the fewest contacts in reach per place
  // first. Any order is exact; this one keeps the searches shortest: a worker with little choice
  // takes its contacts before others with many alternatives do, so few of those are moved later
  // (measured at 20,000 × 2,000: 61 M pairs scanned against 195 M sweeping the map from west to
  // east, 76 M by contacts in reach alone; all workers' first places first: 451 M).
  let total = 0;
  for (let w = 0; w < W; w++) total += room[w]!;
  const choice = Float64Array.from(room, (r, w) => targets[w]!.length / Math.max(1, r));
  const sweep = Array.from({ length: W }, (_, w) => w).sort((a, b) => choice[a]! - choice[b]! || a - b);
  const SINK_EMPTY = 0;
  const SINK_CONTACT = 1;
  const SINK_DROP = 2;
  const SINK_HUB = 3;
  let done = 0;
  for (const source of sweep) {
    for (let k = 1; k <= room[source]!; k++) {
      stamp++;
      const placeCost = loadStep[source]! * (loadBase[source]! + k);
      // The new place's potential keeps both its arcs' reduced costs ≥ 0.
      const pPlace = Math.max(0, potWorker[source]! - placeCost);
      let sinkDist = pPlace;
      let sinkKind = SINK_EMPTY;
      let sinkNode = -1;
      heapSize = 0;
      touchedCount = 0;
      const start = placeCost + pPlace - potWorker[source]!;
      if (start < sinkDist) relax(source, start, -1, -1, 0);

      while (heapSize > 0) {
        const u = heap[0]!;
        if (key[u]! >= sinkDist) break;
        const du = dist[u]!;
        popMin();
        settled[u] = stamp;
        if (u < W) {
          // The lowest cost(u, c) − price(c) and trust − hub potential met, for u's arcFloor.
          let floor = Number.POSITIVE_INFINITY;
          const base = du + potWorker[u]!;
          // Drop the dearest place this worker fills.
          if (held[u]! > 0) {
            const drop = base - loadStep[u]! * (loadBase[u]! + held[u]!);
            if (drop < sinkDist) {
              sinkDist = drop;
              sinkKind = SINK_DROP;
              sinkNode = u;
            }
          }
          // Each group of u's pairs (one contact value, costs rising) up to the first pair that
          // cannot beat the sink's distance even at the group's bound on the contacts' prices.
          for (let g = groupOffsets[u]!; g < groupOffsets[u + 1]!; g++) {
            const bound = groupBound[g]!;
            const lastSegment = groupSegments[g + 1]!;
            let groupHighest = Number.NEGATIVE_INFINITY;
            let seg = groupSegments[g]!;
            for (; seg < lastSegment; seg++) {
              const lowest = segLow[seg]!;
              if (bound - lowest + PRUNE_MARGIN <= base - sinkDist) {
                // This segment and the later ones (costs rising) are at least this.
                if (lowest - bound < floor) floor = lowest - bound;
                break;
              }
              const segmentBound = segBound[seg]!;
              if (segmentBound - lowest + PRUNE_MARGIN <= base - sinkDist) {
                if (segmentBound > groupHighest) groupHighest = segmentBound;
                if (lowest - segmentBound < floor) floor = lowest - segmentBound;
                continue;
              }
              let highest = Number.NEGATIVE_INFINITY;
              const end = segStart[seg + 1]!;
              for (let e = segStart[seg]!; e < end; e++) {
                const cost = arcCost[e]!;
                const c = arcContact[e]!;
                const owner = holder[c]!;
                if (owner < 0) {
                  // A free contact: take it, at its value.
                  const v = value[c]!;
                  if (v > highest) highest = v;
                  if (cost - v < floor) floor = cost - v;
                  const toSink = base + cost - v;
                  if (toSink < sinkDist) {
                    sinkDist = toSink;
                    sinkKind = SINK_CONTACT;
                    sinkNode = c;
                    sinkWorker = u;
                    sinkCost = cost;
                  }
                } else {
                  // A held contact: its holder gives it up to u, at the holder's price for it.
                  const price = heldCost[c]! + potWorker[owner]!;
                  if (price > highest) highest = price;
                  if (owner === u) continue;
                  if (cost - price < floor) floor = cost - price;
                  const back = base + cost - price;
                  if (back < sinkDist) relax(owner, back, c, u, cost);
                }
              }
              // Read whole: its highest price now bounds the segment (prices only fall).
              segBound[seg] = highest;
              if (highest > groupHighest) groupHighest = highest;
            }
            // Every segment bounded anew: so is the group.
            if (seg === lastSegment) groupBound[g] = groupHighest;
          }
          // With hubsLast the hubs join after the places (joinHubs): no hub arcs yet.
          const hubArcsEnd = hubsInScans ? hubOffsets[u + 1]! : 0;
          for (let a = hubOffsets[u]!; a < hubArcsEnd; a++) {
            const h = hubArcHub[a]!;
            const toHub = trustTerm[u]! - potHub[h]!;
            if (toHub < floor) floor = toHub;
            const nd = base + toHub;
            if (nd < sinkDist) relax(W + h, nd, u, a, 0);
          }
          arcFloor[u] = floor;
        } else {
          const h = u - W;
          const base = du + potHub[h]!;
          // Fill with the hub's best free member, or take a unit back from a worker holding some.
          const next = hubStart[h]! + assignedOfHub[h]!;
          if (next < hubStart[h + 1]!) {
            const toSink = base - memberValue[next]!;
            if (toSink < sinkDist) {
              sinkDist = toSink;
              sinkKind = SINK_HUB;
              sinkNode = h;
            }
          }
          for (const arc of carrying[h]!) {
            const w = hubArcWorker[arc]!;
            const nd = base - trustTerm[w]! - potWorker[w]!;
            if (nd < sinkDist) relax(w, nd, -2 - h, arc, 0);
          }
        }
      }

      augment(source, sinkKind, sinkNode);
      // Every node reached nearer than the sink, scanned or not, is at its final distance.
      for (let i = 0; i < touchedCount; i++) {
        const v = touched[i]!;
        const d = dist[v]!;
        if (d >= sinkDist) continue;
        if (v < W) potWorker[v]! += d - sinkDist;
        else potHub[v - W]! += d - sinkDist;
      }
      if (++done % 1024 === 0) onProgress?.(done, total);
    }
  }
  if (!hubsInScans) joinHubs();
  onProgress?.(total, total);

  const workerOf = new Int32Array(contacts.length).fill(-1);
  for (let i = 0; i < L; i++) if (holder[i]! >= 0) workerOf[graph.contact[i]!] = holder[i]!;
  // A hub's assigned members are its first ones; any of them may take any of its units (same cost).
  for (let h = 0; h < H; h++) {
    let next = hubStart[h]!;
    for (const arc of carrying[h]!) {
      for (let k = 0; k < hubFlow[arc]!; k++) workerOf[hubMembers[next++]!] = hubArcWorker[arc]!;
    }
  }
  return workerOf;

  /**
   * With hubsLast, the places have all joined without the hubs (the flow is optimal for the
   * located contacts alone); each hub then joins with no flow and a potential at which all its
   * arcs from workers have reduced costs ≥ 0, and its members, highest value first, each add its
   * arc to t: the cheapest cycle through it is that arc plus a shortest path from t to the hub,
   * found by Dijkstra from the hub along residual arcs backwards (a worker is reached from the
   * hub it may take a unit of, or from a contact it may take from its holder; it ends at t by
   * opening an empty place, a held contact ends there by being left unassigned, a hub by leaving
   * its last assigned member). When the path is shorter than the member's value less the hub's
   * potential, the cycle pays and is applied; otherwise neither this member nor any later one of
   * the hub pays. Potentials rise by (bound − distance) below the bound (so contacts' prices rise
   * here, which the bounds of the place searches above need not survive: those are over).
   * Measured (counters, 2026-12-03): at 100,000 × 10,000 the places take 1.17 M pops without the
   * hubs, against 10.4 M with them, but the 5,049 hub members take 3.4 M pops (a search pops
   * again every worker the hub's earlier searches made tight).
   */
  function joinHubs(): void {
    if (H === 0) return;
    // Per located contact: the workers that may take it and what it costs them (the pairs transposed).
    const byContactStart = new Int32Array(L + 1);
    for (let w = 0; w < W; w++) for (const c of targets[w]!) byContactStart[c + 1]!++;
    for (let c = 0; c < L; c++) byContactStart[c + 1]! += byContactStart[c]!;
    const fill = byContactStart.slice(0, L);
    const byContactWorker = new Int32Array(byContactStart[L]!);
    const byContactCost = new Float64Array(byContactStart[L]!);
    for (let w = 0; w < W; w++) {
      const list = targets[w]!;
      const listCosts = costs[w]!;
      for (let k = 0; k < list.length; k++) {
        const at = fill[list[k]!]!++;
        byContactWorker[at] = w;
        byContactCost[at] = listCosts[k]!;
      }
    }
    // Per located contact, the two lowest cost(w, c) + p(w) over its workers when last computed, and
    // the worker of the lowest: potentials only rise while hubs join, so they stay lower bounds.
    const lowest = new Float64Array(L);
    const lowestWorker = new Int32Array(L);
    const second = new Float64Array(L);
    const lowestTwo = (c: number): void => {
      let low = Number.POSITIVE_INFINITY;
      let lowWorker = -1;
      let next = Number.POSITIVE_INFINITY;
      for (let i = byContactStart[c]!; i < byContactStart[c + 1]!; i++) {
        const v = byContactCost[i]! + potWorker[byContactWorker[i]!]!;
        if (v < low) {
          next = low;
          low = v;
          lowWorker = byContactWorker[i]!;
        } else if (v < next) next = v;
      }
      lowest[c] = low;
      lowestWorker[c] = lowWorker;
      second[c] = next;
    };
    for (let c = 0; c < L; c++) lowestTwo(c);
    // Per hub: its arcs from workers.
    const byHubStart = new Int32Array(H + 1);
    for (let a = 0; a < hubArcHub.length; a++) byHubStart[hubArcHub[a]! + 1]!++;
    for (let h = 0; h < H; h++) byHubStart[h + 1]! += byHubStart[h]!;
    const hubFill = byHubStart.slice(0, H);
    const byHubArc = new Int32Array(hubArcHub.length);
    for (let a = 0; a < hubArcHub.length; a++) byHubArc[hubFill[hubArcHub[a]!]!++] = a;
    // Per worker: the contacts it holds.
    const heldBy: number[][] = Array.from({ length: W }, () => []);
    const heldSlot = new Int32Array(L);
    for (let c = 0; c < L; c++) {
      const w = holder[c]!;
      if (w >= 0) {
        heldSlot[c] = heldBy[w]!.length;
        heldBy[w]!.push(c);
      }
    }
    const give = (c: number, w: number, cost: number): void => {
      const old = holder[c]!;
      if (old >= 0) {
        const list = heldBy[old]!;
        const last = list.pop()!;
        if (last !== c) {
          list[heldSlot[c]!] = last;
          heldSlot[last] = heldSlot[c]!;
        }
      }
      holder[c] = w;
      heldCost[c] = cost;
      if (w >= 0) {
        heldSlot[c] = heldBy[w]!.length;
        heldBy[w]!.push(c);
      }
    };
    const reach = (v: number, nd: number, from: number, via: number, viaCost: number): void => {
      let at: number;
      if (reached[v] !== stamp) {
        reached[v] = stamp;
        touched[touchedCount++] = v;
        at = heapSize++;
      } else if (nd < dist[v]! && settled[v] !== stamp) {
        at = heapPos[v]!;
      } else {
        return;
      }
      dist[v] = nd;
      key[v] = nd;
      parent[v] = from;
      parentVia[v] = via;
      parentCost[v] = viaCost;
      siftUp(v, at);
    };
    const END_NONE = 0;
    const END_PLACE = 1;
    const END_EVICT = 2;
    const END_UNASSIGN = 3;
    for (let h = 0; h < H; h++) {
      const first = byHubStart[h]!;
      const last = byHubStart[h + 1]!;
      if (first === last) continue;
      let p = Number.POSITIVE_INFINITY;
      for (let i = first; i < last; i++) {
        const w = hubArcWorker[byHubArc[i]!]!;
        p = Math.min(p, trustTerm[w]! + potWorker[w]!);
      }
      potHub[h] = p;
      for (let m = hubStart[h]!; m < hubStart[h + 1]!; m++) {
        const limit = memberValue[m]! - potHub[h]!;
        if (limit <= 0) break;
        stamp++;
        heapSize = 0;
        touchedCount = 0;
        reached[W + h] = stamp;
        settled[W + h] = stamp;
        dist[W + h] = 0;
        touched[touchedCount++] = W + h;
        let best = limit;
        let endKind = END_NONE;
        let endNode = -1;
        for (let i = first; i < last; i++) {
          const a = byHubArc[i]!;
          const w = hubArcWorker[a]!;
          const nd = trustTerm[w]! + potWorker[w]! - potHub[h]!;
          if (nd < best) reach(w, nd, -1, a, 0);
        }
        while (heapSize > 0) {
          const u = heap[0]!;
          const du = dist[u]!;
          if (du >= best) break;
          popMin();
          settled[u] = stamp;
          if (u < W) {
            if (held[u]! < room[u]!) {
              const open = du + loadStep[u]! * (loadBase[u]! + held[u]! + 1) - potWorker[u]!;
              if (open < best) {
                best = open;
                endKind = END_PLACE;
                endNode = u;
              }
            }
            for (const c of heldBy[u]!) {
              const price = potWorker[u]! + heldCost[c]!;
              const evict = du + value[c]! - price;
              if (evict < best) {
                best = evict;
                endKind = END_EVICT;
                endNode = c;
              }
              const base = du - price;
              // Skip the contact when no other worker can take it nearer than the best end.
              if (base + (lowestWorker[c] === u ? second[c]! : lowest[c]!) >= best + PRUNE_MARGIN) continue;
              // Read whole: its two lowest anew.
              let low = Number.POSITIVE_INFINITY;
              let lowWorker = -1;
              let next = Number.POSITIVE_INFINITY;
              for (let i = byContactStart[c]!; i < byContactStart[c + 1]!; i++) {
                const w = byContactWorker[i]!;
                const v = byContactCost[i]! + potWorker[w]!;
                if (v < low) {
                  next = low;
                  low = v;
                  lowWorker = w;
                } else if (v < next) next = v;
                if (w !== u && base + v < best) reach(w, base + v, c, u, byContactCost[i]!);
              }
              lowest[c] = low;
              lowestWorker[c] = lowWorker;
              second[c] = next;
            }
            if (carried[u]! > 0) {
              for (let a = hubOffsets[u]!; a < hubOffsets[u + 1]!; a++) {
                if (hubFlow[a]! > 0) reach(W + hubArcHub[a]!, du, u, a, 0);
              }
            }
          } else {
            const h2 = u - W;
            if (assignedOfHub[h2]! > 0) {
              const out = du + memberValue[hubStart[h2]! + assignedOfHub[h2]! - 1]! - potHub[h2]!;
              if (out < best) {
                best = out;
                endKind = END_UNASSIGN;
                endNode = h2;
              }
            }
            for (let i = byHubStart[h2]!; i < byHubStart[h2 + 1]!; i++) {
              const a = byHubArc[i]!;
              const w = hubArcWorker[a]!;
              const nd = du + trustTerm[w]! + potWorker[w]! - potHub[h2]!;
              if (nd < best) reach(w, nd, -2 - h2, a, 0);
            }
          }
        }
        for (let i = 0; i < touchedCount; i++) {
          const v = touched[i]!;
          const d = dist[v]!;
          if (d >= best) continue;
          if (v < W) potWorker[v]! += best - d;
          else potHub[v - W]! += best - d;
        }
        if (endKind === END_NONE) break;
        let x: number;
        if (endKind === END_PLACE) {
          x = endNode;
          held[x]!++;
        } else if (endKind === END_EVICT) {
          x = holder[endNode]!;
          give(endNode, -1, 0);
        } else {
          assignedOfHub[endNode]!--;
          changeHubFlow(parentVia[W + endNode]!, -1);
          x = parent[W + endNode]!;
        }
        for (;;) {
          const from = parent[x]!;
          if (from === -1) {
            changeHubFlow(parentVia[x]!, +1);
            assignedOfHub[h]!++;
            break;
          }
          if (from >= 0) {
            const next = parentVia[x]!;
            give(from, x, parentCost[x]!);
            x = next;
          } else {
            const h2 = -2 - from;
            changeHubFlow(parentVia[x]!, +1);
            changeHubFlow(parentVia[W + h2]!, -1);
            x = parent[W + h2]!;
          }
        }
      }
    }
  }

  /**
   * Applies the path that ends at the sink, walking back to the new place: each step moves one
   * contact (or one hub unit) to the worker before it on the path.
   */
  function augment(source: number, sinkKind: number, sinkNode: number): void {
    let w: number;
    if (sinkKind === SINK_EMPTY) return;
    if (sinkKind === SINK_CONTACT) {
      w = sinkWorker;
      holder[sinkNode] = w;
      heldCost[sinkNode] = sinkCost;
    } else if (sinkKind === SINK_DROP) {
      w = sinkNode;
      held[w]!--;
    } else {
      assignedOfHub[sinkNode]!++;
      changeHubFlow(parentVia[W + sinkNode]!, +1);
      w = parent[W + sinkNode]!;
    }
    for (;;) {
      const from = parent[w]!;
      if (from === -1) {
        if (w !== source) throw new Error("dispatch: a path that does not start at its place");
        held[w]!++;
        return;
      }
      if (from >= 0) {
        // w gives up contact `from` to the worker that reached it.
        const next = parentVia[w]!;
        holder[from] = next;
        // w's arc to the contact it gave up is residual again (and tight): its floor no longer holds.
        arcFloor[w] = Number.NEGATIVE_INFINITY;
        heldCost[from] = parentCost[w]!;
        w = next;
      } else {
        // w gives up one unit of hub h to the worker that reached the hub.
        const h = -2 - from;
        changeHubFlow(parentVia[w]!, -1);
        changeHubFlow(parentVia[W + h]!, +1);
        w = parent[W + h]!;
      }
    }
  }
}

/** Segments per group: each worker's group is cut into this many equal stretches of its costs. */
const BINS = 16;

/**
 * The pairs of every worker in one flat list, as solvePlaceFlow reads them: per worker, groups of
 * equal contact value, highest value first; each group in segments of rising cost (a counting
 * sort into BINS stretches of the group's cost range, so no comparison sort), with each
 * segment's lowest cost. The bound of each group starts at its value.
 */
function groupPairs(targets: readonly Int32Array[], costs: readonly Float64Array[], value: Float64Array) {
  const W = targets.length;
  // Contact values ranked, highest first.
  const levels = [...new Set(value)].sort((a, b) => b - a);
  const rankOf = new Map(levels.map((v, r) => [v, r]));
  const rank = Int32Array.from(value, (v) => rankOf.get(v)!);
  let pairs = 0;
  for (let w = 0; w < W; w++) pairs += targets[w]!.length;
  const arcContact = new Int32Array(pairs);
  const arcCost = new Float64Array(pairs);
  const groupOffsets = new Int32Array(W + 1);
  const groupBounds: number[] = [];
  const groupSegments: number[] = [];
  const segStarts: number[] = [];
  const segLows: number[] = [];
  const segBounds: number[] = [];
  // Per worker, per rank present: its slot, lowest and highest cost; per (slot, bin): count, then
  // next free position, and the bin's lowest cost.
  const seen = new Int32Array(levels.length).fill(-1);
  const slotOf = new Int32Array(levels.length);
  const present: number[] = [];
  const low = new Float64Array(levels.length);
  const high = new Float64Array(levels.length);
  const binCount = new Int32Array(levels.length * BINS);
  const binLow = new Float64Array(levels.length * BINS);
  const binOf = new Int32Array(targets.reduce((most, list) => Math.max(most, list.length), 0));
  let at = 0;
  for (let w = 0; w < W; w++) {
    groupOffsets[w] = groupBounds.length;
    const list = targets[w]!;
    const listCosts = costs[w]!;
    const n = list.length;
    present.length = 0;
    for (let k = 0; k < n; k++) {
      const r = rank[list[k]!]!;
      const cost = listCosts[k]!;
      if (seen[r] !== w) {
        seen[r] = w;
        present.push(r);
        low[r] = cost;
        high[r] = cost;
      } else if (cost < low[r]!) low[r] = cost;
      else if (cost > high[r]!) high[r] = cost;
    }
    present.sort((a, b) => a - b);
    for (let slot = 0; slot < present.length; slot++) {
      slotOf[present[slot]!] = slot;
      binCount.fill(0, slot * BINS, (slot + 1) * BINS);
      binLow.fill(Number.POSITIVE_INFINITY, slot * BINS, (slot + 1) * BINS);
    }
    for (let k = 0; k < n; k++) {
      const r = rank[list[k]!]!;
      const cost = listCosts[k]!;
      const width = (high[r]! - low[r]!) / BINS;
      const bin = width > 0 ? Math.min(BINS - 1, Math.floor((cost - low[r]!) / width)) : 0;
      const cell = slotOf[r]! * BINS + bin;
      binOf[k] = cell;
      binCount[cell]!++;
      if (cost < binLow[cell]!) binLow[cell] = cost;
    }
    // Cells in order (slot, then bin) become segments; counts become start positions.
    for (let slot = 0; slot < present.length; slot++) {
      groupBounds.push(levels[present[slot]!]!);
      groupSegments.push(segStarts.length);
      for (let cell = slot * BINS; cell < (slot + 1) * BINS; cell++) {
        const count = binCount[cell]!;
        if (count === 0) continue;
        segStarts.push(at);
        segLows.push(binLow[cell]!);
        segBounds.push(levels[present[slot]!]!);
        binCount[cell] = at;
        at += count;
      }
    }
    for (let k = 0; k < n; k++) {
      const to = binCount[binOf[k]!]!++;
      arcContact[to] = list[k]!;
      arcCost[to] = listCosts[k]!;
    }
  }
  groupOffsets[W] = groupBounds.length;
  groupSegments.push(segStarts.length);
  segStarts.push(at);
  return {
    arcContact,
    arcCost,
    groupOffsets,
    groupSegments: Int32Array.from(groupSegments),
    segStart: Int32Array.from(segStarts),
    segLow: Float64Array.from(segLows),
    segBound: Float64Array.from(segBounds),
    groupBound: Float64Array.from(groupBounds),
  };
}
