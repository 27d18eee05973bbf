/**
 * Query functions for the stages report: how long contacts spend in each status (from
 * contact_stage_changes: a stage lasts from one change to the next, its `left_at`, or until now), and how many are in
 * each now. Read from the stage rollups and stay facts kept by the sweeper (src/db/report-stage-rollups.ts),
 * or, while they are not up to date or for a team, from the raw rows (grouped in SQL like the other reports,
 * percentiles through src/db/dialect.ts).
 */
import { type RawBuilder, type SqlBool, sql } from "kysely";
import {
  bucketRange,
  DURATION_BUCKETS,
  interpolate,
  type Lengths,
  locate,
  percentileRanks,
  type RankTarget,
  type Run,
  rankAmong,
  SLICES,
  sliceRange,
  sliceWidth,
  windowOf,
} from "../core/reports/durations.js";
import { type H3Resolution, h3Column } from "../core/reports/hexagons.js";
import type { Dimension } from "../core/reports/measures.js";
import { reportSlices, type Slices, slicesOf } from "../core/reports/slices.js";
import { bytewise, groupPercentiles, millisecondsBetween } from "./dialect.js";
import {
  bucketSql,
  crossings,
  grainPeriod,
  type StageGrain,
  stayBucketColumn,
} from "./report-stage-rollups.js";
import {
  CONTACT_COLUMNS,
  conditions,
  keyOf,
  qualifierOf,
  type ReportFilter,
  type ReportScope,
} from "./reports.js";

/** The report's dimensions and the hexagonal grid's cells. */
export type StageDimension = Dimension | "h3";

export interface Grouping {
  by: StageDimension;
  /** For by=h3 only. */
  resolution: H3Resolution;
}

function groupKey(
  scope: ReportScope,
  g: Grouping,
): { key: RawBuilder<string | null>; qualifier: RawBuilder<string | null> } {
  if (g.by === "h3") {
    const key = sql<string | null>`${sql.ref(`contacts.${h3Column(g.resolution)}`)}`;
    return { key, qualifier: key };
  }
  return {
    key: keyOf(scope.dialect, g.by, CONTACT_COLUMNS),
    qualifier: qualifierOf(scope.dialect, g.by, CONTACT_COLUMNS),
  };
}

const n = (value: unknown) => Number(value ?? 0);
const HOUR_MS = 3_600_000;

export interface StageSpread {
  k: string | null;
  c: string | null;
  stage: string;
  total: boolean;
  /** Stays measured: finished ones, and the current one until now. */
  n: number;
  medianHours: number;
  p90Hours: number;
}

/** The median and 90th percentile of the hours spent per stay in each stage, per group and overall. */
export async function stageDurations(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  now: string,
): Promise<StageSpread[]> {
  const { db, dialect, organisationId } = scope;
  const { key, qualifier } = groupKey(scope, g);
  // A stay lasts until the contact's next change (stored on its row), or until now.
  const left = sql`coalesce(${sql.ref("contact_stage_changes.left_at")}, ${now})`;
  let q = db
    .selectFrom("contact_stage_changes")
    .innerJoin("contacts", "contacts.id", "contact_stage_changes.contact_id")
    .where("contact_stage_changes.organisation_id", "=", organisationId)
    .where("contacts.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const source = q.select([
    key.as("k"),
    qualifier.as("c"),
    sql<string>`${sql.ref("contact_stage_changes.status")}`.as("s"),
    millisecondsBetween(dialect, sql.ref("contact_stage_changes.entered_at"), left).as("v"),
  ]);
  const { rows } = await groupPercentiles(dialect, sql`${source}`).execute(db);
  return rows
    .filter((r) => n(r.n) > 0)
    .map((r) => ({
      k: r.k,
      c: r.c,
      stage: r.s,
      total: n(r.total) === 1,
      n: n(r.n),
      medianHours: n(r.median) / HOUR_MS,
      p90Hours: n(r.p90) / HOUR_MS,
    }));
}

/** How many contacts are in each status now, per group. */
export async function stageCounts(scope: ReportScope, g: Grouping, filter: ReportFilter) {
  const { db, organisationId } = scope;
  const { key, qualifier } = groupKey(scope, g);
  let q = db.selectFrom("contacts").where("contacts.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const rows = await q
    .select((eb) => [key.as("k"), qualifier.as("c"), "contacts.status", eb.fn.countAll().as("n")])
    .groupBy([key, qualifier, "contacts.status"])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, stage: r.status, n: n(r.n) }));
}

// --- from the stage rollups (migration 0016) -----------------------------------------------------------

/** Where one part of the report comes from: whole periods of a stage rollup, or the stay facts. */
type StagePart =
  | { kind: "rollup"; grain: StageGrain; periods: NonNullable<Slices["periods"]> }
  | { kind: "facts"; from?: string | undefined; to?: string | undefined };

/**
 * The parts a report reads: whole periods from the rollups and the edges a from/to cuts from the facts,
 * when a rollup holds what the report groups and filters by (places, periods, H3 cells at resolution
 * 5); else every stay fact the filter selects.
 */
function stageParts(g: Grouping, filter: ReportFilter): StagePart[] {
  const rolled =
    filter.source === undefined &&
    filter.campaign === undefined &&
    g.by !== "source" &&
    g.by !== "campaign" &&
    (g.by !== "h3" || g.resolution === 5);
  if (!rolled) return [{ kind: "facts", from: filter.from, to: filter.to }];
  const slices = g.by === "h3" ? slicesOf("month", filter) : reportSlices(g.by, filter);
  // The grid over every period (no from, no to) from the rows per cell summed over all months.
  const everyPeriod =
    slices.periods !== null && slices.periods.from === undefined && slices.periods.before === undefined;
  const grain: StageGrain =
    g.by === "h3" ? (everyPeriod ? "all-by-cell" : "month-by-cell") : `${slices.grain}-by-place`;
  return [
    ...(slices.periods ? [{ kind: "rollup" as const, grain, periods: slices.periods }] : []),
    ...slices.edges.map((e) => ({ kind: "facts" as const, ...e })),
  ];
}

