import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteForceObjective } from "./brute.js";
import { solveByColumns } from "./column-flow.js";
import { eligibility, planObjective } from "./model.js";
import { solvePlaceFlow } from "./place-flow.js";
import { planDispatch } from "./plan.js";
import {
  cityInstance,
  denseInstance,
  expectValidPlan,
  globalInstance,
  type Instance,
  smallInstance,
  unlocatedInstance,
} from "./testing.js";
import { reachIndex, workerGraph } from "./worker-graph.js";

/** Whether the workers' free places are fewer than the contacts (an oversubscribed instance). */
const side = ({ contacts, workers }: Instance): "places" | "contacts" => {
  let places = 0;
  for (const worker of workers) {
    if (worker.status === "active")
      places += Math.max(0, Math.min(worker.capacity - worker.active, contacts.length));
  }
  return places < contacts.length ? "places" : "contacts";
};

/** One instance solved by successive shortest paths (hubs joined as asked) and by cost scaling. */
function bothSolvers({ contacts, workers, config }: Instance, hubsLast: boolean) {
  const paths = solvePlaceFlow(contacts, workers, config, workerGraph(contacts, workers, config), undefined, {
    hubsLast,
  });
  const scaling = solveByColumns(contacts, workers, config, reachIndex(contacts, workers, config)).workerOf;
  return { paths, scaling };
}

function expectSameObjective(
  { contacts, workers, config }: Instance,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
) {
  const objective = planObjective(contacts, workers, config, a);
  expect(Math.abs(objective - planObjective(contacts, workers, config, b))).toBeLessThanOrEqual(
    1e-6 * Math.max(1, contacts.length),
  );
}

/** Both ways of joining the hubs: crossed by every search, or joined after the places. */
const HUB_MODES = [
  ["hubs in every search", false],
  ["hubs last", true],
] as const;

