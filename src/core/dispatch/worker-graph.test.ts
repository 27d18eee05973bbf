import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateDispatchInstance } from "../../../bench/dispatch-data.js";
import {
  DEFAULT_DISPATCH_CONFIG,
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  haversineKm,
} from "./model.js";
import { globalInstance, solvedBothWays } from "./testing.js";
import { pairCostOf, pairScratch, reachIndex, workerGraph, workerPairs } from "./worker-graph.js";

const worker = (over: Partial<DispatchWorker> = {}): DispatchWorker => ({
  id: "w",
  name: "W",
  gender: null,
  languages: ["it"],
  lat: 41.9,
  lon: 12.5,
  maxKm: 50,
  capacity: 2,
  active: 0,
  trust: 0.5,
  status: "active",
  ...over,
});
const contact = (over: Partial<DispatchContact> = {}): DispatchContact => ({
  id: "c",
  name: "C",
  gender: null,
  languages: [],
  lat: 41.91,
  lon: 12.51,
  genderMatch: null,
  priority: 1,
  declinedBy: [],
  ...over,
});

/** Each worker's eligible located contacts (input indices), by eligibility() itself. */
const expectedPairs = (contacts: DispatchContact[], workers: DispatchWorker[], config: DispatchConfig) =>
  workers.map((w) =>
    contacts.flatMap((c, i) => (c.lat !== null && c.lon !== null && eligibility(c, w, config).ok ? [i] : [])),
  );

describe("workerPairs", () => {
  it("lists the same pairs from one reused scratch, whatever order the workers come in", () => {
    fc.assert(
      fc.property(
        globalInstance,
        fc.integer({ min: 0, max: 1000 }),
        ({ contacts, workers, config }, turn) => {
          const index = reachIndex(contacts, workers, config);
          const scratch = pairScratch(index);
          const expected = expectedPairs(contacts, workers, config);
          const order = workers.map((_, w) => (w + turn) % workers.length);
          for (const w of order) {
            const n = workerPairs(index, w, scratch);
            const found = Array.from(scratch.targets.subarray(0, n), (i) => index.contact[i]!);
            expect(found.sort((a, b) => a - b)).toEqual(expected[w]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("costs each listed pair again, alone, to the same double (pairCostOf)", () => {
    // Near pairs (the series), far ones (Math.asin) and pairs at a worker's reach (haversineKm).
    const expectSameCosts = (
      contacts: DispatchContact[],
      workers: DispatchWorker[],
      config: DispatchConfig,
    ) => {
      const index = reachIndex(contacts, workers, config);
      const scratch = pairScratch(index);
      for (let w = 0; w < workers.length; w++) {
        const n = workerPairs(index, w, scratch);
        for (let k = 0; k < n; k++) expect(pairCostOf(index, w, scratch.targets[k]!)).toBe(scratch.costs[k]!);
      }
    };
    fc.assert(
      fc.property(globalInstance, ({ contacts, workers, config }) =>
        expectSameCosts(contacts, workers, config),
      ),
      { numRuns: 200 },
    );
    const { contacts, workers } = generateDispatchInstance(3000, 300, 2);
    expectSameCosts(contacts, workers, DEFAULT_DISPATCH_CONFIG);
    // A worker whose reach is exactly the distance to its contact: h at the threshold, so haversineKm decides.
    const atReach = haversineKm(41.9537, 12.5261, 41.9, 12.5);
    const edge = [worker({ maxKm: atReach }), worker({ maxKm: 500, lat: 45, trust: 0.9 })];
    const edgeContacts = [
      contact({ lat: 41.9537, lon: 12.5261 }),
      contact({ lat: 41.9, lon: 12.5 }),
      contact({ lat: 48 }),
    ];
    expectSameCosts(edgeContacts, edge, DEFAULT_DISPATCH_CONFIG);
  });

  it("checks languages over more than 32 codes and declined workers outside the fast loop", () => {
    const codes = Array.from({ length: 40 }, (_, i) =>
      String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26)),
    );
    const workers = codes.map((code, i) => worker({ id: `w${i}`, languages: [code, "it"] }));
    const contacts = [
      contact({ id: "c0", languages: [codes[35]!, "zz"] }),
      contact({ id: "c1", languages: [codes[3]!], declinedBy: ["w3"] }),
      contact({ id: "c2", languages: ["it"], declinedBy: ["w0", "w39", "nobody"] }),
    ];
    const graph = workerGraph(contacts, workers, DEFAULT_DISPATCH_CONFIG);
    const expected = expectedPairs(contacts, workers, DEFAULT_DISPATCH_CONFIG);
    workers.forEach((_, w) => {
      expect(Array.from(graph.targets[w]!, (i) => graph.contact[i]!)).toEqual(expected[w]);
    });
    expect(expected[35]).toEqual([0, 2]);
    expect(expected[3]).toEqual([2]);
    expect(expected[0]).toEqual([]);
  });

  it("lists nothing for a paused worker or one without room", () => {
    const workers = [worker({ status: "paused" }), worker({ capacity: 2, active: 2 }), worker()];
    const index = reachIndex([contact()], workers, DEFAULT_DISPATCH_CONFIG);
    const scratch = pairScratch(index);
    expect(workers.map((_, w) => workerPairs(index, w, scratch))).toEqual([0, 0, 1]);
  });
});

describe("solveByColumns on medium instances", () => {
  const configs: Array<[string, DispatchConfig]> = [
    ["the default config", DEFAULT_DISPATCH_CONFIG],
    [
      "a small assign_value, so leaving contacts out pays",
      { sameGenderDefault: false, assignValue: 60, weights: { distancePerKm: 1.5, trust: 80, load: 120 } },
    ],
  ];
  for (const [name, config] of configs) {
    for (const seed of [21, 22]) {
      it(`matches successive shortest paths under ${name} (seed ${seed})`, () => {
        const { contacts, workers } = generateDispatchInstance(1500, 120, seed);
        const { columns, paths, hasWorker } = solvedBothWays(contacts, workers, config);
        expect(Math.abs(columns - paths)).toBeLessThanOrEqual(1e-6 * contacts.length);
        contacts.forEach((c, i) => {
          const any = workers.some((w) => eligibility(c, w, config).ok);
          expect(hasWorker[i]).toBe(any ? 1 : 0);
        });
      });
    }
  }
});
