import { describe, expect, it } from "vitest";
import { isOver, placeKey, planAlerts, pressureOf } from "./alerts.js";

const roma = { country: "IT", placeName: "Roma", contacts: 9, availableWorkers: 3 };

describe("demand alerts", () => {
  it("is over only above the threshold, a place without workers as if it had one", () => {
    expect(isOver(roma, 3)).toBe(false);
    expect(isOver(roma, 2.9)).toBe(true);
    expect(isOver({ ...roma, availableWorkers: 0 }, 8)).toBe(true);
    expect(isOver({ ...roma, availableWorkers: 0 }, 9)).toBe(false);
    expect(isOver({ ...roma, contacts: 0, availableWorkers: 0 }, 0.5)).toBe(false);
    expect(pressureOf(roma)).toBe(3);
    expect(pressureOf({ ...roma, availableWorkers: 0 })).toBeNull();
  });

  it("raises once per crossing and clears when the place drops back", () => {
    const first = planAlerts([roma], [], 2);
    expect(first).toEqual({ raise: [roma], clear: [] });
    const open = [{ id: "a1", placeKey: placeKey(roma) }];
    expect(planAlerts([roma], open, 2)).toEqual({ raise: [], clear: [] });
    expect(planAlerts([{ ...roma, availableWorkers: 5 }], open, 2)).toEqual({ raise: [], clear: ["a1"] });
    expect(planAlerts([], open, 2)).toEqual({ raise: [], clear: ["a1"] });
  });

  it("keeps two places of one name apart by their country", () => {
    expect(placeKey({ country: "IT", placeName: "Paris" })).not.toBe(
      placeKey({ country: "FR", placeName: "Paris" }),
    );
  });
});
