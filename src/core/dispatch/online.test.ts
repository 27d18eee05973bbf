import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DISPATCH_CONFIG, type DispatchContact, type DispatchWorker } from "./model.js";
import { buildOnlineIndex, pickWorker, pickWorkerByScan } from "./online.js";
import { suggestWorkers } from "./suggest.js";

const worker = fc.record({
  id: fc.uuid(),
  name: fc.constant("w"),
  gender: fc.constantFrom<"m" | "f" | null>("m", "f", null),
  languages: fc.subarray(["it", "el", "en"], { minLength: 1 }),
  lat: fc.double({ min: 37, max: 46, noNaN: true }),
  lon: fc.double({ min: 7, max: 24, noNaN: true }),
  maxKm: fc.double({ min: 5, max: 150, noNaN: true }),
  capacity: fc.integer({ min: 1, max: 10 }),
  active: fc.integer({ min: 0, max: 10 }),
  trust: fc.double({ min: 0, max: 1, noNaN: true }),
  status: fc.constantFrom<"active" | "paused">("active", "active", "paused"),
}) as fc.Arbitrary<DispatchWorker>;

const contact = fc
  .record({
    id: fc.constant("c"),
    name: fc.constant("c"),
    gender: fc.constantFrom<"m" | "f" | null>("m", "f", null),
    languages: fc.subarray(["it", "el", "en"]),
    lat: fc.option(fc.double({ min: 37, max: 46, noNaN: true }), { nil: null }),
    lon: fc.double({ min: 7, max: 24, noNaN: true }),
    genderMatch: fc.constantFrom<"same" | "any" | null>("same", "any", null),
    priority: fc.integer({ min: 1, max: 3 }),
    declinedBy: fc.constant([] as string[]),
  })
  .map((c): DispatchContact => ({ ...c, lon: c.lat === null ? null : c.lon }));

describe("pickWorker", () => {
  it("picks what a scan of every worker would rank first", () => {
    fc.assert(
      fc.property(fc.array(worker, { maxLength: 60 }), contact, (workers, c) => {
        const picked = pickWorker(buildOnlineIndex(workers), c, DEFAULT_DISPATCH_CONFIG);
        const best = suggestWorkers(c, workers, DEFAULT_DISPATCH_CONFIG).ranked[0];
        expect(picked?.marginal ?? null).toBe(best?.marginal ?? null);
        expect(pickWorkerByScan(workers, c, DEFAULT_DISPATCH_CONFIG)?.marginal ?? null).toBe(
          best?.marginal ?? null,
        );
      }),
      { numRuns: 300 },
    );
  });
});
