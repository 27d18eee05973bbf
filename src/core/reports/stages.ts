/**
 * The stages report as pure functions: per group and stage, how many contacts are in the stage now and
 * how long stays in it last (median and 90th percentile, over finished stays and the current ones until
 * now), suppressed for marketers like the other reports.
 */
import { z } from "zod";
import { STATUSES } from "../lifecycle/states.js";
import { type Count, isSmall, round2, SMALL, suppressCount } from "./figures.js";

/** The stages in the order a contact goes through them. */
export const STAGES = STATUSES;

export interface StageFigures {
  now: number;
  stays: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export const EMPTY_STAGE: StageFigures = { now: 0, stays: 0, medianHours: null, p90Hours: null };

export function stageMeasures(f: StageFigures, marketer: boolean) {
  const hidden = marketer && isSmall(f.stays);
  const hours = (value: number | null) => (hidden || value === null ? null : round2(value));
  const count = (value: number): Count => (marketer ? suppressCount(value) : value);
  return {
    now: count(f.now),
    stays: count(f.stays),
    medianHours: hours(f.medianHours),
    p90Hours: hours(f.p90Hours),
  };
}

export interface StageInput {
  k: string | null;
  c: string | null;
  stage: string;
}

/**
 * One row per group and stage (stages in lifecycle order, unknown ones last, groups sorted by key with
 * the unknown last), merging the counts now and the stays' spread; groups named by `qualified` keep
 * their country (regions and cities).
 */
export function stageRows(
  counts: ReadonlyArray<StageInput & { n: number }>,
  spreads: ReadonlyArray<StageInput & { n: number; medianHours: number; p90Hours: number }>,
  options: { qualified: boolean; marketer: boolean },
) {
  const groups = new Map<
    string,
    { key: string | null; country: string | null; stages: Map<string, StageFigures> }
  >();
  const figuresOf = (row: StageInput) => {
    const country = options.qualified ? row.c : null;
    const id = `${country ?? ""}\u0000${row.k ?? "\u0001"}`;
    const group = groups.get(id) ?? { key: row.k, country, stages: new Map<string, StageFigures>() };
    groups.set(id, group);
    const figures = group.stages.get(row.stage) ?? { ...EMPTY_STAGE };
    group.stages.set(row.stage, figures);
    return figures;
  };
  for (const row of counts) figuresOf(row).now += row.n;
  for (const row of spreads) {
    const figures = figuresOf(row);
    figures.stays = row.n;
    figures.medianHours = row.medianHours;
    figures.p90Hours = row.p90Hours;
  }
  const order = (stage: string) => {
    const i = (STAGES as readonly string[]).indexOf(stage);
    return i < 0 ? STAGES.length : i;
  };
  return [...groups.values()]
    .sort(
      (a, b) =>
        Number(a.key === null) - Number(b.key === null) ||
        (a.key ?? "").localeCompare(b.key ?? "") ||
        (a.country ?? "").localeCompare(b.country ?? ""),
    )
    .flatMap((group) =>
      [...group.stages.entries()]
        .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
        .map(([stage, figures]) => ({
          key: group.key,
          country: group.country,
          stage,
          ...stageMeasures(figures, options.marketer),
        })),
    );
}

/** The totals: per stage over every contact selected (the spreads over all stays, not the groups'). */
export function stageTotals(
  counts: ReadonlyArray<{ stage: string; n: number }>,
  spreads: ReadonlyArray<{ stage: string; n: number; medianHours: number; p90Hours: number }>,
  marketer: boolean,
) {
  const stages = new Map<string, StageFigures>();
  const of = (stage: string) => {
    const figures = stages.get(stage) ?? { ...EMPTY_STAGE };
    stages.set(stage, figures);
    return figures;
  };
  for (const row of counts) of(row.stage).now += row.n;
  for (const row of spreads)
    Object.assign(of(row.stage), { stays: row.n, medianHours: row.medianHours, p90Hours: row.p90Hours });
  return STAGES.filter((stage) => stages.has(stage)).map((stage) => ({
    stage,
    ...stageMeasures(stages.get(stage) ?? EMPTY_STAGE, marketer),
  }));
}

const count = z
  .union([z.number().int(), z.literal(SMALL)])
  .describe(`a count; "${SMALL}" for a marketer when 1–4`);
const hours = z
  .number()
  .nullable()
  .describe("hours; null when there is nothing to measure (or, for a marketer, fewer than five stays)");

const StageMeasures = z.object({
  stage: z.string().describe("a contact status: new, qualifying, ready, offered, active, paused, …"),
  now: count.describe("contacts in this stage now"),
  stays: count.describe("stays in this stage measured: the finished ones and the current ones until now"),
  medianHours: hours.describe("the median hours a stay in this stage lasts"),
  p90Hours: hours.describe("nine stays in ten last at most this many hours"),
});

export const StagesReportSchema = z.object({
  by: z.string(),
  resolution: z.number().int().nullable().describe("the H3 resolution, for by=h3; null otherwise"),
  rows: z.array(
    StageMeasures.extend({
      key: z.string().nullable().describe("the dimension's value; null: not known"),
      country: z.string().nullable().describe("the country of a region or city"),
      lat: z.number().nullable().describe("for by=h3: the cell's centre"),
      lon: z.number().nullable(),
    }),
  ),
  totals: z.array(StageMeasures).describe("per stage, over every contact selected"),
});
export type StagesReport = z.infer<typeof StagesReportSchema>;
