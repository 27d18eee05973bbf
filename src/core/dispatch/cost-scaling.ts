/**
 * The dispatch min-cost flow solved by cost scaling (Goldberg's push-relabel refine with
 * ε-scaling), on a set of arcs that may grow between refines (column generation, column-flow.ts),
 * finished by shortest paths instead of the finest refines.
 */

/**
 * The network. Worker w is a source of `room[w]` units; each unit leaves through an arc to a
 * contact or a hub, or through one of w's "empty" arcs to the sink t. The j-th empty unit of w
 * (j = 1 … room) costs −load · (active + room + 1 − j) / capacity: leaving the last places empty
 * saves their load term, so sending n_w units to contacts costs Σ_{k ≤ n_w} load_k plus a
 * constant, which is the contract's convex load term. A contact passes its unit to t at cost
 * −assign_value · priority (capacity 1); a hub (contacts without a location that may take the same
 * workers, sorted by falling priority) passes its k-th unit at minus its k-th member's value.
 *
 *   w → contact   cost distance_per_km · d + trust · (1 − w.trust), capacity 1
 *   w → hub       cost trust · (1 − w.trust), capacity min(room, members)
 *   contact → t   cost −value, capacity 1
 *   hub → t       k-th unit: cost −value of the k-th member
 *   w → t         j-th unit: cost −load term of place room + 1 − j
 *
 * Prices p and reduced costs c(u, v) + p(u) − p(v); a flow is ε-optimal when every residual arc's
 * reduced cost is ≥ −ε. Refine(ε) saturates every arc whose reduced cost is below −ε, then pushes
 * excess along admissible arcs (reduced cost < 0) and relabels (lowers the price of) nodes without
 * one, until no node has excess. A worker's push to a contact is followed at once by the contact's
 * own discharge (it keeps the better of two units, as in an auction). The sink is a node like the
 * others: its reverse arcs sit in a lazy heap (keys only fall, since prices only fall) so it never
 * scans the contacts it holds. `finish` then takes the flow from ε-optimal to optimal up to a
 * tolerance at the prices' rounding, by successive shortest paths on the prices (no price war).
 */
export interface FlowNetwork {
  workers: number;
  contacts: number;
  hubs: number;
  room: Int32Array;
  /** Per worker: load · active / capacity and load / capacity, so place k costs base + k · step. */
  loadActive: Float64Array;
  loadStep: Float64Array;
  /** Per contact: assign_value · priority. */
  value: Float64Array;
  /** Members of hub h are hubStart[h] … hubStart[h + 1] − 1, their values falling. */
  hubStart: Int32Array;
  memberValue: Float64Array;
}

export interface ScalingFlow {
  /** Sets stamp[c] = mark for each contact c that worker w has an arc to. */
  markHeads(w: number, stamp: Int32Array, mark: number): void;
  /** Adds arcs worker → node (node < contacts: a contact, else hub node − contacts). */
  addArcs(tail: Int32Array, head: Int32Array, cost: Float64Array, count: number): void;
  /** One refine: from an (α·ε)-optimal flow to an ε-optimal one. */
  refine(epsilon: number): void;
  /** From an ε-optimal flow to an optimal one (up to `tolerance`) by successive shortest paths. */
  finish(tolerance: number): void;
  /** Prices of workers, contacts and hubs, in node order (workers, contacts, hubs). */
  price: Float64Array;
  /** The finest ε worth refining to (10⁻¹⁴ of the largest cost: a few hundred times the prices' rounding). */
  readonly finalEpsilon: number;
  /** The largest absolute cost of the network: the ε to start scaling from. */
  maxCost(): number;
  /** The worker holding each contact, or −1. */
  contactWorkers(): Int32Array;
  /** For each hub, the workers of its used units, in order (one entry per unit). */
  hubWorkers(h: number): number[];
}

/** How often `finish` tries one arc in a pass (per unit of its capacity), and how many passes it makes at most. */
const FINISH_TRIES = 3;
const FINISH_PASSES = 8;

