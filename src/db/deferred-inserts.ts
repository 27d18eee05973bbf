/**
 * Rows a transaction writes late: a new contact's rows are gathered while its transaction runs and
 * written as one multi-row insert a table when it ends (or earlier, before a read that needs them),
 * so a group-commit batch of intakes costs one statement (PostgreSQL: insertTogether in
 * src/db/dialect.ts) instead of several per intake. On PostgreSQL each statement is a round trip.
 */
import type { Insertable, Kysely } from "kysely";
import { type DialectName, insertTogether, type PendingInsert } from "./dialect.js";
import type { Database } from "./schema.js";

/** The tables whose rows may wait, in an order that respects their foreign keys (contacts first). */
const TABLES = [
  "contacts",
  "contact_stage_changes",
  "idempotency_keys",
  "activities",
  "audit_log",
  "contact_match_keys",
] as const;

export type DeferredTable = (typeof TABLES)[number];

type Rows = { [T in DeferredTable]: Array<Insertable<Database[T]>> };

/** Rows a statement: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters at our widths. */
const CHUNK = 500;

export interface DeferredInserts {
  /** Queues rows to be inserted at the next flush. */
  add<T extends DeferredTable>(table: T, rows: ReadonlyArray<Insertable<Database[T]>>): void;
  /** The rows queued and not yet written. */
  pending<T extends DeferredTable>(table: T): ReadonlyArray<Insertable<Database[T]>>;
  /** Writes every queued row now, contacts first; nothing is queued afterwards. */
  flush(trx: Kysely<Database>): Promise<void>;
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
    async flush(trx) {
      const queued = rows;
      rows = empty();
      const inserts: PendingInsert[] = [];
      for (const table of TABLES) {
        const all = queued[table];
        for (let start = 0; start < all.length; start += CHUNK) {
          inserts.push(insertOf(trx, table, all.slice(start, start + CHUNK)));
        }
      }
      await insertTogether(trx, dialect, inserts);
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

function insertOf<T extends DeferredTable>(
  trx: Kysely<Database>,
  table: T,
  chunk: ReadonlyArray<Insertable<Database[T]>>,
): PendingInsert {
  // Kysely cannot relate a generic table name to its row type; `chunk` is typed by `table` above.
  const query = trx.insertInto(table).values(chunk as never);
  return {
    // A contact is filed under each key once; the clause keeps a repeat harmless, as insertMatchKeys does.
    query: table === "contact_match_keys" ? query.onConflict((oc) => oc.doNothing()) : query,
    parameters: chunk.length * Object.keys(chunk[0] ?? {}).length,
  };
}
