/**
 * describeEachDatabase: runs one integration suite on SQLite and on PostgreSQL, each test on a
 * fresh SQLite file or a fresh PostgreSQL database, through the real HTTP app.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import pino from "pino";
import { afterAll, afterEach, beforeEach, describe } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { type Config, loadConfig, loadTestConfig } from "../../src/config.js";
import { type Clock, type Context, createContext } from "../../src/context.js";
import { createSchema, type DialectName, openDatabase } from "../../src/db/dialect.js";
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
 * Each PostgreSQL test gets a database of its own, copied from a template migrated once per test
 * file: `create database … template` takes about 50 ms where creating and migrating a schema took
 * most of a second, which was half of the suite. The template holds the migrated schema TEST_SCHEMA
 * (a named schema, as a deployment sharing a database would use). The next test's database is copied
 * while a test runs (one copy at a time: a template is copied only while nobody is connected to it).
 * The used ones are dropped together after the file's last test, not one after each test: PostgreSQL
 * takes a checkpoint for every dropped database, which under other writes costs seconds.
 */
const TEST_SCHEMA = "handoff";
let queue: Promise<unknown> = Promise.resolve();
let template: Promise<string> | undefined;
let next: Promise<string> | undefined;
const used: string[] = [];

function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

/** The URL of database `name` on the server of `url`. */
function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on the server of `url`, outside any transaction (create and drop database need that). */
async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function migratedTemplate(url: string): Promise<string> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_template`;
  await onServer(url, `create database "${name}"`);
  const templateUrl = databaseUrl(url, name);
  await createSchema(templateUrl, TEST_SCHEMA);
  const db = openDatabase(templateUrl, { schema: TEST_SCHEMA, poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.close();
  }
  return name;
}

async function copiedDatabase(url: string): Promise<string> {
  template ??= migratedTemplate(url);
  const from = await template;
  counter += 1;
  const name = `t_${process.pid}_${counter}_${Date.now().toString(36)}`;
  await onServer(url, `create database "${name}" template "${from}"`);
  return name;
}

/**
 * Drops a used database once its sessions are gone: a closed pool resolves before its sockets have
 * closed, and a session PostgreSQL terminates (`with (force)`) while its client is still closing raises
 * an error in this process. Force is the last resort, for a session that outlives a test.
 */
async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let wait = 0; wait < 50; wait++) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = $1",
        [name],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** A fresh migrated database, once no database work is running. */
async function takeDatabase(url: string): Promise<string> {
  const name = await (next ?? enqueue(() => copiedDatabase(url)));
  next = undefined;
  await queue;
  return name;
}

/** Starts copying the next test's database. */
function prepareNext(url: string): void {
  next = enqueue(() => copiedDatabase(url));
  // A failure is reported by the test that takes this database, not as an unhandled rejection now.
  next.catch(() => undefined);
}

/** Databases dropped at once: each drop waits for a checkpoint, and drops waiting together share one. */
const DROPS_AT_ONCE = 8;

async function dropLeftovers(url: string): Promise<void> {
  const left = next;
  next = undefined;
  await queue;
  if (left) used.push(await left);
  const made = template;
  template = undefined;
  const names = [...used.splice(0), ...(made ? [await made] : [])];
  for (let i = 0; i < names.length; i += DROPS_AT_ONCE) {
    await Promise.all(names.slice(i, i + DROPS_AT_ONCE).map((name) => dropDatabase(url, name)));
  }
}

/**
 * How long the drops after a file's last test may take: a checkpoint while other files write (or
 * anything else on the machine does) can take many seconds.
 */
const DROP_LEFTOVERS_MS = 300_000;

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
  const server = loadTestConfig().postgresUrl;
  const name = await takeDatabase(server);
  const schema = TEST_SCHEMA;
  // Processes sharing a PostgreSQL share a key only the operator can give them (HANDOFF_SECRET_KEY).
  const config: Config = {
    ...base,
    databaseUrl: databaseUrl(server, name),
    secretKey: "the test suite's key for TOTP secrets",
  };
  const ctx = await createContext(config, { clock, log, open: { schema, poolSize: 4 } });
  prepareNext(server);
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
      used.push(name);
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
      if (dialect === "postgres")
        afterAll(() => dropLeftovers(loadTestConfig().postgresUrl), DROP_LEFTOVERS_MS);
      suite(() => {
        if (!current) throw new Error("the test database is not open");
        return current.env;
      });
    });
  }
}
