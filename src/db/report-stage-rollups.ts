/**
 * The stages report's own tables (migration 0016), kept by the sweeper beside the other report rollups:
 * one row of stay facts per stage change, with its contact's keys (and one per contact for the status it
 * is in now), summed per period of arrival, place or H3 cell, and stage, with the stays counted in the 84
 * duration buckets of src/core/reports/durations.ts. A finished stay's bucket never changes; an open
 * stay's grows with the clock, so the rollups count the open ones as of `stays_at`, and each refresh
 * moves those whose length crossed a bucket's edge since (one index range per edge, `crossings`).
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import { BUCKET_STARTS_MS, DURATION_BUCKETS, durationBucket } from "../core/reports/durations.js";
import { type DialectName, epochMilliseconds, periodKey } from "./dialect.js";
import { cellOf, cellSql } from "./rollup-cells.js";
import type { Database, StayBucketColumn } from "./schema.js";

/**
 * The grains: per month or week of arrival and place, per month and H3 cell, and per H3 cell over every
 * period (migration 0018): a map with no period filter reads 283 × 9 rows at 10^6 contacts there, instead
 * of 57,334 rows of months per cell (0.46 s of the two years' grid).
 */
export type StageGrain = "month-by-place" | "week-by-place" | "month-by-cell" | "all-by-cell";
export const STAGE_GRAINS: readonly StageGrain[] = [
  "month-by-place",
  "week-by-place",
  "month-by-cell",
  "all-by-cell",
];
/** The `period` of the rows of a grain over every period of arrival. */
export const ALL_PERIODS = "all";
/** The key columns of the stage rollups; a grain sets some, the others stay null. */
const KEY_COLUMNS = ["country", "region", "place_name", "h3_r5"] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];

export function grainKeys(grain: StageGrain): readonly KeyColumn[] {
  return grain.endsWith("-by-place")
    ? ["country", "region", "place_name"]
    : ["country", "place_name", "h3_r5"];
}

/** The period of arrival a grain's rows are per; null: every period in one row. */
export function grainPeriod(grain: StageGrain): "week" | "month" | null {
  return grain.startsWith("all") ? null : grain.startsWith("week") ? "week" : "month";
}

export function stayBucketColumn(kind: "done" | "open", bucket: number): StayBucketColumn {
  return `${kind}_h${String(bucket).padStart(2, "0")}`;
}
const BUCKET_COLUMNS = (["done", "open"] as const).flatMap((kind) =>
  Array.from({ length: DURATION_BUCKETS }, (_, i) => stayBucketColumn(kind, i)),
);
const SUMMED = ["now_contacts", "stays", ...BUCKET_COLUMNS];

type Db = Kysely<Database>;

/** A duration's bucket in SQL, as durationBucket does it: how many bucket starts are at most `value`. */
export function bucketSql(dialect: DialectName, value: RawBuilder<unknown>): RawBuilder<number> {
  if (dialect === "postgres") {
    return sql<number>`width_bucket(${value}, array[${sql.raw(BUCKET_STARTS_MS.join(","))}]::bigint[])`;
  }
  const whens = BUCKET_STARTS_MS.map((start, i) => sql`when ${value} < ${sql.lit(start)} then ${sql.lit(i)}`);
  return sql<number>`case ${sql.join(whens, sql` `)} else ${sql.lit(BUCKET_STARTS_MS.length)} end`;
}

const STAY_COLUMNS = [
  "id",
  "organisation_id",
  "contact_id",
  "kind",
  "stage",
  "entered_ms",
  "left_ms",
  "duration_ms",
  "created_at",
  "week",
  "month",
  "country",
  "region",
  "place_name",
  "source",
  "campaign",
  "h3_r4",
  "h3_r5",
  "h3_r6",
  "h3_r7",
] as const;

/**
 * The stay facts of an organisation's contacts (or of these): every stage change with its contact's keys,
 * and one row per contact for its status now, in STAY_COLUMNS' order.
 */
