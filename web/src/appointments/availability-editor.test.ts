import { describe, expect, it } from "vitest";
import { nextHours } from "./availability-editor.js";

describe("nextHours", () => {
  it("offers office hours on an empty day", () => {
    expect(nextHours([])).toEqual({ start: "09:00", end: "17:00" });
  });

  it("starts an hour after the last interval, for up to four hours", () => {
    expect(nextHours([{ start: "09:00", end: "12:00" }])).toEqual({ start: "13:00", end: "17:00" });
    expect(nextHours([{ start: "09:00", end: "21:30" }])).toEqual({ start: "22:30", end: "24:00" });
  });

  it("offers nothing once the day is taken to its last hour", () => {
    expect(nextHours([{ start: "09:00", end: "23:00" }])).toBeNull();
    expect(nextHours([{ start: "00:00", end: "24:00" }])).toBeNull();
  });
});
