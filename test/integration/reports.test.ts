/**
 * The supply and demand reports against figures recomputed in the test from the raw rows: contacts
 * with known places, campaigns and times (a moved clock), offers accepted and declined, coverage gaps,
 * shortages and workers available or not; a marketer's suppressed counts; CSV equal to JSON.
 */
import { parse } from "csv-parse/sync";
import type { FastifyInstance } from "fastify";
import { DateTime } from "luxon";
import { expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import type { ContactCreate, WorkerCreate } from "../../src/core/model.js";
import { sweep } from "../../src/jobs/sweeper.js";
import { changeContactStatus } from "../../src/services/change-contact-status.js";
import { createContact } from "../../src/services/create-contact.js";
import { logActivity } from "../../src/services/log-activity.js";
import { type Caller, systemCaller } from "../../src/services/record.js";
import { refreshReports } from "../../src/services/refresh-reports.js";
import { createWorker, editWorker } from "../../src/services/save-worker.js";
import { describeEachDatabase, type TestClock } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { type SeededOrganisation, seedOrganisation, signInAs } from "../support/seed.js";

const HOUR = 3_600_000;
const NOW = "2026-04-20T09:00:00.000Z";

type Step = "accept" | "call" | "meet" | "decline" | "wait" | `gap:${string}`;

interface Seed {
  at: string;
  place?: { placeName: string; region: string; country: string };
  campaign?: string;
  source?: string;
  worker?: "rome" | "milan";
  step: Step;
}

const ROMA = { placeName: "Roma", region: "Lazio", country: "IT" };
const MILANO = { placeName: "Milano", region: "Lombardia", country: "IT" };
const ATHINA = { placeName: "Athina", region: "Attica", country: "GR" };
const SPRING = { campaign: "spring", source: "facebook" };

/** Two days or more apart, so each contact's steps end before the next arrives. */
const SEEDS: Seed[] = [
  { at: "2026-03-02T09:00:00Z", place: ROMA, ...SPRING, worker: "rome", step: "meet" },
  { at: "2026-03-04T10:00:00Z", place: ROMA, ...SPRING, worker: "rome", step: "call" },
  { at: "2026-03-06T08:00:00Z", place: ROMA, ...SPRING, step: "gap:no worker in reach" },
  {
    at: "2026-03-09T09:00:00Z",
    place: MILANO,
    campaign: "spring",
    source: "google",
    worker: "milan",
    step: "decline",
  },
  {
    at: "2026-03-11T12:00:00Z",
    place: MILANO,
    campaign: "spring",
    source: "google",
    worker: "milan",
    step: "accept",
  },
  {
    at: "2026-03-13T09:00:00Z",
    place: ATHINA,
    campaign: "autumn",
    source: "facebook",
    step: "gap:no worker speaks the language",
  },
  { at: "2026-03-16T10:00:00Z", place: ATHINA, campaign: "autumn", source: "facebook", step: "wait" },
  { at: "2026-03-18T10:00:00Z", place: ATHINA, campaign: "autumn", source: "facebook", step: "wait" },
  { at: "2026-03-20T10:00:00Z", place: ROMA, ...SPRING, worker: "rome", step: "meet" },
  { at: "2026-03-23T10:00:00Z", place: ROMA, ...SPRING, step: "gap:no worker in reach" },
  { at: "2026-03-30T10:00:00Z", place: ROMA, ...SPRING, worker: "rome", step: "accept" },
  { at: "2026-04-06T10:00:00Z", place: ROMA, ...SPRING, step: "wait" },
  { at: "2026-04-08T10:00:00Z", step: "wait" },
  { at: "2026-04-13T10:00:00Z", place: ROMA, campaign: "summer", source: "radio", step: "wait" },
];

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

interface World {
  org: SeededOrganisation;
  contactIds: string[];
  cookies: { admin: string; dispatcher: string; marketer: string; setter: string; worker: string };
}

/** Workers in known places, contacts walked through their steps on a moved clock, and a few shortages. */
async function buildWorld(ctx: Context, app: FastifyInstance, clock: TestClock): Promise<World> {
  const org = await seedOrganisation(ctx, app, "alpha");
  const system = systemCaller(org.id);
  const dispatcher: Caller = { ...system, userId: org.userIds.dispatcher, role: "dispatcher" };
  const base: Omit<WorkerCreate, "name" | "capacity"> = {
    languages: ["it"],
    lat: 41.9,
    lon: 12.5,
    maxKm: 5000,
    trust: 0.5,
    status: "active",
    timeZone: "Europe/Rome",
  };
  must(await editWorker(ctx, system, org.workers.worker.id, { placeName: "Roma", country: "IT" }));
  must(await editWorker(ctx, system, org.workers.worker2.id, { placeName: "Athina", country: "GR" }));
  const milan = must(
    await createWorker(ctx, system, {
      ...base,
      name: "Milan",
      placeName: "Milano",
      country: "IT",
      capacity: 1,
    }),
  );
  // Away until a day already past: available again. Away until next year, or paused: not available.
  for (const extra of [
    {
      name: "Back",
      placeName: "Roma",
      country: "IT",
      capacity: 3,
      status: "away",
      awayUntil: "2026-03-01T00:00:00Z",
    },
    {
      name: "Gone",
      placeName: "Athina",
      country: "GR",
      capacity: 4,
      status: "away",
      awayUntil: "2027-01-01T00:00:00Z",
    },
    { name: "Resting", placeName: "Roma", country: "IT", capacity: 6, status: "paused" },
  ] as const) {
    must(await createWorker(ctx, system, { ...base, ...extra }));
  }
  const workers = {
    rome: {
      id: org.workers.worker.id,
      caller: {
        ...system,
        userId: org.userIds.worker,
        role: "worker",
        workerId: org.workers.worker.id,
      } as Caller,
    },
    milan: { id: milan.id, caller: { ...system, role: "worker", workerId: milan.id } as Caller },
  };
  const contactIds: string[] = [];
  for (const [i, seed] of SEEDS.entries()) {
    clock.set(seed.at);
    const input: Partial<ContactCreate> = {
      displayName: `Person ${i}`,
      phones: [],
      emails: [],
      languages: ["it"],
      inbound: false,
      ...(seed.place ?? {}),
      ...(seed.campaign ? { campaign: seed.campaign } : {}),
      ...(seed.source ? { source: seed.source } : {}),
    };
    const contact = must(await createContact(ctx, dispatcher, input as ContactCreate));
    contactIds.push(contact.id);
    const move = async (caller: Caller, to: string, extra: Record<string, string> = {}) => {
      clock.advance((1 + (i % 3)) * HOUR);
      must(await changeContactStatus(ctx, caller, contact.id, { to, ...extra }));
    };
    if (seed.step.startsWith("gap:")) {
      await move(dispatcher, "unassignable", { reason: seed.step.slice(4) });
      continue;
    }
    if (seed.step === "wait") continue;
    const worker = workers[seed.worker ?? "rome"];
    await move(dispatcher, "ready");
    await move(dispatcher, "offered", { workerId: worker.id });
    if (seed.step === "decline") {
      await move(worker.caller, "ready");
      continue;
    }
    await move(worker.caller, "active");
    if (seed.step === "call" || seed.step === "meet") {
      clock.advance((2 + i) * HOUR);
      must(await logActivity(ctx, worker.caller, contact.id, { kind: "call", body: "called" }));
    }
    if (seed.step === "meet") {
      clock.advance(20 * HOUR);
      must(await logActivity(ctx, worker.caller, contact.id, { kind: "meeting", body: "met" }));
    }
  }
  const shortages = [
    { contact: 0, at: "2026-03-05T10:00:00.000Z", place_name: "Roma", country: "IT" },
    { contact: 6, at: "2026-03-17T10:00:00.000Z", place_name: "Athina", country: "GR" },
    { contact: null, at: "2026-04-09T10:00:00.000Z", place_name: "Roma", country: "IT" },
  ];
  for (const [i, s] of shortages.entries()) {
    await ctx.db.kysely
      .insertInto("supply_shortages")
      .values({
        id: `shortage-${i}`,
        organisation_id: org.id,
        contact_id: s.contact === null ? null : (contactIds[s.contact] ?? null),
        reason: "no_slot",
        place_name: s.place_name,
        country: s.country,
        lat: null,
        lon: null,
        created_at: s.at,
      })
      .execute();
  }
  clock.set(NOW);
  // Sessions end after hours of the moved clock: sign in again at the end.
  const roles = ["admin", "dispatcher", "marketer", "setter", "worker"] as const;
  const cookies = {} as World["cookies"];
  for (const role of roles) cookies[role] = await signInAs(app, `${role}@alpha.test`);
  return { org, contactIds, cookies };
}

// ---------------------------------------------------------------------------------------------------------
// The figures recomputed from the raw rows, independently of src/core/reports

type Filter = {
  from?: string;
  to?: string;
  country?: string;
  place?: string;
  campaign?: string;
  source?: string;
};
type Row = Record<string, unknown> & { key: string | null; country: string | null };

const round2 = (x: number) => Math.round(x * 100) / 100;
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
const hours = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / HOUR;
function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return round2(s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2);
}