function staysQuery(
  dialect: DialectName,
  organisationId: string,
  contactIds?: readonly string[],
): RawBuilder<Record<string, unknown>> {
  const contact = (name: string) => sql.ref(`c.${name}`);
  const keys = sql.join([
    contact("created_at"),
    sql`${periodKey(dialect, "week", "c.created_at")} as week`,
    sql`${periodKey(dialect, "month", "c.created_at")} as month`,
    ...["country", "region", "place_name", "source", "campaign", "h3_r4", "h3_r5", "h3_r6", "h3_r7"].map(
      contact,
    ),
  ]);
  // Given contacts (this organisation's) are read by id alone: with the organisation too, SQLite read
  // every contact of the organisation through its index instead.
  const ids = contactIds ? sql.join(contactIds.map((id) => sql`${id}`)) : null;
  const entered = epochMilliseconds(dialect, sql.ref("s.entered_at"));
  const left = epochMilliseconds(dialect, sql.ref("s.left_at"));
  return sql<Record<string, unknown>>`
    select s.id, s.organisation_id, s.contact_id, 'stay' as kind, s.status as stage, ${entered} as entered_ms,
      case when s.left_at is not null then ${left} end as left_ms,
      case when s.left_at is not null then ${left} - ${entered} end as duration_ms, ${keys}
    from contact_stage_changes s join contacts c on c.id = s.contact_id
    where s.organisation_id = ${organisationId} and c.organisation_id = ${organisationId}
      ${ids ? sql`and s.contact_id in (${ids})` : sql``}
    union all
    select 'status:' || c.id, c.organisation_id, c.id, 'status', c.status, null, null, null, ${keys}
    from contacts c
    where ${ids ? sql`c.id in (${ids})` : sql`c.organisation_id = ${organisationId}`}`;
}

/** Rebuilds an organisation's stay facts and stage rollups, the open stays' lengths as of `now`. */
export async function buildStages(trx: Db, dialect: DialectName, organisationId: string, now: string) {
  await trx.deleteFrom("report_stays").where("organisation_id", "=", organisationId).execute();
  await trx.deleteFrom("report_stage_rollups").where("organisation_id", "=", organisationId).execute();
  await sql`insert into report_stays (${sql.join(STAY_COLUMNS.map((c) => sql.ref(c)))})
    ${staysQuery(dialect, organisationId)}`.execute(trx);
  const nowMs = Date.parse(now);
  // Per key, stage and bucket first (one pass over the stays), then one row per key and stage.
  const bucket = bucketSql(dialect, sql`coalesce(duration_ms, ${sql.lit(nowMs)} - entered_ms)`);
  for (const grain of STAGE_GRAINS) {
    const period = grainPeriod(grain);
    if (period === null) continue;
    const keys = grainKeys(grain);
    const nulls = KEY_COLUMNS.filter((k) => !keys.includes(k));
    const groupCols = sql.join([sql.ref(period), ...keys.map((k) => sql.ref(k)), sql.ref("stage")]);
    const h = sql`case when kind = 'status' then 'now' when left_ms is null then 'open' else 'done' end`;
    const counted = sql`select ${sql.ref(period)} as period, ${sql.join(keys.map((k) => sql.ref(k)))}, stage,
        ${h} as h, case when kind = 'status' then 0 else ${bucket} end as b, count(*) as n
      from report_stays where organisation_id = ${organisationId}
      group by ${groupCols}, ${h}, case when kind = 'status' then 0 else ${bucket} end`;
    const sums = [
      sql`sum(case when h = 'now' then n else 0 end)`,
      sql`sum(case when h <> 'now' then n else 0 end)`,
      ...(["done", "open"] as const).flatMap((kind) =>
        Array.from(
          { length: DURATION_BUCKETS },
          (_, i) => sql`sum(case when h = ${sql.lit(kind)} and b = ${sql.lit(i)} then n else 0 end)`,
        ),
      ),
    ];
    await sql`insert into report_stage_rollups (organisation_id, grain, period, cell, stage,
        ${sql.join([...keys, ...nulls].map((k) => sql.ref(k)))}, ${sql.join(SUMMED.map((c) => sql.ref(c)))})
      select cast(${organisationId} as text), cast(${grain} as text), period,
        ${cellSql(["period", ...keys, "stage"])}, stage, ${sql.join(keys.map((k) => sql.ref(k)))},
        ${sql.join(nulls.map(() => sql`null`))}, ${sql.join(sums)}
      from (${counted}) k
      group by period, ${sql.join(keys.map((k) => sql.ref(k)))}, stage`.execute(trx);
  }
  // The cells over every period from their months: the same stays, the open ones as of the same instant.
  await sumOverPeriods(trx, organisationId, "month-by-cell", "all-by-cell");
  await trx
    .updateTable("report_refreshes")
    .set({ stays_at: now })
    .where("organisation_id", "=", organisationId)
    .execute();
}

