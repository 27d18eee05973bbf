import { describe, expect, it } from "vitest";
import { isoWeekOf, monthOf, periodOf } from "./periods.js";

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
});
