/**
 * Rows a transaction writes late: a new contact's rows are gathered while its transaction runs and
 * written together when it ends (or earlier, before a read that needs them), so a group-commit batch
 * of intakes costs one statement on PostgreSQL (insertTogether in src/db/dialect.ts) instead of
 * several per intake, each a round trip; the statement's text is the same whatever the batch's size.
 */
import type { Insertable, Kysely } from "kysely";
import { type DialectName, insertTogether, type PendingInsert } from "./dialect.js";
import type { Database } from "./schema.js";

/** The tables whose rows may wait, in an order that respects their foreign keys (contacts first). */
export const DEFERRED_TABLES = [
  "contacts",
  "contact_stage_changes",
  "idempotency_keys",
  "activities",
  "audit_log",
  "contact_match_keys",
] as const;

export type DeferredTable = (typeof DEFERRED_TABLES)[number];

type Rows = { [T in DeferredTable]: Array<Insertable<Database[T]>> };

export interface DeferredInserts {
  /** Queues rows to be inserted at the next flush. */
  add<T extends DeferredTable>(table: T, rows: ReadonlyArray<Insertable<Database[T]>>): void;
  /** The rows queued and not yet written. */
  pending<T extends DeferredTable>(table: T): ReadonlyArray<Insertable<Database[T]>>;
  /** Writes every queued row now, contacts first; nothing is queued afterwards. */
  flush(trx: Kysely<Database>): Promise<void>;
  /** Every queued row as inserts in their order, for the caller to write; nothing is queued afterwards. */
  take(): PendingInsert[];
}

export function deferredInserts(dialect: DialectName): DeferredInserts {
  let rows = empty();
  return {
    add(table, more) {
      rows[table].push(...more);
    },
    pending(table) {
      return rows[table];
    },
    take() {
      const queued = rows;
      rows = empty();
      const inserts: PendingInsert[] = [];
      for (const table of DEFERRED_TABLES) inserts.push(...insertsOf(table, queued[table]));
      return inserts;
    },
    async flush(trx) {
      await insertTogether(trx, dialect, this.take());
    },
  };
}

/** Runs `work` with a fresh queue, then writes whatever it left queued: the usual way to use one. */
export async function withDeferredInserts<T>(
  trx: Kysely<Database>,
  dialect: DialectName,
  work: (deferred: DeferredInserts) => Promise<T>,
): Promise<T> {
  const deferred = deferredInserts(dialect);
  const result = await work(deferred);
  await deferred.flush(trx);
  return result;
}

function empty(): Rows {
  return {
    contacts: [],
    contact_stage_changes: [],
    idempotency_keys: [],
    activities: [],
    audit_log: [],
    contact_match_keys: [],
  };
}

/**
 * A table's rows as inserts of one column list each: the columns a row gives a value (a column it
 * leaves out takes its default, as Kysely's insert would give it), rows of the same columns together.
 */
function insertsOf(
  table: DeferredTable,
  all: ReadonlyArray<Readonly<Record<string, unknown>>>,
): PendingInsert[] {
  const byColumns = new Map<string, { columns: string[]; rows: Array<Readonly<Record<string, unknown>>> }>();
  let last: { columns: string[]; rows: Array<Readonly<Record<string, unknown>>> } | undefined;
  for (const row of all) {
    // Rows made by the same code have the same columns: check against the last row's without allocating.
    if (last && hasColumns(row, last.columns)) {
      last.rows.push(row);
      continue;
    }
    const columns = Object.keys(row).filter((column) => row[column] !== undefined);
    const shape = columns.join(",");
    last = byColumns.get(shape);
    if (last) last.rows.push(row);
    else {
      last = { columns, rows: [row] };
      byColumns.set(shape, last);
    }
  }
  // A contact is filed under each key once; the clause keeps a repeat harmless, as insertMatchKeys does.
  const skipConflicts = table === "contact_match_keys";
  return [...byColumns.values()].map(({ columns, rows }) => ({ table, columns, rows, skipConflicts }));
}

/** Whether the row gives a value to exactly these columns. */
function hasColumns(row: Readonly<Record<string, unknown>>, columns: readonly string[]): boolean {
  let given = 0;
  for (const column in row) if (row[column] !== undefined) given += 1;
  return given === columns.length && columns.every((column) => row[column] !== undefined);
}
