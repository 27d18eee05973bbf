import { describe, expect, it } from "vitest";
import { addDays, byDate, isTimeZone, minutesAndSeconds, wallClock } from "./zoned.js";

describe("wallClock", () => {
  it("reads the local date and time of an instant in each zone", () => {
    const instant = "2025-03-01T23:30:00Z";
    expect(wallClock(instant, "Europe/Rome")).toEqual({ date: "2025-03-02", time: "00:30" });
    expect(wallClock(instant, "America/New_York")).toEqual({ date: "2025-03-01", time: "18:30" });
    expect(wallClock(instant, "UTC")).toEqual({ date: "2025-03-01", time: "23:30" });
  });

  it("follows daylight saving time", () => {
    expect(wallClock("2025-07-01T08:00:00Z", "Europe/Athens").time).toBe("11:00");
    expect(wallClock("2025-01-01T08:00:00Z", "Europe/Athens").time).toBe("10:00");
  });

  it("writes midnight as 00:00, not 24:00", () => {
    expect(wallClock("2025-05-01T22:00:00Z", "Europe/Rome")).toEqual({ date: "2025-05-02", time: "00:00" });
  });
});

describe("addDays", () => {
  it("moves across months, years and leap days", () => {
    expect(addDays("2025-01-31", 1)).toBe("2025-02-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2025-03-01", -1)).toBe("2025-02-28");
  });

  it("is not thrown off by the night the clocks change", () => {
    expect(addDays("2025-03-30", 1)).toBe("2025-03-31");
    expect(addDays("2025-10-26", 1)).toBe("2025-10-27");
  });
});

describe("isTimeZone", () => {
  it("knows IANA zones and refuses anything else", () => {
    expect(isTimeZone("Europe/Rome")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("byDate", () => {
  it("groups consecutive items of one date, keeping their order", () => {
    const items = [
      { d: "2025-05-01", n: 1 },
      { d: "2025-05-01", n: 2 },
      { d: "2025-05-03", n: 3 },
    ];
    expect(byDate(items, (i) => i.d)).toEqual([
      { date: "2025-05-01", items: [items[0], items[1]] },
      { date: "2025-05-03", items: [items[2]] },
    ]);
  });
});

describe("minutesAndSeconds", () => {
  it("counts down in minutes and seconds and stops at zero", () => {
    expect(minutesAndSeconds(299_500)).toBe("5:00");
    expect(minutesAndSeconds(245_000)).toBe("4:05");
    expect(minutesAndSeconds(-3_000)).toBe("0:00");
  });
});
