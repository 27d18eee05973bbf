/** The supply and demand reports: load grouped figures, roll them up in the core, suppress for marketers. */
import type { Context } from "../context.js";
import { canReadReports, seesSuppressedCounts } from "../core/access/roles.js";
import { hoursBetween } from "../core/reports/figures.js";
import { type CoordinateSum, locationOf } from "../core/reports/locations.js";
import {
  type BacklogFigures,
  backlogMeasures,
  combineBacklog,
  combineDemand,
  combineFlow,
  combineSupply,
  type DemandFigures,
  type Dimension,
  demandMeasures,
  EMPTY_DEMAND,
  EMPTY_FLOW,
  EMPTY_SUPPLY,
  type FlowFigures,
  flowHours,
  flowMeasures,
  type Keyed,
  rollUp,
  type SupplyFigures,
  supplyMeasures,
  totalOf,
} from "../core/reports/measures.js";
import { fail, ok, type Result } from "../core/result.js";
import {
  availableWorkers,
  contactCounts,
  flowTimes,
  offerAnswers,
  type ReportFilter,
  recordedCoordinates,
  shortageCounts,
  unassignableReasons,
  waitingSince,
} from "../db/reports.js";
import { locatePlace } from "./gazetteer.js";
import type { Caller } from "./record.js";

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

function keyed<F>(row: { k: string | null; c: string | null }, figures: F): Keyed<F> {
  return { key: row.k, country: row.c, figures };
}

/** Rolls the groups up, totals them and turns both into measures. */
function finish<F, M>(
  by: Dimension,
  groups: ReadonlyArray<Keyed<F>>,
  figures: { combine: (parts: readonly F[]) => F; measures: (f: F, marketer: boolean) => M },
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
    totals: figures.measures(totalOf(rows, figures.combine), marketer),
  };
}

/**
 * Puts each city of a report by city on the map: the gazetteer's point for its name and country, or else
 * the coarse mean of the coordinates recorded there (a name the gazetteer does not know, such as "Roma").
 */
async function located<M>(ctx: Context, organisationId: string, report: Report<M>): Promise<Report<M>> {
  if (report.by !== "city") return report;
  const cities = [...new Set(report.rows.flatMap((row) => (row.key === null ? [] : [row.key])))];
  const recorded = new Map<string, CoordinateSum[]>();
  for (const r of await recordedCoordinates(ctx.db.kysely, organisationId, cities)) {
    const id = `${r.country ?? ""}\u0000${r.city ?? ""}`;
    recorded.set(id, [...(recorded.get(id) ?? []), r]);
  }
  const rows = [];
  for (const row of report.rows) {
    if (row.key === null) {
      rows.push(row);
      continue;
    }
    const place = await locatePlace(row.key, row.country);
    const where = locationOf(place, recorded.get(`${row.country ?? ""}\u0000${row.key}`) ?? []);
    rows.push({ ...row, lat: where?.lat ?? null, lon: where?.lon ?? null });
  }
  return { ...report, rows };
}

function allowed(caller: Caller): Result<true> {
  return canReadReports(caller)
    ? ok(true)
    : fail("forbidden", `a ${caller.role} does not see the supply and demand reports`);
}

export async function demandReport(ctx: Context, caller: Caller, query: ReportQuery) {
  const may = allowed(caller);
  if (!may.ok) return may;
  const db = ctx.db.kysely;
  const org = caller.organisationId;
  const { by, ...filter } = query;
  const groups: Array<Keyed<DemandFigures>> = [];
  for (const r of await contactCounts(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_DEMAND, newContacts: r.contacts, unassignable: r.unassignable }));
  for (const r of await unassignableReasons(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_DEMAND, reasons: { [r.reason]: r.n } }));
  for (const r of await shortageCounts(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_DEMAND, shortages: r.n }));
  const report = finish(
    by,
    groups,
    { combine: combineDemand, measures: demandMeasures },
    seesSuppressedCounts(caller),
  );
  return ok(await located(ctx, org, report));
}

export async function supplyReport(ctx: Context, caller: Caller, query: ReportQuery<"country" | "city">) {
  const may = allowed(caller);
  if (!may.ok) return may;
  const db = ctx.db.kysely;
  const org = caller.organisationId;
  const { by, ...filter } = query;
  const now = ctx.clock.now().toISOString();
  const groups: Array<Keyed<SupplyFigures>> = [];
  for (const r of await availableWorkers(db, org, by, filter, now))
    groups.push(keyed(r, { ...EMPTY_SUPPLY, availableWorkers: r.workers, freeCapacity: r.free }));
  for (const r of await contactCounts(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_SUPPLY, contacts: r.contacts }));
  const report = finish(
    by,
    groups,
    { combine: combineSupply, measures: supplyMeasures },
    seesSuppressedCounts(caller),
  );
  return ok(await located(ctx, org, report));
}

export async function flowReport(ctx: Context, caller: Caller, query: ReportQuery) {
  const may = allowed(caller);
  if (!may.ok) return may;
  const db = ctx.db.kysely;
  const org = caller.organisationId;
  const { by, ...filter } = query;
  const groups: Array<Keyed<FlowFigures>> = [];
  for (const r of await contactCounts(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_FLOW, contacts: r.contacts, accepted: r.accepted, met: r.met }));
  for (const r of await offerAnswers(db, org, by, filter))
    groups.push(keyed(r, { ...EMPTY_FLOW, offersAnswered: r.answered, offersAccepted: r.accepted }));
  for (const r of await flowTimes(db, org, by, filter)) {
    const hours = flowHours({
      createdAt: r.created_at,
      assignedAt: r.assigned_at,
      acceptedAt: r.accepted_at,
      firstAttemptAt: r.first_attempt_at,
    });
    groups.push(keyed(r, { ...EMPTY_FLOW, ...hours }));
  }
  const report = finish(
    by,
    groups,
    { combine: combineFlow, measures: flowMeasures },
    seesSuppressedCounts(caller),
  );
  return ok(await located(ctx, org, report));
}

export async function backlogReport(
  ctx: Context,
  caller: Caller,
  query: ReportQuery<"country" | "region" | "city">,
) {
  const may = allowed(caller);
  if (!may.ok) return may;
  const { by, ...filter } = query;
  const now = ctx.clock.now().toISOString();
  const groups: Array<Keyed<BacklogFigures>> = (
    await waitingSince(ctx.db.kysely, caller.organisationId, by, filter)
  ).map((r) => keyed(r, { waitingHours: [hoursBetween(r.created_at, now)] }));
  const report = finish(
    by,
    groups,
    { combine: combineBacklog, measures: backlogMeasures },
    seesSuppressedCounts(caller),
  );
  return ok(await located(ctx, caller.organisationId, report));
}
