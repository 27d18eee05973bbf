/** The supply and demand reports: load grouped figures, roll them up in the core, suppress for marketers. */
import type { Context } from "../context.js";
import { canReadReports, seesSuppressedCounts } from "../core/access/roles.js";
import { type CoordinateSum, locationOf } from "../core/reports/locations.js";
import {
  type BacklogFigures,
  backlogMeasures,
  combineBacklog,
  combineDemand,
  combineFlow,
  combineSupply,
  type Dimension,
  demandMeasures,
  EMPTY_BACKLOG,
  EMPTY_DEMAND,
  EMPTY_FLOW,
  EMPTY_SUPPLY,
  type FlowFigures,
  flowMeasures,
  groupId,
  type Keyed,
  lastYearMeasures,
  lastYearOf,
  type Median,
  rollUp,
  type SupplyFigures,
  supplyMeasures,
  totalOf,
} from "../core/reports/measures.js";
import { fail, ok, type Result } from "../core/result.js";
import { rolledCounts, rolledMedians, rolledReasons, rolledWaiting } from "../db/report-rollups.js";
import {
  availableWorkers,
  contactCounts,
  hoursToAssignment,
  hoursToFirstContact,
  type Medians,
  offerAnswers,
  type ReportFilter,
  type ReportScope,
  recordedCoordinates,
  shortageCounts,
  unassignableReasons,
  waitingHours,
} from "../db/reports.js";
import { locatePlace } from "./gazetteer.js";
import type { Caller } from "./record.js";
import { rollupsReady } from "./refresh-reports.js";

export const REPORTS = ["demand", "supply", "flow", "backlog"] as const;
export type ReportName = (typeof REPORTS)[number];

export interface ReportQuery<D extends Dimension = Dimension> extends ReportFilter {
  by: D;
}

export interface Report<M> {
  by: Dimension;
  /** `lat` and `lon`: where a city lies, for the map (by city only; null elsewhere or when not known). */
  rows: Array<{ key: string | null; country: string | null; lat: number | null; lon: number | null } & M>;
  totals: M;
}

export function keyed<F>(row: { k: string | null; c: string | null }, figures: F): Keyed<F> {
  return { key: row.k, country: row.c, figures };
}

/** A median with how many values it is over (the largest is the backlog's only). */
type MedianOf = Pick<Medians, "k" | "c" | "n" | "median">;

function median(m: MedianOf | undefined): Median {
  return m ? { n: m.n, hours: m.median } : { n: 0, hours: null };
}

/**
 * Rolls the groups up, totals them and turns both into measures; `total` puts in what cannot be summed
 * from the groups (medians over all of them).
 */
function finish<F, M>(
  by: Dimension,
  groups: ReadonlyArray<Keyed<F>>,
  figures: {
    combine: (parts: readonly F[]) => F;
    measures: (f: F, marketer: boolean) => M;
    total?: (summed: F) => F;
  },
  marketer: boolean,
): Report<M> {
  const rows = rollUp(groups, by, figures.combine);
  // Only regions and cities are qualified by their country; other keys stand alone.
  const qualified = by === "region" || by === "city";
  return {
    by,
    rows: rows.map((row) => ({
      key: row.key,
      country: by === "country" ? row.key : qualified ? row.country : null,
      lat: null,
      lon: null,
      ...figures.measures(row.figures, marketer),
    })),
    totals: figures.measures((figures.total ?? ((f: F) => f))(totalOf(rows, figures.combine)), marketer),
  };
}

/**
 * Puts each city of a report by city on the map: the gazetteer's point for its name and country, or else
 * the coarse mean of the coordinates recorded there (a name the gazetteer does not know, such as "Roma").
 */
async function located<M>(scope: ReportScope, report: Report<M>): Promise<Report<M>> {
  if (report.by !== "city") return report;
  const points = new Map<string, Awaited<ReturnType<typeof locatePlace>>>();
  const id = (city: string | null, country: string | null) => `${country ?? ""}\u0000${city ?? ""}`;
  for (const row of report.rows) {
    if (row.key !== null) points.set(id(row.key, row.country), await locatePlace(row.key, row.country));
  }
  // Only the cities the gazetteer does not know need the coordinates recorded there (a scan of their rows).
  const unknown = report.rows.flatMap((row) =>
    row.key === null || points.get(id(row.key, row.country)) ? [] : [{ city: row.key, country: row.country }],
  );
  const recorded = new Map<string, CoordinateSum[]>();
  for (const r of await recordedCoordinates(scope, unknown)) {
    recorded.set(id(r.city, r.country), [...(recorded.get(id(r.city, r.country)) ?? []), r]);
  }
  const rows = report.rows.map((row) => {
    if (row.key === null) return row;
    const where = locationOf(
      points.get(id(row.key, row.country)) ?? null,
      recorded.get(id(row.key, row.country)) ?? [],
    );
    return { ...row, lat: where?.lat ?? null, lon: where?.lon ?? null };
  });
  return { ...report, rows };
}

