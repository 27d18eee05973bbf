/**
 * The optimal dispatch plan of contract.md, as a min-cost flow solved by incremental successive
 * shortest paths from the scarcer side: with fewer worker places than contacts, places join one at
 * a time (place-flow.ts); otherwise contacts do (below), each routing its unit to the sink through
 * a worker or through its "skip" arc, possibly moving earlier contacts between workers or dropping
 * one. Either way Dijkstra on reduced costs (with node potentials) keeps every step exact.
 */
import {
  type CandidateGraph,
  candidateGraph,
  type HubGraph,
  hasEligibleWorkerIgnoringCapacity,
} from "./candidates.js";
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  haversineKm,
  planObjective,
} from "./model.js";
import { solvePlaceFlow } from "./place-flow.js";
import { workerGraph } from "./worker-graph.js";

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
  /** Called now and then with how many units (contacts or worker places, by the side solved from) are placed so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The side whose units join the flow one at a time: the one with fewer units, so that fewer
 * searches have to prove that a unit stays unmatched (each such proof explores its whole city).
 */
export function dispatchSide(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
): "places" | "contacts" {
  let places = 0;
  for (const worker of workers) {
    if (worker.status === "active")
      places += Math.max(0, Math.min(worker.capacity - worker.active, contacts.length));
  }
  return places < contacts.length ? "places" : "contacts";
}

