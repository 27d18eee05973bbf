/**
 * Query functions for the workers report: the contacts each worker held at given instants (from
 * contact_stage_changes), and per worker the offers answered, the meetings and the time to first contact
 * in two windows (the last 30 days and the 30 before), all grouped in SQL.
 */
import { type RawBuilder, type SqlBool, sql } from "kysely";
import { bytewise, groupPercentiles, millisecondsBetween, type PercentileRow } from "./dialect.js";
import type { ReportScope } from "./reports.js";
import { HOLDING_STATUSES } from "./workers.js";

const n = (value: unknown) => Number(value ?? 0);

/** How long after an instant its held counts may be kept: no transaction writing a stay before it is still open. */
const KEEP_AFTER_MS = 3_600_000;

/** A week's edge as weeksOf gives it (Monday 00:00 UTC, ISO text): the only instants kept. */
function isWeekEdge(t: string): boolean {
  const ms = Date.parse(t);
  return ms % 86_400_000 === 0 && new Date(ms).getUTCDay() === 1 && new Date(ms).toISOString() === t;
}

/** Those of `instants` whose held counts may be kept: week edges an hour or more before `now`. */
function keepableOf(instants: readonly string[], now: string): Set<string> {
  const horizon = new Date(Date.parse(now) - KEEP_AFTER_MS).toISOString();
  return new Set(instants.filter((t) => t <= horizon && isWeekEdge(t)));
}

/**
 * How many contacts each worker held (offered, active or paused) at each instant, as one series per
 * worker in the instants' order (workers who held none may be left out). A week's edge an hour or more
 * before `now` is read from report_held_weeks when counted before, and kept there once counted
 * (migration 0023's triggers drop what a later write to the stays may change); the rest are counted.
 */
export async function heldAt(scope: ReportScope, instants: readonly string[], now: string) {
  const { db, organisationId } = scope;
  const keepable = keepableOf(instants, now);
  const kept =
    keepable.size === 0
      ? []
      : await db
          .selectFrom("report_held_weeks")
          .select(["at", "counts"])
          .where("organisation_id", "=", organisationId)
          .where("at", "in", [...keepable])
          .execute();
  const read = new Map(kept.map((k) => [k.at, k.counts]));
  const missing = [...new Set(instants)].filter((t) => !read.has(t)).sort();
  const counted = await countHeldAt(scope, missing);
  const fresh = missing.flatMap((t, i) => {
    if (!keepable.has(t)) return [];
    const parts: string[] = [];
    for (const [workerId, series] of counted) if (series[i]) parts.push(`${workerId}:${series[i]}`);
    return [{ organisation_id: organisationId, at: t, counts: parts.join(",") }];
  });
  if (fresh.length > 0) {
    await db
      .insertInto("report_held_weeks")
      .values(fresh)
      .onConflict((oc) => oc.columns(["organisation_id", "at"]).doNothing())
      .execute();
  }
  const series = new Map<string, number[]>();
  const seriesOf = (id: string) => {
    const found = series.get(id) ?? new Array<number>(instants.length).fill(0);
    series.set(id, found);
    return found;
  };
  const countedAt = new Map(missing.map((t, i) => [t, i]));
  instants.forEach((t, i) => {
    const j = countedAt.get(t);
    if (j !== undefined) {
      for (const [workerId, counts] of counted) if (counts[j]) seriesOf(workerId)[i] = counts[j];
      return;
    }
    const text = read.get(t);
    if (!text) return;
    for (const pair of text.split(",")) {
      const colon = pair.lastIndexOf(":");
      seriesOf(pair.slice(0, colon))[i] = Number(pair.slice(colon + 1));
    }
  });
  return series;
}

/**
 * Counts and keeps the held counts at those of `edges` an hour or more before `now` not kept yet (the
 * sweeper's step, so that a week's first report reads them); the number newly kept.
 */