interface Place {
  country: string | null;
  region: string | null;
  city: string | null;
  source: string | null;
  campaign: string | null;
  at: string;
}

function groupOf(by: string, p: Place): { key: string | null; country: string | null } {
  const t = DateTime.fromISO(p.at, { zone: "utc" });
  switch (by) {
    case "country":
      return { key: p.country, country: p.country };
    case "region":
      return { key: p.region, country: p.country };
    case "city":
      return { key: p.city, country: p.country };
    case "week":
      return { key: `${t.weekYear}-W${String(t.weekNumber).padStart(2, "0")}`, country: null };
    case "month":
      return { key: `${t.year}-${String(t.month).padStart(2, "0")}`, country: null };
    default:
      return { key: (p as unknown as Record<string, string | null>)[by] ?? null, country: null };
  }
}

function matches(f: Filter, p: Place): boolean {
  return (
    (f.from === undefined || p.at >= f.from) &&
    (f.to === undefined || p.at < f.to) &&
    (f.country === undefined || p.country === f.country) &&
    (f.place === undefined || p.city === f.place) &&
    (f.campaign === undefined || p.campaign === f.campaign) &&
    (f.source === undefined || p.source === f.source)
  );
}

async function rawRows(ctx: Context, organisationId: string) {
  const db = ctx.db.kysely;
  const contacts = await db
    .selectFrom("contacts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .execute();
  const workers = await db
    .selectFrom("workers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .execute();
  const deadlines = await db
    .selectFrom("deadlines")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .execute();
  const shortages = await db
    .selectFrom("supply_shortages")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .execute();
  return { contacts, workers, deadlines, shortages };
}
type Raw = Awaited<ReturnType<typeof rawRows>>;

function placeOfContact(c: Raw["contacts"][number]): Place {
  return {
    country: c.country,
    region: c.region,
    city: c.place_name,
    source: c.source,
    campaign: c.campaign,
    at: c.created_at,
  };
}

/** Groups items by the report's key; each group's figures start from `empty()`. */
function grouped<F>(): {
  get: (g: { key: string | null; country: string | null }, empty: () => F) => F;
  all: Map<string, { g: { key: string | null; country: string | null }; f: F }>;
} {
  const all = new Map<string, { g: { key: string | null; country: string | null }; f: F }>();
  return {
    all,
    get: (g, empty) => {
      const id = `${g.country}|${g.key}`;
      const found = all.get(id) ?? { g, f: empty() };
      all.set(id, found);
      return found.f;
    },
  };
}

function expectedDemand(raw: Raw, by: string, f: Filter) {
  const groups = grouped<{ n: number; u: number; reasons: Record<string, number>; s: number }>();
  const empty = () => ({ n: 0, u: 0, reasons: {}, s: 0 });
  for (const c of raw.contacts) {
    const p = placeOfContact(c);
    if (!matches(f, p)) continue;
    const g = groups.get(groupOf(by, p), empty);
    g.n += 1;
    if (c.status === "unassignable") {
      g.u += 1;
      const reason = c.status_reason ?? "unknown";
      g.reasons[reason] = (g.reasons[reason] ?? 0) + 1;
    }
  }
  for (const s of raw.shortages) {
    const c = raw.contacts.find((x) => x.id === s.contact_id);
    const p: Place = {
      country: s.country,
      city: s.place_name,
      region: c?.region ?? null,
      source: c?.source ?? null,
      campaign: c?.campaign ?? null,
      at: s.created_at,
    };
    if (!matches(f, p)) continue;
    groups.get(groupOf(by, p), empty).s += 1;
  }
  return [...groups.all.values()].map(({ g, f: x }) => ({
    ...g,
    newContacts: x.n,
    unassignable: x.u,
    unassignableReasons: x.reasons,
    shortages: x.s,
  }));
}

function expectedSupply(raw: Raw, by: "country" | "city", f: Filter) {
  const groups = grouped<{ w: number; free: number; n: number }>();
  const empty = () => ({ w: 0, free: 0, n: 0 });
  for (const w of raw.workers) {
    const available =
      w.status === "active" || (w.status === "away" && w.away_until !== null && w.away_until <= NOW);
    if (!available) continue;
    if (f.country !== undefined && w.country !== f.country) continue;
    if (f.place !== undefined && w.place_name !== f.place) continue;
    const load = raw.contacts.filter(
      (c) => c.assigned_worker_id === w.id && ["offered", "active", "paused"].includes(c.status),
    ).length;
    const g = groups.get({ key: by === "country" ? w.country : w.place_name, country: w.country }, empty);
    g.w += 1;
    g.free += Math.max(0, w.capacity - load);
  }
  for (const c of raw.contacts) {
    const p = placeOfContact(c);
    if (matches(f, p)) groups.get(groupOf(by, p), empty).n += 1;
  }
  return [...groups.all.values()].map(({ g, f: x }) => ({
    ...g,
    availableWorkers: x.w,
    freeCapacity: x.free,
    contacts: x.n,
    contactsPerWorker: x.w > 0 ? round2(x.n / x.w) : null,
  }));
}

function expectedFlow(raw: Raw, by: string, f: Filter) {
  type F = {
    n: number;
    toAssign: number[];
    answered: number;
    yes: number;
    accepted: number;
    toFirst: number[];
    met: number;
  };
  const groups = grouped<F>();
  const empty = (): F => ({ n: 0, toAssign: [], answered: 0, yes: 0, accepted: 0, toFirst: [], met: 0 });
  for (const c of raw.contacts) {
    const p = placeOfContact(c);
    if (!matches(f, p)) continue;
    const g = groups.get(groupOf(by, p), empty);
    g.n += 1;
    if (c.assigned_at) g.toAssign.push(hours(c.created_at, c.assigned_at));
    if (c.accepted_at) {
      g.accepted += 1;
      if (c.first_attempt_at) g.toFirst.push(hours(c.accepted_at, c.first_attempt_at));
      if (c.first_meeting_at) g.met += 1;
    }
    for (const d of raw.deadlines) {
      if (
        d.contact_id !== c.id ||
        d.kind !== "accept" ||
        !["met", "declined", "expired"].includes(d.outcome ?? "")
      )
        continue;
      g.answered += 1;
      if (d.outcome === "met") g.yes += 1;
    }
  }
  return [...groups.all.values()].map(({ g, f: x }) => ({
    ...g,
    contacts: x.n,
    assigned: x.toAssign.length,
    medianHoursToAssignment: medianOf(x.toAssign),
    offersAnswered: x.answered,
    offersAccepted: x.yes,
    acceptanceRate: ratio(x.yes, x.answered),
    accepted: x.accepted,
    medianHoursToFirstContact: medianOf(x.toFirst),
    met: x.met,
    meetingRate: ratio(x.met, x.accepted),
  }));
}

function expectedBacklog(raw: Raw, by: string, f: Filter) {
  const groups = grouped<number[]>();
  for (const c of raw.contacts) {
    const p = placeOfContact(c);
    if (!["new", "qualifying", "ready"].includes(c.status) || !matches(f, p)) continue;
    groups.get(groupOf(by, p), () => []).push(hours(c.created_at, NOW));
  }
  return [...groups.all.values()].map(({ g, f: x }) => ({
    ...g,
    waiting: x.length,
    oldestHours: round2(Math.max(...x)),
    medianHours: medianOf(x),
  }));
}

/** Rows keyed by place and key, the way the report sorts does not matter here. */
function byKey(rows: Row[]): Record<string, Row> {
  return Object.fromEntries(rows.map((r) => [`${r.country}|${r.key}`, r]));
}

function queryString(by: string, f: Filter, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ by, ...f, ...extra }).toString();
}

