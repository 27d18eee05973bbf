import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateDispatchInstance } from "../../../bench/dispatch-data.js";
import { bruteForceObjective } from "./brute.js";
import { float32LowerBound, solveByColumns } from "./column-flow.js";
import { DEFAULT_DISPATCH_CONFIG, eligibility, planObjective } from "./model.js";
import { smallInstance, solvedBothWays, unlocatedInstance } from "./testing.js";
import { reachIndex } from "./worker-graph.js";

const NO_ARCS = { perContact: 0, perWorker: 0, hubPerMember: 0, hubMin: 0 };
const ONE_ARC = { perContact: 1, perWorker: 1, hubPerMember: 0, hubMin: 1 };

describe("solveByColumns", () => {
  it("reaches the brute-force optimum when every pair has to be priced in", () => {
    fc.assert(
      fc.property(
        fc.oneof(smallInstance, unlocatedInstance),
        fc.constantFrom(NO_ARCS, ONE_ARC),
        ({ contacts, workers, config }, startingArcs) => {
          const index = reachIndex(contacts, workers, config);
          const { workerOf } = solveByColumns(contacts, workers, config, index, { startingArcs });
          const given = new Array<number>(workers.length).fill(0);
          workerOf.forEach((w, c) => {
            if (w < 0) return;
            expect(eligibility(contacts[c]!, workers[w]!, config).ok).toBe(true);
            given[w]!++;
          });
          workers.forEach((worker, w) => {
            expect(given[w]!).toBeLessThanOrEqual(Math.max(0, worker.capacity - worker.active));
          });
          const objective = planObjective(contacts, workers, config, workerOf);
          expect(Math.abs(objective - bruteForceObjective(contacts, workers, config))).toBeLessThanOrEqual(
            1e-6,
          );
        },
      ),
      { numRuns: 400 },
    );
    // The brute force behind each of the 400 runs takes 7–22 s in all on an idle machine, depending on
    // the instances drawn, and past 30 s beside the other unit files on two busy cores.
  }, 120_000);

  it("bounds from below every double that a kept float32 cost stands for", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (cost) => {
        expect(float32LowerBound(Math.fround(cost))).toBeLessThanOrEqual(cost);
      }),
      { numRuns: 2000 },
    );
    // Values just below a power of two round up to it; values past float32's range, to infinity.
    for (const cost of [1 - 2 ** -26, 128 - 2 ** -19, 2 ** -130, 1e-46, 3.4028235e38, 1e300])
      expect(float32LowerBound(Math.fround(cost))).toBeLessThanOrEqual(cost);
  });

  // 10,000 × 1,000: pairs still join at fine ε, so a pricing that skips a worker it should read
  // (its bound on the pairs left out raised by 5) ends 1.6 below the optimum here.
  for (const [contactCount, workerCount, seed] of [
    [3000, 300, 5],
    [4000, 250, 6],
    [10000, 1000, 1],
  ] as const) {
    it(`matches successive shortest paths on ${contactCount} contacts × ${workerCount} workers (seed ${seed})`, () => {
      const { contacts, workers } = generateDispatchInstance(contactCount, workerCount, seed);
      const { columns, paths } = solvedBothWays(contacts, workers, DEFAULT_DISPATCH_CONFIG);
      expect(Math.abs(columns - paths)).toBeLessThanOrEqual(1e-6 * contactCount);
    });
  }

  it("matches successive shortest paths when every contact has a location (no hub)", () => {
    // With pricing only once ε was fine, a contact worth 10,000 with no starting arc joined at
    // ε = 7.3 with a violation of 9,846, and the next refine (ε = 0.92) lowered every price in
    // steps of ε for more than ten minutes on this instance.
    const generated = generateDispatchInstance(20000, 2000, 1);
    const contacts = generated.contacts.filter((contact) => contact.lat !== null);
    const { columns, paths } = solvedBothWays(contacts, generated.workers, DEFAULT_DISPATCH_CONFIG);
    expect(Math.abs(columns - paths)).toBeLessThanOrEqual(1e-6 * contacts.length);
  });
});
