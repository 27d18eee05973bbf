import { describe, expect, it } from "vitest";
import {
  countValue,
  countWeight,
  filtersFrom,
  mapModeFrom,
  nextDay,
  reportUrl,
  withFilter,
} from "./filters.js";

describe("report filters", () => {
  it("reads the filters from the URL, leaving out a malformed day or grouping", () => {
    const f = filtersFrom(new URLSearchParams("from=2026-03-01&to=March&country=gr&by=decade&place=Roma"));
    expect(f).toEqual({
      from: "2026-03-01",
      to: "",
      country: "GR",
      place: "Roma",
      campaign: "",
      source: "",
      team: "",
      by: "month",
    });
  });

  it("forgets the place when the country changes, and keeps the default grouping out of the URL", () => {
    const params = new URLSearchParams("country=IT&place=Roma&by=city");
    expect(withFilter(params, "country", "GR").toString()).toBe("country=GR&by=city");
    expect(withFilter(params, "by", "month").toString()).toBe("country=IT&place=Roma");
    expect(withFilter(params, "place", "").toString()).toBe("country=IT&by=city");
  });

  it("asks the API for the day after the last one shown, since its upper bound excludes it", () => {
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    const f = filtersFrom(new URLSearchParams("from=2026-01-01&to=2026-03-31&campaign=spring"));
    expect(reportUrl("flow", f, "week")).toBe(
      "/api/v1/reports/flow?by=week&from=2026-01-01&to=2026-04-01&campaign=spring",
    );
    expect(reportUrl("supply", f, "city", "csv")).toBe(
      "/api/v1/reports/supply?by=city&from=2026-01-01&to=2026-04-01&campaign=spring&format=csv",
    );
  });

  it("sends the team filter to every report, and reads the map's mode and resolution from the URL", () => {
    const f = filtersFrom(new URLSearchParams("team=north"));
    expect(reportUrl("stages", f, "h3", undefined, { resolution: 6 })).toBe(
      "/api/v1/reports/stages?by=h3&resolution=6&team=north",
    );
    expect(mapModeFrom(new URLSearchParams("map=hexagons&res=7"))).toEqual({
      mode: "hexagons",
      resolution: 7,
    });
    expect(mapModeFrom(new URLSearchParams("map=bubbles&res=12"))).toEqual({ mode: "cities", resolution: 5 });
  });

  it("plots no exact value for a suppressed count, and weighs it as the middle of 1 to 4", () => {
    expect(countValue("<5")).toBeNull();
    expect(countValue(7)).toBe(7);
    expect(countWeight("<5")).toBe(2.5);
    expect(countWeight(0)).toBe(0);
  });
});
