/** A small seeded random source (mulberry32) and the historical ids the demo stamps on its rows. */
import { v7 as uuidv7 } from "uuid";

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the items, each as likely as its weight. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T;
  /** Standard normal (mean 0, deviation 1). */
  normal(): number;
  bytes(count: number): Uint8Array;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed with a label, so each organisation (or purpose) draws from its own stream. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return (h ^ (h >>> 16)) >>> 0;
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (probability) => next() < probability,
    pick: (items) => {
      const item = items[Math.floor(items.length * next())];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    weighted: (entries) => {
      let total = 0;
      for (const [, weight] of entries) total += weight;
      let r = next() * total;
      for (const [item, weight] of entries) {
        r -= weight;
        if (r < 0) return item;
      }
      const last = entries.at(-1);
      if (!last) throw new Error("weighted pick from an empty list");
      return last[0];
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    bytes: (count) => {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
  return random;
}

/** Index into a cumulative weight table: the first slot whose running total passes `r · total`. */
export function sampleCumulative(cumulative: Float64Array, r: number): number {
  const target = r * (cumulative[cumulative.length - 1] ?? 0);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function cumulativeOf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += w;
    out[i] = total;
  });
  return out;
}

/**
 * UUIDv7 ids stamped with a historical time, so they sort like the rows' own timestamps.
 * The sequence field is a counter shared by every id of one load: no two ids can collide,
 * and ids of the same millisecond keep the order they were made in.
 */
export function historicalIds(random: Random): (at: number) => string {
  let sequence = 0;
  return (at) => {
    sequence += 1;
    return uuidv7({ msecs: at, seq: sequence, random: random.bytes(16) });
  };
}
