import { describe, expect, it } from "vitest";
import { aYearEarlier, instantAYearEarlier, isoWeekOf, monthOf, periodBounds, periodOf } from "./periods.js";

describe("report periods", () => {
  it("names the ISO week of a UTC instant", () => {
    expect(isoWeekOf("2026-03-02T09:00:00.000Z")).toBe("2026-W10");
    expect(isoWeekOf("2026-03-01T23:59:59.999Z")).toBe("2026-W09");
  });

  it("gives the days around New Year the week-numbering year", () => {
    expect(isoWeekOf("2027-01-01T12:00:00Z")).toBe("2026-W53");
    expect(isoWeekOf("2024-12-30T00:00:00Z")).toBe("2025-W01");
  });

  it("reads the instant in UTC, whatever its written offset", () => {
    expect(monthOf("2026-04-01T01:00:00+02:00")).toBe("2026-03");
    expect(isoWeekOf("2026-03-02T00:30:00+01:00")).toBe("2026-W09");
  });

  it("names the month of a UTC instant", () => {
    expect(monthOf("2026-12-31T23:59:59Z")).toBe("2026-12");
    expect(periodOf("month", "2026-01-05T00:00:00Z")).toBe("2026-01");
    expect(periodOf("week", "2026-01-05T00:00:00Z")).toBe("2026-W02");
  });

  it("bounds a week from its Monday and a month from its first day, the end exclusive", () => {
    expect(periodBounds("week", "2026-W10")).toEqual({
      from: "2026-03-02T00:00:00.000Z",
      to: "2026-03-09T00:00:00.000Z",
    });
    expect(periodBounds("month", "2025-12")).toEqual({
      from: "2025-12-01T00:00:00.000Z",
      to: "2026-01-01T00:00:00.000Z",
    });
  });

  it("names the same period a year earlier, and no week 53 where the year before had none", () => {
    expect(aYearEarlier("month", "2026-03")).toBe("2025-03");
    expect(aYearEarlier("week", "2026-W10")).toBe("2025-W10");
    expect(aYearEarlier("week", "2027-W53")).toBe("2026-W53");
    expect(aYearEarlier("week", "2026-W53")).toBeNull();
    expect(instantAYearEarlier("2028-02-29T10:00:00.000Z")).toBe("2027-02-28T10:00:00.000Z");
  });
});