/** The rows of a grain over every period (`to`), summed from those of a grain of the same keys per period. */
async function sumOverPeriods(trx: Db, organisationId: string, from: StageGrain, to: StageGrain) {
  const keys = grainKeys(to);
  const nulls = KEY_COLUMNS.filter((k) => !keys.includes(k));
  const refs = (columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(c)));
  await sql`insert into report_stage_rollups (organisation_id, grain, period, cell, stage, ${refs(keys)},
      ${refs(nulls)}, ${refs(SUMMED)})
    select organisation_id, cast(${to} as text), period, ${cellSql(["period", ...keys, "stage"])}, stage,
      ${refs(keys)}, ${sql.join(nulls.map(() => sql`null`))}, ${refs(SUMMED)}
    from (
      select organisation_id, cast(${ALL_PERIODS} as text) as period, ${refs(keys)}, stage,
        ${sql.join(SUMMED.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`))}
      from report_stage_rollups
      where organisation_id = ${organisationId} and grain = ${from}
      group by organisation_id, ${refs(keys)}, stage
    ) t`.execute(trx);
}

/** A stage rollup row's change: its key and what to add to each sum. */
type Delta = Record<string, string | number | null>;
type Deltas = Map<string, Delta>;

function deltaOf(deltas: Deltas, organisationId: string, grain: StageGrain, row: Record<string, unknown>) {
  const keys = grainKeys(grain);
  const of = grainPeriod(grain);
  const period = of === null ? ALL_PERIODS : String(row[of]);
  const values = keys.map((k) => (row[k] as string | null | undefined) ?? null);
  const stage = String(row.stage);
  const cell = cellOf([period, ...values, stage]);
  const id = `${grain}\u0000${cell}`;
  let d = deltas.get(id);
  if (!d) {
    d = { organisation_id: organisationId, grain, period, cell, stage };
    for (const k of KEY_COLUMNS) d[k] = null;
    for (const [i, k] of keys.entries()) d[k] = values[i] ?? null;
    for (const c of SUMMED) d[c] = 0;
    deltas.set(id, d);
  }
  return d;
}

function add(d: Delta, column: string, by: number) {
  d[column] = (d[column] as number) + by;
}

const num = (value: unknown) => Number(value ?? 0);

/** Counts stay facts into the deltas (sign −1: out of them), the open stays' lengths as of `asOfMs`. */
function addStays(
  deltas: Deltas,
  organisationId: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  sign: 1 | -1,
  asOfMs: number,
) {
  for (const row of rows) {
    for (const grain of STAGE_GRAINS) {
      const d = deltaOf(deltas, organisationId, grain, row);
      if (row.kind === "status") {
        add(d, "now_contacts", sign);
        continue;
      }
      add(d, "stays", sign);
      const open = row.left_ms === null || row.left_ms === undefined;
      const length = open ? asOfMs - num(row.entered_ms) : num(row.duration_ms);
      add(d, stayBucketColumn(open ? "open" : "done", durationBucket(length)), sign);
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Adds the deltas to the rollup rows (new rows start at 0); rows that count nothing any more go. */
async function applyDeltas(trx: Db, organisationId: string, deltas: Deltas, dropEmpty: boolean) {
  const changed = [...deltas.values()].filter((d) => SUMMED.some((c) => d[c] !== 0));
  for (const rows of chunks(changed, 200)) {
    const sums = SUMMED.filter((c) => rows.some((d) => d[c] !== 0 || c === "now_contacts" || c === "stays"));
    const columns = ["organisation_id", "grain", "period", "cell", "stage", ...KEY_COLUMNS, ...sums];
    await trx
      .insertInto("report_stage_rollups")
      .values(rows.map((d) => Object.fromEntries(columns.map((c) => [c, d[c]]))) as never)
      .onConflict((oc) =>
        oc
          .columns(["organisation_id", "grain", "cell"])
          .doUpdateSet(
            Object.fromEntries(
              sums.map((c) => [
                c,
                sql`${sql.ref(`report_stage_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`,
              ]),
            ) as never,
          ),
      )
      .execute();
  }
  if (!dropEmpty) return;
  for (const grain of STAGE_GRAINS) {
    const cells = changed.filter((d) => d.grain === grain).map((d) => String(d.cell));
    for (const part of chunks(cells, 1000)) {
      await trx
        .deleteFrom("report_stage_rollups")
        .where("organisation_id", "=", organisationId)
        .where("grain", "=", grain)
        .where("cell", "in", part)
        .where("stays", "<=", 0)
        .where("now_contacts", "<=", 0)
        .execute();
    }
  }
}

/** When the open stays' buckets were counted (null: the stage tables are not built). */
export async function staysAt(db: Db, organisationId: string): Promise<string | null> {
  const row = await db
    .selectFrom("report_refreshes")
    .select("stays_at")
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return row?.stays_at ?? null;
}

/**
 * The stay facts of these contacts computed again, and the stage rollups given the difference (the
 * open stays' lengths as of `stays_at`, which the caller has brought to now).
 */
