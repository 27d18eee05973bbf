/**
 * `npm run bench -- intake`: POST /api/v1/intake under load (autocannon in a child process, 10 connections, and
 * evenly spaced requests at BENCH_RATE a second for latency; a unique
 * Idempotency-Key per request) against SQLite and PostgreSQL, side by side with a bare Fastify
 * route that does the same writes (the contact, its first stage, the idempotency key, its timeline
 * entry, its audit entry and its 13 match keys, in one transaction) without authentication,
 * validation, normalisation, duplicate scoring or webhooks. The ratio says what the product's
 * intake costs over the bare minimum. For comparison with earlier runs, the bare route that wrote
 * only the first four of those rows (contact, idempotency key, timeline, audit) is measured too.
 * BENCH_SECONDS (default 10) per case; BENCH_PG_URL (default the test server); BENCH_DB=sqlite or
 * postgres for one database only.
 */
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import pg from "pg";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { buildApp } from "../src/api/app.js";
import { loadConfig, loadTestConfig } from "../src/config.js";
import { type Context, type ContextOptions, createContext } from "../src/context.js";
import { createSchema, dropSchema } from "../src/db/dialect.js";
import { createApiKey } from "../src/services/api-keys.js";
import { createOrganisation } from "../src/services/save-organisation.js";
import { createUser } from "../src/services/save-user.js";
import type { Figures, Load } from "./intake-load.js";
import { table } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

/** Latency is measured at this steady rate ("hundreds of intakes per second"), not at saturation. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
/** Each load's requests are numbered from a multiple of this, so no two loads send the same person. */
const PER_LOAD = 100_000;
let loads = 0;

/**
 * What a route cost: the load's figures, the CPU time this process (the servers) spent per request,
 * the CPU time of the PostgreSQL backends serving this process's pool per request (0 on SQLite), and
 * the statements this process sent to PostgreSQL per request.
 */
interface Measured extends Figures {
  cpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  statementsPerRequest: number;
}

/** Statements sent by this process (every pg client's query calls). */
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** The backends of this process's pool: their application_name is this one (set in the URL). */
const APPLICATION = `bench_intake_${process.pid}`;
let backendsOf: (() => Promise<number[]>) | null = null;
let closeLister: (() => Promise<void>) | null = null;

/** CPU milliseconds (user + system) each of these processes has used so far, from /proc. */
function cpuOf(pids: readonly number[]): Map<number, number> {
  const ticks = 100; // USER_HZ on Linux
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      used.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks);
    } catch {
      // Gone: its CPU time since the last look is lost (the pool keeps its connections under load).
    }
  }
  return used;
}

/**
 * Sends a load from a child process (bench/intake-load.ts): autocannon on the servers' event loop
 * would add its own work to every latency it measures, and take CPU from the servers.
 */
async function load(
  url: string,
  headers: Record<string, string>,
  rate?: number,
  seconds = SECONDS,
): Promise<Measured> {
  loads += 1;
  const request: Load = {
    url,
    headers,
    connections: CONNECTIONS,
    seconds,
    first: loads * PER_LOAD,
    ...(rate ? { rate } : {}),
  };
  const child = fork(fileURLToPath(new URL("./intake-load.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
  });
  const cpu = process.cpuUsage();
  const before = backendsOf ? cpuOf(await backendsOf()) : new Map<number, number>();
  const sent = statements;
  const figures = await new Promise<Figures>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Figures));
    child.once("exit", (code) => reject(new Error(`the load generator exited with ${code}`)));
    child.send(request);
  });
  const used = process.cpuUsage(cpu);
  const requests = Math.max(1, figures.rps * seconds);
  const sentNow = statements - sent;
  let dbCpu = 0;
  if (backendsOf) {
    for (const [pid, ms] of cpuOf(await backendsOf())) dbCpu += ms - (before.get(pid) ?? 0);
  }
  return {
    ...figures,
    cpuMsPerRequest: (used.user + used.system) / 1000 / requests,
    dbCpuMsPerRequest: dbCpu / requests,
    statementsPerRequest: sentNow / requests,
  };
}

/** Throughput slices per route. */
const SLICES = 5;

/** Slices of equal length as one measurement: mean throughput and CPU, errors summed (latencies unused). */
function together(parts: Measured[]): Measured {
  const mean = (of: (p: Measured) => number) => parts.reduce((sum, p) => sum + of(p), 0) / parts.length;
  return {
    rps: mean((p) => p.rps),
    p50: Math.max(...parts.map((p) => p.p50)),
    p99: Math.max(...parts.map((p) => p.p99)),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    cpuMsPerRequest: mean((p) => p.cpuMsPerRequest),
    dbCpuMsPerRequest: mean((p) => p.dbCpuMsPerRequest),
    statementsPerRequest: mean((p) => p.statementsPerRequest),
  };
}

/**
 * The match keys the intake files a bench contact under, in number and shape (its phone and e-mail,
 * each name word, each pair of words alone and with the city, the whole name, the city), made with
 * plain string operations instead of the normalisation the intake does.
 */
