/**
 * Several schemas on one PostgreSQL database (the test suite's, the benchmarks'): dropping one must
 * leave the others whole. Extensions are the trap: they live in one schema but serve all of them.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { loadTestConfig } from "../../src/config.js";
import { createSchema, dropSchema, openDatabase } from "../../src/db/dialect.js";
import { migrateToLatest } from "../../src/db/migrate.js";

const config = loadTestConfig();

async function query<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: config.postgresUrl });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const extensionSchema = async () =>
  (
    await query<{ schema: string }>(
      "select extnamespace::regnamespace::text as schema from pg_extension where extname = 'btree_gist'",
    )
  )[0]?.schema;

async function migrated(name: string): Promise<void> {
  await createSchema(config.postgresUrl, name);
  const db = openDatabase(config.postgresUrl, { schema: name, poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.close();
  }
}

describe.runIf(config.databases.includes("postgres"))("schemas sharing a PostgreSQL database", () => {
  it("keeps btree_gist in public, so dropping one schema leaves another's no-overlap rule", async () => {
    const stamp = `${process.pid}_${Date.now().toString(36)}`;
    const first = `t_first_${stamp}`;
    const second = `t_second_${stamp}`;
    await migrated(first);
    // As a database set up before this rule would have it: the extension in the first schema made.
    await query(`alter extension btree_gist set schema "${first}"`);
    try {
      await migrated(second);
      expect(await extensionSchema()).toBe("public");
      await dropSchema(config.postgresUrl, first);
      const rules = await query<{ conname: string }>(
        `select conname from pg_constraint c join pg_namespace n on n.oid = c.connamespace
         where n.nspname = '${second}' and c.contype = 'x'`,
      );
      expect(rules.length).toBeGreaterThan(0);
    } finally {
      if ((await extensionSchema()) !== "public") await query("alter extension btree_gist set schema public");
      await dropSchema(config.postgresUrl, first);
      await dropSchema(config.postgresUrl, second);
    }
  });
});