export async function applyStayChanges(
  trx: Db,
  dialect: DialectName,
  organisationId: string,
  contactIds: readonly string[],
): Promise<void> {
  const at = await staysAt(trx, organisationId);
  if (at === null) return;
  const asOfMs = Date.parse(at);
  const deltas: Deltas = new Map();
  for (const part of chunks(contactIds, 500)) {
    // By contact alone (the ids are this organisation's): with the organisation too, SQLite read every
    // stay of the organisation through report_stays_by_arrival instead of these contacts' few.
    const before = await trx.selectFrom("report_stays").selectAll().where("contact_id", "in", part).execute();
    const after = (await staysQuery(dialect, organisationId, part).execute(trx)).rows.map((r) => ({
      ...Object.fromEntries(STAY_COLUMNS.map((c) => [c, r[c] ?? null])),
      entered_ms: r.entered_ms === null ? null : num(r.entered_ms),
      left_ms: r.left_ms === null ? null : num(r.left_ms),
      duration_ms: r.duration_ms === null ? null : num(r.duration_ms),
    }));
    addStays(deltas, organisationId, before as unknown as Array<Record<string, unknown>>, -1, asOfMs);
    addStays(deltas, organisationId, after, 1, asOfMs);
    await trx.deleteFrom("report_stays").where("contact_id", "in", part).execute();
    for (const rows of chunks(after, 500)) {
      await trx
        .insertInto("report_stays")
        .values(rows as never)
        .execute();
    }
  }
  await applyDeltas(trx, organisationId, deltas, true);
}

/**
 * The open stays whose length crossed a bucket's edge between two instants (each edge crossed counted
 * once: a stay may cross several): per edge j (the start of bucket j + 1), those entered in
 * (earlier − edge, later − edge], one range of the partial index report_stays_open each.
 */
export function crossings(
  organisationId: string,
  between: { fromMs: number; toMs: number },
  columns: Readonly<Record<string, RawBuilder<unknown>>>,
  where: ReadonlyArray<RawBuilder<SqlBool>>,
): RawBuilder<Record<string, unknown>> {
  const lo = Math.min(between.fromMs, between.toMs);
  const hi = Math.max(between.fromMs, between.toMs);
  const names = Object.keys(columns);
  const picked = sql.join(Object.entries(columns).map(([name, value]) => sql`${value} as ${sql.ref(name)}`));
  // One branch per edge with its bounds as literals: each is planned as the small index range it is.
  const branches = BUCKET_STARTS_MS.map((start, j) => {
    const conditions = [
      sql<SqlBool>`s.organisation_id = ${organisationId}`,
      sql<SqlBool>`s.kind = 'stay'`,
      sql<SqlBool>`s.left_ms is null`,
      sql<SqlBool>`s.entered_ms > ${sql.lit(lo - start)}`,
      sql<SqlBool>`s.entered_ms <= ${sql.lit(hi - start)}`,
      ...where,
    ];
    return sql`select ${picked}, ${sql.lit(j)} as j from report_stays s where ${sql.join(conditions, sql` and `)}`;
  });
  const grouped = sql.join(names.map((name) => sql.ref(name)));
  return sql<Record<string, unknown>>`select ${grouped}, j, count(*) as n
    from (${sql.join(branches, sql` union all `)}) u
    group by ${grouped}, j`;
}

/**
 * Brings the open stays' buckets from `stays_at` to `now`: each crossing of edge j moves a stay from
 * bucket j to j + 1 (back, if the clock went back). The work is proportional to the stays that crossed.
 */
export async function advanceOpenStays(trx: Db, organisationId: string, now: string): Promise<number> {
  const at = await staysAt(trx, organisationId);
  if (at === null || at === now) return 0;
  const fromMs = Date.parse(at);
  const toMs = Date.parse(now);
  const sign = toMs >= fromMs ? 1 : -1;
  const columns = Object.fromEntries(
    ["week", "month", ...KEY_COLUMNS, "stage"].map((c) => [c, sql.ref(`s.${c}`)]),
  );
  const { rows } = await crossings(organisationId, { fromMs, toMs }, columns, []).execute(trx);
  const deltas: Deltas = new Map();
  let moved = 0;
  for (const row of rows) {
    const n = num(row.n);
    const j = num(row.j);
    moved += n;
    for (const grain of STAGE_GRAINS) {
      const d = deltaOf(deltas, organisationId, grain, row);
      add(d, stayBucketColumn("open", j), -sign * n);
      add(d, stayBucketColumn("open", j + 1), sign * n);
    }
  }
  await applyDeltas(trx, organisationId, deltas, false);
  await trx
    .updateTable("report_refreshes")
    .set({ stays_at: now })
    .where("organisation_id", "=", organisationId)
    .execute();
  return moved;
}