/** Whose rows a caller's reports read. */
export function reportScopeOf(ctx: Context, caller: Caller): ReportScope {
  return { db: ctx.db.kysely, dialect: ctx.db.dialect, organisationId: caller.organisationId };
}

/** Where a report's grouped figures come from: every function answers the same rows either way. */
interface FigureSource {
  counts(
    by: Dimension,
    filter: ReportFilter,
  ): Promise<Array<Awaited<ReturnType<typeof contactCounts>>[number]>>;
  reasons(by: Dimension, filter: ReportFilter): ReturnType<typeof unassignableReasons>;
  offers(by: Dimension, filter: ReportFilter): ReturnType<typeof offerAnswers>;
  toAssignment(
    by: Dimension,
    filter: ReportFilter,
  ): Promise<{ groups: MedianOf[]; total: MedianOf | undefined }>;
  toFirstContact(
    by: Dimension,
    filter: ReportFilter,
  ): Promise<{ groups: MedianOf[]; total: MedianOf | undefined }>;
  waiting(by: Dimension, filter: ReportFilter, now: string): ReturnType<typeof waitingHours>;
}

/** The contacts themselves, read and grouped on every request. */
function liveFigures(scope: ReportScope): FigureSource {
  return {
    counts: (by, filter) => contactCounts(scope, by, filter),
    reasons: (by, filter) => unassignableReasons(scope, by, filter),
    offers: (by, filter) => offerAnswers(scope, by, filter),
    toAssignment: (by, filter) => hoursToAssignment(scope, by, filter),
    toFirstContact: (by, filter) => hoursToFirstContact(scope, by, filter),
    waiting: (by, filter, now) => waitingHours(scope, by, filter, now),
  };
}

/** The rollups (src/db/report-rollups.ts): whole periods summed ahead, edges of a period read from the facts. */
function rolledFigures(scope: ReportScope): FigureSource {
  // The offers are counted in the same rollup rows: one read serves both (a source lives for one request).
  const read = new Map<string, ReturnType<typeof rolledCounts>>();
  const counts = (by: Dimension, filter: ReportFilter) => {
    const id = JSON.stringify([by, filter]);
    const found = read.get(id) ?? rolledCounts(scope, by, filter);
    read.set(id, found);
    return found;
  };
  return {
    counts,
    reasons: (by, filter) => rolledReasons(scope, by, filter),
    offers: async (by, filter) =>
      (await counts(by, filter))
        .filter((r) => r.answered > 0)
        .map((r) => ({ k: r.k, c: r.c, answered: r.answered, accepted: r.offersAccepted })),
    toAssignment: (by, filter) => rolledMedians(scope, by, filter, "assign"),
    toFirstContact: (by, filter) => rolledMedians(scope, by, filter, "first"),
    waiting: (by, filter, now) => rolledWaiting(scope, by, filter, now),
  };
}

/**
 * The rollups when they count every change made so far (a few pending are counted first) and hold what
 * the filter asks for (not a team: who holds a contact changes with the workers); else the contacts.
 */
async function figuresFor(ctx: Context, scope: ReportScope, filter: ReportFilter): Promise<FigureSource> {
  if (filter.team === undefined && (await rollupsReady(ctx, scope.organisationId)))
    return rolledFigures(scope);
  return liveFigures(scope);
}

export function mayReadReports(caller: Caller): Result<true> {
  return canReadReports(caller)
    ? ok(true)
    : fail("forbidden", `a ${caller.role} does not see the supply and demand reports`);
}

/** Demand per group: new contacts, those no one can serve (and why), and supply shortages. */
async function demandGroups(scope: ReportScope, figures: FigureSource, by: Dimension, filter: ReportFilter) {
  const [counts, reasons, shortages] = await Promise.all([
    figures.counts(by, filter),
    figures.reasons(by, filter),
    shortageCounts(scope, by, filter),
  ]);
  return [
    ...counts.map((r) =>
      keyed(r, { ...EMPTY_DEMAND, newContacts: r.contacts, unassignable: r.unassignable }),
    ),
    ...reasons.map((r) => keyed(r, { ...EMPTY_DEMAND, reasons: { [r.reason]: r.n } })),
    ...shortages.map((r) => keyed(r, { ...EMPTY_DEMAND, shortages: r.n })),
  ];
}

export interface DemandQuery extends ReportQuery {
  /** last_year: each row and the totals also hold the demand of the same period a year earlier. */
  compare?: "last_year" | undefined;
}

