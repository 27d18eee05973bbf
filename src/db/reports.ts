/**
 * Query functions for the supply and demand reports: counts, sums and medians grouped in SQL on both
 * databases (medians through src/db/dialect.ts), so that no report selects a row per contact. Weeks and
 * months are keyed in SQL too (the dialect's period key).
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Dimension } from "../core/reports/measures.js";
import { type DialectName, groupMedians, millisecondsBetween, periodKey } from "./dialect.js";
import type { Database } from "./schema.js";
import { loadOf } from "./workers.js";

/** Whose rows a report reads, and through which database. */
export interface ReportScope {
  db: Kysely<Database>;
  dialect: DialectName;
  organisationId: string;
}

export interface ReportFilter {
  /** Inclusive lower bound on created_at (UTC ISO). */
  from?: string | undefined;
  /** Exclusive upper bound on created_at (UTC ISO). */
  to?: string | undefined;
  country?: string | undefined;
  /** A city (place_name). */
  place?: string | undefined;
  campaign?: string | undefined;
  source?: string | undefined;
  /** A team: contacts held by (offered or assigned to) its workers; workers of it. */
  team?: string | undefined;
}

/** Where a query finds the columns a report groups and filters by. */
export interface Columns {
  country: string;
  region: string;
  city: string;
  source: string;
  campaign: string;
  createdAt: string;
}

export const CONTACT_COLUMNS: Columns = {
  country: "contacts.country",
  region: "contacts.region",
  city: "contacts.place_name",
  source: "contacts.source",
  campaign: "contacts.campaign",
  createdAt: "contacts.created_at",
};

/** A shortage has its own place and time; region, source and campaign come from its contact, if any. */
const SHORTAGE_COLUMNS: Columns = {
  ...CONTACT_COLUMNS,
  country: "supply_shortages.country",
  city: "supply_shortages.place_name",
  createdAt: "supply_shortages.created_at",
};

function column(name: string): RawBuilder<string | null> {
  return sql<string | null>`${sql.ref(name)}`;
}

/** The value a row is grouped under: the place, source or campaign, or the week or month it arrived. */
export function keyOf(dialect: DialectName, by: Dimension, c: Columns): RawBuilder<string | null> {
  switch (by) {
    case "country":
      return column(c.country);
    case "region":
      return column(c.region);
    case "city":
      return column(c.city);
    case "source":
      return column(c.source);
    case "campaign":
      return column(c.campaign);
    case "week":
    case "month":
      return periodKey(dialect, by, c.createdAt);
  }
}

/**
 * The country a region or city lies in, grouped beside it so that two places of one name stay apart;
 * for other dimensions the key itself (grouping by it twice changes nothing, and PostgreSQL refuses a
 * constant in GROUP BY).
 */
export function qualifierOf(dialect: DialectName, by: Dimension, c: Columns): RawBuilder<string | null> {
  return by === "region" || by === "city" ? column(c.country) : keyOf(dialect, by, c);
}

export function conditions(filter: ReportFilter, c: Columns): Array<RawBuilder<SqlBool>> {
  const out: Array<RawBuilder<SqlBool>> = [];
  const eq = (name: string, value: string | undefined) => {
    if (value !== undefined) out.push(sql<SqlBool>`${sql.ref(name)} = ${value}`);
  };
  if (filter.from !== undefined) out.push(sql<SqlBool>`${sql.ref(c.createdAt)} >= ${filter.from}`);
  if (filter.to !== undefined) out.push(sql<SqlBool>`${sql.ref(c.createdAt)} < ${filter.to}`);
  eq(c.country, filter.country);
  eq(c.city, filter.place);
  eq(c.campaign, filter.campaign);
  eq(c.source, filter.source);
  if (filter.team !== undefined) out.push(heldByTeam(filter.team));
  return out;
}

