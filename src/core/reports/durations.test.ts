import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUCKET_STARTS_MS,
  bucketRange,
  DURATION_BUCKETS,
  durationBucket,
  interpolate,
  locate,
  middleOf,
  percentileRanks,
  type Run,
  rankAmong,
  SLICES,
  sliceOf,
  sliceRange,
  windowOf,
} from "./durations.js";

describe("duration buckets", () => {
  it("has 84 buckets, the first for negative durations", () => {
    expect(DURATION_BUCKETS).toBe(84);
    expect(durationBucket(-1)).toBe(0);
    expect(durationBucket(0)).toBe(1);
    expect(durationBucket(10 ** 13)).toBe(83);
    expect(durationBucket(36 * 3_600_000)).toBe(durationBucket(37 * 3_600_000 - 1));
  });

  it("puts every duration in the bucket whose range holds it", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), (ms) => {
        const { from, to } = bucketRange(durationBucket(ms));
        expect(from === undefined || ms >= from).toBe(true);
        expect(to === undefined || ms < to).toBe(true);
      }),
    );
    expect(BUCKET_STARTS_MS.every((start, i) => i === 0 || start > (BUCKET_STARTS_MS[i - 1] as number))).toBe(
      true,
    );
  });

  it("finds the middle value, or the two middle values, from counts per bucket", () => {
    expect(middleOf([0, 3, 0, 2])).toEqual([{ bucket: 1, rank: 3 }]);
    expect(middleOf([0, 2, 0, 2])).toEqual([
      { bucket: 1, rank: 2 },
      { bucket: 3, rank: 1 },
    ]);
    expect(middleOf([0, 0])).toEqual([]);
    expect(locate([2, 0, 5], 4)).toEqual({ bucket: 2, rank: 2 });
  });

  it("agrees with sorting: the values at the targets are the middle of the sorted values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 10 ** 9 }), { minLength: 1 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const buckets = Array.from({ length: DURATION_BUCKETS }, (_, i) =>
          sorted.filter((v) => durationBucket(v) === i),
        );
        const picked = middleOf(buckets.map((b) => b.length)).map((t) => buckets[t.bucket]?.[t.rank - 1]);
        const n = sorted.length;
        expect(picked).toEqual([...new Set([(n + 1) >> 1, (n + 2) >> 1])].map((r) => sorted[r - 1]));
      }),
    );
  });

  it("finds percentile_cont's quantiles from counts per bucket and the values at the ranks located", () => {
    /** PostgreSQL's percentile_cont over sorted values: position p·(n − 1), between the two nearest. */
    const percentileCont = (sorted: number[], p: number) => {
      const position = p * (sorted.length - 1);
      const lo = Math.floor(position);
      const first = sorted[lo] as number;
      const second = sorted[Math.ceil(position)] as number;
      return lo === position ? first : first + (second - first) * (position - lo);
    };
    expect(percentileRanks(11, 0.5)).toEqual({ ranks: [6], fraction: 0 });
    expect(percentileRanks(2, 0.9)).toEqual({ ranks: [1, 2], fraction: 0.9 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000_000, max: 10 ** 11 }), { minLength: 1 }),
        fc.constantFrom(0.5, 0.9, 0.1, 0.99),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const buckets = Array.from({ length: DURATION_BUCKETS }, (_, i) =>
            sorted.filter((v) => durationBucket(v) === i),
          );
          const counts = buckets.map((b) => b.length);
          const { ranks, fraction } = percentileRanks(sorted.length, p);
          const picked = ranks.map((rank) => {
            const t = locate(counts, rank);
            return buckets[t.bucket]?.[t.rank - 1] as number;
          });
          expect(interpolate(picked, fraction)).toBe(percentileCont(sorted, p));
        },
      ),
    );
  });

  it("cuts a bucket into slices that hold exactly the lengths sliceOf assigns them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DURATION_BUCKETS - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: -3, max: 3 }),
        (bucket, at, nudge) => {
          const range = bucketRange(bucket);
          const from = range.from ?? 0;
          const v = Math.max(from, Math.floor(from + at * ((range.to ?? from + 2 ** 36) - from)) + nudge);
          if (range.to !== undefined && v >= range.to) return;
          const i = sliceOf(range, v);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(i).toBeLessThan(SLICES);
          const slice = sliceRange(range, i);
          expect(v >= (slice.from as number) && (slice.to === undefined || v < slice.to)).toBe(true);
          // Slices tile the bucket: each starts where the one before ends.
          if (i > 0) expect(sliceRange(range, i - 1).to).toBe(slice.from);
        },
      ),
      { numRuns: 2000 },
    );
    // The boundaries themselves: a slice's first length is in it, the one before is not.
    const range = bucketRange(60);
    for (let i = 1; i < SLICES; i++) {
      const start = sliceRange(range, i).from as number;
      expect([sliceOf(range, start - 1), sliceOf(range, start)]).toEqual([i - 1, i]);
    }
  });
});

describe("a rank among a side known whole and a window of the other", () => {
  it("gives the value at each rank of both sides sorted together, from the window windowOf places", () => {
    const values = fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 30 });
    fc.assert(
      fc.property(values, values, fc.boolean(), (knownValues, other, asRuns) => {
        const sortedOther = [...other].sort((a, b) => a - b);
        // The known side as one run per value (a point mass is one run) or one run per stay.
        const known: Run[] = asRuns
          ? [...new Set(knownValues)]
              .sort((a, b) => a - b)
              .map((v) => ({
                v,
                n: knownValues.filter((x) => x === v).length,
              }))
          : [...knownValues].sort((a, b) => a - b).map((v) => ({ v, n: 1 }));
        const all = [...knownValues, ...other].sort((a, b) => a - b);
        for (let rank = 1; rank <= all.length; rank++) {
          const { skip, take } = windowOf(knownValues.length, rank);
          const window = sortedOther.slice(skip, skip + take);
          expect(rankAmong(known, skip, window, rank)).toBe(all[rank - 1]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("reads no more of the other side than one value past the known ones", () => {
    expect(windowOf(0, 7)).toEqual({ skip: 6, take: 1 });
    expect(windowOf(3, 7)).toEqual({ skip: 3, take: 4 });
    expect(windowOf(10, 7)).toEqual({ skip: 0, take: 7 });
  });
});
