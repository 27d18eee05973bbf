import { describe, expect, it } from "vitest";
import { DEFAULT_DISPATCH_CONFIG, type DispatchContact, type DispatchWorker } from "./model.js";
import { suggestWorkers } from "./suggest.js";

const worker = (over: Partial<DispatchWorker>): DispatchWorker => ({
  id: "w",
  name: "W",
  gender: "f",
  languages: ["it"],
  lat: 41.9,
  lon: 12.5,
  maxKm: 50,
  capacity: 10,
  active: 0,
  trust: 0.5,
  status: "active",
  ...over,
});

const contact: DispatchContact = {
  id: "c",
  name: "C",
  gender: "f",
  languages: ["it"],
  lat: 41.95,
  lon: 12.5,
  genderMatch: null,
  priority: 1,
  declinedBy: ["declined"],
};

describe("suggestWorkers", () => {
  it("ranks by marginal objective: distance, track record and load all count", () => {
    const near = worker({ id: "near", lat: 41.95 });
    const far = worker({ id: "far", lat: 41.7 });
    const busy = worker({ id: "busy", lat: 41.95, active: 9 });
    const trusted = worker({ id: "trusted", lat: 41.96, trust: 1 });
    const { ranked } = suggestWorkers(contact, [far, busy, near, trusted], DEFAULT_DISPATCH_CONFIG);
    expect(ranked.map((r) => r.workerId)).toEqual(["trusted", "near", "far", "busy"]);
    const top = ranked[0]!;
    expect(top.marginal).toBeCloseTo(top.score - top.loadTerm, 9);
    expect(top.loadTerm).toBeCloseTo(100 / 10, 9);
    expect(top.sharedLanguages).toEqual(["it"]);
  });

  it("names the rule that excluded each worker", () => {
    const { excluded } = suggestWorkers(
      contact,
      [
        worker({ id: "paused", status: "paused" }),
        worker({ id: "full", active: 10 }),
        worker({ id: "greek", languages: ["el"] }),
        worker({ id: "man", gender: "m" }),
        worker({ id: "athens", lat: 37.98, lon: 23.72 }),
        worker({ id: "declined" }),
      ],
      DEFAULT_DISPATCH_CONFIG,
    );
    expect(Object.fromEntries(excluded.map((e) => [e.workerId, e.rule]))).toEqual({
      paused: "status",
      full: "capacity",
      greek: "language",
      man: "gender",
      athens: "distance",
      declined: "declined",
    });
  });
});