export async function demandReport(ctx: Context, caller: Caller, query: DemandQuery) {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const scope = reportScopeOf(ctx, caller);
  const { by, compare, ...filter } = query;
  const marketer = seesSuppressedCounts(caller);
  const figures = await figuresFor(ctx, scope, filter);
  const report = finish(
    by,
    await demandGroups(scope, figures, by, filter),
    { combine: combineDemand, measures: demandMeasures },
    marketer,
  );
  if (compare !== "last_year") return ok(await located(scope, report));
  const earlier = lastYearOf(
    by,
    filter,
    report.rows.map((row) => row.key),
  );
  const then = earlier
    ? rollUp(await demandGroups(scope, figures, by, earlier.filter), by, combineDemand)
    : [];
  const thenById = new Map(then.map((group) => [groupId(by, group), group.figures]));
  const compared = {
    ...report,
    rows: report.rows.map((row) => {
      const key = earlier?.keyOf(row.key) ?? null;
      const figures = key === null ? undefined : (thenById.get(groupId(by, { ...row, key })) ?? EMPTY_DEMAND);
      return { ...row, lastYear: figures ? lastYearMeasures(figures, marketer) : null };
    }),
    totals: {
      ...report.totals,
      lastYear: earlier ? lastYearMeasures(totalOf(then, combineDemand), marketer) : null,
    },
  };
  return ok(await located(scope, compared));
}

export async function supplyReport(ctx: Context, caller: Caller, query: ReportQuery<"country" | "city">) {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const scope = reportScopeOf(ctx, caller);
  const { by, ...filter } = query;
  const now = ctx.clock.now().toISOString();
  const groups: Array<Keyed<SupplyFigures>> = [];
  for (const r of await availableWorkers(scope, by, filter, now))
    groups.push(keyed(r, { ...EMPTY_SUPPLY, availableWorkers: r.workers, freeCapacity: r.free }));
  const figures = await figuresFor(ctx, scope, filter);
  for (const r of await figures.counts(by, filter))
    groups.push(keyed(r, { ...EMPTY_SUPPLY, contacts: r.contacts }));
  const report = finish(
    by,
    groups,
    { combine: combineSupply, measures: supplyMeasures },
    seesSuppressedCounts(caller),
  );
  return ok(await located(scope, report));
}

export async function flowReport(ctx: Context, caller: Caller, query: ReportQuery) {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const scope = reportScopeOf(ctx, caller);
  const { by, ...filter } = query;
  // Independent queries: on PostgreSQL each takes its own connection, so they run side by side.
  const figures = await figuresFor(ctx, scope, filter);
  const [counts, answers, toAssign, toFirst] = await Promise.all([
    figures.counts(by, filter),
    figures.offers(by, filter),
    figures.toAssignment(by, filter),
    figures.toFirstContact(by, filter),
  ]);
  const groups: Array<Keyed<FlowFigures>> = [
    ...counts.map((r) => keyed(r, { ...EMPTY_FLOW, contacts: r.contacts, accepted: r.accepted, met: r.met })),
    ...answers.map((r) =>
      keyed(r, { ...EMPTY_FLOW, offersAnswered: r.answered, offersAccepted: r.accepted }),
    ),
    ...toAssign.groups.map((r) => keyed(r, { ...EMPTY_FLOW, toAssignment: median(r) })),
    ...toFirst.groups.map((r) => keyed(r, { ...EMPTY_FLOW, toFirstContact: median(r) })),
  ];
  const toAssignment = median(toAssign.total);
  const toFirstContact = median(toFirst.total);
  const report = finish(
    by,
    groups,
    {
      combine: combineFlow,
      measures: flowMeasures,
      total: (summed) => ({ ...summed, toAssignment, toFirstContact }),
    },
    seesSuppressedCounts(caller),
  );
  return ok(await located(scope, report));
}

export async function backlogReport(
  ctx: Context,
  caller: Caller,
  query: ReportQuery<"country" | "region" | "city">,
) {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const { by, ...filter } = query;
  const now = ctx.clock.now().toISOString();
  const scope = reportScopeOf(ctx, caller);
  const figures = (r: Medians): BacklogFigures => ({
    ...EMPTY_BACKLOG,
    waiting: median(r),
    oldestHours: r.n > 0 ? r.max : null,
  });
  const waiting = await (await figuresFor(ctx, scope, filter)).waiting(by, filter, now);
  const groups = waiting.groups.map((r) => keyed(r, figures(r)));
  const all = waiting.total;
  const report = finish(
    by,
    groups,
    {
      combine: combineBacklog,
      measures: backlogMeasures,
      total: (summed) => (all ? figures(all) : summed),
    },
    seesSuppressedCounts(caller),
  );
  return ok(await located(scope, report));
}
