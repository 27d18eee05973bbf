/**
 * describeEachDatabase: runs one integration suite on SQLite and on PostgreSQL, each test on a
 * fresh SQLite file or a fresh PostgreSQL schema, through the real HTTP app.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, afterEach, beforeEach, describe } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { type Config, loadConfig, loadTestConfig } from "../../src/config.js";
import { type Clock, type Context, createContext } from "../../src/context.js";
import { createSchema, type DialectName, dropSchema, openDatabase } from "../../src/db/dialect.js";
import { migrateToLatest } from "../../src/db/migrate.js";

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(start = "2026-03-02T09:00:00.000Z"): TestClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface TestEnv {
  dialect: DialectName;
  ctx: Context;
  app: FastifyInstance;
  clock: TestClock;
  /** A second context on the same database, as a second server process would have (with other settings). */
  openSecond(change?: Partial<Config>): Promise<Context>;
}

let counter = 0;

/**
 * Creating and migrating a PostgreSQL schema takes most of a second, and dropping one a quarter:
 * the next test's schema is migrated, and the used ones dropped, while a test runs (PostgreSQL
 * works in its own processes beside the test's). Each test still gets a schema nobody used. That
 * work runs one step at a time, and never while a context opens: Kysely's migrator lists the
 * tables of every schema, which fails when one is dropped meanwhile.
 */
let queue: Promise<unknown> = Promise.resolve();
let next: Promise<string> | undefined;
const used: string[] = [];

function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

async function migratedSchema(url: string): Promise<string> {
  counter += 1;
  const schema = `t_${process.pid}_${counter}_${Date.now().toString(36)}`;
  await createSchema(url, schema);
  const db = openDatabase(url, { schema, poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.close();
  }
  return schema;
}

/** A migrated schema, once no schema work is running. */
async function takeSchema(url: string): Promise<string> {
  const schema = await (next ?? enqueue(() => migratedSchema(url)));
  next = undefined;
  await queue;
  return schema;
}

/** Starts dropping the used schemas and migrating the next test's. */
function prepareNext(url: string): void {
  for (const schema of used.splice(0)) enqueue(() => dropSchema(url, schema));
  next = enqueue(() => migratedSchema(url));
  // A failure is reported by the test that takes this schema, not as an unhandled rejection now.
  next.catch(() => undefined);
}

async function dropLeftovers(url: string): Promise<void> {
  const left = next;
  next = undefined;
  await queue;
  if (left) used.push(await left);
  for (const schema of used.splice(0)) await dropSchema(url, schema);
}

async function openEnv(dialect: DialectName): Promise<{ env: TestEnv; cleanup: () => Promise<void> }> {
  const clock = testClock();
  // Errors only (HANDOFF_TEST_LOG), so that a 500 in a test shows its cause in the test's output.
  const log = pino({ level: loadTestConfig().logLevel });
  // The webhook tests' receivers listen on loopback, which production refuses by default; every test
  // seeds six users, whose argon2id hashes at OWASP's cost would be minutes of the suite.
  const base: Config = { ...loadConfig({}, {}), webhookAllow: ["127.0.0.1"], passwordCost: "fast" };
  const extra: Context[] = [];
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "handoff-test-"));
    const config: Config = { ...base, databaseUrl: join(dir, "test.db") };
    const ctx = await createContext(config, { clock, log });
    const app = await buildApp(ctx);
    const openSecond = async (change: Partial<Config> = {}) => {
      const second = await createContext({ ...config, ...change }, { clock, log });
      extra.push(second);
      return second;
    };
    return {
      env: { dialect, ctx, app, clock, openSecond },
      cleanup: async () => {
        await app.close();
        for (const c of [ctx, ...extra]) await c.db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = loadTestConfig().postgresUrl;
  const schema = await takeSchema(url);
  // Processes sharing a PostgreSQL share a key only the operator can give them (HANDOFF_SECRET_KEY).
  const config: Config = { ...base, databaseUrl: url, secretKey: "the test suite's key for TOTP secrets" };
  const ctx = await createContext(config, { clock, log, open: { schema, poolSize: 4 } });
  prepareNext(url);
  const app = await buildApp(ctx);
  const openSecond = async (change: Partial<Config> = {}) => {
    await queue;
    const second = await createContext(
      { ...config, ...change },
      { clock, log, open: { schema, poolSize: 4 } },
    );
    extra.push(second);
    return second;
  };
  return {
    env: { dialect, ctx, app, clock, openSecond },
    cleanup: async () => {
      await app.close();
      for (const c of [ctx, ...extra]) await c.db.close();
      used.push(schema);
    },
  };
}

/** Declares `suite` once per configured database (HANDOFF_TEST_DB=sqlite|postgres|both). */
export function describeEachDatabase(name: string, suite: (env: () => TestEnv) => void): void {
  for (const dialect of loadTestConfig().databases) {
    describe(`${name} [${dialect}]`, () => {
      let current: { env: TestEnv; cleanup: () => Promise<void> } | undefined;
      beforeEach(async () => {
        current = await openEnv(dialect);
      });
      afterEach(async () => {
        await current?.cleanup();
        current = undefined;
      });
      if (dialect === "postgres") afterAll(() => dropLeftovers(loadTestConfig().postgresUrl));
      suite(() => {
        if (!current) throw new Error("the test database is not open");
        return current.env;
      });
    });
  }
}