describe.each(HUB_MODES)("solvePlaceFlow with %s", (_, hubsLast) => {
  it("reaches the brute-force optimum whether places or contacts are scarcer", () => {
    fc.assert(
      fc.property(fc.oneof(smallInstance, unlocatedInstance), ({ contacts, workers, config }) => {
        const workerOf = solvePlaceFlow(
          contacts,
          workers,
          config,
          workerGraph(contacts, workers, config),
          undefined,
          { hubsLast },
        );
        workerOf.forEach((w, c) => {
          if (w >= 0) expect(eligibility(contacts[c]!, workers[w]!, config).ok).toBe(true);
        });
        const given = new Array<number>(workers.length).fill(0);
        for (const w of workerOf) if (w >= 0) given[w]!++;
        workers.forEach((worker, w) => {
          expect(given[w]!).toBeLessThanOrEqual(Math.max(0, worker.capacity - worker.active));
        });
        const objective = planObjective(contacts, workers, config, workerOf);
        expect(Math.abs(objective - bruteForceObjective(contacts, workers, config))).toBeLessThanOrEqual(
          1e-6,
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe.each(HUB_MODES)("solvePlaceFlow's pruned scans with %s", (_, hubsLast) => {
  it("reach cost scaling's optimum on dense instances with six priorities", () => {
    fc.assert(
      fc.property(denseInstance, ({ contacts, workers, config }) => {
        const { paths, scaling } = bothSolvers({ contacts, workers, config }, hubsLast);
        workers.forEach((worker, w) => {
          let given = 0;
          for (const holder of paths) if (holder === w) given++;
          expect(given).toBeLessThanOrEqual(Math.max(0, worker.capacity - worker.active));
        });
        paths.forEach((w, c) => {
          if (w >= 0) expect(eligibility(contacts[c]!, workers[w]!, config).ok).toBe(true);
        });
        expectSameObjective({ contacts, workers, config }, paths, scaling);
      }),
      { numRuns: 150 },
    );
  });
});

describe.each(HUB_MODES)("solvePlaceFlow's deferred scans with %s", (_, hubsLast) => {
  it("reach cost scaling's optimum in cities joined by hubs, with ties and tight capacities", () => {
    fc.assert(
      fc.property(cityInstance, ({ contacts, workers, config }) => {
        const { paths, scaling } = bothSolvers({ contacts, workers, config }, hubsLast);
        expectSameObjective({ contacts, workers, config }, paths, scaling);
      }),
      { numRuns: 120 },
    );
  });
});

describe("planDispatch on over- and undersubscribed instances", () => {
  it("reaches the brute-force optimum when places are scarcer than contacts", () => {
    fc.assert(
      fc.property(
        fc.oneof(smallInstance, unlocatedInstance).filter((instance) => side(instance) === "places"),
        (instance) => {
          const plan = planDispatch(instance.contacts, instance.workers, instance.config);
          const best = bruteForceObjective(instance.contacts, instance.workers, instance.config);
          expect(Math.abs(plan.objective - best)).toBeLessThanOrEqual(1e-6);
          expectValidPlan(instance, plan);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reaches the brute-force optimum when contacts are scarcer than places", () => {
    fc.assert(
      fc.property(
        fc.oneof(smallInstance, unlocatedInstance).filter((instance) => side(instance) === "contacts"),
        (instance) => {
          const plan = planDispatch(instance.contacts, instance.workers, instance.config);
          const best = bruteForceObjective(instance.contacts, instance.workers, instance.config);
          expect(Math.abs(plan.objective - best)).toBeLessThanOrEqual(1e-6);
          expectValidPlan(instance, plan);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("workerGraph", () => {
  it("holds exactly the eligible pairs, near the poles and across the antimeridian too", () => {
    fc.assert(
      fc.property(globalInstance, ({ contacts, workers, config }) => {
        const graph = workerGraph(contacts, workers, config);
        const hubOf = new Map<number, number>();
        for (let h = 0; h + 1 < graph.hubStart.length; h++) {
          for (let m = graph.hubStart[h]!; m < graph.hubStart[h + 1]!; m++)
            hubOf.set(graph.hubMembers[m]!, h);
        }
        workers.forEach((worker, w) => {
          const found = new Map<number, number>();
          const list = graph.targets[w]!;
          list.forEach((i, k) => {
            if (k > 0) expect(i).toBeGreaterThan(list[k - 1]!);
            found.set(graph.contact[i]!, graph.costs[w]![k]!);
          });
          const hubs = new Set(graph.hubArcHub.subarray(graph.hubOffsets[w]!, graph.hubOffsets[w + 1]!));
          contacts.forEach((contact, c) => {
            const verdict = eligibility(contact, worker, config);
            if (contact.lat === null || contact.lon === null) {
              expect(hubs.has(hubOf.get(c)!)).toBe(verdict.ok);
              return;
            }
            expect(found.has(c)).toBe(verdict.ok);
            if (verdict.ok) {
              const cost = verdict.distanceTerm + verdict.trustTerm;
              expect(Math.abs(found.get(c)! - cost)).toBeLessThanOrEqual(1e-9 * Math.max(1, cost));
            }
          });
        });
        contacts.forEach((contact, c) => {
          const any = workers.some((worker) => eligibility(contact, worker, config).ok);
          expect(graph.hasWorker[c]).toBe(any ? 1 : 0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("puts contacts without a location in one hub exactly when they may take the same workers", () => {
    fc.assert(
      fc.property(unlocatedInstance, ({ contacts, workers, config }) => {
        const graph = workerGraph(contacts, workers, config);
        for (let h = 0; h + 1 < graph.hubStart.length; h++) {
          const members = Array.from(graph.hubMembers.subarray(graph.hubStart[h]!, graph.hubStart[h + 1]!));
          members.forEach((c, k) => {
            if (k > 0) expect(contacts[c]!.priority).toBeLessThanOrEqual(contacts[members[k - 1]!]!.priority);
            for (const worker of workers) {
              expect(eligibility(contacts[c]!, worker, config).ok).toBe(
                eligibility(contacts[members[0]!]!, worker, config).ok,
              );
            }
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