export function planDispatch(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: PlanOptions = {},
): DispatchPlan {
  let workerOf: Int32Array;
  // Per contact, 1 when a worker with room may take it: then an unassigned contact lost to capacity.
  let hasWorker: Uint8Array | null = null;
  if (dispatchSide(contacts, workers) === "places") {
    const graph = workerGraph(contacts, workers, config);
    workerOf = solvePlaceFlow(contacts, workers, config, graph, options.onProgress);
    hasWorker = graph.hasWorker;
  } else {
    const graph = candidateGraph(contacts, workers, config, { hubs: true });
    workerOf = solveFlow(contacts, workers, config, graph, options);
  }

  const unassigned: number[] = [];
  const toCheck: number[] = [];
  for (let c = 0; c < contacts.length; c++) {
    if (workerOf[c]! >= 0) continue;
    unassigned.push(c);
    if (hasWorker?.[c] !== 1) toCheck.push(c);
  }
  const couldHave = hasEligibleWorkerIgnoringCapacity(contacts, workers, config, toCheck);
  if (hasWorker) for (const c of unassigned) if (hasWorker[c] === 1) couldHave[c] = 1;

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

/**
 * The min-cost flow. Nodes: contacts 0…C−1, workers C…C+W−1, hubs C+W…C+W+H−1, sink t.
 * Arcs: contact→worker for each eligible pair, costing −(assign_value·priority − distance_per_km·d
 * − trust·(1 − w.trust)); contact→hub (−assign_value·priority) and hub→worker (trust·(1 − w.trust))
 * for the contacts a hub stands for (see HubGraph); contact→t "skip" (cost 0); worker→t with the
 * convex load cost of the worker's next contact. Returns the worker index of each contact, or −1.
 */
function solveFlow(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  graph: CandidateGraph & { hubs: HubGraph },
  options: PlanOptions,
): Int32Array {
  const C = contacts.length;
  const W = workers.length;
  const hubs = graph.hubs;
  const H = hubs.count;
  const HUB = C + W;
  const T = HUB + H;
  const N = T + 1;
  const { offsets, worker: edgeWorker, cost } = graph;
  const { hubOf, offsets: hubOffsets, worker: hubWorker, cost: hubCost } = hubs;

  // Workers: room, load, and what they hold: contacts of their own in slots (O(1) removal by
  // swapping with the last), and units routed from hubs.
  const room = new Int32Array(W);
  const direct = new Int32Array(W);
  const fromHubs = new Int32Array(W);
  const loadBase = new Float64Array(W);
  const loadStep = new Float64Array(W);
  const slotStart = new Int32Array(W + 1);
  // A worker never holds more contacts of its own than have an edge to it: slots for those only.
  const reachable = new Int32Array(W);
  for (const w of edgeWorker) reachable[w]!++;
  for (let w = 0; w < W; w++) {
    const worker = workers[w]!;
    const r = worker.status === "active" ? Math.max(0, Math.min(worker.capacity - worker.active, C)) : 0;
    room[w] = r;
    slotStart[w + 1] = slotStart[w]! + Math.min(r, reachable[w]!);
    loadBase[w] = worker.active;
    loadStep[w] = worker.capacity > 0 ? config.weights.load / worker.capacity : 0;
  }
  const slots = new Int32Array(slotStart[W]!);
  const slotOf = new Int32Array(C);
  const workerOf = new Int32Array(C).fill(-1);
  const edgeOf = new Int32Array(C).fill(-1);
  // Hubs: the flow on each hub arc, the hub arcs carrying flow into each worker, and the contacts
  // routed through each hub (a stack: contacts join in falling priority, so its top has the lowest).
  const hubFlow = new Int32Array(hubWorker.length);
  const hubArcsInto: number[][] = Array.from({ length: W }, () => []);
  const routed: number[][] = Array.from({ length: H }, () => []);

  const attach = (c: number, w: number, e: number): void => {
    const slot = slotStart[w]! + direct[w]!;
    slots[slot] = c;
    slotOf[c] = slot;
    direct[w]!++;
    workerOf[c] = w;
    edgeOf[c] = e;
  };
  const detach = (c: number): void => {
    const w = workerOf[c]!;
    const last = slotStart[w]! + direct[w]! - 1;
    const moved = slots[last]!;
    slots[slotOf[c]!] = moved;
    slotOf[moved] = slotOf[c]!;
    direct[w]!--;
    workerOf[c] = -1;
    edgeOf[c] = -1;
  };
  const changeHubFlow = (arc: number, delta: number): void => {
    const w = hubWorker[arc]!;
    hubFlow[arc]! += delta;
    fromHubs[w]! += delta;
    const into = hubArcsInto[w]!;
    if (delta > 0 && hubFlow[arc] === 1) into.push(arc);
    if (delta < 0 && hubFlow[arc] === 0) {
      into[into.indexOf(arc)] = into[into.length - 1]!;
      into.pop();
    }
  };
  const hubOfArc = new Int32Array(hubWorker.length);
  for (let h = 0; h < H; h++) hubOfArc.fill(h, hubOffsets[h]!, hubOffsets[h + 1]!);

  // Dijkstra state, reused across iterations through stamps instead of clearing.
  const potential = new Float64Array(N);
  const dist = new Float64Array(N);
  const reached = new Int32Array(N);
  const settled = new Int32Array(N);
  const parent = new Int32Array(N);
  /** The edge a node was reached by: a contact edge or a hub arc, by the parent's kind. */
  const parentEdge = new Int32Array(N);
  const popped = new Int32Array(N);
  const heap = new Int32Array(N);
  const heapPos = new Int32Array(N);
  let heapSize = 0;
  let stamp = 0;

  // A hub's arcs to workers need reduced costs ≥ 0 from the start: p(h) ≥ p(w) − cost(h, w).
  for (let h = 0; h < H; h++) {
    let p = Number.NEGATIVE_INFINITY;
    for (let a = hubOffsets[h]!; a < hubOffsets[h + 1]!; a++) p = Math.max(p, -hubCost[a]!);
    potential[HUB + h] = Number.isFinite(p) ? p : 0;
  }

  const siftUp = (node: number, from: number): void => {
    const key = dist[node]!;
    let i = from;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const above = heap[up]!;
      if (dist[above]! <= key) break;
      heap[i] = above;
      heapPos[above] = i;
      i = up;
    }
    heap[i] = node;
    heapPos[node] = i;
  };
  const popMin = (): number => {
    const top = heap[0]!;
    heapSize--;
    if (heapSize > 0) {
      const node = heap[heapSize]!;
      const key = dist[node]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= heapSize) break;
        if (child + 1 < heapSize && dist[heap[child + 1]!]! < dist[heap[child]!]!) child++;
        const below = heap[child]!;
        if (dist[below]! >= key) break;
        heap[i] = below;
        heapPos[below] = i;
        i = child;
      }
      heap[i] = node;
      heapPos[node] = i;
    }
    return top;
  };
  /** Offers node v the distance nd through `from` (by `edge`); the caller checks nd < sink distance. */
  const relax = (v: number, nd: number, from: number, edge: number): void => {
    if (reached[v] !== stamp) {
      reached[v] = stamp;
      dist[v] = nd;
      parent[v] = from;
      parentEdge[v] = edge;
      siftUp(v, heapSize++);
    } else if (nd < dist[v]! && settled[v] !== stamp) {
      dist[v] = nd;
      parent[v] = from;
      parentEdge[v] = edge;
      siftUp(v, heapPos[v]!);
    }
  };

  // Higher priority first: any order is exact, this one moves fewer contacts later; among equals,
  // contacts with fewer workers in reach first (measured to shorten the searches).
  const degree = (c: number) =>
    hubOf[c]! >= 0 ? hubOffsets[hubOf[c]! + 1]! - hubOffsets[hubOf[c]!]! : offsets[c + 1]! - offsets[c]!;
  const order = Array.from({ length: C }, (_, c) => c).sort(
    (a, b) => contacts[b]!.priority - contacts[a]!.priority || degree(a) - degree(b) || a - b,
  );

  let done = 0;
  for (const source of order) {
    stamp++;
    const sourceHub = hubOf[source]!;
    const value = config.assignValue * contacts[source]!.priority;
    // A potential for the newcomer that keeps every reduced cost of its arcs ≥ 0.
    let p = potential[T]!;
    if (sourceHub >= 0) {
      p = Math.max(p, potential[HUB + sourceHub]! + value);
    } else {
      for (let e = offsets[source]!; e < offsets[source + 1]!; e++) {
        const candidate = potential[C + edgeWorker[e]!]! - cost[e]!;
        if (candidate > p) p = candidate;
      }
    }
    potential[source] = p;

    heapSize = 0;
    relax(source, 0, -1, -1);
    let sinkDist = Number.POSITIVE_INFINITY;
    let sinkParent = -1;
    let poppedCount = 0;
    const pT = potential[T]!;

    while (heapSize > 0) {
      const u = heap[0]!;
      const du = dist[u]!;
      if (du >= sinkDist) break;
      popMin();
      settled[u] = stamp;
      popped[poppedCount++] = u;
      const pu = potential[u]!;
      if (u < C) {
        // Contact: its skip arc, and its arcs to every eligible worker but the one it holds (a
        // contact routed through a hub is never reached: hubs offer its skip directly).
        const skip = du + pu - pT;
        if (skip < sinkDist) {
          sinkDist = skip;
          sinkParent = u;
        }
        if (u === source && sourceHub >= 0) {
          const v = HUB + sourceHub;
          const nd = du - value + pu - potential[v]!;
          if (nd < sinkDist) relax(v, nd, u, -1);
          continue;
        }
        const own = workerOf[u]!;
        for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
          const w = edgeWorker[e]!;
          if (w === own) continue;
          const v = C + w;
          const nd = du + cost[e]! + pu - potential[v]!;
          if (nd < sinkDist) relax(v, nd, u, e);
        }
      } else if (u < HUB) {
        // Worker: its arc to the sink while it has room, back to each contact it holds, and back
        // to each hub that routes units to it.
        const w = u - C;
        if (direct[w]! + fromHubs[w]! < room[w]!) {
          const toSink = du + loadStep[w]! * (loadBase[w]! + direct[w]! + fromHubs[w]! + 1) + pu - pT;
          if (toSink < sinkDist) {
            sinkDist = toSink;
            sinkParent = u;
          }
        }
        for (let s = slotStart[w]!; s < slotStart[w]! + direct[w]!; s++) {
          const v = slots[s]!;
          const nd = du - cost[edgeOf[v]!]! + pu - potential[v]!;
          if (nd < sinkDist) relax(v, nd, u, -1);
        }
        for (const arc of hubArcsInto[w]!) {
          const v = HUB + hubOfArc[arc]!;
          const nd = du - hubCost[arc]! + pu - potential[v]!;
          if (nd < sinkDist) relax(v, nd, u, arc);
        }
      } else {
        // Hub: an arc to each of its workers, and the skip of its lowest-priority contact
        // (the reverse of that contact's arc into the hub, then its skip arc).
        const h = u - HUB;
        const stack = routed[h]!;
        if (stack.length > 0) {
          const drop = du + config.assignValue * contacts[stack[stack.length - 1]!]!.priority + pu - pT;
          if (drop < sinkDist) {
            sinkDist = drop;
            sinkParent = u;
          }
        }
        for (let a = hubOffsets[h]!; a < hubOffsets[h + 1]!; a++) {
          const v = C + hubWorker[a]!;
          const nd = du + hubCost[a]! + pu - potential[v]!;
          if (nd < sinkDist) relax(v, nd, u, a);
        }
      }
    }

    augment(source, sinkParent);
    for (let i = 0; i < poppedCount; i++) {
      const v = popped[i]!;
      potential[v]! += dist[v]! - sinkDist;
    }
    if (++done % 1024 === 0) options.onProgress?.(done, C);
  }
  options.onProgress?.(C, C);

  // Hub units become assignments: any contact of a hub may take any of its units (same cost).
  for (let h = 0; h < H; h++) {
    const stack = routed[h]!;
    for (let a = hubOffsets[h]!; a < hubOffsets[h + 1]!; a++) {
      for (let k = 0; k < hubFlow[a]!; k++) workerOf[stack.pop()!] = hubWorker[a]!;
    }
  }
  return workerOf;

  /**
   * Applies the path that ends at t through `last`, walking back from the sink: each step moves
   * one unit (a contact between workers, a hub's unit between workers, or a contact to its skip).
   * Walking backwards frees a worker's place before the step that fills it.
   */
  function augment(source: number, last: number): void {
    if (last < C) {
      if (workerOf[last]! >= 0) detach(last);
    } else if (last >= HUB) {
      routed[last - HUB]!.pop();
    }
    let v = last;
    while (v !== source) {
      const u = parent[v]!;
      if (v >= C && v < HUB) {
        if (u < C) {
          if (workerOf[u]! >= 0) detach(u);
          attach(u, v - C, parentEdge[v]!);
        } else {
          changeHubFlow(parentEdge[v]!, +1);
        }
      } else if (v >= HUB) {
        if (u < C) routed[v - HUB]!.push(u);
        else changeHubFlow(parentEdge[v]!, -1);
      }
      v = u;
    }
  }
}
