import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { haversineKm } from "../dispatch/model.js";
import {
  type Availability,
  DEFAULT_AVAILABILITY,
  type Interval,
  minutesOfDay,
  WEEKDAYS,
} from "./availability.js";
import {
  type Busy,
  findSlots,
  findSlotsForAll,
  type SlotQuery,
  type SlotWorker,
  scanSlots,
  soonestSlots,
  wallClockMs,
} from "./slots.js";

const ROME = "Europe/Rome";
const NEW_YORK = "America/New_York";
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The instant of a local wall time, e.g. at("2026-06-01T09:00", ROME). */
const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();
/** How a slot reads on the worker's wall clock. */
const wall = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm");

const nineToFive: Interval[] = [{ start: "09:00", end: "17:00" }];
const EVERY_DAY: Availability = {
  weekly: {
    mon: nineToFive,
    tue: nineToFive,
    wed: nineToFive,
    thu: nineToFive,
    fri: nineToFive,
    sat: nineToFive,
    sun: nineToFive,
  },
  exceptions: [],
  maxPerDay: null,
};

function worker(overrides: Partial<SlotWorker> = {}): SlotWorker {
  return { id: "w1", timeZone: ROME, availability: DEFAULT_AVAILABILITY, lat: 41.9, lon: 12.5, ...overrides };
}

function onlyOn(
  day: (typeof WEEKDAYS)[number],
  intervals: Interval[],
  rest: Partial<Availability> = {},
): Availability {
  const weekly = Object.fromEntries(
    WEEKDAYS.map((d) => [d, d === day ? intervals : []]),
  ) as Availability["weekly"];
  return { weekly, exceptions: [], maxPerDay: null, ...rest };
}

/** A query over one local day in Rome (Monday 1 June 2026 unless given), 60 minutes every 30. */
function query(overrides: Partial<SlotQuery> = {}, date = "2026-06-01", zone = ROME): SlotQuery {
  return {
    fromMs: at(`${date}T00:00`, zone),
    toMs: at(`${date}T00:00`, zone) + 24 * HOUR,
    nowMs: at("2026-01-01T00:00", zone),
    durationMinutes: 60,
    stepMinutes: 30,
    minNoticeMinutes: 0,
    bufferMinutes: 0,
    place: null,
    travelKmh: 30,
    ...overrides,
  };
}

function busy(start: string, end: string, overrides: Partial<Busy> = {}, zone = ROME): Busy {
  return { startMs: at(start, zone), endMs: at(end, zone), place: null, counts: true, ...overrides };
}

const times = (slots: number[], zone = ROME) => slots.map((s) => wall(s, zone).slice(11));

