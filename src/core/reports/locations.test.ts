import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locationOf, meanLocation } from "./locations.js";

describe("report locations", () => {
  it("prefers the gazetteer's point to the coordinates recorded in the place", () => {
    expect(locationOf({ lat: 41.89193, lon: 12.51133 }, [{ lat: 40, lon: 10, n: 1 }])).toEqual({
      lat: 41.89193,
      lon: 12.51133,
    });
  });

  it("takes the mean of every recorded coordinate, to a tenth of a degree, when the gazetteer has none", () => {
    expect(
      locationOf(null, [
        { lat: 41.9 + 41.95, lon: 12.5 + 12.44, n: 2 },
        { lat: 41.87, lon: 12.52, n: 1 },
      ]),
    ).toEqual({ lat: 41.9, lon: 12.5 });
    expect(locationOf(null, [])).toBeNull();
    expect(locationOf(null, [{ lat: 0, lon: 0, n: 0 }])).toBeNull();
  });

  it("never places one person closer than a tenth of a degree", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (lat, lon) => {
          const shown = meanLocation([{ lat, lon, n: 1 }]);
          expect(shown).not.toBeNull();
          expect(Math.abs(Math.round((shown?.lat ?? 0) * 10) - (shown?.lat ?? 0) * 10)).toBeLessThan(1e-6);
          expect(Math.abs((shown?.lat ?? 0) - lat)).toBeLessThanOrEqual(0.05 + 1e-9);
          expect(Math.abs((shown?.lon ?? 0) - lon)).toBeLessThanOrEqual(0.05 + 1e-9);
        },
      ),
    );
  });
});
