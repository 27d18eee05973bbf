import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRACK_RECORD, EMPTY_HISTORY, trackRecord } from "./track-record.js";

describe("trackRecord", () => {
  it("starts a new worker at 0.5", () => {
    expect(trackRecord(EMPTY_HISTORY, DEFAULT_TRACK_RECORD).trust).toBeCloseTo(0.5, 12);
  });

  it("rewards accepting, reaching quickly and meeting; punishes declining", () => {
    const good = trackRecord(
      { ...EMPTY_HISTORY, accepted: 10, reachedInTime: 9, met: 7 },
      DEFAULT_TRACK_RECORD,
    );
    const poor = trackRecord(
      { ...EMPTY_HISTORY, accepted: 2, declined: 8, reachedInTime: 0, met: 0 },
      DEFAULT_TRACK_RECORD,
    );
    expect(good.trust).toBeGreaterThan(0.7);
    expect(poor.trust).toBeLessThan(0.35);
  });

  it("moves a worker only a little on one event", () => {
    const one = trackRecord({ ...EMPTY_HISTORY, declined: 1 }, DEFAULT_TRACK_RECORD);
    expect(one.trust).toBeGreaterThan(0.45);
  });

  it("always lies in [0, 1] and never falls when a success is added", () => {
    const n = fc.nat(50);
    fc.assert(
      fc.property(n, n, n, n, n, (accepted, declined, expired, reached, met) => {
        const history = {
          ...EMPTY_HISTORY,
          accepted,
          declined,
          expired,
          reachedInTime: Math.min(reached, accepted),
          met: Math.min(met, accepted),
        };
        const base = trackRecord(history, DEFAULT_TRACK_RECORD).trust;
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(1);
        const more = trackRecord(
          {
            ...history,
            accepted: accepted + 1,
            reachedInTime: history.reachedInTime + 1,
            met: history.met + 1,
          },
          DEFAULT_TRACK_RECORD,
        ).trust;
        expect(more).toBeGreaterThanOrEqual(base - 1e-12);
      }),
    );
  });
});
