/**
 * A worker's availability: weekly hours in their own time zone, exceptions by local date, and a
 * cap on appointments per local day. One zod schema gives the API its validation and types.
 */
import { z } from "zod";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes since local midnight of "HH:MM" ("24:00" is 1440). Assumes the schema has checked it. */
export function minutesOfDay(hhmm: string): number {
  return (
    ((hhmm.charCodeAt(0) - 48) * 10 + (hhmm.charCodeAt(1) - 48)) * 60 +
    (hhmm.charCodeAt(3) - 48) * 10 +
    (hhmm.charCodeAt(4) - 48)
  );
}

export const IntervalSchema = z
  .object({
    start: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time as HH:MM, 00:00 to 23:59")
      .describe("local time, HH:MM"),
    end: z
      .string()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "a local time as HH:MM, 00:01 to 24:00")
      .describe("local time, HH:MM; 24:00 is the end of the day"),
  })
  .refine((i) => minutesOfDay(i.start) < minutesOfDay(i.end), {
    message: "end must come after start",
    path: ["end"],
  });
export type Interval = z.infer<typeof IntervalSchema>;

/** The intervals of one day, in any order, none overlapping (touching, 09:00–12:00 and 12:00–17:00, is fine). */
const DaySchema = z.array(IntervalSchema).superRefine((intervals, ctx) => {
  const order = intervals
    .map((interval, index) => ({
      index,
      start: minutesOfDay(interval.start),
      end: minutesOfDay(interval.end),
    }))
    .sort((a, b) => a.start - b.start || a.index - b.index);
  for (let k = 1; k < order.length; k++) {
    const before = order[k - 1]!;
    const after = order[k]!;
    if (after.start < before.end) {
      const a = intervals[before.index]!;
      ctx.addIssue({
        code: "custom",
        message: `overlaps ${a.start}–${a.end}: intervals on one day must not overlap`,
        path: [Math.max(before.index, after.index)],
      });
    }
  }
});

export const AvailabilitySchema = z.object({
  weekly: z
    .object({
      mon: DaySchema,
      tue: DaySchema,
      wed: DaySchema,
      thu: DaySchema,
      fri: DaySchema,
      sat: DaySchema,
      sun: DaySchema,
    })
    .describe("hours per weekday, in the worker's own time zone"),
  exceptions: z
    .array(
      z.object({
        date: z.iso.date().describe("local date, YYYY-MM-DD"),
        intervals: DaySchema.describe("replace the weekly hours on that date; [] means away all day"),
        note: z.string().max(200).nullable().optional(),
      }),
    )
    .max(366)
    .superRefine((exceptions, ctx) => {
      const seen = new Set<string>();
      exceptions.forEach((exception, index) => {
        if (seen.has(exception.date))
          ctx.addIssue({
            code: "custom",
            message: `a second exception for ${exception.date}: one per date`,
            path: [index, "date"],
          });
        seen.add(exception.date);
      });
    }),
  maxPerDay: z
    .number()
    .int()
    .min(1)
    .max(50)
    .nullable()
    .describe("most appointments on one local day; null means no cap"),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

const OFFICE_HOURS: Interval[] = [{ start: "09:00", end: "17:00" }];

export const DEFAULT_AVAILABILITY: Availability = {
  weekly: {
    mon: OFFICE_HOURS,
    tue: OFFICE_HOURS,
    wed: OFFICE_HOURS,
    thu: OFFICE_HOURS,
    fri: OFFICE_HOURS,
    sat: [],
    sun: [],
  },
  exceptions: [],
  maxPerDay: null,
};