function bareMatchKeys(body: { name: string; email: string; phone: string }): string[] {
  const words = body.name.toLowerCase().split(" ");
  const pairs = words.flatMap((a, i) => words.slice(i + 1).map((b) => `${a} ${b}`));
  return [
    `p${body.phone.replace(/\D/g, "")}`,
    `e${body.email}`,
    ...words.map((w) => `t${w}`),
    ...pairs.flatMap((pair) => [`n${pair}`, `cmilan ${pair}`]),
    `f${words.join(" ")}`,
    "ymilan",
  ];
}

/**
 * The rows the intake writes, and nothing else: the contact, its first stage, the idempotency key,
 * the timeline entry, the audit entry and the match keys, in one transaction. With `matchKeys`
 * false, only the first four rows of earlier versions of this benchmark (for comparison).
 */
async function bareServer(ctx: Context, organisationId: string, options: { matchKeys: boolean }) {
  const app = Fastify();
  app.post("/bare", async (request, reply) => {
    const body = request.body as { name: string; email: string; phone: string };
    const key = String(request.headers["idempotency-key"]);
    const now = new Date().toISOString();
    const id = uuidv7();
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto("contacts")
        .values({
          id,
          organisation_id: organisationId,
          display_name: body.name,
          given_name: null,
          family_name: null,
          phones: JSON.stringify([body.phone]),
          emails: JSON.stringify([body.email]),
          gender: null,
          languages: "[]",
          place_name: "Milan",
          region: null,
          country: "IT",
          postal_code: null,
          lat: 45.46,
          lon: 9.19,
          source: "bench",
          campaign: null,
          inbound: 1,
          status: "new",
          status_reason: null,
          progress: "none",
          assigned_worker_id: null,
          search_text: body.name.toLowerCase(),
          created_at: now,
          updated_at: now,
          status_changed_at: now,
          assigned_at: null,
          last_activity_at: now,
          erased_at: null,
          attribution: null,
          call_attempts: 0,
        })
        .execute();
      await trx
        .insertInto("idempotency_keys")
        .values({
          organisation_id: organisationId,
          key: `bare-${key}`,
          request_hash: "-",
          contact_id: id,
          created_at: now,
        })
        .execute();
      await trx
        .insertInto("activities")
        .values({
          id: uuidv7(),
          organisation_id: organisationId,
          contact_id: id,
          kind: "created",
          body: null,
          data: "{}",
          actor_user_id: null,
          created_at: now,
        })
        .execute();
      await trx
        .insertInto("audit_log")
        .values({
          id: uuidv7(),
          organisation_id: organisationId,
          actor_user_id: null,
          action: "contact.create",
          entity: "contact",
          entity_id: id,
          before: null,
          after: "{}",
          ip: null,
          created_at: now,
        })
        .execute();
      if (!options.matchKeys) return;
      await trx
        .insertInto("contact_stage_changes")
        .values({
          id: uuidv7(),
          organisation_id: organisationId,
          contact_id: id,
          status: "new",
          worker_id: null,
          entered_at: now,
        })
        .execute();
      await trx
        .insertInto("contact_match_keys")
        .values(bareMatchKeys(body).map((k) => ({ organisation_id: organisationId, key: k, contact_id: id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
    return reply.code(201).send({ id });
  });
  return app;
}

async function measure(label: string, databaseUrl: string, open: ContextOptions["open"]) {
  const loadBefore = loadavg()[0] ?? 0;
  const config = {
    ...loadConfig({ db: databaseUrl }, {}),
    rateLimitPerMinute: 0,
    logLevel: "silent" as const,
  };
  const ctx = await createContext(config, { log: pino({ level: "silent" }), ...(open ? { open } : {}) });
  if (ctx.db.dialect === "postgres") {
    // A client of its own, so that listing the backends is not counted against the pool's.
    const lister = new pg.Client({ connectionString: databaseUrl });
    await lister.connect();
    backendsOf = async () =>
      (
        await lister.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [
          APPLICATION,
        ])
      ).rows.map((row) => row.pid);
    closeLister = () => lister.end();
  }
  const org = await createOrganisation(ctx, {
    name: "Bench",
    slug: "bench",
    kind: "ministry",
    defaultCountry: "IT",
  });
  if (!org.ok) throw new Error(org.error.message);
  const admin = await createUser(
    ctx,
    { userId: "", organisationId: org.value.id, role: "admin", workerId: null, ip: null },
    {
      email: "admin@bench.example",
      name: "Bench Admin",
      role: "admin",
      password: "bench passphrase 1",
      locale: "en",
      timeZone: "UTC",
    },
  );
  if (!admin.ok) throw new Error(admin.error.message);
  const caller = {
    userId: admin.value.id,
    organisationId: org.value.id,
    role: "admin" as const,
    workerId: null,
    ip: null,
  };
  const issued = await createApiKey(ctx, caller, { name: "bench", scopes: ["intake"] });
  if (!issued.ok) throw new Error(issued.error.message);

  const app = await buildApp(ctx);
  const appUrl = await app.listen({ port: 0, host: "127.0.0.1" });
  const bare = await bareServer(ctx, org.value.id, { matchKeys: true });
  const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });
  const bareFour = await bareServer(ctx, org.value.id, { matchKeys: false });
  const bareFourUrl = await bareFour.listen({ port: 0, host: "127.0.0.1" });
  // Warm both (JIT, the gazetteer, connection pools) before measuring.
  await load(`${appUrl}/api/v1/intake`, { authorization: `Bearer ${issued.value.key}` }).catch(
    () => undefined,
  );
  const auth = { authorization: `Bearer ${issued.value.key}` };
  // Throughput in alternating slices, so that a change in the machine's load (it is shared) falls on
  // every route alike rather than on whichever ran during it.
  const slices: Record<"product" | "baseline" | "baselineFour", Measured[]> = {
    product: [],
    baseline: [],
    baselineFour: [],
  };
  const slice = Math.max(1, SECONDS / SLICES);
  for (let i = 0; i < SLICES; i++) {
    slices.product.push(await load(`${appUrl}/api/v1/intake`, auth, undefined, slice));
    slices.baseline.push(await load(`${bareUrl}/bare`, {}, undefined, slice));
    slices.baselineFour.push(await load(`${bareFourUrl}/bare`, {}, undefined, slice));
  }
  const product = together(slices.product);
  const baseline = together(slices.baseline);
  const baselineFour = together(slices.baselineFour);
  const productAtRate = await load(`${appUrl}/api/v1/intake`, auth, RATE);
  const baselineAtRate = await load(`${bareUrl}/bare`, {}, RATE);
  await app.close();
  await bare.close();
  await bareFour.close();
  await ctx.db.close();
  await closeLister?.();
  backendsOf = null;
  closeLister = null;
  const loadAverage = `${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}`;
  return { label, product, baseline, baselineFour, productAtRate, baselineAtRate, loadAverage };
}

const dir = mkdtempSync(join(tmpdir(), "handoff-bench-intake-"));
const results = [];
/** BENCH_DB=sqlite or postgres measures that database alone. */
const only = process.env.BENCH_DB;
try {
  if (only !== "postgres") results.push(await measure("SQLite", join(dir, "intake.db"), undefined));
  if (only !== "sqlite") {
    const pgUrl = process.env.BENCH_PG_URL ?? loadTestConfig().postgresUrl;
    const schema = `bench_intake_${process.pid}`;
    await createSchema(pgUrl, schema);
    try {
      const url = new URL(pgUrl);
      url.searchParams.set("application_name", APPLICATION);
      results.push(await measure("PostgreSQL", url.toString(), { schema, poolSize: 10 }));
    } finally {
      await dropSchema(pgUrl, schema);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (n: number) => n.toFixed(n < 10 ? 2 : 0);
process.stdout.write(
  `${table(
    [
      "database",
      "intake max req/s",
      "bare max req/s",
      "intake/bare",
      `intake p50 @${RATE}/s`,
      `intake p99 @${RATE}/s`,
      `bare p99 @${RATE}/s`,
      "bare (4 rows) max req/s",
      "intake/bare (4 rows)",
      "intake CPU ms/req",
      "bare CPU ms/req",
      "intake DB CPU ms/req",
      "bare DB CPU ms/req",
      "intake statements/req",
      "bare statements/req",
      "errors",
      "load average",
    ],
    results.map(({ label, product, baseline, baselineFour, productAtRate, baselineAtRate, loadAverage }) => [
      label,
      f(product.rps),
      f(baseline.rps),
      (product.rps / baseline.rps).toFixed(2),
      f(productAtRate.p50),
      f(productAtRate.p99),
      f(baselineAtRate.p99),
      f(baselineFour.rps),
      (product.rps / baselineFour.rps).toFixed(2),
      product.cpuMsPerRequest.toFixed(2),
      baseline.cpuMsPerRequest.toFixed(2),
      product.dbCpuMsPerRequest.toFixed(2),
      baseline.dbCpuMsPerRequest.toFixed(2),
      product.statementsPerRequest.toFixed(2),
      baseline.statementsPerRequest.toFixed(2),
      String(
        product.errors + baseline.errors + baselineFour.errors + productAtRate.errors + baselineAtRate.errors,
      ),
      loadAverage,
    ]),
  )}\n\nThroughput: ${CONNECTIONS} connections as fast as the server answers, ${SECONDS} s per route in ${SLICES} slices taken in turn;\nlatency: ${RATE} requests/s evenly spaced (open loop) for ${SECONDS} s, each timed from when it was due. The load\ngenerators run in a child process, on the same cores as the servers and the database; CPU ms/req is the servers' process's CPU time per request answered; DB CPU ms/req
the PostgreSQL backends' of this process's pool (from /proc; not the WAL writer's or checkpointer's); statements/req the
queries this process sent per request.\n`,
);
