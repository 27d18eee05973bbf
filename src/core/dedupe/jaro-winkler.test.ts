import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jaroWinkler } from "./jaro-winkler.js";

describe("jaroWinkler", () => {
  it("gives Winkler's published values", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler("dwayne", "duane")).toBeCloseTo(0.84, 4);
    expect(jaroWinkler("dixon", "dicksonx")).toBeCloseTo(0.8133, 4);
  });

  it("is 1 for equal strings and 0 when nothing matches", () => {
    expect(jaroWinkler("rossi", "rossi")).toBe(1);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
    expect(jaroWinkler("", "abc")).toBe(0);
  });

  it("is symmetric and stays within [0, 1]", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBe(jaroWinkler(b, a));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});
