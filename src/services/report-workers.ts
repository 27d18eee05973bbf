/**
 * The workers report: load against capacity per week (per worker and in total), who is overloaded or
 * starved now (worker health's own definitions), and who improves and who slips. A marketer gets the
 * totals only: no worker's name or figures.
 */
import type { Context } from "../context.js";
import { seesSuppressedCounts } from "../core/access/roles.js";
import { suppressCount } from "../core/reports/figures.js";
import {
  changeScore,
  EMPTY_WINDOW,
  improversAndSlippers,
  trendOf,
  WINDOW_DAYS,
  type WindowFigures,
  type WorkersReport,
  weekMeasures,
  weeksOf,
  windowMeasures,
} from "../core/reports/workers.js";
import { ok, type Result } from "../core/result.js";
import { answersByWindow, firstContactByWindow, heldAt, meetingsByWindow } from "../db/report-workers.js";
import type { ReportFilter } from "../db/reports.js";
import { workerRoster } from "../db/workers.js";
import type { Caller } from "./record.js";
import { mayReadReports, reportScopeOf } from "./reports.js";
import { healthOfWorkers } from "./worker-health.js";

const DAY = 86_400_000;

export type WorkersQuery = Pick<ReportFilter, "from" | "to" | "country" | "place" | "team">;

export async function workersReport(
  ctx: Context,
  caller: Caller,
  query: WorkersQuery,
): Promise<Result<WorkersReport>> {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const scope = reportScopeOf(ctx, caller);
  const db = ctx.db.kysely;
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const marketer = seesSuppressedCounts(caller);
  const weeks = weeksOf(nowIso, query.from, query.to);
  const windows = {
    since: new Date(now.getTime() - 2 * WINDOW_DAYS * DAY).toISOString(),
    middle: new Date(now.getTime() - WINDOW_DAYS * DAY).toISOString(),
    until: nowIso,
  };
  // Independent reads, side by side (on PostgreSQL each takes its own connection); a marketer sees no
  // worker's window figures, so those are not read for one.
  // The week under way ends now (unless `to` cuts it): what each worker holds then is their load, which
  // the roster reads; only the weeks before are counted from the stays.
  const untilNow = weeks.at(-1)?.at === nowIso;
  const past = untilNow ? weeks.slice(0, -1) : weeks;
  // The workers are read once, for the report and for their health (whose flags a marketer's totals count).
  const roster = workerRoster(db, caller.organisationId);
  const [everyone, health, held, answers, meetings, firsts] = await Promise.all([
    roster,
    healthOfWorkers(ctx, caller.organisationId, roster),
    heldAt(
      scope,
      past.map((w) => w.at),
      nowIso,
    ),
    marketer ? [] : answersByWindow(scope, windows),
    marketer ? [] : meetingsByWindow(scope, windows),
    marketer ? [] : firstContactByWindow(scope, windows),
  ]);
  const teams = [...new Set(everyone.flatMap((w) => (w.team ? [w.team] : [])))].sort((a, b) =>
    a.localeCompare(b),
  );
  const selected = everyone.filter(
    (w) =>
      (query.team === undefined || w.team === query.team) &&
      (query.country === undefined || w.country === query.country) &&
      (query.place === undefined || w.place_name === query.place),
  );
  const healthOf = new Map(health.map((h) => [h.workerId, h]));

  const capacity = selected.reduce((sum, w) => sum + w.capacity, 0);
  const seriesOf = (worker: (typeof everyone)[number]) => {
    const series = held.get(worker.id) ?? past.map(() => 0);
    if (untilNow) series.push(Number(worker.load ?? 0));
    return series;
  };
  const heldByWeek = weeks.map(() => 0);
  const seriesById = new Map<string, number[]>();
  for (const worker of selected) {
    const series = seriesOf(worker);
    seriesById.set(worker.id, series);
    for (let i = 0; i < series.length; i++) heldByWeek[i] = (heldByWeek[i] ?? 0) + (series[i] ?? 0);
  }
  const weekRows = weeks.map((w, i) => ({
    ...w,
    ...weekMeasures({ held: heldByWeek[i] ?? 0, capacity, workers: selected.length }, marketer),
  }));

  const flags = selected.map((w) => healthOf.get(w.id));
  const totals = {
    workers: selected.length,
    overloaded: flags.filter((h) => h?.overloaded).length,
    starved: flags.filter((h) => h?.starved).length,
    held: selected.reduce((sum, w) => sum + Number(w.load ?? 0), 0),
    capacity,
  };
  const count = (n: number) => (marketer ? suppressCount(n) : n);
  const shownTotals = {
    workers: count(totals.workers),
    overloaded: count(totals.overloaded),
    starved: count(totals.starved),
    held: count(totals.held),
    capacity: count(totals.capacity),
  };
  if (marketer) {
    return ok({ weeks: weekRows, workers: [], improvers: [], slippers: [], teams, totals: shownTotals });
  }

  // Each worker's figures in each window (one map a window: 10^4 workers made 4·10^4 keys of two parts).
  const figures = { before: new Map<string, WindowFigures>(), recent: new Map<string, WindowFigures>() };
  const of = (workerId: string, window: string) => {
    const inWindow = window === "recent" ? figures.recent : figures.before;
    let f = inWindow.get(workerId);
    if (!f) {
      f = { ...EMPTY_WINDOW };
      inWindow.set(workerId, f);
    }
    return f;
  };
  for (const r of answers) {
    const f = of(r.workerId, r.window);
    f.answered = r.answered;
    f.acceptedOffers = r.accepted;
  }
  for (const r of meetings) {
    const f = of(r.workerId, r.window);
    f.acceptedContacts = r.accepted;
    f.met = r.met;
  }
  for (const r of firsts) of(r.workerId, r.window).firstContact = { n: r.n, medianHours: r.medianHours };
  const figuresOf = (workerId: string, window: "before" | "recent") =>
    figures[window].get(workerId) ?? EMPTY_WINDOW;

  const byId = new Map(selected.map((w) => [w.id, w]));
  const changes = selected.flatMap((w) => {
    const score = changeScore(figuresOf(w.id, "before"), figuresOf(w.id, "recent"));
    return score === null ? [] : [{ workerId: w.id, score }];
  });
  const listed = improversAndSlippers(changes);
  const describe = (c: { workerId: string; score: number }) => {
    const w = byId.get(c.workerId);
    return {
      workerId: c.workerId,
      name: w?.name ?? "",
      team: w?.team ?? null,
      score: c.score,
      before: windowMeasures(figuresOf(c.workerId, "before")),
      recent: windowMeasures(figuresOf(c.workerId, "recent")),
    };
  };
  const workers = selected.map((w) => {
    const series = seriesById.get(w.id) ?? weeks.map(() => 0);
    const h = healthOf.get(w.id);
    return {
      id: w.id,
      name: w.name,
      team: w.team ?? null,
      placeName: w.place_name,
      country: w.country,
      status: w.status,
      capacity: w.capacity,
      held: Number(w.load ?? 0),
      series,
      trend: trendOf(series),
      overloaded: h?.overloaded ?? false,
      starved: h?.starved ?? false,
      signals: h?.signals ?? [],
    };
  });
  return ok({
    weeks: weekRows,
    workers,
    improvers: listed.improvers.map(describe),
    slippers: listed.slippers.map(describe),
    teams,
    totals: shownTotals,
  });
}