describe("findSlots", () => {
  it("offers a start every step from each interval's start to the last that fits", () => {
    expect(times(findSlots(worker(), [], query()))).toEqual([
      "09:00",
      "09:30",
      "10:00",
      "10:30",
      "11:00",
      "11:30",
      "12:00",
      "12:30",
      "13:00",
      "13:30",
      "14:00",
      "14:30",
      "15:00",
      "15:30",
      "16:00",
    ]);
  });

  it("aligns candidates to each interval's own start", () => {
    const availability = onlyOn("mon", [
      { start: "09:10", end: "11:00" },
      { start: "14:45", end: "16:00" },
    ]);
    expect(times(findSlots(worker({ availability }), [], query()))).toEqual(["09:10", "09:40", "14:45"]);
  });

  it("takes a day's intervals in any order and returns the slots ascending", () => {
    const availability = onlyOn("mon", [
      { start: "14:00", end: "15:00" },
      { start: "09:00", end: "10:00" },
    ]);
    expect(times(findSlots(worker({ availability }), [], query()))).toEqual(["09:00", "14:00"]);
  });

  it("never lets a slot run from one interval into the next", () => {
    const availability = onlyOn("mon", [
      { start: "09:00", end: "10:30" },
      { start: "10:30", end: "11:00" },
    ]);
    expect(times(findSlots(worker({ availability }), [], query()))).toEqual(["09:00", "09:30"]);
  });

  it("lets an interval run to 24:00", () => {
    const availability = onlyOn("mon", [{ start: "22:00", end: "24:00" }]);
    expect(times(findSlots(worker({ availability }), [], query()))).toEqual(["22:00", "22:30", "23:00"]);
  });

  it("offers nothing on a day without hours", () => {
    expect(findSlots(worker(), [], query({}, "2026-06-06"))).toEqual([]);
  });

  it("keeps slot starts inside the window, letting the last slot end after it", () => {
    const q = query({ fromMs: at("2026-06-01T10:15", ROME), toMs: at("2026-06-01T12:00", ROME) });
    expect(times(findSlots(worker(), [], q))).toEqual(["10:30", "11:00", "11:30"]);
  });

  it("offers nothing for an empty window", () => {
    const q = query({ fromMs: at("2026-06-01T12:00", ROME), toMs: at("2026-06-01T12:00", ROME) });
    expect(findSlots(worker(), [], q)).toEqual([]);
  });

  it("respects the minimum notice from now", () => {
    const q = query({ nowMs: at("2026-06-01T10:05", ROME), minNoticeMinutes: 120 });
    expect(times(findSlots(worker(), [], q))[0]).toBe("12:30");
  });

  it("offers nothing before now even without notice", () => {
    const q = query({ nowMs: at("2026-06-01T16:00", ROME) });
    expect(times(findSlots(worker(), [], q))).toEqual(["16:00"]);
  });

  it("keeps clear of another appointment", () => {
    const slots = times(findSlots(worker(), [busy("2026-06-01T11:00", "2026-06-01T12:00")], query()));
    expect(slots).toContain("10:00");
    expect(slots).not.toContain("10:30");
    expect(slots).not.toContain("11:30");
    expect(slots).toContain("12:00");
  });

  it("keeps the buffer before and after another appointment, to the minute", () => {
    const q = query({ bufferMinutes: 15, stepMinutes: 15 });
    const slots = times(findSlots(worker(), [busy("2026-06-01T12:00", "2026-06-01T13:00")], q));
    expect(slots).toContain("10:45"); // ends 11:45, fifteen minutes before
    expect(slots).not.toContain("11:00");
    expect(slots).not.toContain("13:00");
    expect(slots).toContain("13:15");
  });

  it("adds the travel time between in-person places to the buffer", () => {
    const office = { lat: 41.9, lon: 12.5 };
    const km = 20;
    const elsewhere = { lat: 41.9 + km / 111.195, lon: 12.5 }; // 20 km north
    const q = query({ place: office, travelKmh: 40, bufferMinutes: 0, stepMinutes: 1 });
    const slots = findSlots(
      worker(),
      [busy("2026-06-01T12:00", "2026-06-01T13:00", { place: elsewhere })],
      q,
    );
    const travel = Math.ceil((haversineKm(office.lat, office.lon, elsewhere.lat, elsewhere.lon) / 40) * HOUR);
    const after = slots.find((s) => s >= at("2026-06-01T13:00", ROME));
    expect(after).toBe(Math.ceil((at("2026-06-01T13:00", ROME) + travel) / MINUTE) * MINUTE);
    expect(wall(after!, ROME).slice(11)).toBe("13:31"); // 30 minutes and a bit, to the next whole minute
    const before = slots.filter((s) => s < at("2026-06-01T12:00", ROME)).at(-1);
    expect(before! + HOUR + travel).toBeLessThanOrEqual(at("2026-06-01T12:00", ROME));
    expect(wall(before!, ROME).slice(11)).toBe("10:29");
  });

  it("adds no travel time when either place is unknown", () => {
    const elsewhere = { lat: 45.46, lon: 9.19 };
    const inPerson = query({ place: null });
    const online = query({ place: { lat: 41.9, lon: 12.5 } });
    expect(
      times(
        findSlots(worker(), [busy("2026-06-01T12:00", "2026-06-01T13:00", { place: elsewhere })], inPerson),
      ),
    ).toContain("13:00");
    expect(times(findSlots(worker(), [busy("2026-06-01T12:00", "2026-06-01T13:00")], online))).toContain(
      "13:00",
    );
  });

  it("takes busy periods in any order, however many", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      return seed / 4294967296;
    };
    const office = { lat: 41.9, lon: 12.5 };
    const many: Busy[] = Array.from({ length: 600 }, () => {
      const startMs = at("2026-06-01T07:00", ROME) + Math.floor(random() * 14 * 24 * 60) * MINUTE;
      const place = random() < 0.5 ? { lat: 41.9 + random() / 5, lon: 12.5 + random() / 5 } : null;
      return {
        startMs,
        endMs: startMs + (15 + Math.floor(random() * 60)) * MINUTE,
        place,
        counts: random() < 0.5,
      };
    });
    const q = query({ toMs: at("2026-06-15T00:00", ROME), stepMinutes: 5, place: office, bufferMinutes: 10 });
    const daily = worker({ availability: EVERY_DAY });
    for (const busyList of [many, many.slice(0, 200)]) {
      const expected = scanSlots(daily, busyList, q);
      expect(expected.length).toBeGreaterThan(0);
      expect(findSlots(daily, busyList, q)).toEqual(expected);
      const sorted = [...busyList].sort((a, b) => a.startMs - b.startMs);
      expect(findSlots(daily, sorted, q)).toEqual(expected);
    }
  });

  it("lets a hold block its time like a booking", () => {
    const slots = times(
      findSlots(worker(), [busy("2026-06-01T11:00", "2026-06-01T12:00", { counts: false })], query()),
    );
    expect(slots).not.toContain("11:00");
  });

  it("replaces the weekly hours on an exception's date", () => {
    const availability: Availability = {
      ...DEFAULT_AVAILABILITY,
      exceptions: [{ date: "2026-06-01", intervals: [{ start: "14:00", end: "15:30" }], note: "dentist" }],
    };
    expect(times(findSlots(worker({ availability }), [], query()))).toEqual(["14:00", "14:30"]);
    expect(times(findSlots(worker({ availability }), [], query({}, "2026-06-02")))[0]).toBe("09:00");
  });

  it("takes an exception with no intervals as away all day", () => {
    const availability: Availability = {
      ...DEFAULT_AVAILABILITY,
      exceptions: [{ date: "2026-06-01", intervals: [] }],
    };
    expect(findSlots(worker({ availability }), [], query())).toEqual([]);
  });

  it("opens a day the weekly hours leave closed when an exception gives it hours", () => {
    const availability: Availability = {
      ...DEFAULT_AVAILABILITY,
      exceptions: [{ date: "2026-06-06", intervals: [{ start: "10:00", end: "11:00" }] }],
    };
    expect(times(findSlots(worker({ availability }), [], query({}, "2026-06-06")))).toEqual(["10:00"]);
  });

  it("offers nothing on a day that already has maxPerDay bookings", () => {
    const availability: Availability = { ...DEFAULT_AVAILABILITY, maxPerDay: 2 };
    const two = [busy("2026-06-01T09:00", "2026-06-01T10:00"), busy("2026-06-01T15:00", "2026-06-01T16:00")];
    expect(findSlots(worker({ availability }), two, query())).toEqual([]);
    expect(findSlots(worker({ availability }), two.slice(1), query())).not.toEqual([]);
  });

  it("does not count holds toward maxPerDay", () => {
    const availability: Availability = { ...DEFAULT_AVAILABILITY, maxPerDay: 1 };
    const hold = busy("2026-06-01T09:00", "2026-06-01T10:00", { counts: false });
    expect(times(findSlots(worker({ availability }), [hold], query()))[0]).toBe("10:00");
  });

  it("counts a booking toward the local day it starts on in the worker's zone", () => {
    const availability: Availability = { ...DEFAULT_AVAILABILITY, maxPerDay: 1 };
    // 21:00 on Monday in New York is already Tuesday in UTC.
    const late = busy("2026-06-01T21:00", "2026-06-01T22:00", {}, NEW_YORK);
    const q = (date: string) => query({}, date, NEW_YORK);
    const ny = worker({ timeZone: NEW_YORK, availability });
    expect(findSlots(ny, [late], q("2026-06-01"))).toEqual([]);
    expect(findSlots(ny, [late], q("2026-06-02"))).not.toEqual([]);
  });

  it("refuses a step that is not a positive whole number of minutes", () => {
    expect(() => findSlots(worker(), [], query({ stepMinutes: 0 }))).toThrow(RangeError);
    expect(() => findSlots(worker(), [], query({ durationMinutes: 7.5 }))).toThrow(RangeError);
  });

  it("refuses a time zone that does not exist", () => {
    expect(() => findSlots(worker({ timeZone: "Europe/Atlantis" }), [], query())).toThrow(RangeError);
  });
});

