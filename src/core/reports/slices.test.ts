import { describe, expect, it } from "vitest";
import { reportSlices, slicesOf } from "./slices.js";

describe("report slices", () => {
  it("reads all periods when there is no from or to", () => {
    expect(slicesOf("month", {})).toEqual({ grain: "month", periods: {}, edges: [] });
  });

  it("reads whole months only when the bounds fall on their starts", () => {
    expect(slicesOf("month", { from: "2025-09-01T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z" })).toEqual({
      grain: "month",
      periods: { from: "2025-09", before: "2026-03" },
      edges: [],
    });
  });

  it("cuts the edges a bound leaves inside a period", () => {
    expect(slicesOf("month", { from: "2026-03-05T00:00:00.000Z", to: "2026-05-10T12:00:00.000Z" })).toEqual({
      grain: "month",
      periods: { from: "2026-04", before: "2026-05" },
      edges: [
        { from: "2026-03-05T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" },
        { from: "2026-05-01T00:00:00.000Z", to: "2026-05-10T12:00:00.000Z" },
      ],
    });
  });

  it("makes one edge of bounds with no whole period between them", () => {
    expect(slicesOf("week", { from: "2026-03-03T00:00:00.000Z", to: "2026-03-12T00:00:00.000Z" })).toEqual({
      grain: "week",
      periods: null,
      edges: [{ from: "2026-03-03T00:00:00.000Z", to: "2026-03-12T00:00:00.000Z" }],
    });
    expect(slicesOf("month", { from: "2026-04-01T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z" })).toEqual({
      grain: "month",
      periods: null,
      edges: [],
    });
  });

  it("reads weeks by week, months by month, and otherwise the grain with the shorter edges", () => {
    const mondays = { from: "2026-03-02T00:00:00.000Z", to: "2026-03-30T00:00:00.000Z" };
    expect(reportSlices("month", mondays).grain).toBe("month");
    expect(reportSlices("week", {}).grain).toBe("week");
    expect(reportSlices("city", mondays)).toMatchObject({ grain: "week", edges: [] });
    expect(reportSlices("city", {}).grain).toBe("month");
  });
});
