/**
 * Every difference between SQLite and PostgreSQL lives here, and nowhere else:
 * connecting, column types, row locks and error codes.
 */
import { createHash } from "node:crypto";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type Driver,
  Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  PostgresDialect,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  SqliteDialect,
  sql,
} from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { checkpointInBackground } from "./sqlite-checkpoints.js";

export type DialectName = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** A readable name for logs: the file path, or the server without its password. */
  label: string;
  close(): Promise<void>;
}

// COUNT(*) is bigint in PostgreSQL; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front, so a reader
 * never has to turn writer mid-way and fail. When another process holds the lock, we wait
 * asynchronously and retry, rather than let busy_timeout block the event loop of this process.
 */
class SqliteImmediateDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          await connection.executeQuery(CompiledQuery.raw("begin immediate"));
          return;
        } catch (error) {
          if (!isBusy(error) || Date.now() > deadline) throw error;
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(50, 1 + attempt * 2) * (0.5 + Math.random())),
          );
        }
      }
    };
    return driver;
  }
}

const SQLITE_LOCK_WAIT_MS = 10_000;

/** SQLite's own default: a COMMIT that takes the log past this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

function isBusy(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith("postgres://") || url.startsWith("postgresql://");
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to work in (tests give each run its own). */
  schema?: string;
  poolSize?: number;
  /**
   * SQLite files only: WAL checkpoints on a worker thread instead of inside the COMMIT that fills
   * the log (src/db/sqlite-checkpoints.ts). For a server, whose event loop must not wait on them.
   */
  backgroundCheckpoints?: boolean;
}

/** Each PostgreSQL database's pool, for the transactions that use a connection of it directly. */
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A statement is sent without waiting for the answers to those before it on its connection.
      // Kysely still waits for each statement it runs; lockedTransaction sends two at once.
      pipeline: true,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(kysely, pool);
    const parsed = new URL(url);
    return {
      kysely,
      dialect: "postgres",
      label: `postgres://${parsed.host}${parsed.pathname}${options.schema ? ` (schema ${options.schema})` : ""}`,
      close: () => kysely.destroy(),
    };
  }
  const file = new SqliteDatabase(url);
  file.pragma("journal_mode = WAL");
  file.pragma("synchronous = NORMAL");
  file.pragma("foreign_keys = ON");
  // Short: a busy wait blocks the whole process; transactions retry asynchronously instead (above).
  file.pragma("busy_timeout = 20");
  const kysely = new Kysely<Database>({
    dialect: new SqliteImmediateDialect({ database: withStatementCache(file) }),
  });
  if (!options.backgroundCheckpoints || file.memory) {
    return { kysely, dialect: "sqlite", label: url, close: () => kysely.destroy() };
  }
  file.pragma("wal_autocheckpoint = 0");
  const stopCheckpoints = checkpointInBackground(file.name, () => {
    // The worker failed: checkpoint in the COMMIT again (SQLite's default), rather than let the log grow.
    file.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  });
  return {
    kysely,
    dialect: "sqlite",
    label: url,
    close: async () => {
      await stopCheckpoints();
      await kysely.destroy();
    },
  };
}

/** Prepared statements kept per SQLite file, most recently used last. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The file, with its statements prepared once and reused (Kysely prepares every query anew, and
 * parsing and planning cost more than running most of ours). Safe: the single connection runs one
 * statement at a time, and SQLite prepares a statement again by itself when the schema changes.
 */