// --- team filter: contacts held by (offered or assigned to) the team's workers -------------------------
function heldByTeam(team: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref("contacts.assigned_worker_id")} in (select w.id from workers w where w.team = ${team})`;
}

function contactsOf({ db, organisationId }: ReportScope, filter: ReportFilter) {
  let q = db.selectFrom("contacts").where("contacts.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  return q;
}

const n = (value: unknown) => Number(value ?? 0);

/** New contacts per group, and those of them no worker could serve. */
export async function contactCounts(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  const { dialect } = scope;
  const key = keyOf(dialect, by, CONTACT_COLUMNS);
  const qualifier = qualifierOf(dialect, by, CONTACT_COLUMNS);
  const rows = await contactsOf(scope, filter)
    .select((eb) => [
      key.as("k"),
      qualifier.as("c"),
      eb.fn.countAll().as("contacts"),
      eb.fn
        .sum(eb.case().when("contacts.status", "=", "unassignable").then(1).else(0).end())
        .as("unassignable"),
      eb.fn.sum(eb.case().when("contacts.accepted_at", "is not", null).then(1).else(0).end()).as("accepted"),
      eb.fn
        .sum(
          eb
            .case()
            .when(
              eb.and([
                eb("contacts.accepted_at", "is not", null),
                eb("contacts.first_meeting_at", "is not", null),
              ]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as("met"),
    ])
    .groupBy([key, qualifier])
    .execute();
  return rows.map((r) => ({
    k: r.k,
    c: r.c,
    contacts: n(r.contacts),
    unassignable: n(r.unassignable),
    accepted: n(r.accepted),
    met: n(r.met),
  }));
}

/** Unassignable contacts per group and reason. */
export async function unassignableReasons(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  const { dialect } = scope;
  const key = keyOf(dialect, by, CONTACT_COLUMNS);
  const qualifier = qualifierOf(dialect, by, CONTACT_COLUMNS);
  const rows = await contactsOf(scope, filter)
    .where("contacts.status", "=", "unassignable")
    .select((eb) => [key.as("k"), qualifier.as("c"), "contacts.status_reason", eb.fn.countAll().as("n")])
    .groupBy([key, qualifier, "contacts.status_reason"])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, reason: r.status_reason ?? "unknown", n: n(r.n) }));
}

/** Supply shortages (a booking found no worker with a free slot) per group, by when and where they were met. */
export async function shortageCounts(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  const { db, dialect, organisationId } = scope;
  const key = keyOf(dialect, by, SHORTAGE_COLUMNS);
  const qualifier = qualifierOf(dialect, by, SHORTAGE_COLUMNS);
  let q = db
    .selectFrom("supply_shortages")
    .leftJoin("contacts", "contacts.id", "supply_shortages.contact_id")
    .where("supply_shortages.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, SHORTAGE_COLUMNS)) q = q.where(condition);
  const rows = await q
    .select((eb) => [key.as("k"), qualifier.as("c"), eb.fn.countAll().as("n")])
    .groupBy([key, qualifier])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, n: n(r.n) }));
}

/**
 * The available workers (active, or away with the away period over), one row a worker (10^4 at most):
 * where they live, their capacity and the contacts they hold now. Grouped per place here, and per H3
 * cell by the hexagonal map.
 */
export function availableWorkerRows(
  { db, organisationId }: ReportScope,
  filter: Pick<ReportFilter, "country" | "place" | "team">,
  now: string,
) {
  let q = db
    .selectFrom("workers")
    .select((eb) => [
      "workers.id",
      "workers.country",
      "workers.place_name",
      "workers.lat",
      "workers.lon",
      "workers.capacity",
      loadOf(eb, organisationId),
    ])
    .where("workers.organisation_id", "=", organisationId)
    .where((eb) =>
      eb.or([
        eb("workers.status", "=", "active"),
        eb.and([
          eb("workers.status", "=", "away"),
          eb("workers.away_until", "is not", null),
          eb("workers.away_until", "<=", now),
        ]),
      ]),
    );
  if (filter.country !== undefined) q = q.where("workers.country", "=", filter.country);
  if (filter.place !== undefined) q = q.where("workers.place_name", "=", filter.place);
  if (filter.team !== undefined) q = q.where("workers.team", "=", filter.team);
  return q;
}

/** Available workers per place, with their free capacity: capacity less the contacts they hold, never below zero for one worker. */
export async function availableWorkers(
  scope: ReportScope,
  by: "country" | "city",
  filter: Pick<ReportFilter, "country" | "place" | "team">,
  now: string,
) {
  const key = by === "country" ? sql<string | null>`w.country` : sql<string | null>`w.place_name`;
  const rows = await scope.db
    .selectFrom(availableWorkerRows(scope, filter, now).as("w"))
    .select([
      key.as("k"),
      sql<string | null>`w.country`.as("c"),
      sql<number>`count(*)`.as("workers"),
      sql<number>`sum(case when w.capacity > w.load then w.capacity - w.load else 0 end)`.as("free"),
    ])
    .groupBy([key, sql`w.country`])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, workers: n(r.workers), free: n(r.free) }));
}

/** Offers answered (accepted, declined or lapsed) per group of the contact offered. */
export async function offerAnswers(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  const { db, dialect, organisationId } = scope;
  const key = keyOf(dialect, by, CONTACT_COLUMNS);
  const qualifier = qualifierOf(dialect, by, CONTACT_COLUMNS);
  let q = db
    .selectFrom("deadlines")
    .innerJoin("contacts", "contacts.id", "deadlines.contact_id")
    .where("deadlines.organisation_id", "=", organisationId)
    .where("contacts.organisation_id", "=", organisationId)
    .where("deadlines.kind", "=", "accept")
    .where("deadlines.outcome", "in", ["met", "declined", "expired"]);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const rows = await q
    .select((eb) => [
      key.as("k"),
      qualifier.as("c"),
      eb.fn.countAll().as("answered"),
      eb.fn.sum(eb.case().when("deadlines.outcome", "=", "met").then(1).else(0).end()).as("accepted"),
    ])
    .groupBy([key, qualifier])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, answered: n(r.answered), accepted: n(r.accepted) }));
}

export interface Medians {
  k: string | null;
  c: string | null;
  /** How many values the median is taken over. */
  n: number;
  /** In hours. */
  max: number;
  median: number;
}

/**
 * Per group, and over all of them (`total`, undefined when no contact has both times): how many contacts
 * have both times, and the largest and median hours from one to the other.
 */
async function hoursMedians(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  span: { from: RawBuilder<unknown>; to: RawBuilder<unknown>; where: Array<RawBuilder<SqlBool>> },
): Promise<{ groups: Medians[]; total: Medians | undefined }> {
  const { db, dialect } = scope;
  let q = contactsOf(scope, filter);
  for (const condition of span.where) q = q.where(condition);
  const source = q.select([
    keyOf(dialect, by, CONTACT_COLUMNS).as("k"),
    qualifierOf(dialect, by, CONTACT_COLUMNS).as("c"),
    millisecondsBetween(dialect, span.from, span.to).as("v"),
  ]);
  const { rows } = await groupMedians(dialect, sql`${source}`).execute(db);
  const medians = rows
    .filter((r) => n(r.n) > 0)
    .map((r) => ({
      k: r.k,
      c: r.c,
      total: n(r.total) === 1,
      n: n(r.n),
      max: n(r.max) / HOUR_MS,
      median: n(r.median) / HOUR_MS,
    }));
  const strip = ({ total: _total, ...m }: (typeof medians)[number]): Medians => m;
  return {
    groups: medians.filter((m) => !m.total).map(strip),
    total: medians.filter((m) => m.total).map(strip)[0],
  };
}

const HOUR_MS = 3_600_000;
const set = (name: string) => sql<SqlBool>`${sql.ref(name)} is not null`;

/** Hours from arrival to assignment, over the contacts assigned. */
export function hoursToAssignment(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  return hoursMedians(scope, by, filter, {
    from: sql.ref("contacts.created_at"),
    to: sql.ref("contacts.assigned_at"),
    where: [set("contacts.assigned_at")],
  });
}

/** Hours from acceptance to the first attempt to reach the contact. */
export function hoursToFirstContact(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  return hoursMedians(scope, by, filter, {
    from: sql.ref("contacts.accepted_at"),
    to: sql.ref("contacts.first_attempt_at"),
    where: [set("contacts.accepted_at"), set("contacts.first_attempt_at")],
  });
}

/** Statuses in which a contact waits for a worker. */
export const WAITING_STATUSES = ["new", "qualifying", "ready"] as const;

/** How long the waiting contacts have waited since they arrived, until `now`. */
export function waitingHours(scope: ReportScope, by: Dimension, filter: ReportFilter, now: string) {
  return hoursMedians(scope, by, filter, {
    from: sql.ref("contacts.created_at"),
    to: sql`${now}`,
    where: [sql<SqlBool>`${sql.ref("contacts.status")} in (${sql.join(WAITING_STATUSES)})`],
  });
}

/** Located rows read per place for its coarse point. */
const RECORDED_SAMPLE = 1000;

/**
 * The coordinates recorded for contacts and workers in these cities, summed per city and country, for
 * the map's fallback where the gazetteer does not know a city's name. Every period counts: a city lies
 * where it lies.
 */
export async function recordedCoordinates(
  { db, organisationId }: ReportScope,
  places: ReadonlyArray<{ city: string; country: string | null }>,
) {
  // A coarse point: the first RECORDED_SAMPLE located rows of each place in the index's order suffice,
  // so a city of 10^5 located contacts costs no more than one of a thousand.
  const sums = (table: "contacts" | "workers", place: { city: string; country: string | null }) => {
    let located = db
      .selectFrom(table)
      .select(["place_name", "country", "lat", "lon"])
      .where("organisation_id", "=", organisationId)
      .where("place_name", "=", place.city)
      .where("lat", "is not", null)
      .where("lon", "is not", null);
    located =
      place.country === null
        ? located.where("country", "is", null)
        : located.where("country", "=", place.country);
    return db
      .selectFrom(located.limit(RECORDED_SAMPLE).as("s"))
      .select((eb) => [
        "s.place_name",
        "s.country",
        eb.fn.sum<number>("s.lat").as("lat"),
        eb.fn.sum<number>("s.lon").as("lon"),
        eb.fn.countAll().as("n"),
      ])
      .groupBy(["s.place_name", "s.country"])
      .execute();
  };
  const rows = (
    await Promise.all(places.flatMap((place) => [sums("contacts", place), sums("workers", place)]))
  ).flat();
  return rows.map((r) => ({
    city: r.place_name,
    country: r.country,
    lat: n(r.lat),
    lon: n(r.lon),
    n: n(r.n),
  }));
}