/** The columns a group's key and qualifier are read from: in the stay facts, and in the rollups. */
function stayKeyColumns(g: Grouping, table: "facts" | "rollup"): { key: string; qualifier: string } {
  const key =
    g.by === "h3"
      ? h3Column(g.resolution)
      : g.by === "city"
        ? "place_name"
        : (g.by === "week" || g.by === "month") && table === "rollup"
          ? "period"
          : g.by;
  return { key, qualifier: g.by === "region" || g.by === "city" ? "country" : key };
}

/** The report's filters on stay facts (aliased `alias`), all of them: for the facts' parts and the values. */
function factConditions(filter: ReportFilter, alias: string): Array<RawBuilder<SqlBool>> {
  const ref = (c: string) => sql.ref(`${alias}.${c}`);
  const out: Array<RawBuilder<SqlBool>> = [];
  if (filter.from !== undefined) out.push(sql<SqlBool>`${ref("created_at")} >= ${filter.from}`);
  if (filter.to !== undefined) out.push(sql<SqlBool>`${ref("created_at")} < ${filter.to}`);
  for (const [column, value] of [
    ["country", filter.country],
    ["place_name", filter.place],
    ["campaign", filter.campaign],
    ["source", filter.source],
  ] as const) {
    if (value !== undefined) out.push(sql<SqlBool>`${ref(column)} = ${value}`);
  }
  return out;
}

/** A group and stage's figures: contacts in the stage now, and stays per duration bucket. */
interface StageCounts {
  k: string | null;
  c: string | null;
  stage: string;
  now: number;
  buckets: number[];
  /** Of those, the finished stays (the others are open: their lengths move with the clock). */
  done: number[];
}

const stageId = (k: string | null, c: string | null, stage: string) =>
  `${c ?? "\u0001"}\u0000${k ?? "\u0001"}\u0000${stage}`;

const and = (conditions: ReadonlyArray<RawBuilder<SqlBool>>) =>
  conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;

/**
 * The counts of one rollup part, with the instant its open stays are counted as of (read in the same
 * statement), and those open stays moved to `now`'s buckets: the ones that crossed a bucket's edge since.
 */
async function rollupCounts(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  part: Extract<StagePart, { kind: "rollup" }>,
  now: string,
): Promise<StageCounts[]> {
  const { key, qualifier } = stayKeyColumns(g, "rollup");
  const conditions = [
    sql<SqlBool>`organisation_id = ${scope.organisationId}`,
    sql<SqlBool>`grain = ${part.grain}`,
  ];
  if (part.periods.from !== undefined) conditions.push(sql<SqlBool>`period >= ${part.periods.from}`);
  if (part.periods.before !== undefined) conditions.push(sql<SqlBool>`period < ${part.periods.before}`);
  if (filter.country !== undefined) conditions.push(sql<SqlBool>`country = ${filter.country}`);
  if (filter.place !== undefined) conditions.push(sql<SqlBool>`place_name = ${filter.place}`);
  // Each side's 84 sums as one text (comma-separated): 168 columns a row cost the driver most of the read
  // (2,155 rows by H3 cell: 90 ms as columns, 30 ms as two texts, same statement).
  const sums = (["done", "open"] as const).map(
    (kind) =>
      sql`${sql.join(
        Array.from({ length: DURATION_BUCKETS }, (_, i) => sql`sum(${sql.ref(stayBucketColumn(kind, i))})`),
        sql` || ',' || `,
      )} as ${sql.ref(kind)}`,
  );
  // One snapshot for the counts and the stays that crossed an edge since they were counted (PostgreSQL
  // reads each statement as of its start otherwise: a sweep in between would move some stays twice).
  const snapshot =
    scope.dialect === "postgres"
      ? scope.db.transaction().setIsolationLevel("repeatable read")
      : scope.db.transaction();
  return snapshot.execute(async (trx) => {
    // The rows are wide (168 sums): grouping tens of thousands of them (a month per H3 cell) sorted them on
    // disk in the default 4 MB, 1.2 s at 10^6 contacts; hashed in memory, 0.4 s. For this transaction only.
    if (scope.dialect === "postgres") await sql`set local work_mem = '64MB'`.execute(trx);
    const { rows } = await sql<Record<string, unknown>>`
    select ${sql.ref(key)} as k, ${sql.ref(qualifier)} as c, stage, r.stays_at as at,
      sum(now_contacts) as now_n, ${sql.join(sums)}
    from report_stage_rollups
      cross join (select stays_at from report_refreshes where organisation_id = ${scope.organisationId}) r
    where ${and(conditions)}
    group by ${sql.ref(key)}, ${sql.ref(qualifier)}, stage, r.stays_at`.execute(trx);
    const out = new Map<string, StageCounts>();
    for (const r of rows) {
      const k = (r.k as string | null) ?? null;
      const c = (r.c as string | null) ?? null;
      const stage = String(r.stage);
      const done = String(r.done).split(",").map(Number);
      const open = String(r.open).split(",").map(Number);
      out.set(stageId(k, c, stage), {
        k,
        c,
        stage,
        now: n(r.now_n),
        buckets: done.map((x, i) => x + (open[i] ?? 0)),
        done,
      });
    }
    const at = rows[0]?.at;
    if (typeof at !== "string" || at === now) return [...out.values()];
    // The open stays that crossed an edge between `at` and now, in the same periods, places and stages.
    const { key: factKey, qualifier: factQualifier } = stayKeyColumns(g, "facts");
    const s = (c: string) => sql.ref(`s.${c}`);
    const where: Array<RawBuilder<SqlBool>> = [];
    const periodOf = grainPeriod(part.grain);
    if (periodOf !== null) {
      const period = s(periodOf);
      if (part.periods.from !== undefined) where.push(sql<SqlBool>`${period} >= ${part.periods.from}`);
      if (part.periods.before !== undefined) where.push(sql<SqlBool>`${period} < ${part.periods.before}`);
    }
    if (filter.country !== undefined) where.push(sql<SqlBool>`s.country = ${filter.country}`);
    if (filter.place !== undefined) where.push(sql<SqlBool>`s.place_name = ${filter.place}`);
    const fromMs = Date.parse(at);
    const toMs = Date.parse(now);
    const sign = toMs >= fromMs ? 1 : -1;
    const moved = await crossings(
      scope.organisationId,
      { fromMs, toMs },
      { k: s(factKey), c: s(factQualifier), stage: s("stage") },
      where,
    ).execute(trx);
    for (const r of moved.rows) {
      const k = (r.k as string | null) ?? null;
      const c = (r.c as string | null) ?? null;
      const stage = String(r.stage);
      const found = out.get(stageId(k, c, stage));
      if (!found) throw new Error(`a stay crossed an edge in a group the rollups do not hold: ${k} ${stage}`);
      const j = n(r.j);
      found.buckets[j] = (found.buckets[j] ?? 0) - sign * n(r.n);
      found.buckets[j + 1] = (found.buckets[j + 1] ?? 0) + sign * n(r.n);
    }
    return [...out.values()];
  });
}