function withStatementCache(file: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => file.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else {
        statement = file.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

/** Column type for a double-precision number. */
export function doubleType(dialect: DialectName): "double precision" | "real" {
  return dialect === "postgres" ? "double precision" : "real";
}

/**
 * The ISO week (`2026-W09`) or month (`2026-03`) of a UTC ISO text timestamp, in SQL. Both read the
 * day only (the first 10 characters), which is cheap, and agree with src/core/reports/periods.ts.
 */
export function periodKey(
  dialect: DialectName,
  period: "week" | "month",
  column: string,
): RawBuilder<string> {
  if (period === "month") return sql<string>`substr(${sql.ref(column)}, 1, 7)`;
  return dialect === "postgres"
    ? sql<string>`to_char(substr(${sql.ref(column)}, 1, 10)::date, 'IYYY-"W"IW')`
    : sql<string>`strftime('%G-W%V', substr(${sql.ref(column)}, 1, 10))`;
}

/** Whole milliseconds from one UTC ISO text timestamp to another, in SQL (exact on both). */
export function millisecondsBetween(
  dialect: DialectName,
  from: RawBuilder<unknown>,
  to: RawBuilder<unknown>,
): RawBuilder<number> {
  return dialect === "postgres"
    ? sql<number>`(extract(epoch from (${to}::timestamptz - ${from}::timestamptz)) * 1000)::bigint`
    : sql<number>`(cast(round(unixepoch(${to}, 'subsec') * 1000) as integer) - cast(round(unixepoch(${from}, 'subsec') * 1000) as integer))`;
}

/**
 * Per group of `source` (a subquery with columns `k`, `c` and a non-null number `v`), and once over all
 * of them (the row with `total` 1): how many values, the largest and the median (the mean of the two
 * middle values when their number is even). PostgreSQL reads the rows once (percentile_cont over
 * grouping sets); SQLite numbers each group's values in order (a window), once grouped and once whole.
 */
export function groupMedians(
  dialect: DialectName,
  source: RawBuilder<unknown>,
): RawBuilder<{ k: string | null; c: string | null; total: number; n: number; max: number; median: number }> {
  if (dialect === "postgres") {
    return sql`select k, c, case when grouping(k, c) = 0 then 0 else 1 end as total, count(*) as n,
      max(v) as max, percentile_cont(0.5) within group (order by v) as median
      from (${source}) s group by grouping sets ((k, c), ())`;
  }
  const middle = (keys: RawBuilder<unknown>, partition: RawBuilder<unknown>, total: number) =>
    sql`select ${keys}, ${sql.lit(total)} as total, max(cnt) as n, max(top) as max, avg(v) as median from (
      select k, c, v, row_number() over (${partition} order by v) as i, count(*) over (${partition}) as cnt,
        max(v) over (${partition}) as top
      from (${source}) s
    ) o where i in ((cnt + 1) / 2, (cnt + 2) / 2)`;
  return sql`${middle(sql`k, c`, sql`partition by k, c`, 0)} group by k, c
    union all ${middle(sql`null as k, null as c`, sql``, 1)}`;
}

/**
 * Text compared byte by byte, for sorting and grouping where no reader sees the order: PostgreSQL's
 * collation-aware comparison costs far more (SQLite compares bytes already).
 */
export function bytewise(dialect: DialectName, value: RawBuilder<unknown>): RawBuilder<string | null> {
  return dialect === "postgres" ? sql<string | null>`(${value}) collate "C"` : sql<string | null>`${value}`;
}

/** Epoch milliseconds of a UTC ISO text timestamp, in SQL (whole milliseconds, as millisecondsBetween). */
export function epochMilliseconds(dialect: DialectName, value: RawBuilder<unknown>): RawBuilder<number> {
  return dialect === "postgres"
    ? sql<number>`(extract(epoch from ${value}::timestamptz) * 1000)::bigint`
    : sql<number>`cast(round(unixepoch(${value}, 'subsec') * 1000) as integer)`;
}

/** Column type of an id the database numbers itself, in the order rows arrive (it is the primary key). */
export function serialIdType(dialect: DialectName): "bigserial" | "integer" {
  // SQLite: an integer primary key is the rowid, numbered by the database.
  return dialect === "postgres" ? "bigserial" : "integer";
}

/**
 * Triggers that note in report_changes (organisation_id, contact_id) every contact whose report figures a
 * write to `table` may change: on insert, on delete, and on an update of one of `columns`; `when` (SQL over
 * the row alias given) narrows which rows count. Triggers see every write, whichever code path made it.
 * PostgreSQL: one plpgsql function and three triggers; SQLite: three triggers.
 */
export async function addChangeTrigger(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
  db: Kysely<any>,
  dialect: DialectName,
  trigger: {
    name: string;
    table: string;
    columns: readonly string[];
    contactId: string;
    when?: (row: "old" | "new") => string;
    /** Only updates of `columns` (another trigger on the table already notes inserts and deletes). */
    updatesOnly?: boolean;
  },
): Promise<void> {
  const { name, table, columns, contactId } = trigger;
  const events = trigger.updatesOnly ? ["update"] : ["insert", "update", "delete"];
  const when = (row: "old" | "new") => (trigger.when ? `(${trigger.when(row)})` : "true");
  const note = (row: "old" | "new") =>
    `insert into report_changes (organisation_id, contact_id) values (${row}.organisation_id, ${row}.${contactId});`;
  // An update notes the old contact, and the new one unless it is the same.
  const sameContact = `old.organisation_id = new.organisation_id and old.${contactId} = new.${contactId}`;
  if (dialect === "postgres") {
    await sql
      .raw(
        `create function ${name}() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') and ${when("old")} then ${note("old")} end if;
          if tg_op = 'INSERT' and ${when("new")} then ${note("new")} end if;
          if tg_op = 'UPDATE' and ${when("new")} and not (${when("old")} and ${sameContact}) then ${note("new")} end if;
          return null;
        end $$`,
      )
      .execute(db);
    for (const [event, on] of [
      ["insert", "insert"],
      ["update", `update of ${columns.join(", ")}`],
      ["delete", "delete"],
    ].filter(([event]) => events.includes(event as string))) {
      await sql
        .raw(
          `create trigger ${name}_${event} after ${on} on ${table} for each row execute function ${name}()`,
        )
        .execute(db);
    }
    return;
  }
  const values = (row: "old" | "new") => `select ${row}.organisation_id, ${row}.${contactId}`;
  const into = "insert into report_changes (organisation_id, contact_id)";
  if (events.includes("insert")) {
    await sql
      .raw(
        `create trigger ${name}_insert after insert on ${table} when ${when("new")} begin ${note("new")} end`,
      )
      .execute(db);
  }
  await sql
    .raw(
      `create trigger ${name}_update after update of ${columns.join(", ")} on ${table} begin
        ${into} ${values("old")} where ${when("old")};
        ${into} ${values("new")} where ${when("new")} and not (${when("old")} and ${sameContact});
      end`,
    )
    .execute(db);
  if (events.includes("delete")) {
    await sql
      .raw(
        `create trigger ${name}_delete after delete on ${table} when ${when("old")} begin ${note("old")} end`,
      )
      .execute(db);
  }
}

/**
 * Waits until every transaction that has written to `table` so far has ended, so that every row it
 * numbered up to now is committed (or gone). PostgreSQL: a SHARE lock waits for the writers, and is let go
 * when the (short) transaction it runs in ends; SQLite has one writer, and a transaction already waited.
 */
export async function awaitWriters(
  trx: Kysely<Database>,
  dialect: DialectName,
  table: string,
): Promise<void> {
  if (dialect === "postgres") await sql`lock table ${sql.table(table)} in share mode`.execute(trx);
}

/**
 * Takes a lock on each name until the transaction ends, waiting for any other transaction that
 * holds one, so that transactions about the same things run one after another even when there is
 * no row to lock yet (two arrivals of one person). All of a transaction's names are locked in one
 * statement, in one fixed order (of their 64-bit hashes), so two transactions never wait for each
 * other in a cycle. PostgreSQL: transaction-scoped advisory locks; SQLite has one writer at a time,
 * so a transaction there already excludes every other writer. Call it before reading what the
 * names guard: a statement's snapshot is taken when it starts.
 */
export async function lockNames(
  trx: Kysely<Database>,
  dialect: DialectName,
  names: readonly string[],
): Promise<void> {
  if (dialect !== "postgres" || names.length === 0) return;
  const ids = [...new Set(names.map(lockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await sql`select pg_advisory_xact_lock(id) from unnest(cast(${ids.map(String)} as bigint[])) with ordinality as l(id, i) order by i`.execute(
    trx,
  );
}

/** The COMMIT of a transaction failed: whether anything was stored is unknown, so nothing may run again. */
export class CommitFailed extends Error {
  constructor(cause: unknown) {
    super(`COMMIT failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "CommitFailed";
  }
}

/**
 * Runs `work` in a transaction that holds the locks on `names` (lockNames) from its start, writes the
 * rows `last` gives once `work` is done, and commits. A COMMIT that fails throws CommitFailed; any
 * earlier failure rolls back and throws as is. SQLite: BEGIN IMMEDIATE (one writer).
 * PostgreSQL, on one connection of the pool, in two round trips besides `work`'s own after its first
 * statement: BEGIN and the locks (one simple-protocol message; the lock ids are numbers made here,
 * never text from outside) go with `work`'s first statement, and the last rows with the COMMIT
 * (pipelined: each sent without waiting for the one before). `work` must not open a transaction.
 */
export async function lockedTransaction<T>(
  db: Db,
  names: readonly string[],
  work: (trx: Kysely<Database>) => Promise<T>,
  last: () => readonly PendingInsert[] = () => [],
): Promise<T> {
  if (db.dialect !== "postgres") {
    const trx = await db.kysely.startTransaction().execute();
    let result: T;
    try {
      result = await work(trx);
      await insertTogether(trx, db.dialect, last());
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      throw error;
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      throw new CommitFailed(error);
    }
    return result;
  }
  const ids = [...new Set(names.map(lockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const locks =
    ids.length === 0
      ? ""
      : `; select pg_advisory_xact_lock(id) from unnest('{${ids.join(",")}}'::bigint[]) with ordinality as l(id, i) order by i`;
  const pool = pools.get(db.kysely);
  if (!pool) throw new Error(`${db.label} was not opened by openDatabase`);
  const client = await pool.connect();
  let lost = false;
  try {
    // Sent before `work` runs, so its statements follow on the connection. If a lock fails, the
    // transaction is aborted and they fail with it (nothing runs outside it); `work` is let finish
    // before the ROLLBACK, so none of its statements can come after it.
    const begun = client.query(`begin${locks}`);
    const [began, worked] = await Promise.allSettled([begun, work(onClient(client))]);
    let rows: readonly PendingInsert[] = [];
    try {
      if (began.status === "rejected") throw began.reason;
      if (worked.status === "rejected") throw worked.reason;
      rows = last();
    } catch (error) {
      await client.query("rollback").catch(() => {
        lost = true;
      });
      throw error;
    }
    const parts = rows.filter((insert) => insert.rows.length > 0);
    // Every parameter is a JSON text, which pg sends as it is: the INSERT cannot fail in the process
    // before it is sent, leaving the COMMIT behind it to store the transaction without its rows.
    const wrote =
      parts.length === 0
        ? Promise.resolve()
        : client.query(
            insertQuery(
              insertText("postgres", parts),
              parts.map((part) => JSON.stringify(part.rows)),
            ),
          );
    const [written, ended] = await Promise.allSettled([wrote, client.query("commit")]);
    if (ended.status === "rejected") {
      lost = true;
      throw new CommitFailed(ended.reason);
    }
    // PostgreSQL ends an aborted transaction's COMMIT with ROLLBACK: nothing was stored.
    if (written.status === "rejected" && ended.value.command === "ROLLBACK") throw written.reason;
    if (ended.value.command === "ROLLBACK") {
      throw new CommitFailed(new Error("the transaction was aborted and rolled back"));
    }
    if (written.status === "rejected") throw new CommitFailed(written.reason);
    return (worked as PromiseFulfilledResult<T>).value;
  } finally {
    // A connection whose COMMIT got no answer is in an unknown state: closed, not reused.
    client.release(lost);
  }
}

/** A Kysely that runs every statement on this one connection (a transaction's). */
const onClients = new WeakMap<pg.PoolClient, Kysely<Database>>();
function onClient(client: pg.PoolClient): Kysely<Database> {
  let kysely = onClients.get(client);
  if (!kysely) {
    const connection = {
      query: (text: string, parameters: readonly unknown[]) => client.query(insertQuery(text, parameters)),
      release: () => undefined,
    };
    kysely = new Kysely<Database>({
      dialect: new PostgresDialect({
        // Kysely's pool type also allows cursors, which nothing here uses.
        pool: { connect: async () => connection as never, end: async () => undefined },
      }),
    });
    onClients.set(client, kysely);
  }
  return kysely;
}

/** A name's advisory lock key: the first 64 bits of its SHA-256, signed as PostgreSQL's bigint. */
function lockId(name: string): bigint {
  return createHash("sha256").update(name).digest().readBigInt64BE(0);
}

/** Rows to insert into one table, each with the same columns, run with others by insertTogether. */
export interface PendingInsert {
  table: string;
  columns: readonly string[];
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Skips a row whose key is already there (ON CONFLICT DO NOTHING). */
  skipConflicts: boolean;
}

/**
 * Statement texts, built once per shape: on PostgreSQL the same text however many rows there are,
 * so neither Kysely nor the database builds a new statement for each batch size; on SQLite one per
 * number of rows, which its cache of prepared statements keeps.
 */
const insertTexts = new Map<string, string>();
const INSERT_TEXTS = 2_000;

/**
 * PostgreSQL: the insert texts above, each with a statement name. A transaction's connection runs
 * them as named statements, which it parses and plans once (pg keeps each connection's prepared
 * names) instead of at every run: an intake's insert spent 0.34 ms parsing and 0.42 ms binding,
 * with its planning, at every run (means, PostgreSQL's log at 200/s; 0.09 ms binding once named).
 * Reads stay unnamed: after five runs PostgreSQL may keep a generic plan for a named statement, and
 * the duplicate blocks' read, tried named, took 1.56 ms on average instead of 0.25 ms (its median
 * unchanged: some runs far slower).
 */
const insertNames = new Map<string, string>();

/** The query for pg: named when it is one of the insert texts, else as it is. */
function insertQuery(text: string, parameters: readonly unknown[]): pg.QueryConfig {
  const name = insertNames.get(text);
  return name ? { name, text, values: [...parameters] } : { text, values: [...parameters] };
}

/** Parameters one SQLite statement may bind: below its limit of 32,766. */
const SQLITE_PARAMETERS = 30_000;

function insertText(dialect: DialectName, parts: readonly PendingInsert[], sqliteRows = 1): string {
  const shape = `${dialect}${sqliteRows}${parts.map((p) => `\u0000${p.table}(${p.columns.join(",")})${p.skipConflicts ? "!" : ""}`).join("")}`;
  let text = insertTexts.get(shape);
  if (text) return text;
  const name = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  const one = (part: PendingInsert, i: number) => {
    const columns = part.columns.map(name).join(", ");
    const onConflict = part.skipConflicts ? " on conflict do nothing" : "";
    if (dialect === "sqlite") {
      const row = `(${part.columns.map(() => "?").join(", ")})`;
      return `insert into ${name(part.table)} (${columns}) values ${Array<string>(sqliteRows).fill(row).join(", ")}${onConflict}`;
    }
    return `insert into ${name(part.table)} (${columns}) select ${columns} from json_populate_recordset(null::${name(part.table)}, $${i + 1}::json)${onConflict}`;
  };
  text =
    dialect === "postgres" && parts.length > 1
      ? `with ${parts.map((part, i) => `w${i} as (${one(part, i)})`).join(", ")} select 1`
      : one(parts[0]!, 0);
  if (insertTexts.size >= INSERT_TEXTS) {
    insertTexts.clear();
    insertNames.clear();
  }
  insertTexts.set(shape, text);
  // Named by the text's hash: a text built again after a clear gets the name it had.
  if (dialect === "postgres") {
    insertNames.set(text, `insert_${createHash("sha256").update(text).digest("base64url").slice(0, 22)}`);
  }
  return text;
}

/**
 * Runs inserts in the given order, which respects their foreign keys. PostgreSQL: one statement
 * whatever the number of rows, each table a data-modifying WITH part reading its rows from one JSON
 * parameter, typed by the table's own columns (one round trip; foreign keys are checked at the end
 * of the statement, when all its rows are in). SQLite, in the process, has no round trips to save:
 * one statement a table, as many as its parameters allow.
 */
export async function insertTogether(
  trx: Kysely<Database>,
  dialect: DialectName,
  inserts: readonly PendingInsert[],
): Promise<void> {
  const parts = inserts.filter((insert) => insert.rows.length > 0);
  if (parts.length === 0) return;
  if (dialect === "postgres") {
    const parameters = parts.map((part) => JSON.stringify(part.rows));
    await trx.executeQuery(CompiledQuery.raw(insertText(dialect, parts), parameters));
    return;
  }
  for (const part of parts) {
    const perStatement = Math.floor(SQLITE_PARAMETERS / part.columns.length);
    for (let start = 0; start < part.rows.length; start += perStatement) {
      const rows = part.rows.slice(start, start + perStatement);
      const parameters: unknown[] = [];
      for (const row of rows) for (const column of part.columns) parameters.push(row[column]);
      await trx.executeQuery(CompiledQuery.raw(insertText(dialect, [part], rows.length), parameters));
    }
  }
}

/**
 * Lock the selected rows until the transaction ends. SQLite has one writer at a time,
 * so a transaction there already excludes every other writer.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === "postgres" ? query.forUpdate() : query;
}

/**
 * Lock the selected rows, passing over rows another transaction holds, so several processes can
 * each claim a different share of a queue. SQLite's single writer already serialises claims.
 */
export function forUpdateSkipLocked<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === "postgres" ? query.forUpdate().skipLocked() : query;
}

/**
 * A rule the database itself keeps: no two rows with the same key whose [start, end) ranges overlap,
 * among the rows that match `when`. PostgreSQL: an exclusion constraint (btree_gist); SQLite:
 * triggers that abort the insert or update. Both fail with an error isOverlapViolation recognises.
 */
export async function addNoOverlapRule(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
  db: Kysely<any>,
  dialect: DialectName,
  rule: { name: string; table: string; key: string; start: string; end: string; when: string },
): Promise<void> {
  const { name, table, key, start, end, when } = rule;
  if (dialect === "postgres") {
    await sql`create extension if not exists btree_gist`.execute(db);
    await sql
      .raw(
        `alter table ${table} add constraint ${name} exclude using gist (${key} with =, int8range(${start}, ${end}) with &&) where (${when})`,
      )
      .execute(db);
    return;
  }
  const newWhen = when.replace(/(\w+)\s*=/g, "new.$1 =");
  for (const event of ["insert", "update"]) {
    await sql
      .raw(
        `create trigger ${name}_${event} before ${event} on ${table}
        when ${newWhen} and exists (
          select 1 from ${table} o where o.${key} = new.${key} and o.${when.replace(/(\w+)\s*=/g, "$1 =")}
            and o.id <> new.id and o.${start} < new.${end} and o.${end} > new.${start})
        begin select raise(abort, '${name}'); end`,
      )
      .execute(db);
  }
}

/** Text PostgreSQL refuses to store (a NUL character); SQLite keeps it. Bad input, never a bug. */
export function isUnstorableText(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "22021" || code === "22P05";
}

export function isOverlapViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === "23P01" || (typeof message === "string" && /_no_overlap\b/.test(message) && code !== "23505")
  );
}

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * The schema Kysely's migrator should keep its own tables in. Left unnamed, it looks for them in every
 * schema of a PostgreSQL database, finds another schema's (each test run has its own), skips creating
 * them, and then fails to reach them through the search path.
 */
export async function migrationSchema(db: Db): Promise<string | undefined> {
  if (db.dialect !== "postgres") return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db.kysely);
  return rows[0]?.schema ?? undefined;
}

/** Reachability probe for /healthz. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}

/**
 * A schema of its own on a shared database (tests, benchmarks). Extensions belong to the database
 * but live in the schema current when they were created: btree_gist created by the first schema's
 * migration would live in that schema, and dropping it (`cascade`) would drop the exclusion
 * constraints of every other schema with it, taking their tables' locks as it goes (a deadlock
 * with whoever uses them). So the extensions our migrations use are kept in `public`, created there
 * first, or moved there, once per database, under an advisory lock (several processes start at once).
 */
export async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock(hashtext('handoff: extensions'))");
    await client.query("create extension if not exists btree_gist with schema public");
    const { rows } = await client.query<{ schema: string }>(
      "select extnamespace::regnamespace::text as schema from pg_extension where extname = 'btree_gist'",
    );
    if (rows[0]?.schema !== "public") await client.query("alter extension btree_gist set schema public");
    await client.query("commit");
    await client.query(`create schema if not exists "${schema}"`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** `column LIKE pattern` with backslash as the escape character on both databases (SQLite has none by default). */
export function like(
  column: string,
  pattern: string,
  options: { lower?: boolean } = {},
): RawBuilder<SqlBool> {
  const target = options.lower ? sql`lower(${sql.ref(column)})` : sql.ref(column);
  return sql<SqlBool>`${target} like ${pattern} escape '\\'`;
}

/** Makes user text match literally inside a LIKE pattern. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One row of groupPercentiles: a group's (or with `total` 1, a stage's) count, median and 90th percentile. */
export interface PercentileRow {
  k: string | null;
  c: string | null;
  s: string;
  total: number;
  n: number;
  median: number;
  p90: number;
}

/**
 * Per group of `source` (a subquery with columns `k`, `c`, a stage `s` and a non-null number `v`), and per
 * stage over all groups (the rows with `total` 1): how many values, their median and 90th percentile,
 * interpolated between the two nearest values as PostgreSQL's percentile_cont does (position
 * p·(n − 1)), so both databases agree exactly. PostgreSQL: percentile_cont over grouping sets; SQLite:
 * each group's values numbered in order (a window), once per group and once per stage. With `totals`
 * false, only the groups (the per-stage rows sort every value once more).
 */
export function groupPercentiles(
  dialect: DialectName,
  source: RawBuilder<unknown>,
  options: { totals?: boolean } = {},
): RawBuilder<PercentileRow> {
  const totals = options.totals ?? true;
  if (dialect === "postgres") {
    return sql`select k, c, s, ${totals ? sql`case when grouping(k, c) = 0 then 0 else 1 end` : sql`0`} as total,
      count(*) as n,
      percentile_cont(0.5) within group (order by v::double precision) as median,
      percentile_cont(0.9) within group (order by v::double precision) as p90
      from (${source}) src group by ${totals ? sql`grouping sets ((k, c, s), (s))` : sql`k, c, s`}`;
  }
  const at = (p: string) => {
    const lo = `cast(${p} * (cnt - 1) as integer)`;
    const first = `max(case when i = ${lo} + 1 then v end)`;
    const second = `coalesce(max(case when i = ${lo} + 2 then v end), ${first})`;
    return sql.raw(
      `${first} + (${second} - ${first}) * (${p} * (max(cnt) - 1) - cast(${p} * (max(cnt) - 1) as integer))`,
    );
  };
  const ranked = (keys: RawBuilder<unknown>, partition: RawBuilder<unknown>, total: number) =>
    sql`select ${keys}, s, ${sql.lit(total)} as total, max(cnt) as n, ${at("0.5")} as median, ${at("0.9")} as p90
    from (
      select k, c, s, cast(v as real) as v, row_number() over (${partition} order by v) as i,
        count(*) over (${partition}) as cnt
      from (${source}) src
    ) o`;
  const groups = sql<PercentileRow>`${ranked(sql`k, c`, sql`partition by k, c, s`, 0)} group by k, c, s`;
  return totals
    ? sql<PercentileRow>`${groups} union all ${ranked(sql`null as k, null as c`, sql`partition by s`, 1)} group by s`
    : groups;
}
