/** Test support: random dispatch instances for property tests, and the checks every plan must pass. */
import fc from "fast-check";
import { expect } from "vitest";
import { solveByColumns } from "./column-flow.js";
import {
  DEFAULT_DISPATCH_CONFIG,
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  planObjective,
} from "./model.js";
import { solvePlaceFlow } from "./place-flow.js";
import type { DispatchPlan } from "./plan.js";
import { reachIndex, workerGraph } from "./worker-graph.js";

const LANGUAGES = ["it", "en", "el", "ar"];

export interface Instance {
  contacts: DispatchContact[];
  workers: DispatchWorker[];
  config: DispatchConfig;
}

/** A point near (lat, lon), within about `spread` degrees, so distances matter against max_km. */
const near = (lat: number, lon: number, spread: number) =>
  fc.record({
    lat: fc.double({ min: lat - spread, max: lat + spread, noNaN: true }),
    lon: fc.double({ min: lon - spread, max: lon + spread, noNaN: true }),
  });

/** Anywhere on Earth, with the poles and the antimeridian made likely. */
const anywhere = fc.oneof(
  fc.record({
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
  }),
  near(89.7, 0, 0.3).map(({ lat, lon }) => ({ lat: Math.min(lat, 90), lon: lon * 500 })),
  near(-89.7, 0, 0.3).map(({ lat, lon }) => ({ lat: Math.max(lat, -90), lon: lon * 500 })),
  near(10, 179.8, 0.2).map(({ lat, lon }) => ({ lat, lon: lon > 180 ? lon - 360 : lon })),
);

const gender = fc.constantFrom("m" as const, "f" as const, null);

export function workerArbitrary(
  id: string,
  place: fc.Arbitrary<{ lat: number; lon: number }>,
): fc.Arbitrary<DispatchWorker> {
  return fc
    .record({
      id: fc.constant(id),
      name: fc.constant(`Worker ${id}`),
      gender,
      languages: fc.subarray(LANGUAGES, { minLength: 1 }),
      place,
      maxKm: fc.double({ min: 1, max: 90, noNaN: true }),
      capacity: fc.integer({ min: 0, max: 4 }),
      active: fc.integer({ min: 0, max: 3 }),
      trust: fc.double({ min: 0, max: 1, noNaN: true }),
      status: fc.constantFrom("active" as const, "active" as const, "active" as const, "paused" as const),
    })
    .map(({ place: { lat, lon }, ...rest }) => ({ ...rest, lat, lon }));
}

export function contactArbitrary(
  id: string,
  place: fc.Arbitrary<{ lat: number; lon: number }>,
  workerIds: string[],
  unlocated = 0.1,
): fc.Arbitrary<DispatchContact> {
  return fc
    .record({
      id: fc.constant(id),
      name: fc.constant(`Contact ${id}`),
      gender,
      languages: fc.subarray(unlocated > 0.5 ? LANGUAGES.slice(0, 2) : LANGUAGES),
      place: fc.option(place, { freq: Math.max(1, Math.round((1 - unlocated) / unlocated)), nil: null }),
      genderMatch: fc.constantFrom("same" as const, "any" as const, null),
      priority: fc.integer({ min: 1, max: 3 }),
      declinedBy: fc.subarray([...workerIds, "nobody"], { maxLength: Math.min(2, workerIds.length + 1) }),
    })
    .map(({ place: location, ...rest }) => ({
      ...rest,
      lat: location?.lat ?? null,
      lon: location?.lon ?? null,
    }));
}

/** Configs from the default to ones where skipping or dropping a contact is the better choice. */
export const configArbitrary: fc.Arbitrary<DispatchConfig> = fc.record({
  sameGenderDefault: fc.boolean(),
  assignValue: fc.oneof(fc.constant(10_000), fc.constant(0), fc.double({ min: 0, max: 200, noNaN: true })),
  weights: fc.record({
    distancePerKm: fc.double({ min: 0, max: 3, noNaN: true }),
    trust: fc.double({ min: 0, max: 100, noNaN: true }),
    load: fc.double({ min: 0, max: 150, noNaN: true }),
  }),
});

function instance(
  maxContacts: number,
  maxWorkers: number,
  place: fc.Arbitrary<{ lat: number; lon: number }>,
  unlocated = 0.1,
): fc.Arbitrary<Instance> {
  return fc
    .record({
      contacts: fc.integer({ min: 0, max: maxContacts }),
      workers: fc.integer({ min: 0, max: maxWorkers }),
    })
    .chain(({ contacts, workers }) => {
      const workerIds = Array.from({ length: workers }, (_, i) => `w${i}`);
      return fc.record({
        workers: fc.tuple(...workerIds.map((id) => workerArbitrary(id, place))),
        contacts: fc.tuple(
          ...Array.from({ length: contacts }, (_, i) =>
            contactArbitrary(`c${i}`, place, workerIds, unlocated),
          ),
        ),
        config: configArbitrary,
      });
    });
}

/** Up to 7 contacts and 4 workers around Milan, within ~55 km of each other. */
export const smallInstance = instance(7, 4, near(45.46, 9.19, 0.5));

/**
 * 20–80 contacts with priorities 1–6 and 2–10 workers around Milan: each worker has dozens of
 * pairs in several value groups, and places are scarce, so the searches of place-flow.ts skip
 * pairs by their bounds (brute force cannot check these; cost scaling can).
 */
