/**
 * The answers of the supply and demand reports as zod schemas: the API validates and documents with them,
 * and the console takes its types from them.
 */
import { z } from "zod";
import { SMALL } from "./figures.js";
import { DIMENSIONS } from "./measures.js";

const count = z
  .union([z.number().int(), z.literal(SMALL)])
  .describe(`a count; "${SMALL}" for a marketer when 1–4`);
const hours = z
  .number()
  .nullable()
  .describe("hours; null when there is nothing to measure (or too few people)");
const ratio = z
  .number()
  .nullable()
  .describe("0..1; null when there is nothing to divide by (or too few people)");

const DemandMeasures = z.object({
  newContacts: count,
  unassignable: count.describe("contacts no worker can serve (coverage gaps)"),
  unassignableReasons: z.record(z.string(), count).describe("unassignable contacts by the reason given"),
  shortages: count.describe("bookings that found no worker with a free slot"),
  lastYear: z
    .object({ newContacts: count, unassignable: count, shortages: count })
    .nullable()
    .optional()
    .describe(
      "with compare=last_year only: the same figures a year earlier (the same month, the ISO week of the same number, or the same from/to); null when there is nothing to compare with",
    ),
});
const SupplyMeasures = z.object({
  availableWorkers: count.describe("active, or away with the away period over"),
  freeCapacity: count.describe("capacity less the contacts held, summed over available workers"),
  contacts: count.describe("contacts that arrived in the period"),
  contactsPerWorker: ratio.describe("contacts per available worker; null without workers"),
});
const FlowMeasures = z.object({
  contacts: count,
  assigned: count,
  medianHoursToAssignment: hours,
  offersAnswered: count.describe("offers accepted, declined or lapsed"),
  offersAccepted: count,
  acceptanceRate: ratio,
  accepted: count.describe("contacts their current worker accepted"),
  medianHoursToFirstContact: hours.describe("from acceptance to the first attempt"),
  met: count.describe("accepted contacts met in person"),
  meetingRate: ratio.describe("met / accepted"),
});
const BacklogMeasures = z.object({
  waiting: count.describe("contacts new, qualifying or ready"),
  oldestHours: hours.describe("how long the oldest has waited since it arrived"),
  medianHours: hours,
});

const degrees = z
  .number()
  .nullable()
  .describe(
    "where the city lies, for a map (by=city only): the gazetteer's point, or else the mean of the coordinates recorded there rounded to 0.1°; null for other dimensions or when not known",
  );

/** Where a row stands: its key, the country of a place, and where a city lies. */
const RowPlace = z.object({
  key: z.string().nullable().describe("the dimension's value; null: not known"),
  country: z.string().nullable().describe("the country of a place"),
  lat: degrees,
  lon: degrees,
});

function reportSchema<S extends z.ZodRawShape>(measures: z.ZodObject<S>) {
  return z.object({
    by: z.enum(DIMENSIONS),
    rows: z.array(z.object({ ...measures.shape, ...RowPlace.shape })),
    totals: measures,
  });
}

export const DemandReportSchema = reportSchema(DemandMeasures);
export const SupplyReportSchema = reportSchema(SupplyMeasures);
export const FlowReportSchema = reportSchema(FlowMeasures);
export const BacklogReportSchema = reportSchema(BacklogMeasures);
/** The answers of the four reports, for the console. */
export type DemandReport = z.infer<typeof DemandReportSchema>;
export type SupplyReport = z.infer<typeof SupplyReportSchema>;
export type FlowReport = z.infer<typeof FlowReportSchema>;
export type BacklogReport = z.infer<typeof BacklogReportSchema>;
