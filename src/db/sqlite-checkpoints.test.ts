import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./dialect.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "handoff-checkpoints-"));
  dirs.push(dir);
  return join(dir, "test.db");
}

/** Writes about 8 MB (2,000 pages) in one transaction: twice what SQLite lets the log hold before it checkpoints. */
async function fillLog(db: ReturnType<typeof openDatabase>): Promise<void> {
  await sql`create table filler (id integer primary key, body text)`.execute(db.kysely);
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < 2000; i++)
      await sql`insert into filler (body) values (${"x".repeat(4000)})`.execute(trx);
  });
}

describe("background checkpoints", () => {
  it("copy the log into the database file while no COMMIT checkpoints", async () => {
    const file = tempFile();
    const db = openDatabase(file, { backgroundCheckpoints: true });
    try {
      const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
        db.kysely,
      );
      expect(autocheckpoint.rows[0]?.wal_autocheckpoint).toBe(0);
      await fillLog(db);
      // Only the worker copies pages into the file; it does so within a few of its intervals.
      const deadline = Date.now() + 5_000;
      while (statSync(file).size < 8_000_000 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(statSync(file).size).toBeGreaterThan(8_000_000);
    } finally {
      await db.close();
    }
  });

  it("leave the COMMIT's own checkpoints alone when not asked for", async () => {
    const db = openDatabase(tempFile());
    try {
      const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
        db.kysely,
      );
      expect(autocheckpoint.rows[0]?.wal_autocheckpoint).toBe(1000);
    } finally {
      await db.close();
    }
  });

  it("close with the database, leaving every row readable", async () => {
    const file = tempFile();
    const db = openDatabase(file, { backgroundCheckpoints: true });
    await fillLog(db);
    await db.close();
    const again = openDatabase(file);
    try {
      const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(again.kysely);
      expect(count.rows[0]?.n).toBe(2000);
    } finally {
      await again.close();
    }
  });
});
