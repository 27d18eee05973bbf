import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteForceObjective } from "./brute.js";
import { candidateGraph, hasEligibleWorkerIgnoringCapacity } from "./candidates.js";
import {
  DEFAULT_DISPATCH_CONFIG,
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  hasRoom,
} from "./model.js";
import { PATHS_UP_TO_CANDIDATES, planDispatch, solverFor } from "./plan.js";
import { expectValidPlan, globalInstance, smallInstance, unlocatedInstance } from "./testing.js";

const worker = (over: Partial<DispatchWorker> = {}): DispatchWorker => ({
  id: "w",
  name: "W",
  gender: null,
  languages: ["it"],
  lat: 41.9,
  lon: 12.5,
  maxKm: 50,
  capacity: 1,
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
  lat: 41.9,
  lon: 12.5,
  genderMatch: null,
  priority: 1,
  declinedBy: [],
  ...over,
});

describe("planDispatch", () => {
  for (const solver of ["paths", "scaling"] as const) {
    it(`reaches the brute-force optimum on small random instances by ${solver}`, () => {
      fc.assert(
        fc.property(smallInstance, (instance) => {
          const plan = planDispatch(instance.contacts, instance.workers, instance.config, { solver });
          const best = bruteForceObjective(instance.contacts, instance.workers, instance.config);
          expect(Math.abs(plan.objective - best)).toBeLessThanOrEqual(1e-6);
          expectValidPlan(instance, plan);
        }),
        { numRuns: 400 },
      );
    });
  }

  it("chooses successive shortest paths for small instances and cost scaling for large ones", () => {
    expect(solverFor(0)).toBe("paths");
    expect(solverFor(PATHS_UP_TO_CANDIDATES)).toBe("paths");
    expect(solverFor(PATHS_UP_TO_CANDIDATES + 1)).toBe("scaling");
  });

  it("reaches the brute-force optimum when many contacts share a hub", () => {
    fc.assert(
      fc.property(unlocatedInstance, (instance) => {
        const plan = planDispatch(instance.contacts, instance.workers, instance.config);
        const best = bruteForceObjective(instance.contacts, instance.workers, instance.config);
        expect(Math.abs(plan.objective - best)).toBeLessThanOrEqual(1e-6);
        expectValidPlan(instance, plan);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every rule and every worker's room", () => {
    fc.assert(
      fc.property(fc.oneof(smallInstance, globalInstance), (instance) => {
        expectValidPlan(instance, planDispatch(instance.contacts, instance.workers, instance.config));
      }),
      { numRuns: 300 },
    );
  });

  it("moves an earlier contact to free the only worker a later one can take", () => {
    const workers = [worker({ id: "near", lon: 12.5 }), worker({ id: "far", lon: 12.9, maxKm: 60 })];
    // c0 reaches both workers, c1 only "near": the optimum gives "near" to c1 and "far" to c0.
    const contacts = [contact({ id: "c0", priority: 2, lon: 12.7 }), contact({ id: "c1", lon: 12.45 })];
    const plan = planDispatch(contacts, workers, DEFAULT_DISPATCH_CONFIG);
    expect(plan.assignments.map((a) => workers[a.workerIndex]?.id)).toEqual(["far", "near"]);
  });

  it("drops a lower-priority contact for a higher one that only one worker can take", () => {
    const workers = [worker({ id: "only" })];
    const contacts = [contact({ id: "low", priority: 1 }), contact({ id: "high", priority: 3 })];
    const plan = planDispatch(contacts, workers, DEFAULT_DISPATCH_CONFIG);
    expect(plan.assignments.map((a) => a.reason)).toEqual(["no_capacity", null]);
  });

  it("leaves a contact unassigned when its score does not pay for the worker's load", () => {
    const config: DispatchConfig = { ...DEFAULT_DISPATCH_CONFIG, assignValue: 10 };
    const plan = planDispatch([contact()], [worker()], config);
    expect(plan.assignments[0]).toMatchObject({ workerIndex: -1, reason: "no_capacity" });
    expect(plan.objective).toBe(0);
  });

  it("tells a contact no worker could ever take from one that lost to capacity", () => {
    const workers = [
      worker({ id: "full", capacity: 2, active: 2 }),
      worker({ id: "paused", status: "paused" }),
    ];
    const plan = planDispatch([contact(), contact({ languages: ["el"] })], workers, DEFAULT_DISPATCH_CONFIG);
    expect(plan.assignments.map((a) => a.reason)).toEqual(["no_capacity", "no_eligible_worker"]);
    expect(plan.counts).toEqual({ no_capacity: 1, no_eligible_worker: 1 });
  });

  it("gives a contact without a location distance 0 to any worker", () => {
    const plan = planDispatch([contact({ lat: null, lon: null })], [worker({ lat: -33.9, lon: 151.2 })], {
      ...DEFAULT_DISPATCH_CONFIG,
    });
    expect(plan.assignments[0]).toMatchObject({ workerIndex: 0, distanceKm: 0 });
  });

  it("gives a worker with a huge capacity only the places it can use", () => {
    const workers = [worker({ capacity: 2_000_000_000, active: 3 })];
    const plan = planDispatch([contact(), contact({ id: "c2" })], workers, DEFAULT_DISPATCH_CONFIG);
    expect(plan.assigned).toBe(2);
  });

  it("handles no contacts and no workers", () => {
    expect(planDispatch([], [], DEFAULT_DISPATCH_CONFIG)).toMatchObject({ assignments: [], objective: 0 });
    const plan = planDispatch([contact()], [], DEFAULT_DISPATCH_CONFIG);
    expect(plan.assignments[0]?.reason).toBe("no_eligible_worker");
  });
});

describe("candidateGraph", () => {
  it("holds exactly the eligible pairs, near the poles and across the antimeridian too", () => {
    fc.assert(
      fc.property(globalInstance, ({ contacts, workers, config }) => {
        const graph = candidateGraph(contacts, workers, config);
        contacts.forEach((c, ci) => {
          const found = new Map<number, number>();
          for (let e = graph.offsets[ci]!; e < graph.offsets[ci + 1]!; e++) {
            found.set(graph.worker[e]!, graph.cost[e]!);
          }
          workers.forEach((w, wi) => {
            const verdict = eligibility(c, w, config);
            expect(found.has(wi)).toBe(verdict.ok);
            if (verdict.ok) expect(found.get(wi)).toBe(-verdict.score);
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it("matches languages when the instance has more than 32 codes", () => {
    const codes = Array.from({ length: 40 }, (_, i) =>
      String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26)),
    );
    const workers = codes.map((code, i) => worker({ id: `w${i}`, languages: [code] }));
    const graph = candidateGraph(
      [contact({ languages: [codes[35]!, "zz"] })],
      workers,
      DEFAULT_DISPATCH_CONFIG,
    );
    expect(Array.from(graph.worker)).toEqual([35]);
  });

  it("finds a worker just inside its reach across the antimeridian", () => {
    const w = worker({ lat: 0, lon: 179.9, maxKm: 30 });
    const c = contact({ lat: 0, lon: -179.9 });
    expect(eligibility(c, w, DEFAULT_DISPATCH_CONFIG).ok).toBe(true);
    const graph = candidateGraph([c], [w], DEFAULT_DISPATCH_CONFIG);
    expect(Array.from(graph.worker)).toEqual([0]);
  });

  it("indexes only workers with room unless capacity is ignored", () => {
    const workers = [worker({ capacity: 1, active: 1 }), worker({ status: "paused" })];
    expect(hasRoom(workers[0]!)).toBe(false);
    expect(candidateGraph([contact()], workers, DEFAULT_DISPATCH_CONFIG).worker).toHaveLength(0);
    const ignoring = hasEligibleWorkerIgnoringCapacity([contact()], workers, DEFAULT_DISPATCH_CONFIG, [0]);
    expect(Array.from(ignoring)).toEqual([1]);
  });
});
