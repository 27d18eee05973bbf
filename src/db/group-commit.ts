/**
 * Group commit: units of work that arrive while a transaction is running wait for it, then share
 * the next one, so a burst of small writes (intakes) pays for one BEGIN and one COMMIT, and writes
 * each shared page once, instead of once a unit. Each unit's promise settles only after the
 * transaction holding it has committed: resolved means stored.
 */
import { channel } from "node:diagnostics_channel";
import type { Kysely } from "kysely";
import { type DeferredInserts, deferredInserts } from "./deferred-inserts.js";
import { CommitFailed, type Db, lockedTransaction } from "./dialect.js";
import { type BlockLookup, type FiledBlocks, type KeyLookup, readFiledBlocks } from "./filed-blocks.js";
import type { Database } from "./schema.js";

/**
 * A unit of work. Rows it adds to `deferred` are written with those of the other units of its
 * transaction, before the COMMIT; a unit that reads rows an earlier unit deferred flushes them first.
 * `blocks` holds the duplicate blocks every unit of the transaction named (RunOptions.blocks), read
 * once for all of them; a unit keeps it up to date with what it files (src/db/filed-blocks.ts).
 */
export type Work<T> = (trx: Kysely<Database>, deferred: DeferredInserts, blocks: FiledBlocks) => Promise<T>;

export interface RunOptions {
  /**
   * Names to lock (lockNames in src/db/dialect.ts) before the unit reads anything: the names of
   * every unit of a transaction are locked together, in one fixed order, when it begins.
   */
  locks?: readonly string[];
  /**
   * Duplicate blocks the unit will read: those of every unit of a transaction are read in one
   * query once its locks are held, so a batch reads them in one round trip instead of one a unit.
   */
  blocks?: readonly BlockLookup[];
  /** An Idempotency-Key the unit claims: read with the blocks (FiledBlocks.seenKey). */
  key?: KeyLookup;
  /** The unit's organisation, whose active webhooks are read with the blocks (FiledBlocks.webhooks). */
  organisationId?: string;
}

export interface GroupCommit {
  /**
   * Runs `work` in a transaction, perhaps beside other units. `work` may run more than once (a
   * failed batch is rolled back and each unit runs again alone), so it must do nothing outside the
   * transaction that cannot be repeated.
   */
  run<T>(work: Work<T>, options?: RunOptions): Promise<T>;
}

export interface GroupCommitOptions {
  /** Most units in one transaction. */
  maxBatch: number;
  /** Most transactions open at once: 1 for SQLite's single writer; a few for PostgreSQL. */
  concurrency: number;
}

/**
 * Each batch, once settled, is published here (a GroupCommitBatch) when anyone subscribes, so that a
 * server's probe can tell the time a request waited for a transaction from the transaction's own.
 */
export const groupCommitBatches = channel("handoff:group-commit");

export interface GroupCommitBatch {
  /** Units in the batch. */
  size: number;
  /** Each unit's wait, from its run() to its batch's start (ms). */
  waitedMs: number[];
  /** The batch from its start to its settling, commit included (ms). */
  ranMs: number;
}

interface Unit {
  work: Work<unknown>;
  /** When run() queued it (performance.now()). */
  queuedAt: number;
  locks: readonly string[];
  blocks: readonly BlockLookup[];
  key: KeyLookup | undefined;
  organisationId: string | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function groupCommit(db: Db, options: GroupCommitOptions): GroupCommit {
  const queue: Unit[] = [];
  let open = 0;
  let scheduled = false;

  /**
   * Starts batches once the requests already readable have had their turn (setImmediate runs after
   * the event loop's I/O callbacks): on SQLite a transaction runs from start to commit without
   * yielding to I/O, so the units that arrive together are those queued in one turn of the loop.
   */
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (open < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      const startedAt = performance.now();
      open += 1;
      void runBatch(batch).finally(() => {
        open -= 1;
        if (groupCommitBatches.hasSubscribers) {
          groupCommitBatches.publish({
            size: batch.length,
            waitedMs: batch.map((unit) => startedAt - unit.queuedAt),
            ranMs: performance.now() - startedAt,
          } satisfies GroupCommitBatch);
        }
        schedule();
      });
    }
  }

  /** Runs the units in one transaction: their locks, then their first reads in one query, then each unit. */
  function inTransaction(units: readonly Unit[]): Promise<unknown[]> {
    const deferred = deferredInserts(db.dialect);
    return lockedTransaction(
      db,
      units.flatMap((unit) => unit.locks),
      async (trx) => {
        const blocks = await readFiledBlocks(
          trx,
          db.dialect,
          units.flatMap((unit) => unit.blocks),
          {
            keys: units.flatMap((unit) => (unit.key ? [unit.key] : [])),
            webhooksOf: units.flatMap((unit) => (unit.organisationId ? [unit.organisationId] : [])),
          },
        );
        const results: unknown[] = [];
        for (const unit of units) results.push(await unit.work(trx, deferred, blocks));
        return results;
      },
      // The rows the units left queued are written with the COMMIT.
      () => deferred.take(),
    );
  }

  async function runAlone(unit: Unit): Promise<void> {
    try {
      const [result] = await inTransaction([unit]);
      unit.resolve(result);
    } catch (error) {
      unit.reject(error);
    }
  }

  async function runBatch(batch: Unit[]): Promise<void> {
    if (batch.length === 1) return runAlone(batch[0]!);
    let results: unknown[];
    try {
      results = await inTransaction(batch);
    } catch (error) {
      // Whether a failed COMMIT stored anything is unknown: never run the units again, fail them all.
      if (error instanceof CommitFailed) {
        for (const unit of batch) unit.reject(error);
        return;
      }
      // One unit failed (or the writing of the rows the units deferred), and the transaction with
      // it (PostgreSQL refuses anything after an error): nothing of the batch is stored. Each unit
      // runs again alone, so only the failing one fails, with its own error.
      for (const unit of batch) await runAlone(unit);
      return;
    }
    for (const [i, unit] of batch.entries()) unit.resolve(results[i]);
  }

  return {
    run<T>(work: Work<T>, options: RunOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          work,
          queuedAt: performance.now(),
          locks: options.locks ?? [],
          blocks: options.blocks ?? [],
          key: options.key,
          organisationId: options.organisationId,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule();
      });
    },
  };
}