describe("findSlots across daylight-saving changes", () => {
  const daily = worker({ availability: EVERY_DAY });
  const firstAndLast = (slots: number[], zone: string) => {
    const byDate = new Map<string, string[]>();
    for (const s of slots) {
      const [date, time] = wall(s, zone).split(" ") as [string, string];
      byDate.set(date, [...(byDate.get(date) ?? []), time]);
    }
    return [...byDate].map(([date, ts]) => `${date} ${ts[0]}–${ts.at(-1)} ×${ts.length}`);
  };

  it("starts at 09:00 local before, on and after Rome's spring change (29 March 2026)", () => {
    const q = query({ fromMs: at("2026-03-28T00:00", ROME), toMs: at("2026-03-31T00:00", ROME) });
    expect(firstAndLast(findSlots(daily, [], q), ROME)).toEqual([
      "2026-03-28 09:00–16:00 ×15",
      "2026-03-29 09:00–16:00 ×15",
      "2026-03-30 09:00–16:00 ×15",
    ]);
    const sunday = findSlots(daily, [], q).filter((s) => wall(s, ROME).startsWith("2026-03-29"));
    expect(DateTime.fromMillis(sunday[0]!, { zone: ROME }).toISO()).toBe("2026-03-29T09:00:00.000+02:00");
  });

  it("starts at 09:00 local before, on and after Rome's autumn change (25 October 2026)", () => {
    const q = query({ fromMs: at("2026-10-24T00:00", ROME), toMs: at("2026-10-27T00:00", ROME) });
    expect(firstAndLast(findSlots(daily, [], q), ROME)).toEqual([
      "2026-10-24 09:00–16:00 ×15",
      "2026-10-25 09:00–16:00 ×15",
      "2026-10-26 09:00–16:00 ×15",
    ]);
    const sunday = findSlots(daily, [], q).filter((s) => wall(s, ROME).startsWith("2026-10-25"));
    expect(DateTime.fromMillis(sunday[0]!, { zone: ROME }).toISO()).toBe("2026-10-25T09:00:00.000+01:00");
  });

  it("makes 09:00–17:00 eight real hours on a plain day", () => {
    const oneSlot = query({ durationMinutes: 8 * 60 });
    expect(findSlots(worker(), [], oneSlot)).toEqual([at("2026-06-01T09:00", ROME)]);
    expect(findSlots(worker(), [], query({ durationMinutes: 8 * 60 + 1 }))).toEqual([]);
  });

  it("makes 01:00–04:00 two real hours on Rome's spring-forward day", () => {
    const availability = onlyOn("sun", [{ start: "01:00", end: "04:00" }]);
    const q = query({}, "2026-03-29");
    const slots = findSlots(worker({ availability }), [], q);
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T00:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
    ]);
    expect(times(slots)).toEqual(["01:00", "01:30", "03:00"]);
    expect(
      findSlots(worker({ availability }), [], query({ durationMinutes: 120 }, "2026-03-29")),
    ).toHaveLength(1);
    expect(findSlots(worker({ availability }), [], query({ durationMinutes: 121 }, "2026-03-29"))).toEqual(
      [],
    );
  });

  it("starts an interval at the jump when its start is a time the clocks skip", () => {
    const availability = onlyOn("sun", [{ start: "02:30", end: "04:00" }]);
    const slots = findSlots(worker({ availability }), [], query({}, "2026-03-29"));
    expect(times(slots)).toEqual(["03:00"]);
  });

  it("makes 01:00–04:00 four real hours on Rome's fall-back day, reading 02:00 as its first occurrence", () => {
    const availability = onlyOn("sun", [{ start: "01:00", end: "04:00" }]);
    const four = findSlots(worker({ availability }), [], query({ durationMinutes: 240 }, "2026-10-25"));
    expect(four.map((s) => new Date(s).toISOString())).toEqual(["2026-10-24T23:00:00.000Z"]);
    const repeated = onlyOn("sun", [{ start: "02:00", end: "03:00" }]);
    const slots = findSlots(worker({ availability: repeated }), [], query({ stepMinutes: 60 }, "2026-10-25"));
    expect(slots.map((s) => DateTime.fromMillis(s, { zone: ROME }).toISO())).toEqual([
      "2026-10-25T02:00:00.000+02:00",
      "2026-10-25T02:00:00.000+01:00",
    ]);
  });

  it("follows New York's change a week after Europe's", () => {
    const nyDaily = worker({ timeZone: NEW_YORK, availability: EVERY_DAY });
    const q = query({ fromMs: at("2026-10-31T00:00", NEW_YORK), toMs: at("2026-11-03T00:00", NEW_YORK) });
    const firsts = firstAndLast(findSlots(nyDaily, [], q), NEW_YORK);
    expect(firsts).toEqual([
      "2026-10-31 09:00–16:00 ×15",
      "2026-11-01 09:00–16:00 ×15",
      "2026-11-02 09:00–16:00 ×15",
    ]);
  });
});