/** The counts of one facts part: every stay the part selects in its bucket as of `now`, and the statuses. */
async function factCounts(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  part: Extract<StagePart, { kind: "facts" }>,
  now: string,
): Promise<StageCounts[]> {
  const { key, qualifier } = stayKeyColumns(g, "facts");
  const conditions = [
    sql<SqlBool>`f.organisation_id = ${scope.organisationId}`,
    ...factConditions({ ...filter, from: part.from, to: part.to }, "f"),
  ];
  const bucket = bucketSql(
    scope.dialect,
    sql`coalesce(f.duration_ms, ${sql.lit(Date.parse(now))} - f.entered_ms)`,
  );
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.ref(`f.${key}`)} as k, ${sql.ref(`f.${qualifier}`)} as c, f.stage as stage,
      case when f.kind = 'status' then -1 else ${bucket} end as b,
      case when f.left_ms is null then 0 else 1 end as done, count(*) as n
    from report_stays f
    where ${and(conditions)}
    group by 1, 2, 3, 4, 5`.execute(scope.db);
  const out = new Map<string, StageCounts>();
  for (const r of rows) {
    const k = (r.k as string | null) ?? null;
    const c = (r.c as string | null) ?? null;
    const stage = String(r.stage);
    const id = stageId(k, c, stage);
    const found = out.get(id) ?? {
      k,
      c,
      stage,
      now: 0,
      buckets: Array(DURATION_BUCKETS).fill(0),
      done: Array(DURATION_BUCKETS).fill(0),
    };
    out.set(id, found);
    const b = n(r.b);
    if (b < 0) found.now += n(r.n);
    else {
      found.buckets[b] = (found.buckets[b] ?? 0) + n(r.n);
      if (n(r.done) === 1) found.done[b] = (found.done[b] ?? 0) + n(r.n);
    }
  }
  return [...out.values()];
}

/** Values at these ranks of one bucket, per stage: in each group (`i`), and over all groups (`j`). */
interface RankedStay {
  s: string;
  k: string | null;
  c: string | null;
  v: number;
  i: number;
  j: number;
}

/**
 * The stays of one duration bucket among those the report selects, finished (from their length) and open
 * (from when they were entered: their length is now − entered), ranked per stage in each group and over
 * all groups, keeping those at the ranks asked for.
 */

/** The stays of these stages the report selects whose length is in a range: finished, and open until now. */
function staysIn(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  range: Lengths,
  stages: readonly string[],
  nowMs: number,
  value: (v: RawBuilder<number>) => RawBuilder<unknown>,
): RawBuilder<Record<string, unknown>> {
  const { key, qualifier } = stayKeyColumns(g, "facts");
  const { from, to } = range;
  const common = [
    sql<SqlBool>`f.organisation_id = ${scope.organisationId}`,
    sql<SqlBool>`f.stage in (${sql.join(stages.map((s) => sql`${s}`))})`,
    ...factConditions(filter, "f"),
  ];
  const done = [sql<SqlBool>`f.kind = 'stay' and f.left_ms is not null`, ...common];
  if (from !== undefined) done.push(sql<SqlBool>`f.duration_ms >= ${sql.lit(from)}`);
  if (to !== undefined) done.push(sql<SqlBool>`f.duration_ms < ${sql.lit(to)}`);
  const open = [sql<SqlBool>`f.kind = 'stay' and f.left_ms is null`, ...common];
  if (to !== undefined) open.push(sql<SqlBool>`f.entered_ms > ${sql.lit(nowMs - to)}`);
  if (from !== undefined) open.push(sql<SqlBool>`f.entered_ms <= ${sql.lit(nowMs - from)}`);
  const cols = sql`f.stage as s, ${sql.ref(`f.${key}`)} as k, ${sql.ref(`f.${qualifier}`)} as c`;
  return sql<Record<string, unknown>>`
    select ${cols}, ${value(sql<number>`f.duration_ms`)} as v from report_stays f where ${and(done)}
    union all
    select ${cols}, ${value(sql<number>`${sql.lit(nowMs)} - f.entered_ms`)} as v from report_stays f where ${and(open)}`;
}

/** How many stays of a bucket lie in each of its SLICES slices, per stage and group. */
async function sliceCounts(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  range: Lengths,
  stages: readonly string[],
  nowMs: number,
): Promise<
  Array<{ s: string; k: string | null; c: string | null; slice: number; n: number; min: number; max: number }>
> {
  const from = range.from ?? 0;
  const width = sliceWidth(range);
  const slice = sql`case when v >= ${sql.lit(from + width)} then ${sql.lit(SLICES - 1)} else (v - ${sql.lit(from)}) * ${sql.lit(SLICES)} / ${sql.lit(width)} end`;
  const { rows } = await sql<Record<string, unknown>>`
    select s, k, c, ${slice} as slice, count(*) as n, min(v) as lo, max(v) as hi
    from (${staysIn(scope, g, filter, range, stages, nowMs, (v) => v)}) u
    group by 1, 2, 3, 4`.execute(scope.db);
  return rows.map((r) => ({
    s: String(r.s),
    k: (r.k as string | null) ?? null,
    c: (r.c as string | null) ?? null,
    slice: n(r.slice),
    n: n(r.n),
    min: n(r.lo),
    max: n(r.hi),
  }));
}

/** One range of lengths to rank, for these stages. */
interface RangeRead {
  range: Lengths;
  stages: readonly string[];
  /** The ranks wanted in it: in a group, and over all groups. */
  group: readonly number[];
  total: readonly number[];
}

/**
 * The stays of several ranges in one statement (one round trip, one sort: a report needs up to a few
 * hundred small ranges), each ranked on its own; keeps the rows at the ranks wanted in each.
 */
async function rangeValues(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  reads: readonly RangeRead[],
  nowMs: number,
): Promise<Array<RankedStay & { r: number }>> {
  const b = (ref: string) => bytewise(scope.dialect, sql.ref(ref));
  const wanted = (list: readonly number[]) =>
    sql.join((list.length > 0 ? [...new Set(list)] : [0]).map((x) => sql.lit(x)));
  const branches = reads.map(
    (read, r) =>
      sql`select ${sql.lit(r)} as r, s, k, c, v from (${staysIn(scope, g, filter, read.range, read.stages, nowMs, (v) => v)}) ${sql.ref(`u${r}`)}`,
  );
  const { rows } = await sql<Record<string, unknown>>`
    select r, s, k, c, v, i, j from (
      select r, s, k, c, v, row_number() over (partition by r, s, ${b("k")}, ${b("c")} order by v) as i,
        row_number() over (partition by r, s order by v) as j
      from (${sql.join(branches, sql` union all `)}) u
    ) x
    where ${sql.join(
      reads.map(
        (read, r) =>
          sql`(r = ${sql.lit(r)} and (i in (${wanted(read.group)}) or j in (${wanted(read.total)})))`,
      ),
      sql` or `,
    )}`.execute(scope.db);
  return rows.map((row) => ({
    r: n(row.r),
    s: String(row.s),
    k: (row.k as string | null) ?? null,
    c: (row.c as string | null) ?? null,
    v: n(row.v),
    i: n(row.i),
    j: n(row.j),
  }));
}

/** Range reads per statement: a few statements side by side, each reading many small ranges. */
const READS_PER_STATEMENT = 40;

const QUANTILES = [0.5, 0.9] as const;
/** A bucket holding more stays than this (of the stages read) is counted in slices before it is read. */
const SPLIT_AT = 20_000;
/** A side of a stage's stays in a bucket up to this many is read whole, beside windows of the other side. */
const KNOWN_AT = 5_000;

/** A group and stage (or a stage over all groups) whose median and 90th percentile are wanted. */
interface Wanted {
  k: string | null;
  c: string | null;
  stage: string;
  total: boolean;
  n: number;
  /** Per quantile: where its values lie, and how far between them. */
  at: Array<{ targets: RankTarget[]; fraction: number }>;
}

function wantedOf(
  k: string | null,
  c: string | null,
  stage: string,
  total: boolean,
  counts: number[],
): Wanted {
  const count = counts.reduce((a, b) => a + b, 0);
  return {
    k,
    c,
    stage,
    total,
    n: count,
    at:
      count === 0
        ? []
        : QUANTILES.map((p) => {
            const { ranks, fraction } = percentileRanks(count, p);
            return { targets: ranks.map((rank) => locate(counts, rank)), fraction };
          }),
  };
}

/** Groupings whose open stays have an index per stage and group, by when entered (migration 0017). */
function openStaysIndexed(g: Grouping, filter: ReportFilter): boolean {
  return (
    filter.source === undefined &&
    filter.campaign === undefined &&
    g.by !== "source" &&
    g.by !== "campaign" &&
    (g.by !== "h3" || g.resolution === 5)
  );
}

/**
 * One side of a bucket's stays known whole, per group and stage (and per stage over all groups,
 * `\u0002stage`), as runs of equal lengths: read when few, or the finished ones when all are as long.
 */
type KnownStays = Map<string, Run[]>;
const totalId = (stage: string) => `\u0002${stage}`;

/** Finished or open stays, with their length as of now and the index range that holds them. */
type Side = "done" | "open";

/** A side's stays whose length (as of now) is in a range, as conditions on the stay facts `f`. */
function sideConditions(side: Side, range: Lengths, nowMs: number): Array<RawBuilder<SqlBool>> {
  const out: Array<RawBuilder<SqlBool>> = [];
  if (side === "done") {
    out.push(sql<SqlBool>`f.kind = 'stay' and f.left_ms is not null`);
    if (range.from !== undefined) out.push(sql<SqlBool>`f.duration_ms >= ${sql.lit(range.from)}`);
    if (range.to !== undefined) out.push(sql<SqlBool>`f.duration_ms < ${sql.lit(range.to)}`);
  } else {
    out.push(sql<SqlBool>`f.kind = 'stay' and f.left_ms is null`);
    if (range.to !== undefined) out.push(sql<SqlBool>`f.entered_ms > ${sql.lit(nowMs - range.to)}`);
    out.push(sql<SqlBool>`f.entered_ms <= ${sql.lit(nowMs - (range.from ?? 0))}`);
  }
  return out;
}

/** A side's length, and its index order shortest first. */
const lengthOf = (side: Side, nowMs: number) =>
  side === "done" ? sql`f.duration_ms` : sql`${sql.lit(nowMs)} - f.entered_ms`;
const orderOf = (side: Side, shortestFirst: boolean) =>
  side === "done"
    ? sql.raw(`f.duration_ms ${shortestFirst ? "asc" : "desc"}`)
    : sql.raw(`f.entered_ms ${shortestFirst ? "desc" : "asc"}`);

/** One side's stays of some stages in a bucket (a range of lengths), read whole. */
interface KnownRead {
  bucket: number;
  range: Lengths;
  stages: readonly string[];
}

/** Branches per statement: SQLite allows 500 terms in a compound select. */
const BRANCHES_PER_STATEMENT = 200;

/**
 * The rows of these selects joined by `union all`, at most BRANCHES_PER_STATEMENT a statement, the
 * statements side by side; `wrap` reads each statement's union (to order it, say), and each statement's
 * rows stay in its order.
 */
async function unionRows(
  scope: ReportScope,
  branches: ReadonlyArray<RawBuilder<unknown>>,
  wrap: (union: RawBuilder<unknown>) => RawBuilder<unknown> = (union) => union,
): Promise<Array<Record<string, unknown>>> {
  const statements: Array<RawBuilder<Record<string, unknown>>> = [];
  for (let i = 0; i < branches.length; i += BRANCHES_PER_STATEMENT) {
    const union = sql.join(branches.slice(i, i + BRANCHES_PER_STATEMENT), sql` union all `);
    statements.push(sql<Record<string, unknown>>`${wrap(sql`${union}`)}`);
  }
  const results = await Promise.all(statements.map((q) => q.execute(scope.db)));
  return results.flatMap(({ rows }) => rows);
}

/**
 * One side's stays of these stages in these buckets, among those the report selects, per bucket, group
 * and stage: every bucket of a report in one statement (one round trip and plan instead of one a bucket).
 */
async function staysOf(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  side: Side,
  reads: readonly KnownRead[],
  nowMs: number,
): Promise<Map<number, KnownStays>> {
  const { key, qualifier } = stayKeyColumns(g, "facts");
  const branch = (read: KnownRead) => {
    const where = [
      sql<SqlBool>`f.organisation_id = ${scope.organisationId}`,
      sql<SqlBool>`f.stage in (${sql.join(read.stages.map((x) => sql`${x}`))})`,
      ...sideConditions(side, read.range, nowMs),
      ...factConditions(filter, "f"),
    ];
    return sql`select ${sql.lit(read.bucket)} as b, f.stage as s, ${sql.ref(`f.${key}`)} as k,
      ${sql.ref(`f.${qualifier}`)} as c, ${lengthOf(side, nowMs)} as v
    from report_stays f where ${and(where)}`;
  };
  // Each bucket is one branch, so ordering each statement by bucket and length orders every bucket's stays.
  const rows = await unionRows(
    scope,
    reads.map(branch),
    (union) => sql`select b, s, k, c, v from (${union}) u order by b, v`,
  );
  const out = new Map<number, KnownStays>();
  for (const r of rows) {
    const bucket = n(r.b);
    const known = out.get(bucket) ?? (new Map() as KnownStays);
    out.set(bucket, known);
    const stage = String(r.s);
    const v = n(r.v);
    for (const id of [
      stageId((r.k as string | null) ?? null, (r.c as string | null) ?? null, stage),
      totalId(stage),
    ]) {
      const runs = known.get(id) ?? [];
      known.set(id, runs);
      const last = runs[runs.length - 1];
      if (last?.v === v) last.n += 1;
      else runs.push({ v, n: 1 });
    }
  }
  return out;
}

/**
 * The least and greatest length of a stage's finished stays in a range (all the organisation's), for each
 * of these stages and ranges, in one statement (two index probes each).
 */
async function finishedSpans(
  scope: ReportScope,
  probes: ReadonlyArray<{ range: Lengths; stage: string }>,
): Promise<Array<{ min: number; max: number } | undefined>> {
  const branch = ({ range, stage }: { range: Lengths; stage: string }, i: number) => {
    const where = [
      sql<SqlBool>`organisation_id = ${scope.organisationId}`,
      sql<SqlBool>`kind = 'stay' and left_ms is not null`,
      sql<SqlBool>`stage = ${stage}`,
    ];
    if (range.from !== undefined) where.push(sql<SqlBool>`duration_ms >= ${sql.lit(range.from)}`);
    if (range.to !== undefined) where.push(sql<SqlBool>`duration_ms < ${sql.lit(range.to)}`);
    return sql`select ${sql.lit(i)} as i, min(duration_ms) as lo, max(duration_ms) as hi
      from report_stays where ${and(where)}`;
  };
  const out: Array<{ min: number; max: number } | undefined> = probes.map(() => undefined);
  for (const r of await unionRows(scope, probes.map(branch))) {
    if (r.lo !== null && r.lo !== undefined) out[n(r.i)] = { min: n(r.lo), max: n(r.hi) };
  }
  return out;
}

/** Stays of one side and stage (in one group, or all) in a range of lengths: `take` of them from the `skip`-th shortest. */
interface StayWindow {
  side: Side;
  stage: string;
  /** The group; undefined for the stage over all groups. */
  group?: { k: string | null; c: string | null } | undefined;
  range: Lengths;
  skip: number;
  take: number;
  /** How many stays of the side the range holds (from the counts): a window past the middle is read from the longest end. */
  count: number;
}

/** Windows per statement: each is one index range of migration 0017's, read from an offset. */
const WINDOWS_PER_STATEMENT = 2_000;

/**
 * The lengths in each window, shortest first. Each window is one range of an index of the stays per stage
 * and group (migration 0017: open ones by when they were entered, finished ones by their length): the
 * skipped stays are stepped over in the index, not sorted. PostgreSQL reads the windows with non-null
 * keys in a few statements (a lateral read per row of arrays); the others (and SQLite's) are one branch
 * each with literal bounds.
 */
async function windowValues(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  windows: readonly StayWindow[],
  nowMs: number,
): Promise<number[][]> {
  const { key, qualifier } = stayKeyColumns(g, "facts");
  const f = (c: string) => sql.ref(`f.${c}`);
  const common = [sql<SqlBool>`f.organisation_id = ${scope.organisationId}`, ...factConditions(filter, "f")];
  const eq = (column: string, value: string | null) =>
    value === null ? sql<SqlBool>`${f(column)} is null` : sql<SqlBool>`${f(column)} = ${value}`;
  const groupEq = (group: { k: string | null; c: string | null }) =>
    key === qualifier ? [eq(key, group.k)] : [eq(qualifier, group.c), eq(key, group.k)];
  // The stays stepped over in the index cost the most: a window past the middle is read from the other
  // end (longest first), stepping over the stays after it instead of those before it.
  const ends = windows.map((w) => {
    const after = Math.max(0, w.count - w.skip - w.take);
    return after < w.skip
      ? { shortestFirst: false, offset: after, limit: Math.max(0, Math.min(w.take, w.count - w.skip)) }
      : { shortestFirst: true, offset: w.skip, limit: w.take };
  });
  const literal = (w: StayWindow, i: number) => {
    const end = ends[i] ?? { shortestFirst: true, offset: w.skip, limit: w.take };
    return sql`select * from (
      select ${sql.lit(i)} as i, ${lengthOf(w.side, nowMs)} as v from report_stays f
      where ${and([
        ...common,
        sql<SqlBool>`f.stage = ${w.stage}`,
        ...(w.group ? groupEq(w.group) : []),
        ...sideConditions(w.side, w.range, nowMs),
      ])}
      order by ${orderOf(w.side, end.shortestFirst)}
      limit ${sql.lit(end.limit)} offset ${sql.lit(end.offset)}) ${sql.ref(`w${i}`)}`;
  };
  const indexed = windows.map((w, i) => ({ w, i }));
  const lateral = (list: typeof indexed, side: Side, grouped: boolean, shortestFirst: boolean) => {
    const arrays = [
      sql`${list.map(({ i }) => i)}::int[]`,
      sql`${list.map(({ w }) => w.stage)}::text[]`,
      sql`${list.map(({ w }) => w.group?.k ?? null)}::text[]`,
      sql`${list.map(({ w }) => w.group?.c ?? null)}::text[]`,
      sql`${list.map(({ w }) => String(side === "done" ? (w.range.from ?? 0) : nowMs - (w.range.to ?? Number.MAX_SAFE_INTEGER)))}::bigint[]`,
      sql`${list.map(({ w }) => String(side === "done" ? (w.range.to ?? Number.MAX_SAFE_INTEGER) : nowMs - (w.range.from ?? 0)))}::bigint[]`,
      sql`${list.map(({ i }) => ends[i]?.offset ?? 0)}::int[]`,
      sql`${list.map(({ i }) => ends[i]?.limit ?? 0)}::int[]`,
    ];
    const group = grouped
      ? key === qualifier
        ? [sql<SqlBool>`${f(key)} = t.k`]
        : [sql<SqlBool>`${f(qualifier)} = t.c`, sql<SqlBool>`${f(key)} = t.k`]
      : [];
    const range =
      side === "done"
        ? sql<SqlBool>`f.kind = 'stay' and f.left_ms is not null and f.duration_ms >= t.lo and f.duration_ms < t.hi`
        : sql<SqlBool>`f.kind = 'stay' and f.left_ms is null and f.entered_ms > t.lo and f.entered_ms <= t.hi`;
    return sql<Record<string, unknown>>`
      select t.i, x.v from unnest(${sql.join(arrays)}) as t(i, s, k, c, lo, hi, skip, take)
      cross join lateral (
        select ${lengthOf(side, nowMs)} as v from report_stays f
        where ${and([...common, sql<SqlBool>`f.stage = t.s`, ...group, range])}
        order by ${orderOf(side, shortestFirst)} offset t.skip limit t.take
      ) x`;
  };
  const statements: Array<RawBuilder<Record<string, unknown>>> = [];
  const literals = (list: typeof indexed) => {
    // SQLite allows 500 terms in a compound select.
    for (let j = 0; j < list.length; j += 200)
      statements.push(
        sql`${sql.join(
          list.slice(j, j + 200).map(({ w, i }) => literal(w, i)),
          sql` union all `,
        )}`,
      );
  };
  if (scope.dialect === "postgres") {
    const keyed = (w: StayWindow) =>
      w.group !== undefined && w.group.k !== null && (key === qualifier || w.group.c !== null);
    literals(indexed.filter(({ w }) => w.group !== undefined && !keyed(w)));
    for (const side of ["done", "open"] as const) {
      for (const shortestFirst of [true, false]) {
        const of = indexed.filter(({ w, i }) => w.side === side && ends[i]?.shortestFirst === shortestFirst);
        const grouped = of.filter(({ w }) => keyed(w));
        for (let j = 0; j < grouped.length; j += WINDOWS_PER_STATEMENT)
          statements.push(lateral(grouped.slice(j, j + WINDOWS_PER_STATEMENT), side, true, shortestFirst));
        const totals = of.filter(({ w }) => w.group === undefined);
        if (totals.length > 0) statements.push(lateral(totals, side, false, shortestFirst));
      }
    }
  } else literals(indexed);
  const out: number[][] = windows.map(() => []);
  const results = await Promise.all(statements.map((q) => q.execute(scope.db)));
  for (const { rows } of results) for (const r of rows) out[n(r.i)]?.push(n(r.v));
  for (const values of out) values.sort((a, b) => a - b);
  return out;
}

/**
 * How a bucket's figures are read: from windows of one side's index beside the other side read whole
 * (when that side is few, or all finished stays are as long), else whole, else counted in slices first.
 */
export interface StageReading {
  /** Buckets holding more stays than this are counted in slices, not read whole (tests set 0: none is). */
  splitAt?: number;
  /** Whether ranks are read from windows of migration 0017's indexes (tests set false: whole or slices). */
  windows?: boolean;
  /** A side of a stage's stays in a bucket up to this many is read whole (tests set 0: only empty sides and point masses). */
  knownAt?: number;
}

/**
 * The stages report's figures from the stage rollups, exact as of `now`: per group and stage the
 * contacts in it now and the stays per duration bucket (rollups for whole periods, with the open stays
 * moved to now's buckets; facts for the edges), then each median's and 90th percentile's values read
 * from their bucket only.
 */
export async function rolledStages(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  now: string,
  reading: StageReading = {},
): Promise<{
  counts: Array<{ k: string | null; c: string | null; stage: string; n: number }>;
  spreads: StageSpread[];
}> {
  const splitAt = reading.splitAt ?? SPLIT_AT;
  const knownAt = reading.knownAt ?? KNOWN_AT;
  const windowed = (reading.windows ?? true) && openStaysIndexed(g, filter);
  const parts = stageParts(g, filter);
  const read = await Promise.all(
    parts.map((part) =>
      part.kind === "rollup"
        ? rollupCounts(scope, g, filter, part, now)
        : factCounts(scope, g, filter, part, now),
    ),
  );
  const merged = new Map<string, StageCounts>();
  const totals = new Map<string, number[]>();
  const totalsDone = new Map<string, number[]>();
  for (const row of read.flat()) {
    const id = stageId(row.k, row.c, row.stage);
    const found = merged.get(id) ?? {
      ...row,
      now: 0,
      buckets: Array(DURATION_BUCKETS).fill(0),
      done: Array(DURATION_BUCKETS).fill(0),
    };
    merged.set(id, found);
    found.now += row.now;
    const total = totals.get(row.stage) ?? Array(DURATION_BUCKETS).fill(0);
    totals.set(row.stage, total);
    const totalDone = totalsDone.get(row.stage) ?? Array(DURATION_BUCKETS).fill(0);
    totalsDone.set(row.stage, totalDone);
    for (const [i, x] of row.buckets.entries()) {
      found.buckets[i] = (found.buckets[i] ?? 0) + x;
      total[i] = (total[i] ?? 0) + x;
    }
    for (const [i, x] of row.done.entries()) {
      found.done[i] = (found.done[i] ?? 0) + x;
      totalDone[i] = (totalDone[i] ?? 0) + x;
    }
  }
  const wanted = [
    ...[...merged.values()].map((m) => wantedOf(m.k, m.c, m.stage, false, m.buckets)),
    ...[...totals].map(([stage, counts]) => wantedOf(null, null, stage, true, counts)),
  ].filter((w) => w.n > 0);
  // The values at each quantile's ranks: from windows of one side of a bucket beside the other read
  // whole; else one read per bucket some quantile lies in (for the stages that need it), a large bucket
  // first counted in slices, and then only the slices holding a rank read.
  const nowMs = Date.parse(now);
  const byBucket = new Map<number, Array<{ w: Wanted; t: RankTarget }>>();
  for (const w of wanted) {
    for (const t of w.at.flatMap((a) => a.targets)) {
      const list = byBucket.get(t.bucket) ?? [];
      byBucket.set(t.bucket, list);
      list.push({ w, t });
    }
  }
  /** Where each target is read: the range read and the rank in it. */
  const readAt = new Map<Wanted, Map<string, { read: string; rank: number } | { value: number }>>();
  const knowFor = (w: Wanted, t: RankTarget, value: number) => {
    const at = readAt.get(w) ?? new Map();
    readAt.set(w, at);
    at.set(`${t.bucket}:${t.rank}`, { value });
  };
  const reads = new Map<
    string,
    { range: Lengths; stages: Set<string>; group: Set<number>; total: Set<number> }
  >();
  const readFor = (id: string, range: Lengths, w: Wanted, t: RankTarget, rank: number) => {
    const read = reads.get(id) ?? { range, stages: new Set(), group: new Set(), total: new Set() };
    reads.set(id, read);
    read.stages.add(w.stage);
    (w.total ? read.total : read.group).add(rank);
    const at = readAt.get(w) ?? new Map();
    readAt.set(w, at);
    at.set(`${t.bucket}:${t.rank}`, { read: id, rank });
  };
  /** Ranks read from a window of one side's stays, merged with the other side known whole. */
  const windows: Array<StayWindow & { w: Wanted; t: RankTarget; known: Run[] }> = [];
  /**
   * The targets of stages with one side of a bucket known whole (the finished stays all of one length,
   * or the smaller side few enough to read in one read for the bucket): the other side is then read from
   * a window per target, one index range from an offset. Every bucket at once: the finished stays' spans
   * in one statement, then each side's known stays in one. Gives the targets left, per bucket.
   */
  const windowTargets = async (
    buckets: ReadonlyArray<{ bucket: number; targets: Array<{ w: Wanted; t: RankTarget }> }>,
  ): Promise<Map<number, Array<{ w: Wanted; t: RankTarget }>>> => {
    const doneOf = (stage: string, bucket: number) => totalsDone.get(stage)?.[bucket] ?? 0;
    const openOf = (stage: string, bucket: number) =>
      (totals.get(stage)?.[bucket] ?? 0) - doneOf(stage, bucket);
    const at = (bucket: number, stage: string) => `${bucket}:${stage}`;
    const stagesOf = buckets.map(({ bucket, targets }) => ({
      bucket,
      stages: [...new Set(targets.map(({ w }) => w.stage))],
    }));
    // The finished stays known as one length when all of them are (a point mass, such as the stays that
    // end exactly 2 hours in: stepping over them in an index would cost as much as counting them); else
    // the smaller side read whole, when few enough.
    const probes = stagesOf.flatMap(({ bucket, stages }) =>
      stages
        .filter((stage) => doneOf(stage, bucket) > knownAt)
        .map((stage) => ({ bucket, stage, range: bucketRange(bucket) })),
    );
    const masses = new Map<string, number>();
    for (const [i, span] of (await finishedSpans(scope, probes)).entries()) {
      const probe = probes[i];
      if (probe && span && span.min === span.max) masses.set(at(probe.bucket, probe.stage), span.min);
    }
    const whole = new Map<string, Side>();
    for (const { bucket, stages } of stagesOf) {
      for (const stage of stages) {
        const done = doneOf(stage, bucket);
        const open = openOf(stage, bucket);
        if (!masses.has(at(bucket, stage)) && Math.min(done, open) <= knownAt)
          whole.set(at(bucket, stage), done <= open ? "done" : "open");
      }
    }
    const [doneKnown, openKnown] = await Promise.all(
      (["done", "open"] as const).map((side) => {
        const reads = stagesOf.flatMap(({ bucket, stages }) => {
          const of = stages.filter((stage) => whole.get(at(bucket, stage)) === side);
          return of.length > 0 ? [{ bucket, range: bucketRange(bucket), stages: of }] : [];
        });
        return reads.length > 0
          ? staysOf(scope, g, filter, side, reads, nowMs)
          : Promise.resolve(new Map<number, KnownStays>());
      }),
    );
    const left = new Map<number, Array<{ w: Wanted; t: RankTarget }>>();
    for (const { bucket, targets } of buckets) {
      const range = bucketRange(bucket);
      const rest: Array<{ w: Wanted; t: RankTarget }> = [];
      left.set(bucket, rest);
      for (const { w, t } of targets) {
        const id = w.total ? totalId(w.stage) : stageId(w.k, w.c, w.stage);
        const all = (w.total ? totals.get(w.stage)?.[bucket] : merged.get(id)?.buckets[bucket]) ?? 0;
        const done = (w.total ? totalsDone.get(w.stage)?.[bucket] : merged.get(id)?.done[bucket]) ?? 0;
        const mass = masses.get(at(bucket, w.stage));
        const known = whole.get(at(bucket, w.stage));
        const side = known ?? (mass !== undefined ? "done" : undefined);
        if (side === undefined) {
          rest.push({ w, t });
          continue;
        }
        const runs: Run[] =
          known !== undefined
            ? ((side === "done" ? doneKnown : openKnown)?.get(bucket)?.get(id) ?? [])
            : done > 0
              ? [{ v: mass as number, n: done }]
              : [];
        const { skip, take } = windowOf(
          runs.reduce((sum, r) => sum + r.n, 0),
          t.rank,
        );
        windows.push({
          side: side === "done" ? "open" : "done",
          stage: w.stage,
          group: w.total ? undefined : { k: w.k, c: w.c },
          range,
          skip,
          take,
          count: side === "done" ? all - done : done,
          w,
          t,
          known: runs,
        });
      }
    }
    return left;
  };
  const unwindowed = windowed
    ? await windowTargets(
        [...byBucket].filter(([bucket]) => bucket > 0).map(([bucket, targets]) => ({ bucket, targets })),
      )
    : new Map<number, Array<{ w: Wanted; t: RankTarget }>>();
  await Promise.all(
    [...byBucket].map(async ([bucket, all]) => {
      const range = bucketRange(bucket);
      const targets = unwindowed.get(bucket) ?? all;
      if (targets.length === 0) return;
      const stages = [...new Set(targets.map(({ w }) => w.stage))];
      const size = stages.reduce((sum, stage) => sum + (totals.get(stage)?.[bucket] ?? 0), 0);
      if (size <= splitAt || bucket === 0) {
        for (const { w, t } of targets) readFor(`${bucket}`, range, w, t, t.rank);
        return;
      }
      // Per group and stage (and per stage over all): each slice's count, and its least and greatest length.
      const slices = new Map<string, { counts: number[]; min: number[]; max: number[] }>();
      for (const r of await sliceCounts(scope, g, filter, range, stages, nowMs)) {
        for (const id of [stageId(r.k, r.c, r.s), totalId(r.s)]) {
          const found = slices.get(id) ?? {
            counts: Array<number>(SLICES).fill(0),
            min: Array<number>(SLICES).fill(Number.POSITIVE_INFINITY),
            max: Array<number>(SLICES).fill(Number.NEGATIVE_INFINITY),
          };
          slices.set(id, found);
          found.counts[r.slice] = (found.counts[r.slice] ?? 0) + r.n;
          found.min[r.slice] = Math.min(found.min[r.slice] ?? r.min, r.min);
          found.max[r.slice] = Math.max(found.max[r.slice] ?? r.max, r.max);
        }
      }
      for (const { w, t } of targets) {
        const found = slices.get(w.total ? totalId(w.stage) : stageId(w.k, w.c, w.stage));
        if (!found) throw new Error(`no stays counted in bucket ${bucket} (${w.stage})`);
        const at = locate(found.counts, t.rank);
        // A slice whose stays all last as long (many stays of one length): its value is known.
        if (found.min[at.bucket] === found.max[at.bucket]) knowFor(w, t, found.min[at.bucket] as number);
        else readFor(`${bucket}:${at.bucket}`, sliceRange(range, at.bucket), w, t, at.rank);
      }
    }),
  );
  const found = new Map<string, RankedStay[]>();
  const all = [...reads];
  const statements: Array<typeof all> = [];
  for (let i = 0; i < all.length; i += READS_PER_STATEMENT)
    statements.push(all.slice(i, i + READS_PER_STATEMENT));
  await Promise.all([
    ...statements.map(async (part) => {
      const reading = part.map(([, read]) => ({
        range: read.range,
        stages: [...read.stages],
        group: [...read.group],
        total: [...read.total],
      }));
      const rows = await rangeValues(scope, g, filter, reading, nowMs);
      for (const [r, [id]] of part.entries())
        found.set(
          id,
          rows.filter((row) => row.r === r),
        );
    }),
    (async () => {
      if (windows.length === 0) return;
      const values = await windowValues(scope, g, filter, windows, nowMs);
      for (const [i, x] of windows.entries())
        knowFor(x.w, x.t, rankAmong(x.known, x.skip, values[i] ?? [], x.t.rank));
    })(),
  ]);
  const valueAt = (w: Wanted, t: RankTarget) => {
    const at = readAt.get(w)?.get(`${t.bucket}:${t.rank}`);
    if (at && "value" in at) return at.value;
    const row =
      at &&
      (found.get(at.read) ?? []).find((r) =>
        w.total
          ? r.s === w.stage && r.j === at.rank
          : r.s === w.stage && r.i === at.rank && r.k === w.k && r.c === w.c,
      );
    if (!row) throw new Error(`no stay at rank ${t.rank} of bucket ${t.bucket} (${w.stage})`);
    return row.v;
  };
  const spreads = wanted.map((w): StageSpread => {
    const [median, p90] = w.at.map((a) =>
      interpolate(
        a.targets.map((t) => valueAt(w, t)),
        a.fraction,
      ),
    );
    return {
      k: w.k,
      c: w.c,
      stage: w.stage,
      total: w.total,
      n: w.n,
      medianHours: (median ?? 0) / HOUR_MS,
      p90Hours: (p90 ?? 0) / HOUR_MS,
    };
  });
  const counts = [...merged.values()]
    .filter((m) => m.now > 0)
    .map((m) => ({ k: m.k, c: m.c, stage: m.stage, n: m.now }));
  return { counts, spreads };
}
