import { describe, expect, it } from "vitest";
import { type Availability, AvailabilitySchema, DEFAULT_AVAILABILITY, minutesOfDay } from "./availability.js";

function withMonday(mon: Availability["weekly"]["mon"]): unknown {
  return { ...DEFAULT_AVAILABILITY, weekly: { ...DEFAULT_AVAILABILITY.weekly, mon } };
}

function issues(input: unknown) {
  const result = AvailabilitySchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("AvailabilitySchema", () => {
  it("accepts the default availability", () => {
    expect(AvailabilitySchema.parse(DEFAULT_AVAILABILITY)).toEqual(DEFAULT_AVAILABILITY);
  });

  it("makes the default Monday to Friday, 09:00 to 17:00, with no cap", () => {
    expect(DEFAULT_AVAILABILITY.weekly.mon).toEqual([{ start: "09:00", end: "17:00" }]);
    expect(DEFAULT_AVAILABILITY.weekly.fri).toEqual([{ start: "09:00", end: "17:00" }]);
    expect(DEFAULT_AVAILABILITY.weekly.sat).toEqual([]);
    expect(DEFAULT_AVAILABILITY.weekly.sun).toEqual([]);
    expect(DEFAULT_AVAILABILITY.exceptions).toEqual([]);
    expect(DEFAULT_AVAILABILITY.maxPerDay).toBeNull();
  });

  it("refuses an interval that ends before it starts, at the interval's end", () => {
    expect(issues(withMonday([{ start: "17:00", end: "09:00" }]))).toEqual([
      { path: "weekly.mon.0.end", message: "end must come after start" },
    ]);
  });

  it("refuses an empty interval", () => {
    expect(issues(withMonday([{ start: "09:00", end: "09:00" }]))[0]?.path).toBe("weekly.mon.0.end");
  });

  it("accepts 24:00 as an end but not as a start", () => {
    expect(issues(withMonday([{ start: "18:00", end: "24:00" }]))).toEqual([]);
    expect(issues(withMonday([{ start: "24:00", end: "24:00" }])).map((i) => i.path)).toContain(
      "weekly.mon.0.start",
    );
  });

  it("refuses a time that is not HH:MM", () => {
    for (const bad of ["9:00", "12:60", "25:00", "noon"])
      expect(issues(withMonday([{ start: bad, end: "23:00" }])).map((i) => i.path)).toContain(
        "weekly.mon.0.start",
      );
  });

  it("refuses two intervals on one day that overlap, naming the later one", () => {
    const found = issues(
      withMonday([
        { start: "13:00", end: "18:00" },
        { start: "09:00", end: "14:00" },
      ]),
    );
    expect(found).toEqual([
      { path: "weekly.mon.1", message: "overlaps 09:00–14:00: intervals on one day must not overlap" },
    ]);
  });

  it("accepts intervals that touch", () => {
    expect(
      issues(
        withMonday([
          { start: "12:00", end: "17:00" },
          { start: "09:00", end: "12:00" },
        ]),
      ),
    ).toEqual([]);
  });

  it("refuses overlapping intervals in an exception, at the exception's interval", () => {
    const found = issues({
      ...DEFAULT_AVAILABILITY,
      exceptions: [
        {
          date: "2026-06-01",
          intervals: [
            { start: "09:00", end: "12:00" },
            { start: "11:00", end: "13:00" },
          ],
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(["exceptions.0.intervals.1"]);
  });

  it("refuses a second exception for the same date", () => {
    const found = issues({
      ...DEFAULT_AVAILABILITY,
      exceptions: [
        { date: "2026-06-01", intervals: [] },
        { date: "2026-06-01", intervals: [{ start: "09:00", end: "12:00" }], note: "half day" },
      ],
    });
    expect(found).toEqual([
      { path: "exceptions.1.date", message: "a second exception for 2026-06-01: one per date" },
    ]);
  });

  it("refuses an exception date that is not on the calendar", () => {
    for (const date of ["2026-02-30", "2026-6-1", "01/06/2026"])
      expect(
        issues({ ...DEFAULT_AVAILABILITY, exceptions: [{ date, intervals: [] }] }).map((i) => i.path),
      ).toEqual(["exceptions.0.date"]);
  });

  it("refuses a note longer than 200 characters", () => {
    const exceptions = [{ date: "2026-06-01", intervals: [], note: "x".repeat(201) }];
    expect(issues({ ...DEFAULT_AVAILABILITY, exceptions }).map((i) => i.path)).toEqual(["exceptions.0.note"]);
  });

  it("refuses a daily cap outside 1 to 50 or not whole", () => {
    for (const maxPerDay of [0, 51, 1.5])
      expect(issues({ ...DEFAULT_AVAILABILITY, maxPerDay }).map((i) => i.path)).toEqual(["maxPerDay"]);
    expect(issues({ ...DEFAULT_AVAILABILITY, maxPerDay: 50 })).toEqual([]);
  });
});

describe("minutesOfDay", () => {
  it("reads HH:MM as minutes since midnight, 24:00 as 1440", () => {
    expect(minutesOfDay("00:00")).toBe(0);
    expect(minutesOfDay("09:30")).toBe(570);
    expect(minutesOfDay("23:59")).toBe(1439);
    expect(minutesOfDay("24:00")).toBe(1440);
  });
});
