/**
 * WAL checkpoints of a SQLite file on a worker thread, for a server: SQLite otherwise checkpoints
 * inside the COMMIT that takes the log past 1,000 pages, copying up to 4 MB into the database file
 * and syncing it while the event loop waits (better-sqlite3 is synchronous). At 200 intakes a second
 * that happened several times a second, and the requests queued behind it made the latency's tail.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the worker checkpoints; the log grows by at most this long's writes in between. */
export const CHECKPOINT_EVERY_MS = 250;

/**
 * The worker, as CommonJS source (a worker does not inherit the loader that runs our TypeScript):
 * its own connection, and a PASSIVE checkpoint every interval, which copies what it can without
 * waiting for, or blocking, the server's reads and writes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Another connection checkpointing at the same moment: the next turn will do it.
    if (error.code !== "SQLITE_BUSY" && error.code !== "SQLITE_LOCKED") throw error;
  }
}, workerData.everyMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Starts checkpointing `file` in the background. `fallBack` runs if the worker fails, so that the
 * connection can checkpoint by itself again rather than let the log grow without end. Returns a
 * function that stops the worker (before the connection closes: the last close checkpoints).
 */
export function checkpointInBackground(
  file: string,
  fallBack: (error: unknown) => void,
  everyMs = CHECKPOINT_EVERY_MS,
): () => Promise<void> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, everyMs, driver: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  let stopping = false;
  let failed = false;
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      if (!stopping && !failed) fallBack(new Error(`the checkpoint worker exited with ${code}`));
      resolve();
    }),
  );
  worker.once("error", (error) => {
    failed = true;
    fallBack(error);
  });
  // A server stops it on close; it never keeps a process alive by itself.
  worker.unref();
  return async () => {
    if (stopping) return;
    stopping = true;
    worker.postMessage("stop");
    await exited;
  };
}
