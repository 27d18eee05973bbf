/**
 * The reports' own tables (migration 0010): one row of facts per contact and their sums per week or
 * month of arrival (rollups), built once per organisation and then kept up to date from the contacts
 * noted in report_changes; and the queries that read them, so that no report reads 10^6 contacts.
 */
import { channel } from "node:diagnostics_channel";
import { type AliasedRawBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import {
  bucketRange,
  DURATION_BUCKETS,
  durationBucket,
  locate,
  middleOf,
  type RankTarget,
} from "../core/reports/durations.js";
import type { Dimension } from "../core/reports/measures.js";
import { type Period, periodBounds } from "../core/reports/periods.js";
import { reportSlices, type Slices } from "../core/reports/slices.js";
import {
  awaitWriters,
  bytewise,
  type DialectName,
  epochMilliseconds,
  forUpdate,
  millisecondsBetween,
  periodKey,
} from "./dialect.js";
import { advanceOpenStays, applyStayChanges, buildStages } from "./report-stage-rollups.js";
import { type Medians, type ReportFilter, type ReportScope, WAITING_STATUSES } from "./reports.js";
import { cellOf, cellSql } from "./rollup-cells.js";
import type { Database, ReportFactsTable } from "./schema.js";

type Db = Kysely<Database>;
type Facts = ReportFactsTable;

// --- what a rollup row holds ---------------------------------------------------------------------------

/** Durations counted per bucket: to assignment, and from acceptance to the first attempt. */
export type DurationMetric = "assign" | "first";
const METRICS: readonly DurationMetric[] = ["assign", "first"];
const VALUE_OF: Record<DurationMetric, "to_assignment_ms" | "to_first_contact_ms"> = {
  assign: "to_assignment_ms",
  first: "to_first_contact_ms",
};

export function histogramColumn(metric: DurationMetric, bucket: number): string {
  return `${metric}_h${String(bucket).padStart(2, "0")}`;
}

/** The fact columns the rollups sum as they are (each fact row holds 0, 1 or a count). */
const SUMMED_FACTS = [
  "unassignable",
  "waiting",
  "accepted",
  "met",
  "offers_answered",
  "offers_accepted",
] as const;
/** Every count a rollup row holds: its contacts, the summed facts, and the durations measured. */
const COUNTS = ["contacts", ...SUMMED_FACTS, "assigned", "first_contacted"] as const;

const HISTOGRAM_COLUMNS = METRICS.flatMap((m) =>
  Array.from({ length: DURATION_BUCKETS }, (_, i) => histogramColumn(m, i)),
);
const SUMMED = [...COUNTS, ...HISTOGRAM_COLUMNS];

/**
 * Rollups come in six grains: by week or month, with every key (place, source, campaign, reason), or
 * with the place and reason only ("…-by-place": far fewer rows, for reports that neither group nor filter
 * by source or campaign), or with the place and the H3 cells ("…-by-cell", for the hexagonal map).
 */
export type Grain = Period | `${Period}-by-place` | `${Period}-by-cell`;
const GRAINS: readonly Grain[] = [
  "week",
  "month",
  "week-by-place",
  "month-by-place",
  "week-by-cell",
  "month-by-cell",
];
/** The cells of the grid, one column a resolution (src/core/reports/hexagons.ts). */
const CELL_COLUMNS = ["h3_r4", "h3_r5", "h3_r6", "h3_r7"] as const;
/** Every key column a rollup row has; a grain sets some of them, the others stay null. */
const KEY_COLUMNS = ["country", "region", "place_name", "source", "campaign", "reason", ...CELL_COLUMNS];

function periodOfGrain(grain: Grain): Period {
  return grain.startsWith("week") ? "week" : "month";
}

/** Whether a report can read the rollups without source and campaign. */
export function byPlaceOnly(by: Dimension, filter: ReportFilter): boolean {
  return by !== "source" && by !== "campaign" && filter.source === undefined && filter.campaign === undefined;
}

function keyColumns(grain: Grain): string[] {
  if (grain.endsWith("-by-place")) return ["country", "region", "place_name", "reason"];
  if (grain.endsWith("-by-cell")) return ["country", "region", "place_name", ...CELL_COLUMNS];
  return ["country", "region", "place_name", "source", "campaign", "reason"];
}

// --- building and refreshing ---------------------------------------------------------------------------

/** The facts of an organisation's contacts (or of these contacts), as the reports count them. */
function factsQuery(db: Db, dialect: DialectName, organisationId: string, contactIds?: readonly string[]) {
  let offers = db
    .selectFrom("deadlines")
    .select((eb) => [
      "deadlines.contact_id",
      eb.fn.countAll().as("answered"),
      eb.fn.sum(eb.case().when("deadlines.outcome", "=", "met").then(1).else(0).end()).as("accepted"),
    ])
    .where("deadlines.kind", "=", "accept")
    .where("deadlines.outcome", "in", ["met", "declined", "expired"])
    .groupBy("deadlines.contact_id");
  // Given contacts (this organisation's) are read by id alone: with the organisation too, SQLite read
  // every contact and deadline of the organisation through their indexes instead.
  offers = contactIds
    ? offers.where("deadlines.contact_id", "in", [...contactIds])
    : offers.where("deadlines.organisation_id", "=", organisationId);
  let q = db.selectFrom("contacts").leftJoin(offers.as("o"), "o.contact_id", "contacts.id");
  q = contactIds
    ? q.where("contacts.id", "in", [...contactIds])
    : q.where("contacts.organisation_id", "=", organisationId);
  const ref = (name: string) => sql.ref(`contacts.${name}`);
  const unassignable = sql`${ref("status")} = 'unassignable'`;
  return q.select([
    "contacts.id as contact_id",
    "contacts.organisation_id",
    "contacts.created_at",
    epochMilliseconds(dialect, ref("created_at")).as("created_ms"),
    periodKey(dialect, "week", "contacts.created_at").as("week"),
    periodKey(dialect, "month", "contacts.created_at").as("month"),
    "contacts.country",
    "contacts.region",
    "contacts.place_name",
    "contacts.source",
    "contacts.campaign",
    sql<number>`case when ${unassignable} then 1 else 0 end`.as("unassignable"),
    sql<string | null>`case when ${unassignable} then ${ref("status_reason")} end`.as("reason"),
    sql<number>`case when ${ref("status")} in (${sql.join(WAITING_STATUSES)}) then 1 else 0 end`.as(
      "waiting",
    ),
    sql<number>`case when ${ref("accepted_at")} is not null then 1 else 0 end`.as("accepted"),
    sql<number>`case when ${ref("accepted_at")} is not null and ${ref("first_meeting_at")} is not null then 1 else 0 end`.as(
      "met",
    ),
    sql<number>`coalesce(o.answered, 0)`.as("offers_answered"),
    sql<number>`coalesce(o.accepted, 0)`.as("offers_accepted"),
    sql<number | null>`case when ${ref("assigned_at")} is not null then ${millisecondsBetween(
      dialect,
      ref("created_at"),
      ref("assigned_at"),
    )} end`.as("to_assignment_ms"),
    sql<
      number | null
    >`case when ${ref("accepted_at")} is not null and ${ref("first_attempt_at")} is not null then ${millisecondsBetween(
      dialect,
      ref("accepted_at"),
      ref("first_attempt_at"),
    )} end`.as("to_first_contact_ms"),
    // Last, as in FACT_COLUMNS (the build inserts these columns in this order).
    ...CELL_COLUMNS.map((c) => `contacts.${c}` as const),
  ]);
}

const FACT_COLUMNS = [
  "contact_id",
  "organisation_id",
  "created_at",
  "created_ms",
  "week",
  "month",
  "country",
  "region",
  "place_name",
  "source",
  "campaign",
  "unassignable",
  "reason",
  "waiting",
  "accepted",
  "met",
  "offers_answered",
  "offers_accepted",
  "to_assignment_ms",
  "to_first_contact_ms",
  ...CELL_COLUMNS,
] as const;

const num = (value: unknown) => Number(value ?? 0);
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toFacts(row: Record<string, unknown>): Facts {
  return {
    contact_id: String(row.contact_id),
    organisation_id: String(row.organisation_id),
    created_at: String(row.created_at),
    created_ms: num(row.created_ms),
    week: String(row.week),
    month: String(row.month),
    country: (row.country as string | null) ?? null,
    region: (row.region as string | null) ?? null,
    place_name: (row.place_name as string | null) ?? null,
    source: (row.source as string | null) ?? null,
    campaign: (row.campaign as string | null) ?? null,
    unassignable: num(row.unassignable),
    reason: (row.reason as string | null) ?? null,
    waiting: num(row.waiting),
    accepted: num(row.accepted),
    met: num(row.met),
    offers_answered: num(row.offers_answered),
    offers_accepted: num(row.offers_accepted),
    to_assignment_ms: numOrNull(row.to_assignment_ms),
    to_first_contact_ms: numOrNull(row.to_first_contact_ms),
    h3_r4: (row.h3_r4 as string | null) ?? null,
    h3_r5: (row.h3_r5 as string | null) ?? null,
    h3_r6: (row.h3_r6 as string | null) ?? null,
    h3_r7: (row.h3_r7 as string | null) ?? null,
  };
}

/** The SQL that counts a fact row into one histogram bucket. */
function inBucket(value: string, bucket: number): RawBuilder<SqlBool> {
  const { from, to } = bucketRange(bucket);
  const v = sql.ref(value);
  const parts = [sql`${v} is not null`];
  if (from !== undefined) parts.push(sql`${v} >= ${sql.lit(from)}`);
  if (to !== undefined) parts.push(sql`${v} < ${sql.lit(to)}`);
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Sums over fact rows, as the rollups hold them, by rollup column. */
function factSums(): Map<string, RawBuilder<unknown>> {
  const out = new Map<string, RawBuilder<unknown>>([
    ["contacts", sql`count(*)`],
    ...SUMMED_FACTS.map((c): [string, RawBuilder<unknown>] => [c, sql`sum(${sql.ref(c)})`]),
    ["assigned", sql`count(to_assignment_ms)`],
    ["first_contacted", sql`count(to_first_contact_ms)`],
  ]);
  for (const metric of METRICS) {
    for (let i = 0; i < DURATION_BUCKETS; i++) {
      out.set(
        histogramColumn(metric, i),
        sql`sum(case when ${inBucket(VALUE_OF[metric], i)} then 1 else 0 end)`,
      );
    }
  }
  return out;
}

/** Rebuilds an organisation's facts and rollups from its contacts, set-based (its first refresh). */
async function buildAll(trx: Db, dialect: DialectName, organisationId: string, now: string): Promise<void> {
  await trx.deleteFrom("report_facts").where("organisation_id", "=", organisationId).execute();
  await trx.deleteFrom("report_rollups").where("organisation_id", "=", organisationId).execute();
  await trx
    .insertInto("report_facts")
    .columns([...FACT_COLUMNS])
    .expression(factsQuery(trx, dialect, organisationId))
    .execute();
  // The full grains and those by cell from the facts; those by place from the full ones (fewer rows).
  for (const grain of GRAINS) {
    const period = periodOfGrain(grain);
    const keys = keyColumns(grain);
    const nulls = KEY_COLUMNS.filter((k) => !keys.includes(k)).map((k) => sql`null`.as(k));
    const head = (periodColumn: string) => [
      sql`cast(${organisationId} as text)`.as("organisation_id"),
      sql`cast(${grain} as text)`.as("grain"),
      sql.ref(periodColumn).as("period"),
      cellSql([periodColumn, ...keys]).as("cell"),
      ...keys.map((k) => sql.ref(k).as(k)),
      ...nulls,
    ];
    const select =
      grain === period || grain.endsWith("-by-cell")
        ? trx
            .selectFrom("report_facts")
            .where("organisation_id", "=", organisationId)
            .select([...head(period), ...[...factSums()].map(([name, sum]) => sum.as(name))])
            .groupBy([period, ...keys] as never)
        : trx
            .selectFrom("report_rollups")
            .where("organisation_id", "=", organisationId)
            .where("grain", "=", period)
            .select([...head("period"), ...SUMMED.map((c) => sql`sum(${sql.ref(c)})`.as(c))])
            .groupBy(["period", ...keys] as never);
    await trx
      .insertInto("report_rollups")
      .columns([
        "organisation_id",
        "grain",
        "period",
        "cell",
        ...keys,
        ...KEY_COLUMNS.filter((k) => !keys.includes(k)),
        ...SUMMED,
      ] as never)
      .expression(select as never)
      .execute();
  }
  await buildStages(trx, dialect, organisationId, now);
}

/** A rollup row's change: its key and what to add to each sum. */
type Delta = Record<string, string | number | null>;

function addFacts(deltas: Map<string, Delta>, f: Facts, sign: 1 | -1): void {
  for (const grain of GRAINS) {
    const keys = keyColumns(grain);
    const period = f[periodOfGrain(grain)];
    const values = keys.map((k) => f[k as keyof Facts] as string | null);
    const cell = cellOf([period, ...values]);
    const id = `${f.organisation_id}\u0000${grain}\u0000${cell}`;
    let d = deltas.get(id);
    if (!d) {
      d = {
        organisation_id: f.organisation_id,
        grain,
        period,
        cell,
        ...Object.fromEntries(KEY_COLUMNS.map((k) => [k, null])),
      };
      for (const [i, k] of keys.entries()) d[k] = values[i] ?? null;
      for (const c of SUMMED) d[c] = 0;
      deltas.set(id, d);
    }
    const add = (column: string, by: number) => {
      d[column] = (d[column] as number) + sign * by;
    };
    add("contacts", 1);
    for (const c of SUMMED_FACTS) add(c, f[c]);
    if (f.to_assignment_ms !== null) {
      add("assigned", 1);
      add(histogramColumn("assign", durationBucket(f.to_assignment_ms)), 1);
    }
    if (f.to_first_contact_ms !== null) {
      add("first_contacted", 1);
      add(histogramColumn("first", durationBucket(f.to_first_contact_ms)), 1);
    }
  }
}

/** Parameters per statement stay under either database's limit. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Brings the facts and rollups of up to `limit` noted contacts up to date: their facts are computed
 * again, and each rollup row they were or are counted in gets the difference. Returns how many notes
 * were worked off.
 */
async function applyChanges(trx: Db, dialect: DialectName, organisationId: string, limit: number) {
  const changes = await trx
    .selectFrom("report_changes")
    .select(["id", "contact_id"])
    .where("organisation_id", "=", organisationId)
    .orderBy("id")
    .limit(limit)
    .execute();
  if (changes.length === 0) return 0;
  const ids = [...new Set(changes.map((c) => c.contact_id))];
  const deltas = new Map<string, Delta>();
  for (const part of chunks(ids, 1000)) {
    const before = await trx.selectFrom("report_facts").selectAll().where("contact_id", "in", part).execute();
    const after = (await factsQuery(trx, dialect, organisationId, part).execute()).map((r) =>
      toFacts(r as Record<string, unknown>),
    );
    for (const f of before) addFacts(deltas, toFacts(f as unknown as Record<string, unknown>), -1);
    for (const f of after) addFacts(deltas, f, 1);
    await applyStayChanges(trx, dialect, organisationId, part);
    await trx.deleteFrom("report_facts").where("contact_id", "in", part).execute();
    for (const rows of chunks(after, 500)) await trx.insertInto("report_facts").values(rows).execute();
  }
  const changed = [...deltas.values()].filter((d) => SUMMED.some((c) => d[c] !== 0));
  for (const rows of chunks(changed, 200)) {
    // Only the buckets some row changes (a new row's others start at 0): most changes move no duration.
    const buckets = HISTOGRAM_COLUMNS.filter((c) => rows.some((d) => d[c] !== 0));
    const columns = ["organisation_id", "grain", "period", "cell", ...KEY_COLUMNS, ...COUNTS, ...buckets];
    await trx
      .insertInto("report_rollups")
      .values(rows.map((d) => Object.fromEntries(columns.map((c) => [c, d[c]]))) as never)
      .onConflict((oc) =>
        oc
          .columns(["organisation_id", "grain", "cell"])
          .doUpdateSet(
            Object.fromEntries(
              [...COUNTS, ...buckets].map((c) => [
                c,
                sql`${sql.ref(`report_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`,
              ]),
            ) as never,
          ),
      )
      .execute();
  }
  // A cell no contact is counted in any more goes (every other sum is over its contacts too).
  for (const grain of GRAINS) {
    const cells = changed.filter((d) => d.grain === grain).map((d) => String(d.cell));
    for (const part of chunks(cells, 1000)) {
      await trx
        .deleteFrom("report_rollups")
        .where("organisation_id", "=", organisationId)
        .where("grain", "=", grain)
        .where("cell", "in", part)
        .where("contacts", "<=", 0)
        .execute();
    }
  }
  for (const part of chunks(
    changes.map((c) => c.id),
    1000,
  )) {
    await trx.deleteFrom("report_changes").where("id", "in", part).execute();
  }
  return changes.length;
}

/** How many rows of an organisation a table holds, up to `atMost` (reads no more than that). */
async function rowsUpTo(
  db: Db,
  table: "report_changes" | "contacts",
  organisationId: string,
  atMost: number,
): Promise<number> {
  const row = await db
    .selectFrom(
      db.selectFrom(table).select("id").where("organisation_id", "=", organisationId).limit(atMost).as("r"),
    )
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return num(row?.n);
}

/** How many contacts are noted as changed and not yet counted, up to `atMost`. */
export function pendingChanges(db: Db, organisationId: string, atMost: number): Promise<number> {
  return rowsUpTo(db, "report_changes", organisationId, atMost);
}

/** Whether the organisation's facts have been built (its reports may read the rollups). */
export async function rollupsBuilt(db: Db, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom("report_refreshes")
    .select("built_at")
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return row?.built_at != null;
}

/** How many contacts an organisation has, up to `atMost`. */
export function contactsUpTo(db: Db, organisationId: string, atMost: number): Promise<number> {
  return rowsUpTo(db, "contacts", organisationId, atMost);
}

/**
 * A new organisation's report tables, built as they are while it has no contact: every contact it gets
 * is then counted from its change notes in the sweeper's small steps, never in one build.
 */
export async function startRollups(trx: Db, organisationId: string, now: string): Promise<void> {
  await trx
    .insertInto("report_refreshes")
    .values({ organisation_id: organisationId, built_at: now, refreshed_at: now, stays_at: now })
    .execute();
}

export interface RefreshResult {
  built: boolean;
  /** Changed contacts counted (notes worked off). */
  applied: number;
  /** Notes still waiting (more than one refresh's worth). */
  pending: boolean;
}

/** Each step of a refresh (one transaction) as it ends, while someone listens: for the benchmarks' probes. */
export const refreshSteps = channel("handoff:report-refresh");

export interface RefreshStep {
  /** Changed contacts counted in the step. */
  changes: number;
  ms: number;
}

/**
 * One refresh of one organisation's report tables, in transactions that lock its report_refreshes row
 * (one refresh at a time, across processes): the first builds everything; later ones apply the noted
 * changes, `batch` at a time, until none is left or `budgetMs` has passed.
 */
export async function refreshRollups(
  db: Db,
  dialect: DialectName,
  options: {
    organisationId: string;
    now: string;
    batch: number;
    budgetMs: number;
    /**
     * Awaited between two transactions with the last one's duration (ms), to let other work run (on
     * SQLite each one blocks the process).
     */
    pause?: (stepMs: number) => Promise<void>;
  },
): Promise<RefreshResult> {
  const { organisationId, now, batch, budgetMs, pause } = options;
  const started = Date.now();
  await db
    .insertInto("report_refreshes")
    .values({ organisation_id: organisationId, built_at: null, refreshed_at: null })
    .onConflict((oc) => oc.column("organisation_id").doNothing())
    .execute();
  const lock = (trx: Db) =>
    forUpdate(
      dialect,
      trx.selectFrom("report_refreshes").select("built_at").where("organisation_id", "=", organisationId),
    ).executeTakeFirst();
  let built = false;
  if (!(await rollupsBuilt(db, organisationId))) {
    // Every change noted up to here is committed once the writers before us are done; the build then
    // reads them all, and later ones stay noted for the next refresh.
    const through = await db.transaction().execute(async (trx) => {
      await awaitWriters(trx, dialect, "report_changes");
      const row = await trx
        .selectFrom("report_changes")
        .select((eb) => eb.fn.max("id").as("id"))
        .where("organisation_id", "=", organisationId)
        .executeTakeFirst();
      return num(row?.id);
    });
    built = await db.transaction().execute(async (trx) => {
      if ((await lock(trx))?.built_at != null) return false;
      await buildAll(trx, dialect, organisationId, now);
      await trx
        .deleteFrom("report_changes")
        .where("organisation_id", "=", organisationId)
        .where("id", "<=", through)
        .execute();
      await trx
        .updateTable("report_refreshes")
        .set({ built_at: now, refreshed_at: now })
        .where("organisation_id", "=", organisationId)
        .execute();
      return true;
    });
  }
  let applied = 0;
  for (;;) {
    const stepStarted = performance.now();
    const done = await db.transaction().execute(async (trx) => {
      await lock(trx);
      // The open stays' lengths first brought to now, so that the changes count them as of now too.
      await advanceOpenStays(trx, organisationId, now);
      const n = await applyChanges(trx, dialect, organisationId, batch);
      if (n > 0) {
        await trx
          .updateTable("report_refreshes")
          .set({ refreshed_at: now })
          .where("organisation_id", "=", organisationId)
          .execute();
      }
      return n;
    });
    const took = performance.now() - stepStarted;
    if (refreshSteps.hasSubscribers) refreshSteps.publish({ changes: done, ms: took } satisfies RefreshStep);
    applied += done;
    if (done < batch) return { built, applied, pending: false };
    if (Date.now() - started > budgetMs) return { built, applied, pending: true };
    await pause?.(took);
  }
}

// --- reading ---------------------------------------------------------------------------------------------

/** Where one part of a report's figures comes from: whole periods of a rollup, or facts in an edge. */
type Part =
  | { kind: "rollup"; grain: Grain; periods: NonNullable<Slices["periods"]> }
  | { kind: "edge"; from: string; to: string };

export function partsOf(slices: Slices, placeOnly: boolean): Part[] {
  const grain: Grain = placeOnly ? `${slices.grain}-by-place` : slices.grain;
  return [
    ...(slices.periods ? [{ kind: "rollup" as const, grain, periods: slices.periods }] : []),
    ...slices.edges.map((e) => ({ kind: "edge" as const, ...e })),
  ];
}

/** The column a part's rows are grouped by: the rollups name the week or month `period`. */
function keyColumn(by: Dimension, part: Pick<Part, "kind">): string {
  switch (by) {
    case "city":
      return "place_name";
    case "week":
    case "month":
      return part.kind === "rollup" ? "period" : by;
    default:
      return by;
  }
}

function qualifierColumn(by: Dimension, part: Pick<Part, "kind">): string {
  return by === "region" || by === "city" ? "country" : keyColumn(by, part);
}

/** A part's rows, narrowed by the report's filters (and, for a rollup, its grain and periods). */
function partRows(scope: ReportScope, part: Part, filter: ReportFilter) {
  const table = part.kind === "rollup" ? "report_rollups" : "report_facts";
  let q = scope.db.selectFrom(table).where("organisation_id", "=", scope.organisationId);
  const conditions: Array<RawBuilder<SqlBool>> = [];
  const eq = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  };
  if (part.kind === "rollup") {
    eq("grain", part.grain);
    if (part.periods.from !== undefined) conditions.push(sql<SqlBool>`period >= ${part.periods.from}`);
    if (part.periods.before !== undefined) conditions.push(sql<SqlBool>`period < ${part.periods.before}`);
  } else {
    conditions.push(sql<SqlBool>`created_at >= ${part.from}`, sql<SqlBool>`created_at < ${part.to}`);
  }
  eq("country", filter.country);
  eq("place_name", filter.place);
  eq("campaign", filter.campaign);
  eq("source", filter.source);
  for (const condition of conditions) q = q.where(condition);
  return q;
}

function sumsOf(part: Part, columns: readonly string[]): Array<AliasedRawBuilder<unknown, string>> {
  if (part.kind === "rollup") return columns.map((c) => sql`sum(${sql.ref(c)})`.as(c));
  const sums = factSums();
  return columns.map((c) => (sums.get(c) ?? sql`0`).as(c));
}

/** What one part's query adds to the report's grouping: a condition, more group keys, and its sums. */
interface PartQuery {
  where?: RawBuilder<SqlBool>;
  /** More columns to group by, by alias. */
  groupBy?: Record<string, RawBuilder<unknown>>;
  sums: Array<AliasedRawBuilder<unknown, string>>;
}

/**
 * Every part's rows grouped by the report's key (`k`) and its qualifier (`c`), read side by side, one
 * list: the parts are disjoint, so the caller adds up what they say of the same group.
 */
async function perPart(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  parts: readonly Part[],
  query: (part: Part) => PartQuery,
): Promise<Array<Record<string, unknown>>> {
  const results = await Promise.all(
    parts.map((part) => {
      const key = sql.ref(keyColumn(by, part));
      const qualifier = sql.ref(qualifierColumn(by, part));
      const { where, groupBy = {}, sums } = query(part);
      const more = Object.entries(groupBy);
      let q = partRows(scope, part, filter);
      if (where) q = q.where(where);
      return q
        .select([
          sql<string | null>`${key}`.as("k"),
          sql<string | null>`${qualifier}`.as("c"),
          ...more.map(([alias, column]) => column.as(alias)),
          ...sums,
        ])
        .groupBy([key, qualifier, ...more.map(([, column]) => column)])
        .execute();
    }),
  );
  return results.flat() as Array<Record<string, unknown>>;
}

/** The group of a row that perPart read. */
function groupOf(row: Record<string, unknown>): { k: string | null; c: string | null } {
  return { k: (row.k as string | null) ?? null, c: (row.c as string | null) ?? null };
}

export interface Sums {
  k: string | null;
  c: string | null;
  /** Sums by column name: counts, and histogram buckets when asked for. */
  sums: Record<string, number>;
}

const groupKey = (k: string | null, c: string | null) => `${c ?? "\u0001"}\u0000${k ?? "\u0001"}`;

/** Per group: the sums of these columns over every part, added up. */
export async function groupSums(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  parts: readonly Part[],
  columns: readonly string[],
): Promise<Sums[]> {
  const rows = await perPart(scope, by, filter, parts, (part) => ({ sums: sumsOf(part, columns) }));
  const merged = new Map<string, Sums>();
  for (const row of rows) {
    const { k, c } = groupOf(row);
    const id = groupKey(k, c);
    const group = merged.get(id) ?? { k, c, sums: Object.fromEntries(columns.map((col) => [col, 0])) };
    merged.set(id, group);
    for (const col of columns) group.sums[col] = (group.sums[col] ?? 0) + num(row[col]);
  }
  return [...merged.values()];
}

/** Unassignable contacts per group and reason, over every part. */
export async function reasonSums(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  parts: readonly Part[],
) {
  const rows = await perPart(scope, by, filter, parts, () => ({
    where: sql<SqlBool>`unassignable > 0`,
    groupBy: { reason: sql.ref("reason") },
    sums: [sql`sum(unassignable)`.as("n")],
  }));
  return rows.map((row) => ({
    ...groupOf(row),
    reason: (row.reason as string | null) ?? "unknown",
    n: num(row.n),
  }));
}

/** The histogram columns of one duration, in bucket order. */
export function histogramColumns(metric: DurationMetric): string[] {
  return Array.from({ length: DURATION_BUCKETS }, (_, i) => histogramColumn(metric, i));
}

/** Values at these ranks (1-based) in sorted order: per group (`i`), and over all groups (`j`). */
export interface RankedValue {
  k: string | null;
  c: string | null;
  v: number;
  /** Rank in its group, and over every group. */
  i: number;
  j: number;
}

/**
 * The values of one range of a value column (a duration bucket, or a period of arrival for those
 * waiting) among the facts the report selects, ranked in each group and over all, keeping those at the
 * ranks asked for.
 */
export async function valuesRanked(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  value: { column: "to_assignment_ms" | "to_first_contact_ms" | "created_ms"; from?: number; to?: number },
  ranks: { group: readonly number[]; total: readonly number[] },
): Promise<RankedValue[]> {
  const key = sql.ref(keyColumn(by, { kind: "edge" }));
  const qualifier = sql.ref(qualifierColumn(by, { kind: "edge" }));
  const v = sql.ref(value.column);
  let q = scope.db
    .selectFrom("report_facts")
    .where("organisation_id", "=", scope.organisationId)
    .where(sql<SqlBool>`${v} is not null`);
  if (value.column === "created_ms") q = q.where("waiting", "=", 1);
  if (value.from !== undefined) q = q.where(sql<SqlBool>`${v} >= ${value.from}`);
  if (value.to !== undefined) q = q.where(sql<SqlBool>`${v} < ${value.to}`);
  if (filter.from !== undefined) q = q.where("created_at", ">=", filter.from);
  if (filter.to !== undefined) q = q.where("created_at", "<", filter.to);
  if (filter.country !== undefined) q = q.where("country", "=", filter.country);
  if (filter.place !== undefined) q = q.where("place_name", "=", filter.place);
  if (filter.campaign !== undefined) q = q.where("campaign", "=", filter.campaign);
  if (filter.source !== undefined) q = q.where("source", "=", filter.source);
  // Ranked over all first, in the index's order (no sort); then in each group, comparing keys as bytes.
  const overAll = q.select([
    sql<string | null>`${key}`.as("k"),
    sql<string | null>`${qualifier}`.as("c"),
    sql<number>`${v}`.as("v"),
    sql<number>`row_number() over (order by ${v})`.as("j"),
  ]);
  const inGroups = scope.db
    .selectFrom(overAll.as("a"))
    .select([
      "a.k",
      "a.c",
      "a.v",
      "a.j",
      sql<number>`row_number() over (partition by ${bytewise(scope.dialect, sql.ref("a.k"))}, ${bytewise(
        scope.dialect,
        sql.ref("a.c"),
      )} order by a.v)`.as("i"),
    ]);
  const wanted = (list: readonly number[]) => (list.length > 0 ? [...new Set(list)] : [0]);
  const rows = await scope.db
    .selectFrom(inGroups.as("r"))
    .selectAll()
    .where((eb) => eb.or([eb("r.i", "in", wanted(ranks.group)), eb("r.j", "in", wanted(ranks.total))]))
    .execute();
  return rows.map((r) => ({ k: r.k ?? null, c: r.c ?? null, v: num(r.v), i: num(r.i), j: num(r.j) }));
}

// --- the reports' figures, read from the rollups ---------------------------------------------------------

const HOUR_MS = 3_600_000;

function partsFor(by: Dimension, filter: ReportFilter): Part[] {
  return partsOf(reportSlices(by, filter), byPlaceOnly(by, filter));
}

/** New contacts per group, those no worker could serve, accepted and met, and offers answered and accepted. */
export async function rolledCounts(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  const columns = ["contacts", "unassignable", "accepted", "met", "offers_answered", "offers_accepted"];
  const groups = await groupSums(scope, by, filter, partsFor(by, filter), columns);
  return groups.map(({ k, c, sums }) => ({
    k,
    c,
    contacts: sums.contacts ?? 0,
    unassignable: sums.unassignable ?? 0,
    accepted: sums.accepted ?? 0,
    met: sums.met ?? 0,
    answered: sums.offers_answered ?? 0,
    offersAccepted: sums.offers_accepted ?? 0,
  }));
}

/** Unassignable contacts per group and reason. */
export function rolledReasons(scope: ReportScope, by: Dimension, filter: ReportFilter) {
  return reasonSums(scope, by, filter, partsFor(by, filter));
}

/** A group's values counted per bucket, and the ranks of the values it needs. */
interface Wanted {
  k: string | null;
  c: string | null;
  n: number;
  targets: RankTarget[];
}

/** Reads the values at the targets' ranks, one range (bucket) at a time: each group's, and the total's. */
async function valuesAt(
  groups: readonly Wanted[],
  total: Wanted,
  read: (bucket: number, ranks: { group: number[]; total: number[] }) => Promise<RankedValue[]>,
): Promise<{ group: (w: Wanted) => number[]; total: number[] }> {
  const buckets = new Set([...groups, total].flatMap((w) => w.targets.map((t) => t.bucket)));
  const found = new Map<number, RankedValue[]>();
  await Promise.all(
    [...buckets].map(async (bucket) => {
      const ranks = (w: Wanted) => w.targets.filter((t) => t.bucket === bucket).map((t) => t.rank);
      found.set(bucket, await read(bucket, { group: groups.flatMap(ranks), total: ranks(total) }));
    }),
  );
  const at = (t: RankTarget, match: (r: RankedValue) => boolean) => {
    const row = (found.get(t.bucket) ?? []).find(match);
    if (!row) throw new Error(`no value at rank ${t.rank} of bucket ${t.bucket}`);
    return row.v;
  };
  return {
    group: (w) => w.targets.map((t) => at(t, (r) => r.i === t.rank && r.k === w.k && r.c === w.c)),
    total: total.targets.map((t) => at(t, (r) => r.j === t.rank)),
  };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Medians of a duration per group and over all groups, exact: the rollups' counts per bucket say which
 * bucket holds the middle values and at which rank; those values are then read from that bucket only.
 * `max` is not taken (the flow does not show it).
 */
export async function rolledMedians(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  metric: DurationMetric,
): Promise<{ groups: Array<Omit<Medians, "max">>; total: Omit<Medians, "max"> | undefined }> {
  const columns = histogramColumns(metric);
  const sums = await groupSums(scope, by, filter, partsFor(by, filter), columns);
  const countsOf = (s: Sums) => columns.map((col) => s.sums[col] ?? 0);
  const groups: Wanted[] = sums
    .map((s) => ({ k: s.k, c: s.c, counts: countsOf(s) }))
    .map(({ k, c, counts }) => ({ k, c, n: counts.reduce((a, b) => a + b, 0), targets: middleOf(counts) }))
    .filter((w) => w.n > 0);
  const totalCounts = columns.map((_, i) => sums.reduce((sum, s) => sum + (countsOf(s)[i] ?? 0), 0));
  const total: Wanted = {
    k: null,
    c: null,
    n: totalCounts.reduce((a, b) => a + b, 0),
    targets: middleOf(totalCounts),
  };
  const values = await valuesAt(groups, total, (bucket, ranks) =>
    valuesRanked(scope, by, filter, { column: VALUE_OF[metric], ...bucketRange(bucket) }, ranks),
  );
  return {
    groups: groups.map((w) => ({ k: w.k, c: w.c, n: w.n, median: mean(values.group(w)) / HOUR_MS })),
    total: total.n > 0 ? { k: null, c: null, n: total.n, median: mean(values.total) / HOUR_MS } : undefined,
  };
}

/** Waiting contacts per group and period of arrival (the grain the slices read), over every part. */
async function waitingByPeriod(scope: ReportScope, by: Dimension, filter: ReportFilter, slices: Slices) {
  const parts = partsOf(slices, byPlaceOnly(by, filter));
  const rows = await perPart(scope, by, filter, parts, (part) => ({
    where: sql<SqlBool>`waiting > 0`,
    groupBy: { p: sql.ref(part.kind === "rollup" ? "period" : slices.grain) },
    sums: [sql`sum(waiting)`.as("n")],
  }));
  return rows.map((row) => ({ ...groupOf(row), p: String(row.p), n: num(row.n) }));
}

/**
 * How long the waiting contacts have waited, until `now`: per group and over all, how many, the longest
 * and the median, exact. The periods of arrival are the buckets: the rollups count who waits in each, and
 * the earliest and middle arrivals are then read from their periods only.
 */
export async function rolledWaiting(
  scope: ReportScope,
  by: Dimension,
  filter: ReportFilter,
  now: string,
): Promise<{ groups: Medians[]; total: Medians | undefined }> {
  const slices = reportSlices(by, filter);
  const rows = await waitingByPeriod(scope, by, filter, slices);
  const periods = [...new Set(rows.map((r) => r.p))].sort();
  const index = new Map(periods.map((p, i) => [p, i]));
  const byGroup = new Map<string, { k: string | null; c: string | null; counts: number[] }>();
  const totalCounts = periods.map(() => 0);
  for (const r of rows) {
    const id = groupKey(r.k, r.c);
    const group = byGroup.get(id) ?? { k: r.k, c: r.c, counts: periods.map(() => 0) };
    byGroup.set(id, group);
    const i = index.get(r.p) ?? 0;
    group.counts[i] = (group.counts[i] ?? 0) + r.n;
    totalCounts[i] = (totalCounts[i] ?? 0) + r.n;
  }
  // The earliest arrival first (the longest wait), then the middle ones.
  const wanted = (k: string | null, c: string | null, counts: number[]): Wanted => {
    const n = counts.reduce((a, b) => a + b, 0);
    return { k, c, n, targets: n > 0 ? [locate(counts, 1), ...middleOf(counts)] : [] };
  };
  const groups = [...byGroup.values()].map((g) => wanted(g.k, g.c, g.counts)).filter((w) => w.n > 0);
  const total = wanted(null, null, totalCounts);
  const values = await valuesAt(groups, total, (bucket, ranks) => {
    const bounds = periodBounds(slices.grain, periods[bucket] ?? "");
    const range = { from: Date.parse(bounds.from), to: Date.parse(bounds.to) };
    return valuesRanked(scope, by, filter, { column: "created_ms", ...range }, ranks);
  });
  const nowMs = Date.parse(now);
  const medians = (w: Wanted, arrivals: number[]): Medians => {
    const [earliest = nowMs, ...middle] = arrivals;
    return {
      k: w.k,
      c: w.c,
      n: w.n,
      max: (nowMs - earliest) / HOUR_MS,
      median: mean(middle.map((at) => nowMs - at)) / HOUR_MS,
    };
  };
  return {
    groups: groups.map((w) => medians(w, values.group(w))),
    total: total.n > 0 ? medians(total, values.total) : undefined,
  };
}

/**
 * New contacts per H3 cell of one resolution (those without a location have none and are left out),
 * from the grains by cell for whole periods and from the facts in the edges. Filters by place and time
 * only: a report filtered by source, campaign or team reads the contacts.
 */
export async function rolledContactsPerCell(
  scope: ReportScope,
  column: (typeof CELL_COLUMNS)[number],
  filter: Pick<ReportFilter, "from" | "to" | "country" | "place">,
): Promise<Array<{ cell: string; contacts: number }>> {
  const slices = reportSlices("city", filter);
  const cell = sql.ref(column);
  const narrowed: Array<RawBuilder<SqlBool>> = [sql<SqlBool>`${cell} is not null`];
  if (filter.country !== undefined) narrowed.push(sql<SqlBool>`country = ${filter.country}`);
  if (filter.place !== undefined) narrowed.push(sql<SqlBool>`place_name = ${filter.place}`);
  const reads: Array<Promise<Array<{ cell: unknown; n: unknown }>>> = [];
  if (slices.periods) {
    // The grain as a literal: the partial index report_rollups_cells is chosen by it.
    let q = scope.db
      .selectFrom("report_rollups")
      .where("organisation_id", "=", scope.organisationId)
      .where(sql<SqlBool>`grain = ${sql.lit(`${slices.grain}-by-cell`)}`);
    if (slices.periods.from !== undefined) q = q.where("period", ">=", slices.periods.from);
    if (slices.periods.before !== undefined) q = q.where("period", "<", slices.periods.before);
    for (const condition of narrowed) q = q.where(condition);
    reads.push(
      q
        .select([cell.as("cell"), sql`sum(contacts)`.as("n")])
        .groupBy(cell)
        .execute(),
    );
  }
  for (const edge of slices.edges) {
    let q = scope.db
      .selectFrom("report_facts")
      .where("organisation_id", "=", scope.organisationId)
      .where("created_at", ">=", edge.from)
      .where("created_at", "<", edge.to);
    for (const condition of narrowed) q = q.where(condition);
    reads.push(
      q
        .select([cell.as("cell"), sql`count(*)`.as("n")])
        .groupBy(cell)
        .execute(),
    );
  }
  const sums = new Map<string, number>();
  for (const row of (await Promise.all(reads)).flat()) {
    const key = String(row.cell);
    sums.set(key, (sums.get(key) ?? 0) + num(row.n));
  }
  return [...sums].map(([key, contacts]) => ({ cell: key, contacts }));
}