describe("wallClockMs", () => {
  it("converts a plain wall time with luxon", () => {
    expect(wallClockMs(ROME, 2026, 6, 1, 9 * 60)).toBe(Date.parse("2026-06-01T07:00:00Z"));
  });

  it("reads a time the clocks skip as the moment of the jump", () => {
    expect(wallClockMs(ROME, 2026, 3, 29, 150)).toBe(Date.parse("2026-03-29T01:00:00Z"));
    // Lord Howe moves by half an hour, from 02:00 to 02:30.
    expect(wallClockMs("Australia/Lord_Howe", 2026, 10, 4, 135)).toBe(Date.parse("2026-10-03T15:30:00Z"));
  });

  it("reads a time the clocks show twice as its first occurrence", () => {
    expect(wallClockMs(ROME, 2026, 10, 25, 150)).toBe(Date.parse("2026-10-25T00:30:00Z"));
  });

  it("starts a day whose midnight is skipped at the moment of the jump", () => {
    // Santiago jumps from 00:00 to 01:00 on 6 September 2026.
    expect(wallClockMs("America/Santiago", 2026, 9, 6, 0)).toBe(Date.parse("2026-09-06T04:00:00Z"));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties on random small inputs, around clock changes in zones with odd rules.

const ZONES = [
  ROME,
  "Europe/Athens",
  "Europe/London",
  NEW_YORK,
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Santiago",
  "America/Havana",
];
/** Days just before clock changes in some of the zones above. */
const STARTS = [
  "2026-03-06",
  "2026-03-27",
  "2026-04-02",
  "2026-06-01",
  "2026-09-04",
  "2026-10-02",
  "2026-10-23",
  "2026-10-30",
].map((d) => Date.parse(`${d}T00:00:00Z`));

const arbDayIntervals = (from: number): fc.Arbitrary<Interval[]> =>
  fc
    .uniqueArray(fc.integer({ min: from, max: 96 }), { maxLength: 4 })
    .map((quarters) => {
      const sorted = [...quarters].sort((a, b) => a - b);
      const hhmm = (q: number) =>
        `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`;
      const out: Interval[] = [];
      for (let k = 0; k + 1 < sorted.length; k += 2)
        out.push({ start: hhmm(sorted[k]!), end: hhmm(sorted[k + 1]!) });
      return out;
    })
    .chain((intervals) => fc.shuffledSubarray(intervals, { minLength: intervals.length }));

const arbAvailability = (earliestQuarter: number, firstDay: number): fc.Arbitrary<Availability> =>
  fc.record({
    weekly: fc.record({
      mon: arbDayIntervals(earliestQuarter),
      tue: arbDayIntervals(earliestQuarter),
      wed: arbDayIntervals(earliestQuarter),
      thu: arbDayIntervals(earliestQuarter),
      fri: arbDayIntervals(earliestQuarter),
      sat: arbDayIntervals(earliestQuarter),
      sun: arbDayIntervals(earliestQuarter),
    }),
    exceptions: fc
      .uniqueArray(fc.integer({ min: -1, max: 6 }), { maxLength: 3 })
      .chain((offsets) =>
        fc.tuple(
          ...offsets.map((o) => arbDayIntervals(earliestQuarter).map((intervals) => ({ o, intervals }))),
        ),
      )
      .map((list) =>
        list.map(({ o, intervals }) => ({
          date: new Date(firstDay + o * 86_400_000).toISOString().slice(0, 10),
          intervals,
        })),
      ),
    maxPerDay: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  });

const arbPlace = fc.option(
  fc.record({
    lat: fc.double({ min: 41.5, max: 42.3, noNaN: true }),
    lon: fc.double({ min: 12, max: 13, noNaN: true }),
  }),
  { nil: null },
);

interface Case {
  worker: SlotWorker;
  busy: Busy[];
  query: SlotQuery;
}

/** A worker, their appointments and a query of up to four days around one of the clock changes. */
const arbCase = (zones: readonly string[], earliestQuarter = 0): fc.Arbitrary<Case> =>
  fc.record({ zone: fc.constantFrom(...zones), day: fc.constantFrom(...STARTS) }).chain(({ zone, day }) =>
    fc.record({
      worker: arbAvailability(earliestQuarter, day).map(
        (availability): SlotWorker => ({ id: "w", timeZone: zone, availability, lat: 41.9, lon: 12.5 }),
      ),
      busy: fc.array(
        fc
          .record({
            startMs: fc
              .integer({ min: day - 86_400_000, max: day + 5 * 86_400_000 })
              .map((ms) => ms - (ms % MINUTE)),
            lengthMinutes: fc.integer({ min: 5, max: 240 }),
            place: arbPlace,
            counts: fc.boolean(),
          })
          .map(
            ({ startMs, lengthMinutes, place, counts }): Busy => ({
              startMs,
              endMs: startMs + lengthMinutes * MINUTE,
              place,
              counts,
            }),
          ),
        { maxLength: 10 },
      ),
      query: fc
        .record({
          fromOffset: fc.integer({ min: -12 * 60, max: 36 * 60 }),
          lengthMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
          nowOffset: fc.integer({ min: -24 * 60, max: 48 * 60 }),
          durationMinutes: fc.integer({ min: 5, max: 180 }),
          stepMinutes: fc.integer({ min: 5, max: 90 }),
          minNoticeMinutes: fc.integer({ min: 0, max: 240 }),
          bufferMinutes: fc.integer({ min: 0, max: 45 }),
          place: arbPlace,
          travelKmh: fc.integer({ min: 5, max: 80 }),
        })
        .map(
          (q): SlotQuery => ({
            fromMs: day + q.fromOffset * MINUTE,
            toMs: day + (q.fromOffset + q.lengthMinutes) * MINUTE,
            nowMs: day + q.nowOffset * MINUTE,
            durationMinutes: q.durationMinutes,
            stepMinutes: q.stepMinutes,
            minNoticeMinutes: q.minNoticeMinutes,
            bufferMinutes: q.bufferMinutes,
            place: q.place,
            travelKmh: q.travelKmh,
          }),
        ),
    }),
  );

describe("findSlots properties", () => {
  it("gives the same slots as the plain slot-by-slot scan", () => {
    fc.assert(
      fc.property(arbCase(ZONES), ({ worker: w, busy: b, query: q }) => {
        expect(findSlots(w, b, q)).toEqual(scanSlots(w, b, q));
      }),
      { numRuns: 300 },
    );
  });

  it("returns strictly ascending starts", () => {
    fc.assert(
      fc.property(arbCase(ZONES), ({ worker: w, busy: b, query: q }) => {
        const slots = findSlots(w, b, q);
        for (let k = 1; k < slots.length; k++) expect(slots[k]!).toBeGreaterThan(slots[k - 1]!);
      }),
    );
  });

  it("starts every slot inside the window and after now plus the notice", () => {
    fc.assert(
      fc.property(arbCase(ZONES), ({ worker: w, busy: b, query: q }) => {
        for (const s of findSlots(w, b, q)) {
          expect(s).toBeGreaterThanOrEqual(q.fromMs);
          expect(s).toBeLessThan(q.toMs);
          expect(s).toBeGreaterThanOrEqual(q.nowMs + q.minNoticeMinutes * MINUTE);
        }
      }),
    );
  });

  it("keeps every slot inside the hours of its local day, read on the wall clock", () => {
    // From 04:00 on, where no clock in these zones changes, so the wall clock reads plainly.
    const plainZones = [
      ROME,
      "Europe/Athens",
      "Europe/London",
      NEW_YORK,
      "Asia/Kolkata",
      "Australia/Lord_Howe",
    ];
    fc.assert(
      fc.property(arbCase(plainZones, 16), ({ worker: w, busy: b, query: q }) => {
        const zone = w.timeZone;
        for (const s of findSlots(w, b, q)) {
          const start = DateTime.fromMillis(s, { zone });
          const end = DateTime.fromMillis(s + q.durationMinutes * MINUTE, { zone });
          const date = start.toISODate()!;
          const exception = w.availability.exceptions.find((e) => e.date === date);
          const hours = exception ? exception.intervals : w.availability.weekly[WEEKDAYS[start.weekday - 1]!];
          const from = start.hour * 60 + start.minute;
          const to = (end.toISODate() === date ? 0 : 1440) + end.hour * 60 + end.minute;
          const inside = hours.find((i) => minutesOfDay(i.start) <= from && to <= minutesOfDay(i.end));
          expect(
            inside,
            `${start.toISO()} for ${q.durationMinutes} min in ${JSON.stringify(hours)}`,
          ).toBeDefined();
          expect((from - minutesOfDay(inside!.start)) % q.stepMinutes, "on the interval's step").toBe(0);
        }
      }),
    );
  });

  it("never overlaps another appointment widened by the buffer and the travel", () => {
    fc.assert(
      fc.property(arbCase(ZONES), ({ worker: w, busy: b, query: q }) => {
        const buffer = q.bufferMinutes * MINUTE;
        const duration = q.durationMinutes * MINUTE;
        for (const s of findSlots(w, b, q))
          for (const other of b) {
            const travel =
              other.place && q.place
                ? (haversineKm(other.place.lat, other.place.lon, q.place.lat, q.place.lon) / q.travelKmh) *
                  HOUR
                : 0;
            const clear =
              s >= other.endMs + buffer + travel || s + duration + buffer + travel <= other.startMs;
            expect(clear).toBe(true);
          }
      }),
    );
  });

  it("offers nothing on a local day that has maxPerDay counting appointments", () => {
    fc.assert(
      fc.property(arbCase(ZONES), ({ worker: w, busy: b, query: q }) => {
        const cap = w.availability.maxPerDay;
        if (cap === null) return;
        const dateOf = (ms: number) => DateTime.fromMillis(ms, { zone: w.timeZone }).toISODate();
        for (const s of findSlots(w, b, q)) {
          const date = dateOf(s);
          expect(b.filter((x) => x.counts && dateOf(x.startMs) === date).length).toBeLessThan(cap);
        }
      }),
    );
  });
});

describe("findSlotsForAll", () => {
  it("gives each worker the slots findSlots gives them alone", () => {
    fc.assert(
      fc.property(fc.array(arbCase(ZONES), { minLength: 1, maxLength: 4 }), (cases) => {
        const q = cases[0]!.query;
        const workers = cases.map((c, i) => ({ ...c.worker, id: `w${i}` }));
        const busyBy = new Map(cases.map((c, i) => [`w${i}`, c.busy]));
        const all = findSlotsForAll(workers, busyBy, q);
        for (const w of workers) expect(all.get(w.id)).toEqual(findSlots(w, busyBy.get(w.id)!, q));
      }),
      { numRuns: 50 },
    );
  });

  it("treats a worker missing from the busy map as free", () => {
    const all = findSlotsForAll([worker()], new Map(), query());
    expect(all.get("w1")).toEqual(findSlots(worker(), [], query()));
  });
});

describe("soonestSlots", () => {
  it("lists each worker's earliest slot, soonest first, leaving out those with none", () => {
    const early = worker({ id: "early", availability: onlyOn("mon", [{ start: "08:00", end: "12:00" }]) });
    const late = worker({ id: "late" });
    const away = worker({ id: "away", availability: onlyOn("sun", nineToFive) });
    const busyBy = new Map([["early", [busy("2026-06-01T08:00", "2026-06-01T10:00")]]]);
    expect(soonestSlots([late, away, early], busyBy, query())).toEqual([
      { workerId: "late", startMs: at("2026-06-01T09:00", ROME) },
      { workerId: "early", startMs: at("2026-06-01T10:00", ROME) },
    ]);
  });

  it("keeps the given order of workers whose earliest slots tie", () => {
    const a = worker({ id: "a" });
    const b = worker({ id: "b" });
    expect(soonestSlots([b, a], new Map(), query()).map((s) => s.workerId)).toEqual(["b", "a"]);
  });
});
