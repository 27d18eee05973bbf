/**
 * The optimal dispatch plan of contract.md, as a min-cost flow solved by incremental successive
 * shortest paths: contacts join one at a time and each routes its unit to the sink through a
 * worker or through its "skip" arc, possibly moving earlier contacts between workers or dropping
 * one. Dijkstra on reduced costs (with node potentials) keeps every step exact.
 */
import { type CandidateGraph, candidateGraph } from "./candidates.js";
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  haversineKm,
  planObjective,
} from "./model.js";

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
  /** Called now and then with how many contacts are placed so far. */
  onProgress?: (done: number, total: number) => void;
}

export function planDispatch(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  options: PlanOptions = {},
): DispatchPlan {
  const graph = candidateGraph(contacts, workers, config);
  const workerOf = solveFlow(contacts, workers, config, graph, options);

  const unassigned: number[] = [];
  for (let c = 0; c < contacts.length; c++) if (workerOf[c]! < 0) unassigned.push(c);
  const withoutCapacity = candidateGraph(contacts, workers, config, {
    ignoreCapacity: true,
    which: unassigned,
  });

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
    const reason: UnassignedReason =
      withoutCapacity.offsets[c + 1]! > withoutCapacity.offsets[c]! ? "no_capacity" : "no_eligible_worker";
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
 * The min-cost flow. Nodes: contacts 0…C−1, workers C…C+W−1, sink t = C+W. Arcs: contact→worker
 * for each eligible pair (cost −(assign_value·priority − distance_per_km·d − trust·(1 − w.trust))),
 * contact→t "skip" (cost 0), worker→t with the convex load cost of the worker's next contact.
 * Returns the worker index of each contact, or −1.
 */
function solveFlow(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
  graph: CandidateGraph,
  options: PlanOptions,
): Int32Array {
  const C = contacts.length;
  const W = workers.length;
  const T = C + W;
  const N = T + 1;
  const { offsets, worker: edgeWorker } = graph;

  // Arc costs, per edge.
  const cost = new Float64Array(edgeWorker.length);
  for (let c = 0; c < C; c++) {
    const value = config.assignValue * contacts[c]!.priority;
    for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
      const worker = workers[edgeWorker[e]!]!;
      cost[e] =
        -(value - config.weights.distancePerKm * graph.distanceKm[e]! - config.weights.trust * (1 - worker.trust));
    }
  }

  // Per-worker room, load and the contacts it holds (slots, with O(1) removal by swapping with the last).
  const room = new Int32Array(W);
  const held = new Int32Array(W);
  const loadBase = new Float64Array(W);
  const loadStep = new Float64Array(W);
  const slotStart = new Int32Array(W + 1);
  for (let w = 0; w < W; w++) {
    const worker = workers[w]!;
    const r = worker.status === "active" ? Math.max(0, worker.capacity - worker.active) : 0;
    room[w] = r;
    slotStart[w + 1] = slotStart[w]! + Math.min(r, C);
    loadBase[w] = worker.active;
    loadStep[w] = worker.capacity > 0 ? config.weights.load / worker.capacity : 0;
  }
  const slots = new Int32Array(slotStart[W]!);
  const slotOf = new Int32Array(C);
  const workerOf = new Int32Array(C).fill(-1);
  const edgeOf = new Int32Array(C).fill(-1);

  const nextLoad = (w: number): number => loadStep[w]! * (loadBase[w]! + held[w]! + 1);
  const attach = (c: number, w: number, e: number): void => {
    const slot = slotStart[w]! + held[w]!;
    slots[slot] = c;
    slotOf[c] = slot;
    held[w]!++;
    workerOf[c] = w;
    edgeOf[c] = e;
  };
  const detach = (c: number): void => {
    const w = workerOf[c]!;
    const last = slotStart[w]! + held[w]! - 1;
    const moved = slots[last]!;
    slots[slotOf[c]!] = moved;
    slotOf[moved] = slotOf[c]!;
    held[w]!--;
    workerOf[c] = -1;
    edgeOf[c] = -1;
  };

  // Dijkstra state, reused across iterations through stamps instead of clearing.
  const potential = new Float64Array(N);
  const dist = new Float64Array(N);
  const reached = new Int32Array(N);
  const settled = new Int32Array(N);
  const parent = new Int32Array(N);
  const parentEdge = new Int32Array(N);
  const popped = new Int32Array(N);
  const heap = new Int32Array(N);
  const heapPos = new Int32Array(N);
  let heapSize = 0;

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

  // Contacts of higher priority first: any order is exact, this one moves fewer contacts later.
  const order = Array.from({ length: C }, (_, c) => c).sort(
    (a, b) => contacts[b]!.priority - contacts[a]!.priority || a - b,
  );

  let stamp = 0;
  let done = 0;
  for (const source of order) {
    stamp++;
    // A potential for the newcomer that keeps every reduced cost of its arcs ≥ 0.
    let p = potential[T]!;
    for (let e = offsets[source]!; e < offsets[source + 1]!; e++) {
      const candidate = potential[C + edgeWorker[e]!]! - cost[e]!;
      if (candidate > p) p = candidate;
    }
    potential[source] = p;

    dist[source] = 0;
    reached[source] = stamp;
    parent[source] = -1;
    heapSize = 0;
    siftUp(source, heapSize++);
    let sinkDist = Number.POSITIVE_INFINITY;
    let sinkParent = -1;
    let poppedCount = 0;

    while (heapSize > 0) {
      const u = heap[0]!;
      const du = dist[u]!;
      if (du >= sinkDist) break;
      popMin();
      settled[u] = stamp;
      popped[poppedCount++] = u;
      const pu = potential[u]!;
      if (u < C) {
        // Contact: its skip arc, and arcs to every eligible worker but the one it holds.
        const skip = du + pu - potential[T]!;
        if (skip < sinkDist) {
          sinkDist = skip;
          sinkParent = u;
        }
        const own = workerOf[u]!;
        for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
          const w = edgeWorker[e]!;
          if (w === own) continue;
          const v = C + w;
          if (settled[v] === stamp) continue;
          const nd = du + cost[e]! + pu - potential[v]!;
          if (nd >= sinkDist) continue;
          if (reached[v] !== stamp) {
            reached[v] = stamp;
            dist[v] = nd;
            parent[v] = u;
            parentEdge[v] = e;
            siftUp(v, heapSize++);
          } else if (nd < dist[v]!) {
            dist[v] = nd;
            parent[v] = u;
            parentEdge[v] = e;
            siftUp(v, heapPos[v]!);
          }
        }
      } else {
        // Worker: its arc to the sink while it has room, and back to each contact it holds.
        const w = u - C;
        if (held[w]! < room[w]!) {
          const toSink = du + nextLoad(w) + pu - potential[T]!;
          if (toSink < sinkDist) {
            sinkDist = toSink;
            sinkParent = u;
          }
        }
        for (let s = slotStart[w]!; s < slotStart[w]! + held[w]!; s++) {
          const v = slots[s]!;
          if (settled[v] === stamp) continue;
          const nd = du - cost[edgeOf[v]!]! + pu - potential[v]!;
          if (nd >= sinkDist) continue;
          if (reached[v] !== stamp) {
            reached[v] = stamp;
            dist[v] = nd;
            parent[v] = u;
            siftUp(v, heapSize++);
          } else if (nd < dist[v]!) {
            dist[v] = nd;
            parent[v] = u;
            siftUp(v, heapPos[v]!);
          }
        }
      }
    }

    // Augment along the path, walking back from the sink.
    if (sinkParent >= C) {
      augmentInto(sinkParent, source);
    } else if (sinkParent !== source) {
      // The path ends by dropping a contact to its skip arc; it leaves its worker first.
      const w = workerOf[sinkParent]!;
      detach(sinkParent);
      augmentInto(C + w, source);
    }
    for (let i = 0; i < poppedCount; i++) {
      const v = popped[i]!;
      potential[v]! += dist[v]! - sinkDist;
    }
    if (++done % 1024 === 0) options.onProgress?.(done, C);
  }
  options.onProgress?.(C, C);
  return workerOf;

  /** Walks the path back from worker node `v`: each contact on it moves into the worker after it. */
  function augmentInto(v: number, source: number): void {
    let node = v;
    for (;;) {
      const c = parent[node]!;
      const e = parentEdge[node]!;
      const previous = workerOf[c]!;
      if (previous >= 0) detach(c);
      attach(c, node - C, e);
      if (c === source) return;
      node = C + previous;
    }
  }
}