const FILTERS: Filter[] = [
  {},
  { from: "2026-03-05T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z", campaign: "spring" },
  { country: "IT", place: "Roma", source: "facebook" },
];

const ALL = ["country", "region", "city", "source", "campaign", "week", "month"];

async function getReport(app: FastifyInstance, cookie: string, name: string, qs: string) {
  const response = await send(app, cookie, { method: "GET", url: `/api/v1/reports/${name}?${qs}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { by: string; rows: Row[]; totals: Record<string, unknown> };
}

describeEachDatabase("supply and demand reports", (env) => {
  it("gives figures equal to those recomputed from the raw rows, for every dimension and filter", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    // The world holds what the reports measure: offers accepted and declined, meetings, gaps, shortages.
    expect(raw.deadlines.filter((d) => d.kind === "accept" && d.outcome === "declined").length).toBe(1);
    expect(raw.contacts.filter((c) => c.first_meeting_at).length).toBe(2);
    const reports: Array<[string, string[], (by: string, f: Filter) => Row[]]> = [
      ["demand", ALL, (by, f) => expectedDemand(raw, by, f)],
      ["supply", ["country", "city"], (by, f) => expectedSupply(raw, by as "country" | "city", f)],
      ["flow", ALL, (by, f) => expectedFlow(raw, by, f)],
      ["backlog", ["country", "region", "city"], (by, f) => expectedBacklog(raw, by, f)],
    ];
    for (const [name, dimensions, expected] of reports) {
      for (const by of dimensions) {
        for (const filter of FILTERS) {
          const label = `${name} ${queryString(by, filter)}`;
          const report = await getReport(app, world.cookies.dispatcher, name, queryString(by, filter));
          expect(report.by, label).toBe(by);
          const want = expected(by, filter).map((r) => ({
            ...r,
            // Only regions and cities carry their country beside the key.
            country: by === "country" ? r.key : by === "region" || by === "city" ? r.country : null,
          }));
          // Where a city lies has its own test below.
          const figures = report.rows.map(({ lat: _lat, lon: _lon, ...rest }) => rest as Row);
          expect(byKey(figures), label).toEqual(byKey(want));
          // Totals: medians over every contact selected, not the groups' (one group keyed by nothing).
          if (name !== "supply") {
            const [all] = expected("all", filter);
            if (all) {
              const { key: _key, country: _country, ...totals } = all;
              expect(report.totals, `${label} totals`).toEqual(totals);
            }
          }
        }
      }
    }
    // Spot checks against the seeds themselves.
    const demand = await getReport(app, world.cookies.admin, "demand", "by=city");
    const roma = demand.rows.find((r) => r.key === "Roma");
    expect(roma).toMatchObject({
      country: "IT",
      newContacts: 8,
      unassignable: 2,
      unassignableReasons: { "no worker in reach": 2 },
      shortages: 2,
    });
    expect(demand.totals).toMatchObject({ newContacts: SEEDS.length, unassignable: 3, shortages: 3 });
    const weeks = await getReport(app, world.cookies.admin, "demand", "by=week");
    expect(weeks.rows.map((r) => r.key)).toEqual([
      "2026-W10",
      "2026-W11",
      "2026-W12",
      "2026-W13",
      "2026-W14",
      "2026-W15",
      "2026-W16",
    ]);
    const supply = await getReport(app, world.cookies.admin, "supply", "by=city&country=IT");
    // Roma: the first worker and the one back from being away; Milano: one worker, full with one contact.
    expect(supply.rows.find((r) => r.key === "Roma")).toMatchObject({ availableWorkers: 2 });
    expect(supply.rows.find((r) => r.key === "Milano")).toMatchObject({
      availableWorkers: 1,
      freeCapacity: 0,
    });
    const flow = await getReport(app, world.cookies.admin, "flow", "by=country");
    expect(flow.totals).toMatchObject({
      offersAnswered: 6,
      offersAccepted: 5,
      acceptanceRate: 0.833,
      met: 2,
    });
  }, 120_000);

  it("shows a marketer counts from 1 to 4 as <5 and leaves out the rates and medians over them", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const raw = await rawRows(ctx, world.org.id);
    let small = 0;
    for (const [name, by] of [
      ["demand", "city"],
      ["supply", "country"],
      ["flow", "campaign"],
      ["backlog", "region"],
    ] as const) {
      const exact = await getReport(app, world.cookies.admin, name, `by=${by}`);
      const response = await send(app, world.cookies.marketer, {
        method: "GET",
        url: `/api/v1/reports/${name}?by=${by}`,
      });
      expect(response.statusCode).toBe(200);
      const seen = response.json() as typeof exact;
      // Nothing personal: no contact's id or name in the body.
      for (const c of raw.contacts) {
        expect(response.body).not.toContain(c.id);
        expect(response.body).not.toContain(c.display_name);
      }
      for (const [i, row] of [...exact.rows, exact.totals].entries()) {
        const shown = (i < exact.rows.length ? seen.rows[i] : seen.totals) as Record<string, unknown>;
        for (const [field, value] of Object.entries(row)) {
          if (
            typeof value === "number" &&
            Number.isInteger(value) &&
            !/Hours|Rate|PerWorker|^lat$|^lon$/.test(field)
          ) {
            const want = value > 0 && value < 5 ? "<5" : value;
            if (want === "<5") small += 1;
            expect(shown[field], `${name} ${field}`).toBe(want);
          }
        }
      }
      // No count from 1 to 4 anywhere in a marketer's body.
      expect(response.body).not.toMatch(
        /"(newContacts|unassignable|shortages|availableWorkers|contacts|waiting|met|accepted)":[1-4][,}]/,
      );
    }
    expect(small).toBeGreaterThan(5);
    const flow = await getReport(app, world.cookies.marketer, "flow", "by=country");
    // Italy has enough contacts to count; Greece's three are shown as "<5", with no rate or median.
    expect(flow.rows.find((r) => r.key === "IT")).toMatchObject({ contacts: 10 });
    expect(flow.rows.find((r) => r.key === "GR")).toMatchObject({
      contacts: "<5",
      acceptanceRate: null,
      medianHoursToAssignment: null,
    });
  }, 120_000);

  it("puts each period's demand beside the same period a year earlier, for compare=last_year", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    // A year before the seeds: four in March 2025 (two in ISO week 10), one in April.
    const dispatcher: Caller = {
      ...systemCaller(world.org.id),
      userId: world.org.userIds.dispatcher,
      role: "dispatcher",
    };
    for (const [i, at] of [
      "2025-03-03T10:00:00Z",
      "2025-03-05T10:00:00Z",
      "2025-03-20T10:00:00Z",
      "2025-03-30T10:00:00Z",
      "2025-04-07T10:00:00Z",
    ].entries()) {
      clock.set(at);
      const input = {
        displayName: `Earlier ${i}`,
        phones: [],
        emails: [],
        languages: ["it"],
        inbound: false,
      };
      must(await createContact(ctx, dispatcher, { ...input, ...ROMA, ...SPRING } as ContactCreate));
    }
    clock.set(NOW);
    const raw = await rawRows(ctx, world.org.id);
    const minusYear = (iso: string) => DateTime.fromISO(iso, { zone: "utc" }).minus({ years: 1 }).toISO();
    const keyAYearEarlier = (key: string) => `${Number(key.slice(0, 4)) - 1}${key.slice(4)}`;
    for (const by of ["week", "month", "city", "campaign"]) {
      for (const filter of FILTERS) {
        const label = `demand ${queryString(by, filter)} compare=last_year`;
        const report = await getReport(
          app,
          world.cookies.dispatcher,
          "demand",
          queryString(by, filter, { compare: "last_year" }),
        );
        const period = by === "week" || by === "month";
        const shifted: Filter = {
          ...filter,
          ...(filter.from ? { from: minusYear(filter.from) ?? "" } : {}),
          ...(filter.to ? { to: minusYear(filter.to) ?? "" } : {}),
        };
        // A period's namesake a year earlier, with the filters other than from/to; a place the same from/to.
        const then = period
          ? expectedDemand(raw, by, { ...filter, from: undefined, to: undefined } as Filter)
          : expectedDemand(raw, by, shifted);
        for (const row of report.rows) {
          if (!period && !filter.from && !filter.to) {
            expect(row.lastYear, label).toBeNull();
            continue;
          }
          const key = period && row.key !== null ? keyAYearEarlier(row.key) : row.key;
          const found = then.find((r) => r.key === key && (by !== "city" || r.country === row.country));
          expect(row.lastYear, `${label} ${row.key}`).toEqual({
            newContacts: found?.newContacts ?? 0,
            unassignable: found?.unassignable ?? 0,
            shortages: found?.shortages ?? 0,
          });
        }
      }
    }
    const months = await getReport(app, world.cookies.admin, "demand", "by=month&compare=last_year");
    expect(
      months.rows.map((r) => [r.key, r.newContacts, (r.lastYear as { newContacts: number }).newContacts]),
    ).toEqual([
      ["2025-03", 4, 0],
      ["2025-04", 1, 0],
      ["2026-03", 11, 4],
      ["2026-04", 3, 1],
    ]);
    const weeks = await getReport(
      app,
      world.cookies.admin,
      "demand",
      "by=week&compare=last_year&from=2026-03-01",
    );
    expect(weeks.rows.find((r) => r.key === "2026-W10")?.lastYear).toMatchObject({ newContacts: 2 });
    expect(weeks.totals.lastYear).toMatchObject({ newContacts: 5 });
    // Without compare, no lastYear at all.
    expect((await getReport(app, world.cookies.admin, "demand", "by=month")).rows[0]).not.toHaveProperty(
      "lastYear",
    );
  }, 120_000);

  it("answers the same rows as CSV, with a total row, for ?format=csv", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    for (const [name, by] of [
      ["demand", "city"],
      ["supply", "city"],
      ["flow", "week"],
      ["backlog", "country"],
    ] as const) {
      const json = await getReport(app, world.cookies.dispatcher, name, `by=${by}`);
      const response = await send(app, world.cookies.dispatcher, {
        method: "GET",
        url: `/api/v1/reports/${name}?by=${by}&format=csv`,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toContain("text/csv");
      const records = parse(response.body, { columns: true }) as Array<Record<string, string>>;
      expect(records.length).toBe(json.rows.length + 1);
      const cell = (value: unknown) => (value === null || value === undefined ? "" : String(value));
      for (const [i, row] of json.rows.entries()) {
        const record = records[i] as Record<string, string>;
        expect(record.row).toBe("group");
        for (const [field, value] of Object.entries(row)) {
          if (value !== null && typeof value === "object") {
            for (const [sub, n] of Object.entries(value)) expect(record[`${field}.${sub}`]).toBe(cell(n));
          } else expect(record[field], `${name} ${field}`).toBe(cell(value));
        }
      }
      const total = records.at(-1) as Record<string, string>;
      expect(total.row).toBe("total");
      for (const [field, value] of Object.entries(json.totals)) {
        if (value === null || typeof value !== "object") expect(total[field], field).toBe(cell(value));
      }
    }
  }, 120_000);

  it("puts each city on the map: the gazetteer's point, else the coarse mean of the coordinates recorded there", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    const system = systemCaller(world.org.id);
    // A city the gazetteer knows by this name; its worker lives outside the centre.
    must(
      await createWorker(ctx, system, {
        name: "North",
        placeName: "Thessaloniki",
        country: "GR",
        languages: ["el"],
        lat: 40.6,
        lon: 22.95,
        maxKm: 30,
        capacity: 2,
        trust: 0.5,
        status: "active",
        timeZone: "Europe/Athens",
      }),
    );
    const raw = await rawRows(ctx, world.org.id);
    /** The mean of every contact's and worker's coordinates recorded in the city, to a tenth of a degree. */
    const recordedMean = (city: string, country: string) => {
      const points = [
        ...raw.contacts.filter((c) => c.place_name === city && c.country === country),
        ...raw.workers.filter((w) => w.place_name === city && w.country === country),
      ].filter((p) => p.lat !== null && p.lon !== null) as Array<{ lat: number; lon: number }>;
      const mean = (f: (p: { lat: number; lon: number }) => number) =>
        Math.round((points.reduce((sum, p) => sum + f(p), 0) / points.length) * 10) / 10;
      return { lat: mean((p) => p.lat), lon: mean((p) => p.lon) };
    };
    for (const name of ["demand", "supply", "flow", "backlog"]) {
      const report = await getReport(app, world.cookies.marketer, name, "by=city");
      for (const row of report.rows) {
        if (row.key === "Thessaloniki") {
          // GeoNames' Thessaloníki, not the worker's home.
          expect(row.lat).toBeCloseTo(40.64361, 4);
          expect(row.lon).toBeCloseTo(22.93086, 4);
        } else if (row.key === null) {
          expect([row.lat, row.lon]).toEqual([null, null]);
        } else {
          expect({ lat: row.lat, lon: row.lon }, `${name} ${row.key}`).toEqual(
            recordedMean(row.key, row.country as string),
          );
        }
      }
    }
    const supply = await getReport(app, world.cookies.dispatcher, "supply", "by=city");
    expect(supply.rows.map((r) => r.key)).toContain("Thessaloniki");
    expect(supply.rows.find((r) => r.key === "Roma")).toMatchObject({ lat: 41.9, lon: 12.5 });
    for (const by of ["country", "campaign", "week"]) {
      const report = await getReport(app, world.cookies.dispatcher, "demand", `by=${by}`);
      for (const row of report.rows) expect([row.lat, row.lon], by).toEqual([null, null]);
    }
  }, 120_000);

  it("keeps the rollups, counted change by change, equal to rollups built afresh from the contacts", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    // The first report builds the rollups; every change after is counted by the sweeper, contact by contact.
    await getReport(app, world.cookies.dispatcher, "flow", "by=city");
    const dispatcher: Caller = {
      ...systemCaller(world.org.id),
      userId: world.org.userIds.dispatcher,
      role: "dispatcher",
    };
    const waiting = world.contactIds[11] as string;
    must(
      await changeContactStatus(ctx, dispatcher, waiting, {
        to: "unassignable",
        reason: "no worker in reach",
      }),
    );
    clock.set("2026-03-31T23:30:00.000Z");
    must(
      await createContact(ctx, dispatcher, {
        displayName: "Late",
        phones: [],
        emails: [],
        languages: ["it"],
        inbound: false,
        ...MILANO,
        ...SPRING,
      } as ContactCreate),
    );
    clock.set(NOW);
    const db = ctx.db.kysely;
    // Writes that no service makes count too: the triggers see every one.
    await db
      .updateTable("contacts")
      .set({ place_name: "Athina", region: "Attica", country: "GR" })
      .where("id", "=", world.contactIds[0] as string)
      .execute();
    await db
      .updateTable("deadlines")
      .set({ outcome: "expired" })
      .where("contact_id", "=", world.contactIds[3] as string)
      .where("kind", "=", "accept")
      .execute();
    expect((await sweep(ctx)).reportRollups.applied).toBeGreaterThanOrEqual(4);
    expect(await db.selectFrom("report_changes").selectAll().execute()).toEqual([]);
    const snapshot = async () => ({
      facts: await db.selectFrom("report_facts").selectAll().orderBy("contact_id").execute(),
      rollups: await db.selectFrom("report_rollups").selectAll().orderBy("grain").orderBy("cell").execute(),
    });
    const counted = await snapshot();
    await db.updateTable("report_refreshes").set({ built_at: null }).execute();
    expect((await refreshReports(ctx, world.org.id)).built).toBe(true);
    const built = await snapshot();
    expect(counted.facts.length).toBe(SEEDS.length + 1);
    expect(counted).toEqual(built);
    // And the figures read from them are the contacts' own.
    const raw = await rawRows(ctx, world.org.id);
    const report = await getReport(app, world.cookies.dispatcher, "flow", "by=month");
    const figures = report.rows.map(({ lat: _lat, lon: _lon, ...rest }) => rest as Row);
    expect(byKey(figures)).toEqual(
      byKey(expectedFlow(raw, "month", {}).map((r) => ({ ...r, country: null }))),
    );
  }, 120_000);

  it("refuses setters and workers, and a dimension the report does not have", async () => {
    const { app, ctx, clock } = env();
    const world = await buildWorld(ctx, app, clock);
    for (const cookie of [world.cookies.setter, world.cookies.worker]) {
      expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/reports/demand" }), 403);
    }
    for (const url of [
      "/api/v1/reports/supply?by=campaign",
      "/api/v1/reports/backlog?by=week",
      "/api/v1/reports/flow?from=yesterday",
      "/api/v1/reports/demand?country=Italy",
      "/api/v1/reports/demand?format=xml",
    ]) {
      expectProblem(await send(app, world.cookies.dispatcher, { method: "GET", url }), 400, { label: url });
    }
  }, 120_000);
});
