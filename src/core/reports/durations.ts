/**
 * Durations (in whole milliseconds) counted in buckets, so that a median can be found from counts alone
 * and then read exactly from the few values of one bucket: the report rollups keep a count per bucket.
 */

const HOUR_MS = 3_600_000;

/**
 * Where each bucket after the first starts, in hours: by the hour up to two days (where handoffs usually
 * take), then by two hours to three days, and coarser past that, up to a year.
 */
const STARTS_HOURS = [
  0,
  1 / 60,
  5 / 60,
  0.25,
  0.5,
  ...Array.from({ length: 48 }, (_, i) => i + 1),
  ...Array.from({ length: 12 }, (_, i) => 50 + 2 * i),
  78,
  84,
  90,
  96,
  108,
  120,
  144,
  168,
  216,
  264,
  336,
  504,
  720,
  1080,
  1440,
  2160,
  4380,
  8760,
];

/** Bucket i (i ≥ 1) holds [BUCKET_STARTS_MS[i - 1], BUCKET_STARTS_MS[i]); bucket 0 the negative durations. */
export const BUCKET_STARTS_MS: readonly number[] = STARTS_HOURS.map((h) => Math.round(h * HOUR_MS));

/** 84: the rollups have one column per bucket (migration 0010), so this never changes. */
export const DURATION_BUCKETS = BUCKET_STARTS_MS.length + 1;

export function durationBucket(ms: number): number {
  let i = 0;
  while (i < BUCKET_STARTS_MS.length && ms >= (BUCKET_STARTS_MS[i] as number)) i++;
  return i;
}

/** The values bucket i holds: [from, to), an open end as undefined. */
export function bucketRange(i: number): { from?: number; to?: number } {
  return {
    ...(i > 0 ? { from: BUCKET_STARTS_MS[i - 1] as number } : {}),
    ...(i < BUCKET_STARTS_MS.length ? { to: BUCKET_STARTS_MS[i] as number } : {}),
  };
}

/** A value's rank (1-based) in sorted order: where it lies, as a bucket and a rank inside the bucket. */
export interface RankTarget {
  bucket: number;
  rank: number;
}

/**
 * Where the middle values lie: the one middle value when n is odd, the two when even (their mean is
 * the median); `counts` holds how many values each bucket has, in the buckets' order.
 */
export function middleOf(counts: readonly number[]): RankTarget[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return [];
  const ranks = [...new Set([Math.floor((n + 1) / 2), Math.floor((n + 2) / 2)])];
  return ranks.map((rank) => locate(counts, rank));
}

/** The bucket the rank-th value (1-based) lies in, and its rank there. */
export function locate(counts: readonly number[], rank: number): RankTarget {
  let before = 0;
  for (const [bucket, count] of counts.entries()) {
    if (rank <= before + count) return { bucket, rank: rank - before };
    before += count;
  }
  throw new Error(`rank ${rank} past ${before} values`);
}

/**
 * Where the p-quantile lies as PostgreSQL's percentile_cont finds it (position p·(n − 1) in sorted
 * order): the ranks (1-based) of the values either side of that position, and how far between them.
 */
export function percentileRanks(n: number, p: number): { ranks: number[]; fraction: number } {
  const position = p * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return { ranks: hi > lo ? [lo + 1, hi + 1] : [lo + 1], fraction: position - lo };
}

/** The value at a quantile from the values at its ranks (as percentileRanks gives them), interpolated. */
export function interpolate(values: readonly number[], fraction: number): number {
  const first = values[0] as number;
  const second = values[1] ?? first;
  return first + (second - first) * fraction;
}

/** A range of lengths [from, to) (an open end undefined): a duration bucket, or a slice of one. */
export interface Lengths {
  from?: number | undefined;
  to?: number | undefined;
}

/**
 * A large bucket is cut into SLICES equal slices, counted before its values are read, so that only the
 * slice holding a rank is read. The last bucket has no end: its last slice holds all past SLICE_SPAN_MS.
 */
export const SLICES = 256;
const SLICE_SPAN_MS = 2 ** 35;

export function sliceWidth(range: Lengths): number {
  return (range.to ?? (range.from ?? 0) + SLICE_SPAN_MS) - (range.from ?? 0);
}

/** The slice of a bucket a whole-millisecond length in it lies in: floor((v − from)·SLICES / width), at most the last. */
export function sliceOf(range: Lengths, v: number): number {
  const from = range.from ?? 0;
  const width = sliceWidth(range);
  return v >= from + width ? SLICES - 1 : Math.floor(((v - from) * SLICES) / width);
}

/** The lengths slice i of a bucket holds, as sliceOf assigns them. */
export function sliceRange(range: Lengths, i: number): Lengths {
  const from = range.from ?? 0;
  const width = sliceWidth(range);
  return {
    from: from + Math.ceil((i * width) / SLICES),
    to: i === SLICES - 1 ? range.to : from + Math.ceil(((i + 1) * width) / SLICES),
  };
}

/** Values of one side of a bucket as runs: `n` values equal to `v`, in increasing order of v. */
export interface Run {
  v: number;
  n: number;
}

/**
 * Where to read the other side of a bucket for the rank-th value (1-based) of both sides together, when
 * one side is known whole (`done`, `known` values in all): the values before position `skip` of the
 * other side cannot be it (at most `known` of the first rank values are known ones), nor those from
 * position `skip + take` on (the rank-th of the other side alone is at least as large).
 */
export function windowOf(known: number, rank: number): { skip: number; take: number } {
  const skip = Math.max(0, rank - 1 - known);
  return { skip, take: rank - skip };
}

/**
 * The rank-th value (1-based) of two sides merged: `known` whole (runs, increasing), and of the other
 * (sorted) side the values `window` read from position `skip` on, as windowOf says (every skipped value
 * is at most window[0]; the window ends early only where the side does). The value is the least candidate
 * with at least `rank` values at most it; with values skipped it is never below window[0].
 */
export function rankAmong(
  known: readonly Run[],
  skip: number,
  window: readonly number[],
  rank: number,
): number {
  const first = window[0];
  const values: Run[] = [...known, ...window.map((v) => ({ v, n: 1 }))].sort((a, b) => a.v - b.v);
  let atMost = skip;
  for (const [i, r] of values.entries()) {
    atMost += r.n;
    if (values[i + 1]?.v === r.v) continue;
    if ((skip === 0 || (first !== undefined && r.v >= first)) && atMost >= rank) return r.v;
  }
  throw new Error(`rank ${rank} past the values read`);
}
