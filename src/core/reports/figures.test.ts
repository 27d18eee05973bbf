import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hoursBetween, median, rate, SMALL, suppressCount } from "./figures.js";

describe("report figures", () => {
  it("shows counts from 1 to 4 as <5 and leaves 0 and 5 alone", () => {
    expect([0, 1, 2, 3, 4, 5, 12].map(suppressCount)).toEqual([0, SMALL, SMALL, SMALL, SMALL, 5, 12]);
  });

  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("keeps a median between the smallest and the largest value", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), (values) => {
        const m = median(values) ?? Number.NaN;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });

  it("gives no rate without a denominator, and rounds to three decimals", () => {
    expect(rate(1, 0)).toBeNull();
    expect(rate(2, 3)).toBe(0.667);
    expect(rate(0, 4)).toBe(0);
  });

  it("counts the hours between two instants", () => {
    expect(hoursBetween("2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z")).toBe(1.5);
    expect(hoursBetween("2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z")).toBe(-1);
  });
});