export function scalingFlow(net: FlowNetwork): ScalingFlow {
  const W = net.workers;
  const L = net.contacts;
  const H = net.hubs;
  const FIRST_HUB = W + L;
  const T = W + L + H;
  const N = T + 1;
  const { room, loadActive, loadStep, value, hubStart, memberValue } = net;

  // Arcs, in one block per worker (see addArcs).
  /** Slots in the arc arrays, and how many of them blocks have taken (see addArcs). */
  let arcSlots = 0;
  let arcTop = 0;
  let arcTail = new Int32Array(0);
  let arcHead = new Int32Array(0);
  let arcCost = new Float64Array(0);
  let arcCap = new Int32Array(0);
  let arcFlow = new Int32Array(0);
  /** The arcs carrying flow into each contact or hub, as a doubly linked list. */
  let inNext = new Int32Array(0);
  let inPrev = new Int32Array(0);
  const inHead = new Int32Array(N).fill(-1);
  const workerStart = new Int32Array(W);
  const workerEnd = new Int32Array(W);
  const workerLimit = new Int32Array(W);
  const current = new Int32Array(W);

  const price = new Float64Array(N);
  const excess = new Float64Array(N);
  const emptyUsed = new Int32Array(W);
  const held = new Uint8Array(L);
  const hubUsed = new Int32Array(H);

  let maxCost = 0;
  for (let c = 0; c < L; c++) maxCost = Math.max(maxCost, Math.abs(value[c]!));
  for (let m = 0; m < memberValue.length; m++) maxCost = Math.max(maxCost, Math.abs(memberValue[m]!));
  for (let w = 0; w < W; w++) {
    excess[w] = room[w]!;
    excess[T]! -= room[w]!;
    if (room[w]! > 0) maxCost = Math.max(maxCost, Math.abs(emptyCost(w, 1)));
  }
  // Start from prices under which the empty flow is optimal: every unit of value is visible.
  for (let c = 0; c < L; c++) price[W + c] = value[c]!;
  for (let h = 0; h < H; h++)
    price[FIRST_HUB + h] = hubStart[h + 1]! > hubStart[h]! ? memberValue[hubStart[h]!]! : 0;
  const finalEpsilon = Math.max(1, maxCost) * 1e-14;

  /** Cost of worker w's j-th empty unit (1-based): minus the load term of place room + 1 − j. */
  function emptyCost(w: number, j: number): number {
    return -(loadActive[w]! + loadStep[w]! * (room[w]! + 1 - j));
  }
  /** How many of w's empty units cost less than `threshold` (a prefix: their costs rise with j). */
  function emptiesBelow(w: number, threshold: number): number {
    const r = room[w]!;
    if (r === 0) return 0;
    const step = loadStep[w]!;
    let j: number;
    if (step === 0) j = emptyCost(w, 1) < threshold ? r : 0;
    else {
      // emptyCost(w, j) < threshold ⇔ j < active/step … solved, then checked exactly.
      j = Math.ceil((threshold + loadActive[w]!) / step + room[w]! + 1) - 1;
      j = Number.isNaN(j) ? 0 : Math.max(0, Math.min(r, j));
      while (j < r && emptyCost(w, j + 1) < threshold) j++;
      while (j > 0 && !(emptyCost(w, j) < threshold)) j--;
    }
    return j;
  }
  /** How many members of hub h are worth more than `threshold` (a prefix). */
  function membersAbove(h: number, threshold: number): number {
    let k = hubStart[h]!;
    const end = hubStart[h + 1]!;
    while (k < end && memberValue[k]! > threshold) k++;
    return k - hubStart[h]!;
  }

  // The sink's reverse arcs: held contacts, used hub members, used empty units, keyed by
  // p(node) − cost of the reverse arc (the sink's relabel takes the largest).
  let heapKey = new Float64Array(1024);
  let heapNode = new Int32Array(1024);
  let heapSize = 0;
  function heapPush(node: number, key: number): void {
    if (heapSize === heapKey.length) {
      const k = new Float64Array(heapSize * 2);
      k.set(heapKey);
      heapKey = k;
      const n = new Int32Array(heapSize * 2);
      n.set(heapNode);
      heapNode = n;
    }
    let i = heapSize++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (heapKey[up]! >= key) break;
      heapKey[i] = heapKey[up]!;
      heapNode[i] = heapNode[up]!;
      i = up;
    }
    heapKey[i] = key;
    heapNode[i] = node;
  }
  function heapPop(): void {
    heapSize--;
    if (heapSize === 0) return;
    const key = heapKey[heapSize]!;
    const node = heapNode[heapSize]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && heapKey[child + 1]! > heapKey[child]!) child++;
      if (heapKey[child]! <= key) break;
      heapKey[i] = heapKey[child]!;
      heapNode[i] = heapNode[child]!;
      i = child;
    }
    heapKey[i] = key;
    heapNode[i] = node;
  }
  /** The key of node's reverse arc from the sink now, or NaN when it has none. */
  function sinkKey(node: number): number {
    if (node < W) {
      const j = emptyUsed[node]!;
      return j > 0 ? price[node]! + emptyCost(node, j) : Number.NaN;
    }
    if (node < FIRST_HUB) return held[node - W] === 1 ? price[node]! - value[node - W]! : Number.NaN;
    const h = node - FIRST_HUB;
    const k = hubUsed[h]!;
    return k > 0 ? price[node]! - memberValue[hubStart[h]! + k - 1]! : Number.NaN;
  }
  function noteSinkArc(node: number): void {
    const key = sinkKey(node);
    if (!Number.isNaN(key)) heapPush(node, key);
  }

  // Active nodes, first in first out.
  const queue = new Int32Array(N);
  const queued = new Uint8Array(N);
  let queueHead = 0;
  let queueLength = 0;
  function activate(v: number): void {
    if (queued[v] === 1 || !(excess[v]! > 0)) return;
    queued[v] = 1;
    queue[(queueHead + queueLength++) % N] = v;
  }

  function link(e: number): void {
    const v = arcHead[e]!;
    const first = inHead[v]!;
    inNext[e] = first;
    inPrev[e] = -1;
    if (first >= 0) inPrev[first] = e;
    inHead[v] = e;
  }
  function unlink(e: number): void {
    const next = inNext[e]!;
    const prev = inPrev[e]!;
    if (prev >= 0) inNext[prev] = next;
    else inHead[arcHead[e]!] = next;
    if (next >= 0) inPrev[next] = prev;
  }
  function push(e: number, amount: number): void {
    if (arcFlow[e] === 0) link(e);
    arcFlow[e]! += amount;
    excess[arcTail[e]!]! -= amount;
    excess[arcHead[e]!]! += amount;
  }
  function pushBack(e: number, amount: number): void {
    arcFlow[e]! -= amount;
    if (arcFlow[e] === 0) unlink(e);
    excess[arcHead[e]!]! -= amount;
    excess[arcTail[e]!]! += amount;
  }

  /** Writes a new arc into slot `to`. */
  function placeArc(to: number, w: number, node: number, cost: number): void {
    arcTail[to] = w;
    arcCost[to] = cost;
    arcFlow[to] = 0;
    inNext[to] = -1;
    inPrev[to] = -1;
    if (node < L) {
      arcHead[to] = W + node;
      arcCap[to] = 1;
    } else {
      const h = node - L;
      arcHead[to] = FIRST_HUB + h;
      arcCap[to] = Math.min(room[w]!, hubStart[h + 1]! - hubStart[h]!);
    }
    if (Math.abs(cost) > maxCost) maxCost = Math.abs(cost);
  }

  /**
   * Each worker's arcs sit in its own block, `workerStart[w] … workerEnd[w] − 1`, with spare
   * slots up to `workerLimit[w]`: new arcs go into the spare slots, and a worker whose block is
   * full moves it, alone, to fresh slots past `arcTop` with room to grow (its old slots are left
   * unused; the links of its arcs follow). Laying every block out again instead, whenever any one
   * was full, wrote all 2.3 M arcs into new arrays after nearly every pricing round at
   * 100,000 × 10,000: fresh memory costs far more than the copy (3–5 ms a MB on this machine),
   * 0.09–0.5 s a round. The arrays grow (doubling, copied as they are, arc numbers unchanged)
   * only when the slots past `arcTop` run out; pages never written cost nothing.
   */
  function addArcs(tail: Int32Array, head: Int32Array, cost: Float64Array, count: number): void {
    const wanted = new Int32Array(W);
    for (let i = 0; i < count; i++) wanted[tail[i]!]!++;
    let needed = arcTop;
    for (let w = 0; w < W; w++) {
      if (wanted[w]! > 0 && workerEnd[w]! + wanted[w]! > workerLimit[w]!) needed += blockSize(w, wanted[w]!);
    }
    if (needed > arcSlots) growArcs(2 * needed);
    for (let w = 0; w < W; w++) {
      if (wanted[w]! > 0 && workerEnd[w]! + wanted[w]! > workerLimit[w]!)
        moveBlock(w, blockSize(w, wanted[w]!));
    }
    for (let i = 0; i < count; i++) {
      const w = tail[i]!;
      placeArc(workerEnd[w]!, w, head[i]!, cost[i]!);
      workerEnd[w]!++;
    }
  }

  /** The slots of worker w's block once it takes `more` arcs: half as many spare again, and four. */
  function blockSize(w: number, more: number): number {
    const used = workerEnd[w]! - workerStart[w]! + more;
    return used + (used >> 1) + 4;
  }

  function growArcs(total: number): void {
    const grow = <A extends Int32Array | Float64Array>(array: A, make: (n: number) => A): A => {
      const next = make(total);
      next.set(array.subarray(0, arcTop));
      return next;
    };
    arcTail = grow(arcTail, (n) => new Int32Array(n));
    arcHead = grow(arcHead, (n) => new Int32Array(n));
    arcCost = grow(arcCost, (n) => new Float64Array(n));
    arcCap = grow(arcCap, (n) => new Int32Array(n));
    arcFlow = grow(arcFlow, (n) => new Int32Array(n));
    inNext = grow(inNext, (n) => new Int32Array(n));
    inPrev = grow(inPrev, (n) => new Int32Array(n));
    arcSlots = total;
  }

  /** Moves worker w's arcs to `size` fresh slots at arcTop; an arc carrying flow keeps its place in its head's list. */
  function moveBlock(w: number, size: number): void {
    const from = workerStart[w]!;
    const to = arcTop;
    for (let e = from; e < workerEnd[w]!; e++) {
      const f = to + (e - from);
      arcTail[f] = arcTail[e]!;
      arcHead[f] = arcHead[e]!;
      arcCost[f] = arcCost[e]!;
      arcCap[f] = arcCap[e]!;
      arcFlow[f] = arcFlow[e]!;
      if (arcFlow[e]! > 0) {
        const next = inNext[e]!;
        const prev = inPrev[e]!;
        inNext[f] = next;
        inPrev[f] = prev;
        if (prev >= 0) inNext[prev] = f;
        else inHead[arcHead[e]!] = f;
        if (next >= 0) inPrev[next] = f;
      } else {
        inNext[f] = -1;
        inPrev[f] = -1;
      }
      // The old slot is no one's now: no flow, so nothing counts a unit there.
      arcFlow[e] = 0;
    }
    workerEnd[w] = to + (workerEnd[w]! - from);
    workerStart[w] = to;
    workerLimit[w] = to + size;
    arcTop = to + size;
  }

  /**
   * The start of a refine: saturates every residual arc whose reduced cost is below −ε, so the
   * pseudoflow is ε-optimal. (Goldberg saturates every negative arc, which undoes most of the
   * previous refine's assignments each time; keeping those within ε is as correct and far cheaper.)
   */
  function saturate(epsilon: number): void {
    const pT = price[T]!;
    for (let w = 0; w < W; w++) {
      const pw = price[w]!;
      for (let e = workerStart[w]!; e < workerEnd[w]!; e++) {
        const rc = arcCost[e]! + pw - price[arcHead[e]!]!;
        if (rc < -epsilon) {
          if (arcFlow[e]! < arcCap[e]!) push(e, arcCap[e]! - arcFlow[e]!);
        } else if (rc > epsilon && arcFlow[e]! > 0) pushBack(e, arcFlow[e]!);
      }
      // Empty units: costs rise with j; those below pT − pw − ε must be used, those above pT − pw + ε not.
      const used = emptyUsed[w]!;
      const want = emptiesBelow(w, pT - pw - epsilon);
      let next = used;
      if (want > used) next = want;
      else while (next > 0 && emptyCost(w, next) > pT - pw + epsilon) next--;
      if (next !== used) {
        excess[w]! += used - next;
        excess[T]! -= used - next;
        emptyUsed[w] = next;
        noteSinkArc(w);
      }
    }
    for (let c = 0; c < L; c++) {
      const rc = -value[c]! + price[W + c]! - pT;
      if (held[c] === 0 && rc < -epsilon) {
        held[c] = 1;
        excess[W + c]!--;
        excess[T]!++;
        noteSinkArc(W + c);
      } else if (held[c] === 1 && rc > epsilon) {
        held[c] = 0;
        excess[W + c]!++;
        excess[T]!--;
      }
    }
    for (let h = 0; h < H; h++) {
      const node = FIRST_HUB + h;
      const threshold = price[node]! - pT;
      const used = hubUsed[h]!;
      // Member values fall with k: those above threshold + ε must be used, those below threshold − ε not.
      const want = membersAbove(h, threshold + epsilon);
      let next = used;
      if (want > used) next = want;
      else while (next > 0 && memberValue[hubStart[h]! + next - 1]! < threshold - epsilon) next--;
      if (next !== used) {
        excess[node]! += used - next;
        excess[T]! -= used - next;
        hubUsed[h] = next;
        noteSinkArc(node);
      }
    }
  }

  function relabelTo(v: number, best: number, epsilon: number): void {
    const old = price[v]!;
    let next = best - epsilon;
    // Guard against rounding: a relabel always lowers the price.
    if (!(next < old)) next = old - epsilon;
    if (!(next < old)) next = old - Math.abs(old) * 1e-15;
    price[v] = next;
  }

  function dischargeWorker(w: number, epsilon: number): void {
    const end = workerEnd[w]!;
    while (excess[w]! > 0) {
      const pw = price[w]!;
      let e = current[w]!;
      for (; e < end; e++) {
        if (arcFlow[e]! < arcCap[e]! && arcCost[e]! + pw - price[arcHead[e]!]! < 0) break;
      }
      current[w] = e;
      if (e < end) {
        const head = arcHead[e]!;
        push(e, Math.min(excess[w]!, arcCap[e]! - arcFlow[e]!));
        // Double push: the contact settles at once (keeps one unit, sends the other back).
        if (head < FIRST_HUB) dischargeContact(head, epsilon);
        else activate(head);
        continue;
      }
      const used = emptyUsed[w]!;
      const pT = price[T]!;
      if (used < room[w]!) {
        const want = Math.min(emptiesBelow(w, pT - pw), used + excess[w]!);
        if (want > used) {
          excess[w]! -= want - used;
          excess[T]! += want - used;
          emptyUsed[w] = want;
          noteSinkArc(w);
          activate(T);
          continue;
        }
      }
      let best = used < room[w]! ? pT - emptyCost(w, used + 1) : Number.NEGATIVE_INFINITY;
      // The arc that gives best (−1: the empty unit) and the largest key of the arcs before it:
      // when none of those is admissible after the relabel (key ≤ the new price), the scan for an
      // admissible arc starts at the best one instead of the block's start. At 100,000 × 10,000
      // the two scans (this one and that) read 387 M arcs in all instead of 442 M.
      let bestAt = -1;
      let beforeBest = Number.NEGATIVE_INFINITY;
      let arcBest = Number.NEGATIVE_INFINITY;
      for (let a = workerStart[w]!; a < end; a++) {
        if (arcFlow[a]! < arcCap[a]!) {
          const key = price[arcHead[a]!]! - arcCost[a]!;
          if (key > best) {
            best = key;
            bestAt = a;
            beforeBest = arcBest;
          }
          if (key > arcBest) arcBest = key;
        }
      }
      relabelTo(w, best, epsilon);
      current[w] = bestAt >= 0 && beforeBest <= price[w]! ? bestAt : workerStart[w]!;
    }
  }

  function dischargeContact(v: number, epsilon: number): void {
    const c = v - W;
    while (excess[v]! > 0) {
      const pv = price[v]!;
      const pT = price[T]!;
      if (held[c] === 0 && -value[c]! + pv - pT < 0) {
        held[c] = 1;
        excess[v]!--;
        excess[T]!++;
        noteSinkArc(v);
        activate(T);
        continue;
      }
      let e = inHead[v]!;
      while (e >= 0 && !(-arcCost[e]! + pv - price[arcTail[e]!]! < 0)) e = inNext[e]!;
      if (e >= 0) {
        const w = arcTail[e]!;
        pushBack(e, 1);
        activate(w);
        continue;
      }
      let best = held[c] === 0 ? pT + value[c]! : Number.NEGATIVE_INFINITY;
      for (let a = inHead[v]!; a >= 0; a = inNext[a]!) {
        const key = price[arcTail[a]!]! + arcCost[a]!;
        if (key > best) best = key;
      }
      relabelTo(v, best, epsilon);
    }
  }

  function dischargeHub(v: number, epsilon: number): void {
    const h = v - FIRST_HUB;
    const first = hubStart[h]!;
    const members = hubStart[h + 1]! - first;
    while (excess[v]! > 0) {
      const pv = price[v]!;
      const pT = price[T]!;
      const used = hubUsed[h]!;
      // (One test decides admissibility, so that rounding cannot make it say yes and push nothing.)
      const want = used < members ? Math.min(membersAbove(h, pv - pT), used + excess[v]!) : used;
      if (want > used) {
        excess[v]! -= want - used;
        excess[T]! += want - used;
        hubUsed[h] = want;
        noteSinkArc(v);
        activate(T);
        continue;
      }
      let e = inHead[v]!;
      while (e >= 0 && !(-arcCost[e]! + pv - price[arcTail[e]!]! < 0)) e = inNext[e]!;
      if (e >= 0) {
        const w = arcTail[e]!;
        pushBack(e, Math.min(excess[v]!, arcFlow[e]!));
        activate(w);
        continue;
      }
      let best = used < members ? pT + memberValue[first + used]! : Number.NEGATIVE_INFINITY;
      for (let a = inHead[v]!; a >= 0; a = inNext[a]!) {
        const key = price[arcTail[a]!]! + arcCost[a]!;
        if (key > best) best = key;
      }
      relabelTo(v, best, epsilon);
    }
  }

  function dischargeSink(epsilon: number): void {
    while (excess[T]! > 0) {
      if (heapSize === 0) throw new Error("dispatch: the sink has excess and no arc back");
      const node = heapNode[0]!;
      const stored = heapKey[0]!;
      const key = sinkKey(node);
      if (!(key === stored)) {
        heapPop();
        if (key < stored) heapPush(node, key);
        continue;
      }
      if (!(key > price[T]!)) {
        relabelTo(T, key, epsilon);
        continue;
      }
      // Send one unit back along the best reverse arc.
      if (node < W) emptyUsed[node]!--;
      else if (node < FIRST_HUB) held[node - W] = 0;
      else hubUsed[node - FIRST_HUB]!--;
      excess[node]!++;
      excess[T]!--;
      heapPop();
      noteSinkArc(node);
      activate(node);
    }
  }

  function refine(epsilon: number): void {
    saturate(epsilon);
    current.set(workerStart);
    for (let v = 0; v < N; v++) activate(v);
    while (queueLength > 0) {
      const v = queue[queueHead]!;
      queueHead = (queueHead + 1) % N;
      queueLength--;
      queued[v] = 0;
      if (v < W) dischargeWorker(v, epsilon);
      else if (v < FIRST_HUB) dischargeContact(v, epsilon);
      else if (v < T) dischargeHub(v, epsilon);
      else dischargeSink(epsilon);
    }
  }

  // The finish (see `finish`): one Dijkstra search at a time from a node with excess, over the
  // residual arcs with their reduced costs (clamped at 0) as lengths.
  const searchDist = new Float64Array(N);
  const searchSeen = new Int32Array(N);
  const searchDone = new Int32Array(N);
  const searchParent = new Int32Array(N);
  const searchArc = new Int32Array(N);
  const searchSettled = new Int32Array(N);
  let searchId = 0;
  /** The distance of the nearest deficit offered so far in the current search. */
  let searchBound = Number.POSITIVE_INFINITY;
  // The search's heap: an item ≥ 0 is a node, an item < 0 is −1 − a slot of the sink's heap
  // (its reverse arcs are met in the order of their stored keys, see `searchFrom`).
  let openKey = new Float64Array(1024);
  let openItem = new Int32Array(1024);
  let openSize = 0;
  function openPush(key: number, item: number): void {
    if (openSize === openKey.length) {
      const k = new Float64Array(openSize * 2);
      k.set(openKey);
      openKey = k;
      const n = new Int32Array(openSize * 2);
      n.set(openItem);
      openItem = n;
    }
    let i = openSize++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (openKey[up]! <= key) break;
      openKey[i] = openKey[up]!;
      openItem[i] = openItem[up]!;
      i = up;
    }
    openKey[i] = key;
    openItem[i] = item;
  }
  function openPop(): void {
    openSize--;
    if (openSize === 0) return;
    const key = openKey[openSize]!;
    const item = openItem[openSize]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= openSize) break;
      if (child + 1 < openSize && openKey[child + 1]! < openKey[child]!) child++;
      if (openKey[child]! >= key) break;
      openKey[i] = openKey[child]!;
      openItem[i] = openItem[child]!;
      i = child;
    }
    openKey[i] = key;
    openItem[i] = item;
  }
  /** Offers node v at distance d, reached from u by arc e (−1: u's or v's arc to the sink). */
  function offerNode(v: number, d: number, u: number, e: number): void {
    if (!(d < searchBound) || searchDone[v] === searchId) return;
    if (searchSeen[v] === searchId && !(d < searchDist[v]!)) return;
    // A deficit reached at d: the search ends at d or before, so nothing farther is worth a place in the heap.
    if (excess[v]! < 0) searchBound = d;
    searchSeen[v] = searchId;
    searchDist[v] = d;
    searchParent[v] = u;
    searchArc[v] = e;
    openPush(d, v);
  }

  /**
   * One shortest-path search from s (excess > 0) to the nearest node with a deficit; the settled
   * nodes' prices then move by d − D ≤ 0 (D the deficit's distance), so every residual arc keeps
   * its reduced cost ≥ min(0, before) and the path's arcs have reduced cost 0 (up to rounding),
   * and one unit goes along the path. Returns false when no deficit is reachable.
   */
  function searchFrom(s: number): boolean {
    searchId++;
    openSize = 0;
    searchBound = Number.POSITIVE_INFINITY;
    let settled = 0;
    offerNode(s, 0, -1, -1);
    let target = -1;
    let sinkDist = 0;
    const pT = price[T]!;
    while (openSize > 0) {
      const d = openKey[0]!;
      const item = openItem[0]!;
      openPop();
      if (item < 0) {
        // A slot of the sink's heap: its node's reverse arc, then the slot's children, whose
        // stored keys are no larger (and a stored key is never below the arc's key now).
        const slot = -1 - item;
        for (let child = 2 * slot + 1; child <= 2 * slot + 2; child++) {
          if (child >= heapSize) continue;
          const bound = sinkDist + Math.max(0, pT - heapKey[child]!);
          if (bound < searchBound) openPush(bound, -1 - child);
        }
        const node = heapNode[slot]!;
        const key = sinkKey(node);
        if (!Number.isNaN(key)) offerNode(node, sinkDist + Math.max(0, pT - key), T, -1);
        continue;
      }
      const v = item;
      if (searchDone[v] === searchId || d > searchDist[v]!) continue;
      searchDone[v] = searchId;
      searchSettled[settled++] = v;
      if (excess[v]! < 0) {
        target = v;
        break;
      }
      const pv = price[v]!;
      if (v < W) {
        const end = workerEnd[v]!;
        for (let e = workerStart[v]!; e < end; e++) {
          if (arcFlow[e]! < arcCap[e]!) {
            const head = arcHead[e]!;
            const rc = arcCost[e]! + pv - price[head]!;
            offerNode(head, d + Math.max(rc, 0), v, e);
          }
        }
        const used = emptyUsed[v]!;
        if (used < room[v]!) {
          const rc = emptyCost(v, used + 1) + pv - pT;
          offerNode(T, d + Math.max(rc, 0), v, -1);
        }
      } else if (v < T) {
        for (let e = inHead[v]!; e >= 0; e = inNext[e]!) {
          const tail = arcTail[e]!;
          const rc = -arcCost[e]! + pv - price[tail]!;
          offerNode(tail, d + Math.max(rc, 0), v, e);
        }
        let toSink = Number.NaN;
        if (v < FIRST_HUB) {
          if (held[v - W] === 0) toSink = -value[v - W]!;
        } else {
          const h = v - FIRST_HUB;
          if (hubUsed[h]! < hubStart[h + 1]! - hubStart[h]!)
            toSink = -memberValue[hubStart[h]! + hubUsed[h]!]!;
        }
        if (!Number.isNaN(toSink)) {
          const rc = toSink + pv - pT;
          offerNode(T, d + Math.max(rc, 0), v, -1);
        }
      } else {
        sinkDist = d;
        if (heapSize > 0) openPush(d + Math.max(0, pT - heapKey[0]!), -1);
      }
    }
    if (target < 0) return false;
    const D = searchDist[target]!;
    for (let k = 0; k < settled; k++) {
      const u = searchSettled[k]!;
      price[u]! += searchDist[u]! - D;
    }
    // One unit along the path, from the target back to s.
    for (let v = target; v !== s; ) {
      const u = searchParent[v]!;
      const e = searchArc[v]!;
      if (v === T) {
        // u's arc to the sink.
        if (u < W) emptyUsed[u]!++;
        else if (u < FIRST_HUB) held[u - W] = 1;
        else hubUsed[u - FIRST_HUB]!++;
        excess[u]!--;
        excess[T]!++;
        noteSinkArc(u);
      } else if (u === T) {
        // Back along v's arc to the sink (its key falls, so its entry in the sink's heap stays valid).
        if (v < W) emptyUsed[v]!--;
        else if (v < FIRST_HUB) held[v - W] = 0;
        else hubUsed[v - FIRST_HUB]!--;
        excess[T]!--;
        excess[v]!++;
      } else if (u < W) push(e, 1);
      else pushBack(e, 1);
      v = u;
    }
    return true;
  }

  /** Sends the excess of s (from one residual arc just saturated) to deficits by shortest paths. */
  function settle(s: number): void {
    while (excess[s]! > 0) {
      if (!searchFrom(s)) throw new Error("dispatch: an excess with no deficit in reach");
    }
  }

  /**
   * Lowers contact v's price by delta when every residual arc out of it has room for the drop
   * (reduced cost ≥ delta), and says whether it did: what a search from v would end with, when the
   * violation to mend is on an arc into v, without the search or the unit sent and sent back. At
   * 100,000 × 10,000, 79 % of the finish's violations (36,578 of 46,490).
   */
  function lowerContact(v: number, delta: number): boolean {
    const pv = price[v]!;
    for (let e = inHead[v]!; e >= 0; e = inNext[e]!) {
      if (-arcCost[e]! + pv - price[arcTail[e]!]! < delta) return false;
    }
    if (held[v - W] === 0 && -value[v - W]! + pv - price[T]! < delta) return false;
    const next = pv - delta;
    // (A drop below the price's rounding moves nothing: the search then decides.)
    if (!(next < pv)) return false;
    price[v] = next;
    return true;
  }

  /**
   * From an ε-optimal flow with no excess to one where every residual arc has a reduced cost of at
   * least −tolerance, without refines: each residual arc below −tolerance takes one unit, and that
   * unit goes at once to a deficit along a shortest path (at worst straight back along the same
   * arc, the prices around it lowered), so every arc is read with the prices the searches before it
   * left. Passes until one finds nothing. (Saturating them all first, as a refine does, sent 13,460
   * units for the 480 contacts that change hands at 20,000 × 2,000 from ε = 0.11.) An arc is tried
   * at most FINISH_TRIES times a pass: a violation smaller than the prices' rounding may not move
   * them; the flow is then ε-optimal at about that rounding, which is all a float price can say.
   */
  function finish(tolerance: number): void {
    for (let pass = 0, saturated = 1; saturated > 0 && pass < FINISH_PASSES; pass++) {
      saturated = 0;
      for (let w = 0; w < W; w++) {
        const end = workerEnd[w]!;
        for (let e = workerStart[w]!; e < end; e++) {
          for (let tries = 0; tries < FINISH_TRIES * arcCap[e]!; tries++) {
            const head = arcHead[e]!;
            const rc = arcCost[e]! + price[w]! - price[head]!;
            if (rc < -tolerance && arcFlow[e]! < arcCap[e]!) {
              if (head < FIRST_HUB && lowerContact(head, -rc)) continue;
              push(e, 1);
              settle(head);
            } else if (rc > tolerance && arcFlow[e]! > 0) {
              pushBack(e, 1);
              settle(w);
            } else break;
            saturated++;
          }
        }
        for (let tries = 0; tries < FINISH_TRIES; tries++) {
          const used = emptyUsed[w]!;
          const rc = (j: number) => emptyCost(w, j) + price[w]! - price[T]!;
          if (used < room[w]! && rc(used + 1) < -tolerance) {
            emptyUsed[w] = used + 1;
            excess[w]!--;
            excess[T]!++;
            noteSinkArc(w);
            settle(T);
          } else if (used > 0 && rc(used) > tolerance) {
            emptyUsed[w] = used - 1;
            excess[w]!++;
            excess[T]!--;
            settle(w);
          } else break;
          saturated++;
        }
      }
      for (let c = 0; c < L; c++) {
        const v = W + c;
        for (let tries = 0; tries < FINISH_TRIES; tries++) {
          const rc = -value[c]! + price[v]! - price[T]!;
          if (held[c] === 0 && rc < -tolerance) {
            held[c] = 1;
            excess[v]!--;
            excess[T]!++;
            noteSinkArc(v);
            settle(T);
          } else if (held[c] === 1 && rc > tolerance) {
            held[c] = 0;
            excess[v]!++;
            excess[T]!--;
            settle(v);
          } else break;
          saturated++;
        }
      }
      for (let h = 0; h < H; h++) {
        const v = FIRST_HUB + h;
        const first = hubStart[h]!;
        const members = hubStart[h + 1]! - first;
        for (let tries = 0; tries < FINISH_TRIES * members; tries++) {
          const used = hubUsed[h]!;
          const rc = (k: number) => -memberValue[first + k]! + price[v]! - price[T]!;
          if (used < members && rc(used) < -tolerance) {
            hubUsed[h] = used + 1;
            excess[v]!--;
            excess[T]!++;
            noteSinkArc(v);
            settle(T);
          } else if (used > 0 && rc(used - 1) > tolerance) {
            hubUsed[h] = used - 1;
            excess[v]!++;
            excess[T]!--;
            settle(v);
          } else break;
          saturated++;
        }
      }
    }
  }

  let started = false;
  /** Runs one refine at ε; the first call also sets the workers' starting prices. */
  function refineAt(epsilon: number): void {
    if (!started) {
      // Worker prices under which no arc out of a worker is admissible yet: the empty flow is optimal.
      started = true;
      for (let w = 0; w < W; w++) {
        let best = room[w]! > 0 ? -emptyCost(w, 1) : 0;
        for (let e = workerStart[w]!; e < workerEnd[w]!; e++)
          best = Math.max(best, price[arcHead[e]!]! - arcCost[e]!);
        price[w] = best;
      }
    }
    refine(epsilon);
  }

  function contactWorkers(): Int32Array {
    const result = new Int32Array(L).fill(-1);
    for (let c = 0; c < L; c++) {
      if (held[c] === 1) {
        const e = inHead[W + c]!;
        if (e < 0 || inNext[e]! >= 0 || arcFlow[e] !== 1)
          throw new Error("dispatch: a held contact without exactly one worker");
        result[c] = arcTail[e]!;
      }
    }
    return result;
  }

  function hubWorkers(h: number): number[] {
    const list: number[] = [];
    for (let e = inHead[FIRST_HUB + h]!; e >= 0; e = inNext[e]!) {
      for (let k = 0; k < arcFlow[e]!; k++) list.push(arcTail[e]!);
    }
    return list;
  }

  function markHeads(w: number, stamp: Int32Array, mark: number): void {
    for (let e = workerStart[w]!; e < workerEnd[w]!; e++) {
      const head = arcHead[e]!;
      if (head < FIRST_HUB) stamp[head - W] = mark;
    }
  }

  return {
    markHeads,
    addArcs,
    refine: refineAt,
    finish,
    price,
    finalEpsilon,
    maxCost: () => maxCost,
    contactWorkers,
    hubWorkers,
  };
}