export const denseInstance: fc.Arbitrary<Instance> = fc
  .record({ contacts: fc.integer({ min: 20, max: 80 }), workers: fc.integer({ min: 2, max: 10 }) })
  .chain(({ contacts, workers }) => {
    const place = near(45.46, 9.19, 0.3);
    const workerIds = Array.from({ length: workers }, (_, i) => `w${i}`);
    return fc.record({
      workers: fc.tuple(...workerIds.map((id) => workerArbitrary(id, place))),
      contacts: fc.tuple(
        ...Array.from({ length: contacts }, (_, i) =>
          fc
            .tuple(contactArbitrary(`c${i}`, place, workerIds), fc.integer({ min: 1, max: 6 }))
            .map(([contact, priority]) => ({ ...contact, priority })),
        ),
      ),
      config: configArbitrary,
    });
  });

/**
 * 60–160 contacts and 6–20 workers in three cities (two 45 km apart, one far), on a dozen street
 * corners so many pairs cost the same, a quarter of the contacts without a location (hubs joining
 * the cities), trust 0.5 or 0.8 and small capacities: the searches of place-flow.ts meet ties,
 * hubs and moved contacts at every step (brute force cannot check these; cost scaling can).
 */
export const cityInstance: fc.Arbitrary<Instance> = fc
  .record({ contacts: fc.integer({ min: 60, max: 160 }), workers: fc.integer({ min: 6, max: 20 }) })
  .chain(({ contacts, workers }) => {
    const corners = [
      [45.46, 9.19],
      [45.47, 9.2],
      [45.44, 9.16],
      [45.7, 9.67],
      [45.69, 9.66],
      [45.07, 7.69],
    ].flatMap(([lat, lon]) => [
      { lat: lat!, lon: lon! },
      { lat: lat! + 0.02, lon: lon! },
    ]);
    const place = fc.constantFrom(...corners);
    const workerIds = Array.from({ length: workers }, (_, i) => `w${i}`);
    return fc.record({
      workers: fc.tuple(
        ...workerIds.map((id) =>
          fc
            .tuple(
              workerArbitrary(id, place),
              fc.constantFrom(0.5, 0.8),
              fc.integer({ min: 1, max: 6 }),
              fc.integer({ min: 0, max: 1 }),
            )
            .map(([worker, trust, capacity, active]) => ({ ...worker, trust, capacity, active, maxKm: 60 })),
        ),
      ),
      contacts: fc.tuple(
        ...Array.from({ length: contacts }, (_, i) => contactArbitrary(`c${i}`, place, workerIds, 0.25)),
      ),
      config: fc.constantFrom(
        DEFAULT_DISPATCH_CONFIG,
        { ...DEFAULT_DISPATCH_CONFIG, assignValue: 100 },
        { ...DEFAULT_DISPATCH_CONFIG, weights: { distancePerKm: 2, trust: 10, load: 300 } },
      ),
    });
  });

/** Mostly contacts without a location and few languages, so many of them share a hub. */
export const unlocatedInstance = instance(7, 4, near(45.46, 9.19, 0.5), 0.7);

/** More contacts and workers spread over the whole globe, poles and antimeridian included. */
export const globalInstance = instance(30, 30, anywhere);

/** Every rule of contract.md that any plan must keep, whatever its objective. */
export function expectValidPlan({ contacts, workers, config }: Instance, plan: DispatchPlan): void {
  expect(plan.assignments).toHaveLength(contacts.length);
  const given = new Array<number>(workers.length).fill(0);
  let unassigned = 0;
  plan.assignments.forEach((a, c) => {
    expect(a.contactIndex).toBe(c);
    const contact = contacts[c]!;
    if (a.workerIndex >= 0) {
      const verdict = eligibility(contact, workers[a.workerIndex]!, config);
      expect(verdict.ok).toBe(true);
      expect(a.reason).toBeNull();
      expect(a.distanceKm).toBe(verdict.ok ? verdict.distanceKm : Number.NaN);
      given[a.workerIndex]! += 1;
    } else {
      unassigned++;
      expect(a.distanceKm).toBeNull();
      const anyIgnoringCapacity = workers.some(
        (worker) => eligibility(contact, worker, config, { ignoreCapacity: true }).ok,
      );
      expect(a.reason).toBe(anyIgnoringCapacity ? "no_capacity" : "no_eligible_worker");
    }
  });
  workers.forEach((worker, w) => {
    expect(given[w]!).toBeLessThanOrEqual(Math.max(0, worker.capacity - worker.active));
  });
  expect(plan.assigned).toBe(contacts.length - unassigned);
  expect(plan.counts.no_capacity + plan.counts.no_eligible_worker).toBe(unassigned);
  const workerOf = plan.assignments.map((a) => a.workerIndex);
  expect(plan.objective).toBeCloseTo(planObjective(contacts, workers, config, workerOf), 6);
}

/**
 * One instance solved by both exact solvers, for tests that compare them: the objective by cost scaling
 * with pricing (column-flow.ts) and by successive shortest paths (place-flow.ts), and which contacts
 * the former found an eligible worker for.
 */
export function solvedBothWays(
  contacts: DispatchContact[],
  workers: DispatchWorker[],
  config: DispatchConfig,
): { columns: number; paths: number; hasWorker: Uint8Array } {
  const byColumns = solveByColumns(contacts, workers, config, reachIndex(contacts, workers, config));
  const byPaths = solvePlaceFlow(contacts, workers, config, workerGraph(contacts, workers, config));
  return {
    columns: planObjective(contacts, workers, config, byColumns.workerOf),
    paths: planObjective(contacts, workers, config, byPaths),
    hasWorker: byColumns.hasWorker,
  };
}
