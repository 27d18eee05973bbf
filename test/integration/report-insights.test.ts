/**
 * The reports of part two against figures recomputed in the test from the raw rows: time in each stage,
 * workers' load by week and who improves or slips, demand per worker on the H3 grid, the team filter on
 * every report, and the demand alert raised once per crossing.
 */
import { parse } from "csv-parse/sync";
import type { FastifyInstance } from "fastify";
import { latLngToCell } from "h3-js";
import { DateTime } from "luxon";
import { expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import type { ContactCreate, WorkerCreate } from "../../src/core/model.js";
import { stageEntriesOf } from "../../src/core/reports/stage-history.js";
import { WorkersReportSchema, weeksOf } from "../../src/core/reports/workers.js";
import { updateContact } from "../../src/db/contacts.js";
import * as stageRollupsAllPeriods from "../../src/db/migrations/0018-stage-rollups-all-periods.js";
import { rolledStages } from "../../src/db/report-stages.js";
import { sweep } from "../../src/jobs/sweeper.js";
import type { Mailer } from "../../src/notify/mailer.js";
import { changeContactStatus } from "../../src/services/change-contact-status.js";
import { createContact } from "../../src/services/create-contact.js";
import { checkDemandAlerts } from "../../src/services/demand-alerts.js";
import { logActivity } from "../../src/services/log-activity.js";
import { type Caller, systemCaller } from "../../src/services/record.js";
import { refreshReports } from "../../src/services/refresh-reports.js";
import { createWorker, editWorker } from "../../src/services/save-worker.js";
import { describeEachDatabase, type TestClock } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { type SeededOrganisation, seedOrganisation, signInAs } from "../support/seed.js";

const HOUR = 3_600_000;
const NOW = "2026-04-20T09:00:00.000Z";

type Who = "rome" | "athens" | "milan";
type Step = "decline" | "accept" | "call" | "meet" | "pause" | "qualify" | "gap" | "wait";

interface Seed {
  at: string;
  place: "Roma" | "Athina" | "Milano" | null;
  worker?: Who;
  steps: Step[];
}

const PLACES = {
  Roma: { placeName: "Roma", region: "Lazio", country: "IT", lat: 41.9, lon: 12.5 },
  Athina: { placeName: "Athina", region: "Attica", country: "GR", lat: 37.98, lon: 23.73 },
  Milano: { placeName: "Milano", region: "Lombardia", country: "IT", lat: 45.46, lon: 9.19 },
} as const;

/** The 30 days before the last 30 (from 19 February) and the last 30 (from 21 March). */
const SEEDS: Seed[] = [
  { at: "2026-02-23T09:00:00Z", place: "Roma", worker: "rome", steps: ["decline"] },
  { at: "2026-02-26T09:00:00Z", place: "Roma", worker: "rome", steps: ["decline"] },
  { at: "2026-03-02T09:00:00Z", place: "Roma", worker: "rome", steps: ["accept", "call", "meet"] },
  { at: "2026-02-24T12:00:00Z", place: "Athina", worker: "athens", steps: ["accept", "call"] },
  { at: "2026-02-27T12:00:00Z", place: "Athina", worker: "athens", steps: ["accept"] },
  { at: "2026-03-03T12:00:00Z", place: "Athina", worker: "athens", steps: ["accept", "call", "meet"] },
  { at: "2026-03-25T09:00:00Z", place: "Roma", worker: "rome", steps: ["accept", "call"] },
  { at: "2026-03-28T09:00:00Z", place: "Roma", worker: "rome", steps: ["accept", "call", "meet"] },
  { at: "2026-04-02T09:00:00Z", place: "Roma", worker: "rome", steps: ["accept"] },
  { at: "2026-03-26T12:00:00Z", place: "Athina", worker: "athens", steps: ["decline"] },
  { at: "2026-03-30T12:00:00Z", place: "Athina", worker: "athens", steps: ["decline"] },
  { at: "2026-04-03T12:00:00Z", place: "Athina", worker: "athens", steps: ["accept"] },
  { at: "2026-04-06T09:00:00Z", place: "Milano", worker: "milan", steps: ["accept", "pause"] },
  { at: "2026-04-10T09:00:00Z", place: "Roma", steps: ["wait"] },
  { at: "2026-04-12T09:00:00Z", place: "Athina", steps: ["qualify"] },
  { at: "2026-04-14T09:00:00Z", place: null, steps: ["wait"] },
  { at: "2026-04-15T09:00:00Z", place: "Milano", steps: ["gap"] },
];

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

interface World {
  org: SeededOrganisation;
  workers: Record<Who, string>;
  dispatcher: Caller;
  cookies: { admin: string; dispatcher: string; marketer: string; setter: string; worker: string };
}

async function buildWorld(ctx: Context, app: FastifyInstance, clock: TestClock): Promise<World> {
  clock.set("2026-02-01T09:00:00Z");
  const org = await seedOrganisation(ctx, app, "alpha");
  const system = systemCaller(org.id);
  const dispatcher: Caller = { ...system, userId: org.userIds.dispatcher, role: "dispatcher" };
  must(
    await editWorker(ctx, system, org.workers.worker.id, {
      placeName: "Roma",
      country: "IT",
      team: "north",
      maxKm: 5000,
    }),
  );
  must(
    await editWorker(ctx, system, org.workers.worker2.id, {
      placeName: "Athina",
      country: "GR",
      team: "south",
      maxKm: 5000,
      languages: ["el", "it"],
    }),
  );
  const base: WorkerCreate = {
    name: "Milan",
    languages: ["it"],
    lat: 45.47,
    lon: 9.2,
    maxKm: 5000,
    capacity: 2,
    trust: 0.5,
    status: "active",
    timeZone: "Europe/Rome",
    placeName: "Milano",
    country: "IT",
    team: "north",
  };
  const milan = must(await createWorker(ctx, system, base));
  // Paused: not available, and in no team.
  must(await createWorker(ctx, system, { ...base, name: "Resting", status: "paused", team: undefined }));
  const workers = { rome: org.workers.worker.id, athens: org.workers.worker2.id, milan: milan.id };
  const callerOf = (who: Who): Caller => ({
    ...system,
    role: "worker",
    workerId: workers[who],
    userId: who === "rome" ? org.userIds.worker : who === "athens" ? org.userIds.worker2 : "",
  });
  for (const [i, seed] of SEEDS.entries()) {
    clock.set(seed.at);
    const place = seed.place ? PLACES[seed.place] : null;
    const input = {
      displayName: `Person ${i}`,
      phones: [],
      emails: [],
      languages: ["it"],
      inbound: false,
      campaign: i % 2 === 0 ? "spring" : "radio",
      source: i % 3 === 0 ? "facebook" : "google",
      ...(place ? { ...place, lat: place.lat + (i % 5) * 0.01, lon: place.lon - (i % 4) * 0.01 } : {}),
    };
    const contact = must(await createContact(ctx, dispatcher, input as ContactCreate));
    const move = async (caller: Caller, to: string, extra: Record<string, string> = {}) => {
      clock.advance((1 + (i % 4)) * HOUR);
      must(await changeContactStatus(ctx, caller, contact.id, { to, ...extra }));
    };
    if (seed.steps.includes("gap")) {
      await move(dispatcher, "unassignable", { reason: "no worker in reach" });
      continue;
    }
    if (seed.steps.includes("qualify")) {
      await move(dispatcher, "qualifying");
      continue;
    }
    if (!seed.worker) continue;
    const worker = callerOf(seed.worker);
    await move(dispatcher, "ready");
    await move(dispatcher, "offered", { workerId: workers[seed.worker] });
    for (const step of seed.steps) {
      if (step === "decline") await move(worker, "ready");
      if (step === "accept") await move(worker, "active");
      if (step === "pause") await move(worker, "paused", { reason: "travelling" });
      if (step === "call") {
        clock.advance((2 + i) * HOUR);
        must(await logActivity(ctx, worker, contact.id, { kind: "call", body: "called" }));
      }
      if (step === "meet") {
        clock.advance(20 * HOUR);
        must(await logActivity(ctx, worker, contact.id, { kind: "meeting", body: "met" }));
      }
    }
  }
  clock.set(NOW);
  const cookies = {} as World["cookies"];
  for (const role of ["admin", "dispatcher", "marketer", "setter", "worker"] as const) {
    cookies[role] = await signInAs(app, `${role}@alpha.test`);
  }
  return { org, workers, dispatcher, cookies };
}

// ---------------------------------------------------------------------------------------------------------
// The figures recomputed from the raw rows

/** Contacts a worker held (offered, active, paused) at an instant, from the stage rows. */
function heldFromRows(raw: Awaited<ReturnType<typeof rawRows>>, workerId: string, t: string): number {
  return raw.contacts.filter((c) => {
    const stays = raw.stages
      .filter((s) => s.contact_id === c.id)
      .sort((a, b) => a.entered_at.localeCompare(b.entered_at) || a.id.localeCompare(b.id));
    return stays.some(
      (s, i) =>
        s.worker_id === workerId &&
        ["offered", "active", "paused"].includes(s.status) &&
        s.entered_at <= t &&
        (stays[i + 1] === undefined || (stays[i + 1]?.entered_at ?? "") > t),
    );
  }).length;
}

async function rawRows(ctx: Context, organisationId: string) {
  const db = ctx.db.kysely;
  return {
    contacts: await db
      .selectFrom("contacts")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .execute(),
    workers: await db
      .selectFrom("workers")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .execute(),
    stages: await db
      .selectFrom("contact_stage_changes")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .execute(),
    activities: await db
      .selectFrom("activities")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .execute(),
  };
}
type Raw = Awaited<ReturnType<typeof rawRows>>;
type Contact = Raw["contacts"][number];

interface Filter {
  from?: string;
  to?: string;
  country?: string;
  place?: string;
  campaign?: string;
  source?: string;
  team?: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** percentile_cont: the value at position p·(n − 1), between the two nearest. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const first = s[lo] as number;
  const second = s[Math.min(lo + 1, s.length - 1)] as number;
  return first + (second - first) * (pos - lo);
}

function teamOf(raw: Raw, workerId: string | null): string | null {
  return raw.workers.find((w) => w.id === workerId)?.team ?? null;
}

function matches(raw: Raw, f: Filter, c: Contact): boolean {
  return (
    (f.from === undefined || c.created_at >= f.from) &&
    (f.to === undefined || c.created_at < f.to) &&
    (f.country === undefined || c.country === f.country) &&
    (f.place === undefined || c.place_name === f.place) &&
    (f.campaign === undefined || c.campaign === f.campaign) &&
    (f.source === undefined || c.source === f.source) &&
    (f.team === undefined || (c.assigned_worker_id !== null && teamOf(raw, c.assigned_worker_id) === f.team))
  );
}

function keyOf(by: string, c: Contact, resolution = 5): { key: string | null; country: string | null } {
  const t = DateTime.fromISO(c.created_at, { zone: "utc" });
  switch (by) {
    case "country":
      return { key: c.country, country: c.country };
    case "region":
      return { key: c.region, country: c.country };
    case "city":
      return { key: c.place_name, country: c.country };
    case "week":
      return { key: `${t.weekYear}-W${String(t.weekNumber).padStart(2, "0")}`, country: null };
    case "month":
      return { key: `${t.year}-${String(t.month).padStart(2, "0")}`, country: null };
    case "h3":
      return {
        key: c.lat === null || c.lon === null ? null : latLngToCell(c.lat, c.lon, resolution),
        country: null,
      };
    case "all":
      return { key: null, country: null };
    default:
      return { key: (c as unknown as Record<string, string | null>)[by] ?? null, country: null };
  }
}

function expectedStages(raw: Raw, by: string, f: Filter, resolution = 5, now = NOW) {
  const groups = new Map<
    string,
    { key: string | null; country: string | null; stays: number[]; now: number }
  >();
  const get = (g: { key: string | null; country: string | null }, stage: string) => {
    const id = `${g.country}|${g.key}|${stage}`;
    const found = groups.get(id) ?? { ...g, stays: [], now: 0 };
    groups.set(id, found);
    return found;
  };
  for (const c of raw.contacts) {
    if (!matches(raw, f, c)) continue;
    const g = keyOf(by, c, resolution);
    get(g, c.status).now += 1;
    const stays = raw.stages
      .filter((s) => s.contact_id === c.id)
      .sort((a, b) => a.entered_at.localeCompare(b.entered_at) || a.id.localeCompare(b.id));
    for (const [i, s] of stays.entries()) {
      const left = stays[i + 1]?.entered_at ?? now;
      get(g, s.status).stays.push(Date.parse(left) - Date.parse(s.entered_at));
    }
  }
  return [...groups.entries()].map(([id, g]) => ({
    key: g.key,
    country: g.country,
    stage: id.split("|")[2] as string,
    now: g.now,
    stays: g.stays.length,
    medianHours: g.stays.length ? round2(percentile(g.stays, 0.5) / HOUR) : null,
    p90Hours: g.stays.length ? round2(percentile(g.stays, 0.9) / HOUR) : null,
  }));
}

function queryString(params: Record<string, string | number | undefined>): string {
  const defined = Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>;
  return new URLSearchParams(defined.map(([k, v]) => [k, String(v)])).toString();
}

async function getJson<T = Record<string, unknown>>(app: FastifyInstance, cookie: string, url: string) {
  const response = await send(app, cookie, { method: "GET", url });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  const body = response.json();
  // The workers report is sent as the service built it, not encoded through its schema (report-insights.ts):
  // every answer must be exactly its schema, no field missing, extra or of another type.
  if (url.startsWith("/api/v1/reports/workers")) expect(WorkersReportSchema.parse(body)).toEqual(body);
  return body as T;
}

type StageRow = { key: string | null; country: string | null; stage: string } & Record<string, unknown>;
const stageId = (r: StageRow) => `${r.country}|${r.key}|${r.stage}`;

const FILTERS: Filter[] = [
  {},
  { from: "2026-03-01T00:00:00.000Z", to: "2026-04-11T00:00:00.000Z", campaign: "spring" },
  { country: "IT", source: "google" },
  { team: "north" },
];

/** Whole periods, edges inside weeks and months, a place, and a campaign (which the stage rollups do not hold). */
const STAGE_ROLLUP_FILTERS: Filter[] = [
  {},
  { from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" },
  { from: "2026-02-25T12:00:00.000Z", to: "2026-04-08T00:00:00.000Z", country: "IT" },
  { place: "Roma" },
  { campaign: "spring" },
];

/** Whole months, edges inside weeks and months, places, and what the rollups by cell do not hold. */
const HEXAGON_FILTERS: Filter[] = [
  {},
  { from: "2026-03-21T00:00:00.000Z" },
  { from: "2026-02-25T12:00:00.000Z", to: "2026-04-08T00:00:00.000Z", country: "IT" },
  { place: "Athina" },
  { source: "google" },
  { team: "north" },
];

/** Per cell: contacts of the filter located there, and the available workers living there, with their room. */
function expectedCells(raw: Raw, filter: Filter, resolution: number) {
  const cells = new Map<string, { contacts: number; workers: number; free: number }>();
  const of = (cell: string) => {
    const found = cells.get(cell) ?? { contacts: 0, workers: 0, free: 0 };
    cells.set(cell, found);
    return found;
  };
  for (const c of raw.contacts) {
    if (c.lat === null || c.lon === null || !matches(raw, filter, c)) continue;
    of(latLngToCell(c.lat, c.lon, resolution)).contacts += 1;
  }
  for (const w of raw.workers) {
    if (w.status !== "active") continue;
    if (filter.team !== undefined && w.team !== filter.team) continue;
    if (filter.country !== undefined && w.country !== filter.country) continue;
    if (filter.place !== undefined && w.place_name !== filter.place) continue;
    const load = raw.contacts.filter(
      (c) => c.assigned_worker_id === w.id && ["offered", "active", "paused"].includes(c.status),
    ).length;
    const cell = of(latLngToCell(w.lat, w.lon, resolution));
    cell.workers += 1;
    cell.free += Math.max(0, w.capacity - load);
  }
  return Object.fromEntries(
    [...cells.entries()].map(([key, x]) => [
      key,
      {
        contacts: x.contacts,
        availableWorkers: x.workers,
        freeCapacity: x.free,
        contactsPerWorker: x.workers > 0 ? round2(x.contacts / x.workers) : null,
      },
    ]),
  );
}

async function hexagonFigures(app: FastifyInstance, cookie: string, qs: string) {
  const report = await getJson<{ rows: Array<Record<string, unknown> & { key: string }> }>(
    app,
    cookie,
    `/api/v1/reports/hexagons?${qs}`,
  );
  return Object.fromEntries(
    report.rows.map(({ key, contacts, availableWorkers, freeCapacity, contactsPerWorker, boundary }) => {
      expect((boundary as unknown[]).length).toBeGreaterThanOrEqual(5);
      return [key, { contacts, availableWorkers, freeCapacity, contactsPerWorker }];
    }),
  );
}

describeEachDatabase("reports: stages, workers, hexagons, teams and alerts", (env) => {
  it("records every status a contact enters, as its timeline tells", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    for (const c of raw.contacts) {
      const recorded = raw.stages
        .filter((s) => s.contact_id === c.id)
        .sort((a, b) => a.entered_at.localeCompare(b.entered_at) || a.id.localeCompare(b.id))
        .map((s) => [s.status, s.worker_id, s.entered_at]);
      const timeline = raw.activities.filter((a) => a.contact_id === c.id && a.kind === "status");
      const derived = stageEntriesOf(c, timeline).map((e) => [e.status, e.workerId, e.enteredAt]);
      expect(recorded, c.display_name).toEqual(derived);
      expect(recorded.at(-1)?.[0]).toBe(c.status);
      // Each stay ends where the next one starts; the last one lasts.
      const ordered = raw.stages
        .filter((s) => s.contact_id === c.id)
        .sort((a, b) => a.entered_at.localeCompare(b.entered_at) || a.id.localeCompare(b.id));
      expect(
        ordered.map((s) => s.left_at),
        c.display_name,
      ).toEqual([...ordered.slice(1).map((s) => s.entered_at), null]);
    }
  }, 120_000);

  it("gives the time in each stage equal to that recomputed from the raw rows, for every dimension and filter", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    const dimensions = ["country", "region", "city", "source", "campaign", "week", "month", "h3"];
    for (const by of dimensions) {
      for (const filter of FILTERS) {
        for (const resolution of by === "h3" ? [4, 7] : [5]) {
          const qs = queryString({ by, ...filter, ...(by === "h3" ? { resolution } : {}) });
          const report = await getJson<{ rows: StageRow[]; totals: StageRow[]; resolution: number | null }>(
            app,
            world.cookies.dispatcher,
            `/api/v1/reports/stages?${qs}`,
          );
          const want = expectedStages(raw, by, filter, resolution).map((r) => ({
            ...r,
            country: by === "country" ? r.key : by === "region" || by === "city" ? r.country : null,
          }));
          const got = report.rows.map(({ lat: _lat, lon: _lon, ...rest }) => rest as StageRow);
          expect(Object.fromEntries(got.map((r) => [stageId(r), r])), qs).toEqual(
            Object.fromEntries(want.map((r) => [stageId(r), r])),
          );
          const totals = expectedStages(raw, "all", filter).map(({ key: _k, country: _c, ...r }) => r);
          expect(Object.fromEntries(report.totals.map((r) => [r.stage, r])), `${qs} totals`).toEqual(
            Object.fromEntries(totals.map((r) => [r.stage, r])),
          );
          expect(report.resolution).toBe(by === "h3" ? resolution : null);
        }
      }
    }
    // Spot checks: contacts pile up in "ready" after a decline; the cells lie where the contacts are.
    const all = await getJson<{ totals: StageRow[] }>(app, world.cookies.admin, "/api/v1/reports/stages");
    expect(all.totals.find((r) => r.stage === "ready")).toMatchObject({ now: 4 });
    const cells = await getJson<{ rows: Array<StageRow & { lat: number; lon: number }> }>(
      app,
      world.cookies.admin,
      "/api/v1/reports/stages?by=h3&resolution=5&country=GR",
    );
    for (const row of cells.rows) {
      expect(Math.abs(row.lat - 37.98)).toBeLessThan(0.3);
      expect(Math.abs(row.lon - 23.73)).toBeLessThan(0.3);
    }
  }, 180_000);

  it("keeps the time in each stage exact from the rollups as the clock passes the last sweep and stays end after it", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const db = ctx.db.kysely;
    const staysAtNow = async () =>
      (
        await db
          .selectFrom("report_refreshes")
          .select("stays_at")
          .where("organisation_id", "=", world.org.id)
          .executeTakeFirst()
      )?.stays_at;
    /** Every report of these groupings and filters against the raw rows recomputed at the clock's now. */
    const expectExact = async (label: string) => {
      const raw = await rawRows(ctx, world.org.id);
      const now = clock.now().toISOString();
      // Signed in afresh: a session from weeks before has expired.
      const cookie = await signInAs(app, "dispatcher@alpha.test");
      for (const [by, resolution] of [
        ["city", 5],
        ["region", 5],
        ["week", 5],
        ["month", 5],
        ["h3", 5],
        ["h3", 7],
        ["campaign", 5],
      ] as const) {
        for (const filter of STAGE_ROLLUP_FILTERS) {
          const qs = queryString({ by, ...filter, ...(by === "h3" ? { resolution } : {}) });
          const report = await getJson<{ rows: StageRow[]; totals: StageRow[] }>(
            app,
            cookie,
            `/api/v1/reports/stages?${qs}`,
          );
          const want = expectedStages(raw, by, filter, resolution, now).map((r) => ({
            ...r,
            country: by === "region" || by === "city" ? r.country : null,
          }));
          const got = report.rows.map(({ lat: _lat, lon: _lon, ...rest }) => rest as StageRow);
          expect(Object.fromEntries(got.map((r) => [stageId(r), r])), `${label}: ${qs}`).toEqual(
            Object.fromEntries(want.map((r) => [stageId(r), r])),
          );
          const totals = expectedStages(raw, "all", filter, 5, now).map(
            ({ key: _k, country: _c, ...r }) => r,
          );
          expect(
            Object.fromEntries(report.totals.map((r) => [r.stage, r])),
            `${label}: ${qs} totals`,
          ).toEqual(Object.fromEntries(totals.map((r) => [r.stage, r])));
        }
      }
    };
    // The first sweep counts every contact into the rollups (a new organisation's start built, empty),
    // the open stays counted as of now.
    const first = (await sweep(ctx)).reportRollups;
    expect(first.built).toBe(0);
    expect(first.applied).toBeGreaterThan(0);
    expect(await staysAtNow()).toBe(NOW);
    await expectExact("at the sweep");
    // Later, without a sweep: the open stays that crossed a bucket's edge since are moved by the report
    // (minutes cross the first narrow buckets, hours and days the hourly ones, weeks the wide ones).
    for (const later of [37 * 60_000, 5 * HOUR + 1, 3 * 24 * HOUR, 40 * 24 * HOUR]) {
      clock.set(new Date(Date.parse(NOW) + later).toISOString());
      await expectExact(`${later} ms after the sweep`);
      expect(await staysAtNow()).toBe(NOW);
    }
    // Before the sweep (a clock behind the sweeper's): the stays move back.
    clock.set(new Date(Date.parse(NOW) - 26 * HOUR).toISOString());
    await expectExact("26 hours before the sweep");
    // A stay ends after the sweep: the contact waiting in Rome is qualified, its open stay finishes.
    clock.set(new Date(Date.parse(NOW) + 2 * 24 * HOUR).toISOString());
    const waiting = await db
      .selectFrom("contacts")
      .select("id")
      .where("organisation_id", "=", world.org.id)
      .where("place_name", "=", "Roma")
      .where("status", "=", "new")
      .executeTakeFirstOrThrow();
    must(await changeContactStatus(ctx, world.dispatcher, waiting.id, { to: "qualifying" }));
    clock.advance(7 * HOUR);
    await expectExact("a stay ended after the sweep, counted by the report");
    // The sweeper's own moves: after it, the rollups equal those built afresh from the raw rows.
    clock.advance(11 * 24 * HOUR + 13 * 60_000);
    await sweep(ctx);
    expect(await staysAtNow()).toBe(clock.now().toISOString());
    await expectExact("after the sweep moved the open stays");
    const rollupRows = async () =>
      (
        await db
          .selectFrom("report_stage_rollups")
          .selectAll()
          .where("organisation_id", "=", world.org.id)
          .execute()
      )
        .map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))
        .sort();
    // Every bucket read whole, counted in slices first, or from windows of the stays indexed per group
    // beside the other side read whole (or known as one length): the same figures.
    const scope = { db, dialect: ctx.db.dialect, organisationId: world.org.id };
    for (const by of ["city", "month", "h3"] as const) {
      for (const filter of STAGE_ROLLUP_FILTERS) {
        const g = { by, resolution: 5 as const };
        const now = clock.now().toISOString();
        const whole = await rolledStages(scope, g, filter, now, { windows: false });
        expect(whole.spreads.length).toBeGreaterThan(0);
        for (const reading of [
          {},
          { splitAt: 0 },
          { splitAt: 0, knownAt: 0 },
          { splitAt: 0, windows: false },
        ]) {
          expect(
            await rolledStages(scope, g, filter, now, reading),
            `${by} ${JSON.stringify(filter)} ${JSON.stringify(reading)}`,
          ).toEqual(whole);
        }
      }
    }
    const kept = await rollupRows();
    expect(kept.length).toBeGreaterThan(0);
    await db
      .updateTable("report_refreshes")
      .set({ built_at: null })
      .where("organisation_id", "=", world.org.id)
      .execute();
    expect((await refreshReports(ctx, world.org.id)).built).toBe(true);
    expect(await rollupRows()).toEqual(kept);
    // The cells over every period are among them, and migration 0018 gives the same rows from the months'.
    const everyPeriod = () =>
      db
        .selectFrom("report_stage_rollups")
        .selectAll()
        .where("organisation_id", "=", world.org.id)
        .where("grain", "=", "all-by-cell")
        .execute();
    const cells = await everyPeriod();
    expect(cells.length).toBeGreaterThan(0);
    await db.deleteFrom("report_stage_rollups").where("grain", "=", "all-by-cell").execute();
    await stageRollupsAllPeriods.up(db, ctx.db.dialect);
    expect(await rollupRows()).toEqual(kept);
    // The grid with no period filter reads them (and with one, the months'): one more contact counted in a
    // cell's row shows in that report only.
    const [cell] = cells;
    if (!cell) throw new Error("no cell");
    await db
      .updateTable("report_stage_rollups")
      .set((eb) => ({ now_contacts: eb("now_contacts", "+", 1) }))
      .where("organisation_id", "=", world.org.id)
      .where("grain", "=", "all-by-cell")
      .where("cell", "=", cell.cell)
      .execute();
    const nowIn = async (filter: Filter) =>
      (await rolledStages(scope, { by: "h3", resolution: 5 }, filter, clock.now().toISOString())).counts.find(
        (r) => r.k === cell.h3_r5 && r.stage === cell.stage,
      )?.n ?? 0;
    expect(await nowIn({})).toBe(cell.now_contacts + 1);
    expect(await nowIn({ from: "2026-01-01T00:00:00.000Z" })).toBe(cell.now_contacts);
  }, 300_000);

  it("reads medians in wide buckets exactly: stays entered on the first and last instants of days, at one instant, at a bucket's very edges, beside finished stays and a point mass of them", async () => {
    const { app, ctx, clock } = env();
    clock.set("2026-01-01T00:00:00.000Z");
    const org = await seedOrganisation(ctx, app, "alpha");
    const dispatcher: Caller = {
      ...systemCaller(org.id),
      userId: org.userIds.dispatcher,
      role: "dispatcher",
    };
    const scope = { db: ctx.db.kysely, dialect: ctx.db.dialect, organisationId: org.id };
    const created: Record<string, string> = {};
    const create = async (name: string, at: string) => {
      clock.set(at);
      const input = {
        displayName: `Person ${Object.keys(created).length}`,
        phones: [],
        emails: [],
        languages: ["it"],
        inbound: false,
        ...PLACES.Roma,
      };
      created[name] = must(await createContact(ctx, dispatcher, input as ContactCreate)).id;
    };
    const qualify = async (name: string, at: string) => {
      clock.set(at);
      must(await changeContactStatus(ctx, dispatcher, created[name] as string, { to: "qualifying" }));
    };
    // Two finished stays in `new` inside the bucket of 720 to 1080 hours (one exactly as long as an open
    // stay below at 09:00 on 20 April), their open stays in `qualifying` in the next wide bucket.
    await create("a", "2026-01-01T00:00:00.000Z");
    await create("b", "2026-01-02T00:00:00.000Z");
    // And two of exactly 1,200 hours in the bucket of 1,080 to 1,440 hours (a point mass: read from its
    // one length beside the open stays that reach that bucket).
    await create("c", "2026-01-03T00:00:00.000Z");
    await create("d", "2026-01-04T00:00:00.000Z");
    await qualify("b", "2026-02-05T00:00:00.000Z");
    await qualify("a", "2026-02-11T09:00:00.000Z");
    await qualify("c", "2026-02-22T00:00:00.000Z");
    await qualify("d", "2026-02-23T00:00:00.000Z");
    await sweep(ctx);
    /** Every way of reading a bucket against the raw rows: the median and 90th percentile to the millisecond. */
    const expectExact = async (label: string) => {
      const raw = await rawRows(ctx, org.id);
      for (const now of [
        "2026-04-20T09:00:00.000Z",
        "2026-04-20T00:00:00.000Z",
        "2026-04-20T23:59:59.999Z",
        "2026-04-21T00:00:00.001Z",
        "2026-04-20T08:59:59.999Z",
      ]) {
        const lengths = new Map<string, number[]>();
        for (const c of raw.contacts) {
          const stays = raw.stages
            .filter((x) => x.contact_id === c.id)
            .sort((x, y) => x.entered_at.localeCompare(y.entered_at) || x.id.localeCompare(y.id));
          for (const [i, x] of stays.entries()) {
            const length = Date.parse(stays[i + 1]?.entered_at ?? now) - Date.parse(x.entered_at);
            for (const id of [`${c.place_name}|${x.status}`, `*|${x.status}`]) {
              lengths.set(id, [...(lengths.get(id) ?? []), length]);
            }
          }
        }
        const want = Object.fromEntries(
          [...lengths].map(([id, v]) => [
            id,
            { n: v.length, medianHours: percentile(v, 0.5) / HOUR, p90Hours: percentile(v, 0.9) / HOUR },
          ]),
        );
        // Each bucket read whole, counted in slices first, or from windows beside the other side read whole.
        for (const reading of [
          {},
          { splitAt: 0 },
          { splitAt: 0, knownAt: 0 },
          { windows: false },
          { splitAt: 0, windows: false },
        ]) {
          const { spreads } = await rolledStages(scope, { by: "city", resolution: 5 }, {}, now, reading);
          const got = Object.fromEntries(
            spreads.map((s) => [
              `${s.total ? "*" : s.k}|${s.stage}`,
              { n: s.n, medianHours: s.medianHours, p90Hours: s.p90Hours },
            ]),
          );
          expect(got, `${label} at ${now}, read ${JSON.stringify(reading)}`).toEqual(want);
        }
      }
    };
    // Open stays in `new` added one by one (each moves the ranks), each counted by a refresh: on the
    // first and last instants of days, several at one instant, at the wide bucket's very edges at 09:00,
    // and one entered on the day of the report.
    for (const [i, at] of [
      "2026-03-06T09:00:00.000Z",
      "2026-03-06T09:00:00.001Z",
      "2026-03-07T00:00:00.000Z",
      "2026-03-09T23:59:59.999Z",
      "2026-03-09T23:59:59.999Z",
      "2026-03-10T00:00:00.000Z",
      "2026-03-10T00:00:00.000Z",
      "2026-03-10T00:00:00.000Z",
      "2026-03-10T23:59:59.999Z",
      "2026-03-11T00:00:00.000Z",
      "2026-03-20T23:59:59.999Z",
      "2026-03-21T08:59:59.999Z",
      "2026-03-21T09:00:00.000Z",
      "2026-04-20T08:00:00.000Z",
    ].entries()) {
      await create(`open ${i}`, at);
      await refreshReports(ctx, org.id);
      await expectExact(`${i + 1} open stays`);
    }
    // A stay ends: counted as a finished stay from then on.
    await qualify("open 6", "2026-04-20T08:30:00.000Z");
    await refreshReports(ctx, org.id);
    await expectExact("a stay of 10 March ended");
  }, 300_000);

  it("filters every report by team: contacts held by its workers, and its workers", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    for (const team of ["north", "south"]) {
      const held = raw.contacts.filter((c) => matches(raw, { team }, c));
      expect(held.length).toBeGreaterThan(3);
      const demand = await getJson<{ totals: Record<string, unknown> }>(
        app,
        world.cookies.dispatcher,
        `/api/v1/reports/demand?by=city&team=${team}`,
      );
      expect(demand.totals.newContacts, team).toBe(held.length);
      const flow = await getJson<{ totals: Record<string, unknown> }>(
        app,
        world.cookies.dispatcher,
        `/api/v1/reports/flow?by=month&team=${team}`,
      );
      expect(flow.totals.accepted).toBe(held.filter((c) => c.accepted_at !== null).length);
      expect(flow.totals.met).toBe(held.filter((c) => c.accepted_at && c.first_meeting_at).length);
      const teamWorkers = raw.workers.filter((w) => w.team === team && w.status === "active");
      const supply = await getJson<{ totals: Record<string, unknown> }>(
        app,
        world.cookies.dispatcher,
        `/api/v1/reports/supply?by=city&team=${team}`,
      );
      expect(supply.totals.availableWorkers).toBe(teamWorkers.length);
      const backlog = await getJson<{ totals: Record<string, unknown> }>(
        app,
        world.cookies.dispatcher,
        `/api/v1/reports/backlog?by=city&team=${team}`,
      );
      // Waiting contacts are held by no one: a team has none.
      expect(backlog.totals.waiting).toBe(0);
      const workers = await getJson<{ workers: Array<{ id: string; team: string }> }>(
        app,
        world.cookies.dispatcher,
        `/api/v1/reports/workers?team=${team}`,
      );
      expect(workers.workers.map((w) => w.id).sort()).toEqual(
        raw.workers
          .filter((w) => w.team === team)
          .map((w) => w.id)
          .sort(),
      );
    }
    // The team is edited with the worker, and listed.
    const patched = await send(app, world.cookies.dispatcher, {
      method: "PATCH",
      url: `/api/v1/workers/${world.workers.milan}`,
      payload: { team: "east" },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ team: "east" });
    const listed = await getJson<{ items: Array<{ id: string }> }>(
      app,
      world.cookies.dispatcher,
      "/api/v1/workers?team=east",
    );
    expect(listed.items.map((w) => w.id)).toEqual([world.workers.milan]);
    const report = await getJson<{ teams: string[] }>(app, world.cookies.marketer, "/api/v1/reports/workers");
    expect(report.teams).toEqual(["east", "north", "south"]);
  }, 120_000);

  it("gives each worker's load by week, the totals against capacity, and who improves and who slips", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    type Report = {
      weeks: Array<{ week: string; at: string; held: number; capacity: number; workers: number }>;
      workers: Array<{
        id: string;
        name: string;
        series: number[];
        held: number;
        capacity: number;
        overloaded: boolean;
        starved: boolean;
        signals: string[];
      }>;
      improvers: Array<{ workerId: string; score: number; recent: { acceptanceRate: number } }>;
      slippers: Array<{ workerId: string; score: number; before: { acceptanceRate: number } }>;
      totals: Record<string, unknown>;
    };
    const report = await getJson<Report>(
      app,
      world.cookies.dispatcher,
      "/api/v1/reports/workers?from=2026-02-16&to=2026-04-21",
    );
    expect(report.weeks.map((w) => w.week)).toEqual([
      "2026-W08",
      "2026-W09",
      "2026-W10",
      "2026-W11",
      "2026-W12",
      "2026-W13",
      "2026-W14",
      "2026-W15",
      "2026-W16",
      "2026-W17",
    ]);
    expect(report.weeks.at(-1)?.at).toBe(NOW);
    const heldAt = (workerId: string, t: string) => heldFromRows(raw, workerId, t);
    const capacity = raw.workers.reduce((sum, w) => sum + w.capacity, 0);
    for (const week of report.weeks) {
      const held = raw.workers.reduce((sum, w) => sum + heldAt(w.id, week.at), 0);
      expect(week, week.week).toMatchObject({ held, capacity, workers: raw.workers.length });
    }
    for (const w of report.workers) {
      expect(w.series, w.name).toEqual(report.weeks.map((week) => heldAt(w.id, week.at)));
      expect(w.held).toBe(
        raw.contacts.filter(
          (c) => c.assigned_worker_id === w.id && ["offered", "active", "paused"].includes(c.status),
        ).length,
      );
    }
    // Each worker's flags are worker health's own, as its route gives them, and the totals count them.
    const health = await getJson<{
      items: Array<{ workerId: string; overloaded: boolean; starved: boolean; signals: string[] }>;
    }>(app, world.cookies.dispatcher, "/api/v1/workers/health");
    const flags = (list: Array<{ id: string; overloaded: boolean; starved: boolean; signals: string[] }>) =>
      list.map(({ id, overloaded, starved, signals }) => ({ id, overloaded, starved, signals }));
    expect(flags(report.workers)).toEqual(flags(health.items.map((h) => ({ ...h, id: h.workerId }))));
    expect(report.totals).toMatchObject({
      overloaded: health.items.filter((h) => h.overloaded).length,
      starved: health.items.filter((h) => h.starved).length,
    });
    // Rome: 1 of 3 offers accepted before, 3 of 3 lately; Athens the other way round.
    expect(report.improvers).toEqual([
      expect.objectContaining({
        workerId: world.workers.rome,
        score: 0.667,
        recent: expect.objectContaining({ acceptanceRate: 1 }),
      }),
    ]);
    expect(report.slippers).toEqual([
      expect.objectContaining({
        workerId: world.workers.athens,
        score: -0.667,
        before: expect.objectContaining({ acceptanceRate: 1 }),
      }),
    ]);
    // A marketer: totals only, no worker.
    const marketer = await send(app, world.cookies.marketer, {
      method: "GET",
      url: "/api/v1/reports/workers",
    });
    expect(marketer.statusCode).toBe(200);
    const seen = marketer.json() as Report;
    expect(seen.workers).toEqual([]);
    expect(seen.improvers).toEqual([]);
    expect(seen.slippers).toEqual([]);
    for (const w of raw.workers) expect(marketer.body).not.toContain(w.name);
    expect(seen.totals.workers).toBe("<5");
    // CSV: a row per week, worker, improver and slipper, and the total.
    const csv = await send(app, world.cookies.dispatcher, {
      method: "GET",
      url: "/api/v1/reports/workers?from=2026-02-16&to=2026-04-21&format=csv",
    });
    expect(csv.headers["content-type"]).toContain("text/csv");
    const records = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
    expect(records.filter((r) => r.row === "week").map((r) => r.held)).toEqual(
      report.weeks.map((w) => String(w.held)),
    );
    expect(records.filter((r) => r.row === "worker").length).toBe(report.workers.length);
    expect(records.at(-1)?.row).toBe("total");
  }, 120_000);

  it("keeps the past weeks' held counts once counted, and counts again those a later write to the stays changes", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const db = ctx.db.kysely;
    const rome = world.workers.rome;
    const url = "/api/v1/reports/workers?from=2026-02-16&to=2026-04-21";
    type Report = { weeks: Array<{ at: string }>; workers: Array<{ id: string; series: number[] }> };
    /** The report, each worker's series checked against the stage rows recomputed now. */
    const recounted = async () => {
      const report = await getJson<Report>(app, world.cookies.dispatcher, url);
      const raw = await rawRows(ctx, world.org.id);
      for (const w of report.workers) {
        expect(w.series, w.id).toEqual(report.weeks.map((week) => heldFromRows(raw, w.id, week.at)));
      }
      return report;
    };
    const keptAt = async () =>
      (
        await db
          .selectFrom("report_held_weeks")
          .select("at")
          .where("organisation_id", "=", world.org.id)
          .orderBy("at")
          .execute()
      ).map((r) => r.at);
    const seriesOf = (report: Report) => report.workers.find((w) => w.id === rome)?.series ?? [];

    const first = await recounted();
    // Every week's edge is kept but the last instant, which is now.
    const edges = first.weeks.slice(0, -1).map((w) => w.at);
    expect(edges.length).toBe(9);
    expect(await keptAt()).toEqual(edges);
    // The next report reads them: a kept count changed behind its back shows.
    const edge = edges[4] ?? "";
    await db
      .updateTable("report_held_weeks")
      .set({ counts: `${rome}:99` })
      .where("organisation_id", "=", world.org.id)
      .where("at", "=", edge)
      .execute();
    expect(seriesOf(await getJson<Report>(app, world.cookies.dispatcher, url))[4]).toBe(99);
    // Without it, the week is counted afresh and kept again.
    await db.deleteFrom("report_held_weeks").where("at", "=", edge).execute();
    expect(seriesOf(await recounted())[4]).not.toBe(99);
    expect(await keptAt()).toEqual(edges);

    // Stays written now, and one held since weeks ago ending now, change no past week: all stay kept.
    const raw = await rawRows(ctx, world.org.id);
    const held = raw.contacts.find((c) => c.assigned_worker_id === rome && c.status === "active");
    if (!held) throw new Error("the world has an active contact of Rome's");
    const romeCaller: Caller = {
      ...world.dispatcher,
      role: "worker",
      workerId: rome,
      userId: world.org.userIds.worker,
    };
    clock.set(NOW);
    must(await changeContactStatus(ctx, romeCaller, held.id, { to: "paused", reason: "travelling" }));
    expect(await keptAt()).toEqual(edges);

    // A stay written in the past (a clock set back, as a history loaded later would be) drops the weeks
    // from then on, and the next report counts them again.
    const before = seriesOf(await recounted());
    clock.set("2026-03-11T10:00:00.000Z");
    const late = must(
      await createContact(ctx, world.dispatcher, {
        displayName: "Late",
        phones: [],
        emails: [],
        languages: ["it"],
        inbound: false,
      } as ContactCreate),
    );
    must(await changeContactStatus(ctx, world.dispatcher, late.id, { to: "ready" }));
    must(await changeContactStatus(ctx, world.dispatcher, late.id, { to: "offered", workerId: rome }));
    clock.set(NOW);
    expect(await keptAt()).toEqual(edges.filter((t) => t < "2026-03-11T10:00:00.000Z"));
    const after = seriesOf(await recounted());
    expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual(
      first.weeks.map((w) => (w.at > "2026-03-11T10" ? 1 : 0)),
    );
    expect(await keptAt()).toEqual(edges);

    // The sweeper keeps the default range's finished weeks before any report asks, once.
    await db.deleteFrom("report_held_weeks").execute();
    const defaults = weeksOf(NOW)
      .map((w) => w.at)
      .filter((t) => t < NOW);
    expect((await sweep(ctx)).heldWeeks).toBe(defaults.length);
    expect(await keptAt()).toEqual(defaults);
    expect((await sweep(ctx)).heldWeeks).toBe(0);
    await recounted();
  }, 120_000);

  it("drops exactly the kept held counts a write to the stays may change, on its organisation only", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const db = ctx.db.kysely;
    const other = await seedOrganisation(ctx, app, "beta");
    const edges = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"].map((d) => `${d}T00:00:00.000Z`);
    const keep = async () => {
      await db.deleteFrom("report_held_weeks").execute();
      await db
        .insertInto("report_held_weeks")
        .values(
          [world.org.id, other.id].flatMap((organisation_id) =>
            edges.map((at) => ({ organisation_id, at, counts: "" })),
          ),
        )
        .execute();
    };
    const kept = async (organisationId = world.org.id) =>
      (
        await db
          .selectFrom("report_held_weeks")
          .select("at")
          .where("organisation_id", "=", organisationId)
          .orderBy("at")
          .execute()
      ).map((r) => r.at.slice(0, 10));
    const contactId = (await rawRows(ctx, world.org.id)).contacts[0]?.id ?? "";
    const stay = {
      id: "stay-kept-test",
      organisation_id: world.org.id,
      contact_id: contactId,
      status: "active",
      worker_id: world.workers.rome,
      entered_at: "2026-03-05T12:00:00.000Z",
      left_at: "2026-03-20T12:00:00.000Z",
    };
    const stays = () => db.updateTable("contact_stage_changes").where("id", "=", stay.id);

    await keep();
    await db.insertInto("contact_stage_changes").values(stay).execute();
    expect(await kept()).toEqual(["2026-03-02"]);
    expect(await kept(other.id)).toHaveLength(4);
    // Only its end moves: the counts before the earlier of the two ends stay.
    await keep();
    await stays().set({ left_at: "2026-03-17T12:00:00.000Z" }).execute();
    expect(await kept()).toEqual(["2026-03-02", "2026-03-09", "2026-03-16"]);
    await keep();
    await stays().set({ left_at: null }).execute();
    expect(await kept()).toEqual(["2026-03-02", "2026-03-09", "2026-03-16"]);
    await keep();
    await stays().set({ left_at: "2026-03-20T12:00:00.000Z" }).execute();
    expect(await kept()).toEqual(["2026-03-02", "2026-03-09", "2026-03-16"]);
    await keep();
    await stays().set({ left_at: "2026-03-20T12:00:00.000Z" }).execute();
    expect(await kept()).toEqual(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]);
    // Its worker, status or entry: from the earlier entry on.
    for (const change of [
      { worker_id: world.workers.athens },
      { status: "paused" },
      { entered_at: "2026-03-10T12:00:00.000Z" },
    ]) {
      await keep();
      await stays().set(change).execute();
      expect(await kept(), JSON.stringify(change)).toEqual(["2026-03-02"]);
    }
    await keep();
    await stays().set({ entered_at: "2026-03-01T12:00:00.000Z" }).execute();
    expect(await kept()).toEqual([]);
    await keep();
    await db.deleteFrom("contact_stage_changes").where("id", "=", stay.id).execute();
    expect(await kept()).toEqual([]);
    expect(await kept(other.id)).toHaveLength(4);
  }, 120_000);

  it("gives demand per worker on the hexagonal grid, as recomputed from the coordinates", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    for (const resolution of [4, 5, 6, 7]) {
      for (const filter of HEXAGON_FILTERS) {
        const qs = queryString({ resolution, ...filter });
        expect(await hexagonFigures(app, world.cookies.dispatcher, qs), qs).toEqual(
          expectedCells(raw, filter, resolution),
        );
      }
    }
    expectProblem(
      await send(app, world.cookies.dispatcher, {
        method: "GET",
        url: "/api/v1/reports/hexagons?resolution=9",
      }),
      400,
    );
    expectProblem(
      await send(app, world.cookies.dispatcher, {
        method: "GET",
        url: "/api/v1/reports/stages?by=h3&resolution=3",
      }),
      400,
    );
  }, 120_000);

  it("keeps the map's cells in the rollups as contacts move, arrive and lose their location", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    // The first report builds the rollups, cells included.
    await hexagonFigures(app, world.cookies.dispatcher, "resolution=5");
    const db = ctx.db.kysely;
    const located = await db
      .selectFrom("contacts")
      .select(["id"])
      .where("organisation_id", "=", world.org.id)
      .where("lat", "is not", null)
      .orderBy("created_at")
      .execute();
    const [moved, erased] = located.map((c) => c.id);
    // Rome to Athens, and a contact whose coordinates are taken away; then a new one in Milan.
    await db.transaction().execute(async (trx) => {
      await updateContact(trx, world.org.id, moved as string, { lat: 37.97, lon: 23.72 });
      await updateContact(trx, world.org.id, erased as string, { lat: null, lon: null });
    });
    must(
      await createContact(ctx, world.dispatcher, {
        displayName: "Newcomer",
        phones: [],
        emails: [],
        languages: ["it"],
        inbound: false,
        ...PLACES.Milano,
      } as ContactCreate),
    );
    expect((await sweep(ctx)).reportRollups.applied).toBeGreaterThanOrEqual(3);
    const cellRows = await db
      .selectFrom("report_rollups")
      .select((eb) => eb.fn.sum<number>("contacts").as("n"))
      .where("organisation_id", "=", world.org.id)
      .where("grain", "=", "month-by-cell")
      .where("h3_r7", "is not", null)
      .executeTakeFirst();
    const raw = await rawRows(ctx, world.org.id);
    expect(Number(cellRows?.n)).toBe(raw.contacts.filter((c) => c.lat !== null).length);
    for (const resolution of [4, 7]) {
      for (const filter of HEXAGON_FILTERS) {
        const qs = queryString({ resolution, ...filter });
        expect(await hexagonFigures(app, world.cookies.dispatcher, qs), qs).toEqual(
          expectedCells(raw, filter, resolution),
        );
      }
    }
  }, 120_000);

  it("shows a marketer counts from 1 to 4 as <5, and refuses setters and workers", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    for (const url of [
      "/api/v1/reports/stages?by=city",
      "/api/v1/reports/hexagons?resolution=5",
      "/api/v1/reports/workers",
    ]) {
      const response = await send(app, world.cookies.marketer, { method: "GET", url });
      expect(response.statusCode, url).toBe(200);
      for (const c of raw.contacts) {
        expect(response.body).not.toContain(c.id);
        expect(response.body).not.toContain(c.display_name);
      }
      expect(response.body, url).not.toMatch(
        /"(now|stays|contacts|availableWorkers|held|workers)":[1-4][,}]/,
      );
    }
    const stages = await getJson<{ rows: StageRow[] }>(
      app,
      world.cookies.marketer,
      "/api/v1/reports/stages?by=city",
    );
    const exact = await getJson<{ rows: StageRow[] }>(
      app,
      world.cookies.admin,
      "/api/v1/reports/stages?by=city",
    );
    for (const [i, row] of exact.rows.entries()) {
      const shown = stages.rows[i] as StageRow;
      const stays = row.stays as number;
      expect(shown.stays).toBe(stays > 0 && stays < 5 ? "<5" : stays);
      if (stays > 0 && stays < 5) expect(shown.medianHours).toBeNull();
    }
    for (const cookie of [world.cookies.setter, world.cookies.worker]) {
      for (const url of ["/api/v1/reports/stages", "/api/v1/reports/workers", "/api/v1/reports/hexagons"]) {
        expectProblem(await send(app, cookie, { method: "GET", url }), 403);
      }
    }
    expectProblem(
      await send(app, world.cookies.marketer, { method: "GET", url: "/api/v1/reports/alerts" }),
      403,
    );
  }, 120_000);

  it("answers the stages as CSV with the same rows and a total row per stage", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const json = await getJson<{ rows: StageRow[]; totals: StageRow[] }>(
      app,
      world.cookies.dispatcher,
      "/api/v1/reports/stages?by=city",
    );
    const response = await send(app, world.cookies.dispatcher, {
      method: "GET",
      url: "/api/v1/reports/stages?by=city&format=csv",
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/csv");
    const records = parse(response.body, { columns: true }) as Array<Record<string, string>>;
    const cell = (value: unknown) => (value === null || value === undefined ? "" : String(value));
    expect(records.length).toBe(json.rows.length + json.totals.length);
    for (const [i, row] of json.rows.entries()) {
      for (const [field, value] of Object.entries(row)) expect(records[i]?.[field], field).toBe(cell(value));
    }
    expect(records.filter((r) => r.row === "total").map((r) => r.stage)).toEqual(
      json.totals.map((t) => t.stage),
    );
  }, 120_000);

  it("alerts the dispatchers once when a place's contacts per worker cross the threshold, and again after it drops back", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const mailer = ctx.mailer;
    ctx.mailer = { send: async () => {}, close: () => {} } satisfies Mailer;
    try {
      const patched = await send(app, world.cookies.admin, {
        method: "PATCH",
        url: "/api/v1/organisation",
        payload: { settings: { alerts: { contactsPerWorker: 2, windowDays: 30 } } },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const alertsOf = async () =>
        ctx.db.kysely
          .selectFrom("notifications")
          .selectAll()
          .where("kind", "=", "demand_alert")
          .where("organisation_id", "=", world.org.id)
          .orderBy("id")
          .execute();
      // Since 21 March: Roma 4 contacts for 1 worker, Athina 4 for 1; Milano 2 for 1 (not above 2).
      await sweep(ctx);
      let notes = await alertsOf();
      expect(notes.map((n) => JSON.parse(n.data).placeName).sort()).toEqual(["Athina", "Roma"]);
      expect(new Set(notes.map((n) => n.user_id))).toEqual(new Set([world.org.userIds.dispatcher]));
      expect(notes.every((n) => n.email === "queued")).toBe(true);
      const mails = await ctx.db.kysely
        .selectFrom("outbox")
        .select("payload")
        .where("kind", "=", "email")
        .where("target_id", "=", world.org.userIds.dispatcher)
        .execute();
      for (const n of notes) expect(mails.some((m) => m.payload.includes(n.id))).toBe(true);
      // Still over: nothing new.
      clock.advance(60_000);
      expect(await checkDemandAlerts(ctx)).toBe(0);
      expect((await alertsOf()).length).toBe(2);
      // A second worker in Roma: 4 for 2, no longer above; the alert clears.
      must(
        await createWorker(ctx, systemCaller(world.org.id), {
          name: "Helper",
          languages: ["it"],
          lat: 41.91,
          lon: 12.49,
          maxKm: 50,
          capacity: 4,
          trust: 0.5,
          status: "active",
          timeZone: "Europe/Rome",
          placeName: "Roma",
          country: "IT",
        }),
      );
      clock.advance(60_000);
      expect(await checkDemandAlerts(ctx)).toBe(0);
      const listed = await getJson<{ threshold: number; items: Array<Record<string, unknown>> }>(
        app,
        world.cookies.dispatcher,
        "/api/v1/reports/alerts",
      );
      expect(listed.threshold).toBe(2);
      expect(listed.items.find((a) => a.placeName === "Roma")).toMatchObject({
        contacts: 4,
        availableWorkers: 1,
        contactsPerWorker: 4,
        clearedAt: expect.any(String),
      });
      expect(listed.items.find((a) => a.placeName === "Athina")).toMatchObject({ clearedAt: null });
      // The dispatcher chooses no e-mail for alerts; two more contacts in Roma cross again: 6 for 2.
      const prefs = await send(app, world.cookies.dispatcher, {
        method: "PUT",
        url: "/api/v1/me/notification-settings",
        payload: { channels: { demand_alert: "off" }, digestTimes: ["08:00"], quietHours: null },
      });
      expect(prefs.statusCode, prefs.body).toBe(200);
      for (const i of [1, 2]) {
        must(
          await createContact(ctx, world.dispatcher, {
            displayName: `Late ${i}`,
            phones: [],
            emails: [],
            languages: ["it"],
            inbound: false,
            ...PLACES.Roma,
          } as ContactCreate),
        );
      }
      clock.advance(60_000);
      expect(await checkDemandAlerts(ctx)).toBe(1);
      notes = await alertsOf();
      expect(notes.filter((n) => JSON.parse(n.data).placeName === "Roma").length).toBe(2);
      expect(notes.at(-1)?.email).toBe("none");
      const csv = await send(app, world.cookies.dispatcher, {
        method: "GET",
        url: "/api/v1/reports/alerts?format=csv",
      });
      expect(parse(csv.body, { columns: true }).length).toBe(3);
      // Turned off: open alerts clear, and nothing new is raised.
      await send(app, world.cookies.admin, {
        method: "PATCH",
        url: "/api/v1/organisation",
        payload: { settings: { alerts: { contactsPerWorker: null, windowDays: 30 } } },
      });
      expect(await checkDemandAlerts(ctx)).toBe(0);
      const after = await getJson<{ items: Array<{ clearedAt: string | null }> }>(
        app,
        world.cookies.dispatcher,
        "/api/v1/reports/alerts",
      );
      expect(after.items.every((a) => a.clearedAt !== null)).toBe(true);
    } finally {
      ctx.mailer = mailer;
    }
  }, 120_000);
});
