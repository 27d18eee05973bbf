import { describe, expect, it } from "vitest";
import { timeLeft } from "./time-left.js";

const HOUR = 3_600_000;
const start = Date.parse("2025-03-01T10:00:00Z");
const offer = { createdAt: "2025-03-01T10:00:00Z", dueAt: "2025-03-03T10:00:00Z" };

describe("timeLeft", () => {
  it("splits the time left into days, hours, minutes and seconds", () => {
    expect(timeLeft(offer, start + 4 * HOUR + 90_500)).toEqual({
      overdue: false,
      pressing: false,
      days: 1,
      hours: 19,
      minutes: 58,
      seconds: 29,
    });
  });

  it("presses once less than a quarter of the time is left", () => {
    expect(timeLeft(offer, start + 36 * HOUR).pressing).toBe(false);
    expect(timeLeft(offer, start + 36 * HOUR + 1000).pressing).toBe(true);
  });

  it("counts how late an overdue deadline is", () => {
    expect(timeLeft(offer, start + 50 * HOUR + 5 * 60_000)).toMatchObject({
      overdue: true,
      pressing: true,
      days: 0,
      hours: 2,
      minutes: 5,
    });
  });

  it("is not overdue at the very moment it is due", () => {
    expect(timeLeft(offer, start + 48 * HOUR)).toMatchObject({ overdue: false, pressing: true, hours: 0 });
  });
});