export async function keepHeldWeeks(scope: ReportScope, edges: readonly string[], now: string) {
  const keepable = [...keepableOf(edges, now)];
  if (keepable.length === 0) return 0;
  const kept = await scope.db
    .selectFrom("report_held_weeks")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("organisation_id", "=", scope.organisationId)
    .where("at", "in", keepable)
    .executeTakeFirst();
  const missing = keepable.length - n(kept?.n);
  if (missing > 0) await heldAt(scope, keepable, now);
  return missing;
}

/**
 * The counts of heldAt, all counted: the holding stays open then
 * (entered at or before it, not left by it). Read from one index: the stays still open (counted per
 * worker and the first instant they are held at) and those that ended after the first instant, entered
 * by the last (counted per worker at each instant, one row a worker).
 */
async function countHeldAt(scope: ReportScope, instants: readonly string[]) {
  const { db, dialect, organisationId } = scope;
  const sorted = [...new Set(instants)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return new Map<string, number[]>();
  const where = (open: boolean) =>
    db
      .selectFrom("contact_stage_changes")
      .where("organisation_id", "=", organisationId)
      .where(open ? sql<SqlBool>`left_at is null` : sql<SqlBool>`left_at > ${first}`)
      .where("entered_at", "<=", last)
      // As the partial index contact_stage_changes_held says it (literals, so that the planner sees it).
      .where(
        sql<SqlBool>`worker_id is not null and status in (${sql.join(HOLDING_STATUSES.map((s) => sql.lit(s)))})`,
      );
  // Compared byte by byte (ISO instants sort so), not by PostgreSQL's collation.
  const entered = bytewise(dialect, sql.ref("entered_at"));
  const left = bytewise(dialect, sql.ref("left_at"));
  // An open stay is held from the first instant at or after it was entered: one count per worker and
  // that instant (the index of the first instant at or after a time; instants are ours, so literals).
  const firstHeld = sql<number>`case ${sql.join(
    sorted.map((t, i) => sql`when ${entered} <= ${sql.lit(t)} then ${sql.lit(i)}`),
    sql` `,
  )} else ${sql.lit(sorted.length)} end`;
  const opened = where(true)
    .select(["worker_id", firstHeld.as("e"), (eb) => eb.fn.countAll().as("n")])
    .groupBy(["worker_id", firstHeld])
    .execute();
  // An ended stay between two instants: one row per worker, its counts at each instant as one text (one
  // row per worker and pair of instants was 93,000 rows at 10^6 contacts, longer for the driver to read
  // than for the database to count).
  const held = sql<string>`${sql.join(
    sorted.map(
      (t) => sql`count(case when ${entered} <= ${sql.lit(t)} and ${left} > ${sql.lit(t)} then 1 end)`,
    ),
    sql` || ',' || `,
  )}`;
  const ended = where(false)
    .select(["worker_id", held.as("held")])
    .groupBy("worker_id")
    .execute();
  // Side by side (on PostgreSQL, two connections).
  const [openRows, endedRows] = await Promise.all([opened, ended]);
  const counts = new Map<string, number[]>();
  const countsOf = (id: string) => {
    const found = counts.get(id) ?? new Array<number>(sorted.length).fill(0);
    counts.set(id, found);
    return found;
  };
  for (const r of openRows) {
    const found = countsOf(r.worker_id ?? "");
    const k = n(r.n);
    for (let i = n(r.e); i < sorted.length; i++) found[i] = (found[i] ?? 0) + k;
  }
  for (const r of endedRows) {
    const found = countsOf(r.worker_id ?? "");
    const parts = String(r.held).split(",");
    for (let i = 0; i < parts.length; i++) found[i] = (found[i] ?? 0) + Number(parts[i]);
  }
  // Each instant's place among the sorted ones; when they came sorted and distinct, the counts are the series.
  const position = instants.map((t) => sorted.indexOf(t));
  if (position.every((p, i) => p === i) && position.length === sorted.length) return counts;
  const series = new Map<string, number[]>();
  for (const [workerId, sum] of counts) {
    series.set(
      workerId,
      position.map((p) => sum[p] ?? 0),
    );
  }
  return series;
}

export interface Windows {
  /** The earlier window starts here… */
  since: string;
  /** …and the recent one here; it runs to `until`. */
  middle: string;
  until: string;
}

/**
 * Which window a time falls in. The boundary is written as a literal (an ISO instant we made, never user
 * input): PostgreSQL would not see a parameter in SELECT and GROUP BY as the same expression.
 */
function windowOf(column: string, w: Windows): RawBuilder<string> {
  return sql<string>`case when ${sql.ref(column)} >= ${sql.lit(w.middle)} then 'recent' else 'before' end`;
}

/** Offers answered (accepted, declined or lapsed) per worker and window, by when they were answered. */
export async function answersByWindow(scope: ReportScope, w: Windows) {
  const { db, organisationId } = scope;
  const window = windowOf("deadlines.closed_at", w);
  const rows = await db
    .selectFrom("deadlines")
    .where("deadlines.organisation_id", "=", organisationId)
    // Literals, as the partial index deadlines_accept_answered says it (migration 0015).
    .where(
      sql<SqlBool>`kind = 'accept' and outcome in ('met', 'declined', 'expired') and worker_id is not null`,
    )
    .where("deadlines.closed_at", ">=", w.since)
    .where("deadlines.closed_at", "<", w.until)
    .select((eb) => [
      "deadlines.worker_id",
      window.as("window"),
      eb.fn.countAll().as("answered"),
      eb.fn.sum(eb.case().when("deadlines.outcome", "=", "met").then(1).else(0).end()).as("accepted"),
    ])
    .groupBy(["deadlines.worker_id", window])
    .execute();
  return rows.map((r) => ({
    workerId: r.worker_id ?? "",
    window: r.window,
    answered: n(r.answered),
    accepted: n(r.accepted),
  }));
}

/** Contacts each worker accepted per window (by when), and how many of them they have met. */
export async function meetingsByWindow(scope: ReportScope, w: Windows) {
  const { db, organisationId } = scope;
  const window = windowOf("contacts.accepted_at", w);
  const rows = await db
    .selectFrom("contacts")
    .where("contacts.organisation_id", "=", organisationId)
    .where("contacts.assigned_worker_id", "is not", null)
    .where("contacts.accepted_at", ">=", w.since)
    .where("contacts.accepted_at", "<", w.until)
    .select((eb) => [
      "contacts.assigned_worker_id",
      window.as("window"),
      eb.fn.countAll().as("accepted"),
      eb.fn.sum(eb.case().when("contacts.first_meeting_at", "is not", null).then(1).else(0).end()).as("met"),
    ])
    .groupBy(["contacts.assigned_worker_id", window])
    .execute();
  return rows.map((r) => ({
    workerId: r.assigned_worker_id ?? "",
    window: r.window,
    accepted: n(r.accepted),
    met: n(r.met),
  }));
}

/** The median hours from acceptance to the first attempt, per worker and window (by when accepted). */
export async function firstContactByWindow(scope: ReportScope, w: Windows) {
  const { db, dialect, organisationId } = scope;
  const source = db
    .selectFrom("contacts")
    .where("contacts.organisation_id", "=", organisationId)
    .where("contacts.assigned_worker_id", "is not", null)
    .where("contacts.first_attempt_at", "is not", null)
    .where("contacts.accepted_at", ">=", w.since)
    .where("contacts.accepted_at", "<", w.until)
    .select([
      sql<string>`${sql.ref("contacts.assigned_worker_id")}`.as("k"),
      windowOf("contacts.accepted_at", w).as("c"),
      sql<string>`'first_contact'`.as("s"),
      millisecondsBetween(dialect, sql.ref("contacts.accepted_at"), sql.ref("contacts.first_attempt_at")).as(
        "v",
      ),
    ]);
  // The four columns used, of the seven (17,500 rows at 10^4 workers).
  const { rows } = await sql<
    Pick<PercentileRow, "k" | "c" | "n" | "median">
  >`select k, c, n, median from (${groupPercentiles(dialect, sql`${source}`, { totals: false })}) p`.execute(
    db,
  );
  return rows
    .filter((r) => n(r.n) > 0)
    .map((r) => ({
      workerId: r.k ?? "",
      window: r.c ?? "",
      n: n(r.n),
      medianHours: n(r.median) / 3_600_000,
    }));
}
