/**
 * `npm run bench -- intake`: POST /api/v1/intake under load (autocannon, 10 connections, and evenly
 * spaced requests at BENCH_RATE a second for latency; a unique Idempotency-Key per request) against
 * SQLite and PostgreSQL, side by side with a bare Fastify route that does the same writes (the
 * contact, its first stage, the idempotency key, its timeline entry, its audit entry and its 13
 * match keys, in one transaction) without authentication, validation, normalisation, duplicate
 * scoring or webhooks. The ratio says what the product's intake costs over the bare minimum. For
 * comparison with earlier runs, the bare route that wrote only the first four of those rows
 * (contact, idempotency key, timeline, audit) is measured too. On PostgreSQL the machine's floor
 * is measured at the same rate: node:http and pg alone writing the bare route's rows in one round
 * trip (bench/intake-bare.ts, floorServer); no route doing those writes answers sooner here, so a
 * floor p99 above a target says the machine, not the intake, misses it.
 *
 * Each server runs as deployed, in a process of its own: the product is `handoff serve` itself
 * (bin/handoff.js, with its sweeper and outbox), the bare routes another process
 * (bench/intake-bare.ts), the load generator a third (bench/intake-load.ts); this process only
 * prepares the database, starts them and prints. Both servers carry bench/intake-probe.ts, which
 * reports their CPU time, statements, event-loop delay and GC pauses for each load.
 *
 * BENCH_SECONDS (default 10) per case; BENCH_PG_URL (default the test server); BENCH_DB=sqlite or
 * postgres for one database only; BENCH_SERVE_NODE_OPTIONS adds Node options to the product's
 * server process (e.g. "--max-semi-space-size=32", to try a heap setting; "--trace-gc-nvp" with
 * BENCH_SERVE_STDOUT=file, which keeps what the product's process prints). The product's process
 * inherits this one's environment: HANDOFF_SWEEP_SECONDS moves its sweeps (every 60 s by default).
 *
 * Placement on the cores (the bench, the servers and PostgreSQL share them): BENCH_LOAD_CPUS pins
 * the load generator to those CPUs (a taskset list, e.g. "1"), BENCH_SERVER_CPUS pins both server
 * processes, BENCH_LOAD_NICE runs the generator at that nice value.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import pino from "pino";
import { loadConfig, loadTestConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { createApiKey } from "../src/services/api-keys.js";
import { createOrganisation } from "../src/services/save-organisation.js";
import { createUser } from "../src/services/save-user.js";
import type { BareListening } from "./intake-bare.js";
import type { Figures, Load } from "./intake-load.js";
import type { ProbeAnswer, Probed, ProbeRequest } from "./intake-probe.js";
import { table } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

/** Latency is measured at this steady rate ("hundreds of intakes per second"), not at saturation. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
/** Each load's requests are numbered from a multiple of this, so no two loads send the same person. */
const PER_LOAD = 100_000;
let loads = 0;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROBE = pathToFileURL(join(ROOT, "bench/intake-probe.ts")).href;
const SERVE_NODE_OPTIONS = (process.env.BENCH_SERVE_NODE_OPTIONS ?? "").split(" ").filter(Boolean);
const LOAD_CPUS = process.env.BENCH_LOAD_CPUS;
const SERVER_CPUS = process.env.BENCH_SERVER_CPUS;
const LOAD_NICE = process.env.BENCH_LOAD_NICE ? Number(process.env.BENCH_LOAD_NICE) : undefined;

/** Pins a process, every thread it has and (by inheritance) every one it starts, to these CPUs. */
function pin(child: ChildProcess, cpus: string | undefined): void {
  if (cpus === undefined || child.pid === undefined) return;
  execFileSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(child.pid)], {
    stdio: "ignore",
  });
}

/** A server process under test, and the PostgreSQL backends serving it (by application_name). */
interface Server {
  child: ChildProcess;
  /** The URL loads are sent to. */
  url: string;
  application: string;
  /** When it was listening (performance.now()): its sweeper first runs a minute later, then every minute. */
  startedAt: number;
}

/**
 * What a route cost: the load's figures, what the server's probe saw during it, per request where
 * it says so, and the CPU time of the PostgreSQL backends serving that server per request (0 on SQLite).
 */
interface Measured extends Figures {
  cpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  statementsPerRequest: number;
  probed: Probed;
  /** Seconds from the server's start to the load's start. */
  since: number;
  /** What PostgreSQL did meanwhile besides serving (null on SQLite). */
  cluster: ClusterActivity | null;
  /**
   * Share of the load's time in which some runnable task of the machine waited for a CPU (Linux
   * pressure stall information, /proc/pressure/cpu "some"; null where the kernel has none).
   */
  cpuPressure: number | null;
}

/** Microseconds in which some runnable task waited for a CPU, since boot (null without PSI). */
function cpuWaited(): number | null {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    return some ? Number(some[1]) : null;
  } catch {
    return null;
  }
}

/** The cluster's own work during a load: checkpoints (and their write and sync time), autovacuum and autoanalyze runs. */
interface ClusterActivity {
  checkpoints: number;
  checkpointMs: number;
  autovacuums: number;
}

/** Reads the cluster's counters (null on SQLite). */
let clusterCounters: (() => Promise<ClusterActivity>) | null = null;

/** The sweeps `handoff serve` starts in a load: every HANDOFF_SWEEP_SECONDS from its start. */
const SWEEP_SECONDS = Number(process.env.HANDOFF_SWEEP_SECONDS ?? 60);
function sweepsIn(m: Measured, seconds: number): number {
  return Math.floor((m.since + seconds) / SWEEP_SECONDS) - Math.floor(m.since / SWEEP_SECONDS);
}

/** Asks a server's probe (bench/intake-probe.ts) and waits for its answer. */
function ask(child: ChildProcess, request: ProbeRequest): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!message || typeof message !== "object" || !("probe" in message)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as ProbeAnswer);
    };
    const onExit = (code: number | null) => reject(new Error(`a server exited (${code}) during the bench`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(request);
  });
}

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

/** The PostgreSQL backends of a server's pool (null on SQLite). */
let backendsOf: ((application: string) => Promise<number[]>) | null = null;

/**
 * Sends a load from a child process (bench/intake-load.ts) to a server, with the server's probe
 * reset before and read after.
 */
async function load(
  server: Server,
  path: string,
  headers: Record<string, string>,
  rate?: number,
  seconds = SECONDS,
) {
  loads += 1;
  const request: Load = {
    url: `${server.url}${path}`,
    headers,
    connections: CONNECTIONS,
    seconds,
    first: loads * PER_LOAD,
    ...(rate ? { rate } : {}),
  };
  const generator = fork(join(ROOT, "bench/intake-load.ts"), [], { execArgv: ["--import", "tsx"] });
  // The generator's start-up (tsx, autocannon) falls outside the measurement.
  await new Promise<void>((resolve) => generator.once("spawn", () => resolve()));
  pin(generator, LOAD_CPUS);
  if (LOAD_NICE !== undefined && generator.pid !== undefined) setPriority(generator.pid, LOAD_NICE);
  const before = backendsOf ? cpuOf(await backendsOf(server.application)) : new Map<number, number>();
  const clusterBefore = await clusterCounters?.();
  await ask(server.child, { probe: "reset" });
  const since = (performance.now() - server.startedAt) / 1000;
  const waitedBefore = cpuWaited();
  const loadStarted = performance.now();
  const figures = await new Promise<Figures>((resolve, reject) => {
    generator.once("message", (message) => resolve(message as Figures));
    generator.once("exit", (code) => reject(new Error(`the load generator exited with ${code}`)));
    generator.send(request);
  });
  const waitedAfter = cpuWaited();
  const cpuPressure =
    waitedBefore === null || waitedAfter === null
      ? null
      : (waitedAfter - waitedBefore) / 1000 / (performance.now() - loadStarted);
  const answer = await ask(server.child, { probe: "read" });
  if (answer.probe !== "figures") throw new Error("the probe answered out of turn");
  const probed = answer.figures;
  let dbCpu = 0;
  if (backendsOf) {
    for (const [pid, ms] of cpuOf(await backendsOf(server.application))) dbCpu += ms - (before.get(pid) ?? 0);
  }
  const clusterAfter = await clusterCounters?.();
  const cluster =
    clusterBefore && clusterAfter
      ? {
          checkpoints: clusterAfter.checkpoints - clusterBefore.checkpoints,
          checkpointMs: clusterAfter.checkpointMs - clusterBefore.checkpointMs,
          autovacuums: clusterAfter.autovacuums - clusterBefore.autovacuums,
        }
      : null;
  const requests = Math.max(1, figures.rps * seconds);
  return {
    cluster,
    cpuPressure,
    ...figures,
    cpuMsPerRequest: probed.cpuMs / requests,
    dbCpuMsPerRequest: dbCpu / requests,
    statementsPerRequest: probed.statements / requests,
    probed,
    since,
  } satisfies Measured;
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
    max: Math.max(...parts.map((p) => p.max)),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    generator: parts[0]!.generator,
    cpuMsPerRequest: mean((p) => p.cpuMsPerRequest),
    dbCpuMsPerRequest: mean((p) => p.dbCpuMsPerRequest),
    statementsPerRequest: mean((p) => p.statementsPerRequest),
    probed: parts[0]!.probed,
    since: parts[0]!.since,
    cluster: parts[0]!.cluster,
    cpuPressure: parts[0]!.cpuPressure,
  };
}

/** Resolves with the server once the child has said where it listens; rejects if it exits first. */
function listening(
  child: ChildProcess,
  application: string,
  urlIn: (child: ChildProcess) => Promise<string>,
) {
  return new Promise<Server>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a server exited (${code}) while starting`));
    child.once("exit", onExit);
    urlIn(child).then((url) => {
      child.off("exit", onExit);
      resolve({ child, url, application, startedAt: performance.now() });
    }, reject);
  });
}

/**
 * `handoff serve` on the database, with the probe loaded before it. LOG_LEVEL=warn: a deployment
 * that logs every request at "info" measures its log, not its intake; HANDOFF_RATE_LIMIT=0: the
 * load comes from one address.
 */
function startProduct(databaseUrl: string, application: string): Promise<Server> {
  const child = fork(
    join(ROOT, "bin/handoff.js"),
    ["serve", "--db", withApplication(databaseUrl, application), "--port", "0"],
    {
      cwd: ROOT,
      execArgv: ["--import", "tsx", "--import", PROBE, ...SERVE_NODE_OPTIONS],
      env: { ...process.env, LOG_LEVEL: "warn", HANDOFF_RATE_LIMIT: "0" },
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  pin(child, SERVER_CPUS);
  return listening(
    child,
    application,
    (c) =>
      new Promise((resolve) => {
        let out = "";
        c.stdout?.on("data", (chunk: Buffer) => {
          if (process.env.BENCH_SERVE_STDOUT) appendFileSync(process.env.BENCH_SERVE_STDOUT, chunk);
          out += chunk.toString();
          // serve prints localhost, which Node may resolve to ::1 where it does not listen.
          const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
          if (url) resolve(url.replace("//localhost", "//127.0.0.1"));
        });
      }),
  );
}

/** The bare routes (bench/intake-bare.ts) in a process of their own. */
async function startBare(databaseUrl: string, application: string, organisationId: string) {
  const child = fork(
    join(ROOT, "bench/intake-bare.ts"),
    [withApplication(databaseUrl, application), organisationId],
    { execArgv: ["--import", "tsx"] },
  );
  pin(child, SERVER_CPUS);
  const urls = await new Promise<BareListening>((resolve, reject) => {
    child.once("message", (message) => resolve(message as BareListening));
    child.once("exit", (code) => reject(new Error(`the bare server exited (${code}) while starting`)));
  });
  const startedAt = performance.now();
  return {
    bare: { child, url: urls.url, application, startedAt },
    bareFour: { child, url: urls.urlFour, application, startedAt },
    floor: urls.urlFloor ? { child, url: urls.urlFloor, application, startedAt } : null,
  };
}

/** On PostgreSQL, names the server's connections, so that its backends can be told apart. */
function withApplication(databaseUrl: string, application: string): string {
  if (!databaseUrl.startsWith("postgres")) return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.set("application_name", application);
  return url.toString();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Creates the organisation, its admin and an intake API key; returns the organisation's id and the key. */
async function prepare(databaseUrl: string): Promise<{ organisationId: string; key: string }> {
  const config = { ...loadConfig({ db: databaseUrl }, {}), logLevel: "silent" as const };
  const ctx = await createContext(config, { log: pino({ level: "silent" }) });
  try {
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
    return { organisationId: org.value.id, key: issued.value.key };
  } finally {
    await ctx.db.close();
  }
}

async function measure(label: string, databaseUrl: string) {
  const loadBefore = loadavg()[0] ?? 0;
  const { organisationId, key } = await prepare(databaseUrl);
  const lister = databaseUrl.startsWith("postgres") ? new pg.Client({ connectionString: databaseUrl }) : null;
  if (lister) {
    // A client of its own, so that listing the backends is not counted against a server's.
    await lister.connect();
    backendsOf = async (application) =>
      (
        await lister.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [
          application,
        ])
      ).rows.map((row) => row.pid);
    clusterCounters = async () => {
      const { rows } = await lister.query<{ checkpoints: string; ms: string; autovacuums: string }>(
        `select (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter) as checkpoints,
           (select checkpoint_write_time + checkpoint_sync_time from pg_stat_bgwriter) as ms,
           (select coalesce(sum(autovacuum_count + autoanalyze_count), 0) from pg_stat_user_tables) as autovacuums`,
      );
      const row = rows[0]!;
      return {
        checkpoints: Number(row.checkpoints),
        checkpointMs: Number(row.ms),
        autovacuums: Number(row.autovacuums),
      };
    };
  }
  const product = await startProduct(databaseUrl, `bench_intake_product_${process.pid}`);
  const { bare, bareFour, floor } = await startBare(
    databaseUrl,
    `bench_intake_bare_${process.pid}`,
    organisationId,
  );
  try {
    const auth = { authorization: `Bearer ${key}` };
    const intake = "/api/v1/intake";
    // Warm both (JIT, the gazetteer, connection pools) before measuring.
    await load(product, intake, auth).catch(() => undefined);
    await load(bare, "/bare", {}, undefined, Math.max(1, SECONDS / 2)).catch(() => undefined);
    // Throughput in alternating slices, so that a change in the machine's load (it is shared) falls on
    // every route alike rather than on whichever ran during it.
    const slices: Record<"product" | "baseline" | "baselineFour", Measured[]> = {
      product: [],
      baseline: [],
      baselineFour: [],
    };
    const slice = Math.max(1, SECONDS / SLICES);
    for (let i = 0; i < SLICES; i++) {
      slices.product.push(await load(product, intake, auth, undefined, slice));
      slices.baseline.push(await load(bare, "/bare", {}, undefined, slice));
      slices.baselineFour.push(await load(bareFour, "/bare", {}, undefined, slice));
    }
    const productAtRate = await load(product, intake, auth, RATE);
    const baselineAtRate = await load(bare, "/bare", {}, RATE);
    let floorAtRate: Measured | null = null;
    if (floor) {
      await load(floor, "/", {}, undefined, Math.max(1, SECONDS / 2)).catch(() => undefined);
      floorAtRate = await load(floor, "/", {}, RATE);
    }
    const loadAverage = `${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}`;
    return {
      label,
      product: together(slices.product),
      baseline: together(slices.baseline),
      baselineFour: together(slices.baselineFour),
      productAtRate,
      baselineAtRate,
      floorAtRate,
      loadAverage,
    };
  } finally {
    await stop(product.child);
    await stop(bare.child);
    await lister?.end();
    backendsOf = null;
    clusterCounters = null;
  }
}

const dir = mkdtempSync(join(tmpdir(), "handoff-bench-intake-"));
const results = [];
/** BENCH_DB=sqlite or postgres measures that database alone. */
const only = process.env.BENCH_DB;
try {
  if (only !== "postgres") results.push(await measure("SQLite", join(dir, "intake.db")));
  if (only !== "sqlite") {
    // A database of its own: `handoff serve` takes a URL, not a schema.
    const base = process.env.BENCH_PG_URL ?? loadTestConfig().postgresUrl;
    const name = `bench_intake_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(base);
      url.pathname = `/${name}`;
      results.push(await measure("PostgreSQL", url.toString()));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (n: number) => n.toFixed(n < 10 ? 2 : 0);
const g = (n: number) => n.toFixed(1);
/** The group commit's batches (none in the bare server): mean size, units' wait, batches' time. */
function batchColumns(batches: Probed["batches"]): string[] {
  if (batches.count === 0) return ["—", "—", "—"];
  const spread = (s: Probed["batches"]["ran"]) => `${g(s.p50Ms)} / ${g(s.p99Ms)} / ${g(s.maxMs)}`;
  return [batches.meanSize.toFixed(2), spread(batches.waited), spread(batches.ran)];
}
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
      `floor p99 @${RATE}/s`,
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
    results.map(
      ({
        label,
        product,
        baseline,
        baselineFour,
        productAtRate,
        baselineAtRate,
        floorAtRate,
        loadAverage,
      }) => [
        label,
        f(product.rps),
        f(baseline.rps),
        (product.rps / baseline.rps).toFixed(2),
        f(productAtRate.p50),
        f(productAtRate.p99),
        f(baselineAtRate.p99),
        floorAtRate ? f(floorAtRate.p99) : "—",
        f(baselineFour.rps),
        (product.rps / baselineFour.rps).toFixed(2),
        product.cpuMsPerRequest.toFixed(2),
        baseline.cpuMsPerRequest.toFixed(2),
        product.dbCpuMsPerRequest.toFixed(2),
        baseline.dbCpuMsPerRequest.toFixed(2),
        product.statementsPerRequest.toFixed(2),
        baseline.statementsPerRequest.toFixed(2),
        String(
          product.errors +
            baseline.errors +
            baselineFour.errors +
            productAtRate.errors +
            baselineAtRate.errors +
            (floorAtRate?.errors ?? 0),
        ),
        loadAverage,
      ],
    ),
  )}\n\nAt ${RATE} requests/s, what each server process did (the tail's attribution):\n\n${table(
    [
      "database",
      "route",
      "p50 ms",
      "p99 ms",
      "max ms",
      "served p50 ms",
      "served p99 ms",
      "served max ms",
      "generator loop p99 / max ms",
      "CPU waited %",
      "batch size",
      "batch wait p50 / p99 / max ms",
      "batch ran p50 / p99 / max ms",
      "loop delay p99 ms",
      "loop delay max ms",
      "scavenges",
      "scavenge ms",
      "mark-compacts",
      "mark-compact ms",
      "longest GC ms",
      "heap MB",
      "CPU ms/req",
      "DB CPU ms/req",
      "from s after start",
      "sweeps",
      "refresh steps / changes / longest ms",
      "checkpoints (ms)",
      "autovacuums",
    ],
    results.flatMap(({ label, productAtRate, baselineAtRate, floorAtRate }) =>
      (
        [
          ["intake", productAtRate],
          ["bare", baselineAtRate],
          ...(floorAtRate ? [["floor", floorAtRate] as const] : []),
        ] as const
      ).map(([route, m]) => [
        label,
        route,
        f(m.p50),
        f(m.p99),
        f(m.max),
        f(m.probed.served.p50Ms),
        f(m.probed.served.p99Ms),
        f(m.probed.served.maxMs),
        `${g(m.generator.loopDelayP99Ms)} / ${g(m.generator.loopDelayMaxMs)}`,
        m.cpuPressure === null ? "—" : (100 * m.cpuPressure).toFixed(0),
        ...batchColumns(m.probed.batches),
        g(m.probed.loopDelayP99Ms),
        g(m.probed.loopDelayMaxMs),
        String(m.probed.scavenges),
        g(m.probed.scavengeMs),
        String(m.probed.markCompacts),
        g(m.probed.markCompactMs),
        g(m.probed.gcMaxMs),
        String(Math.round(m.probed.heapUsedMb)),
        m.cpuMsPerRequest.toFixed(2),
        m.dbCpuMsPerRequest.toFixed(2),
        m.since.toFixed(0),
        route === "intake" ? String(sweepsIn(m, SECONDS)) : "—",
        route === "intake"
          ? `${m.probed.refresh.steps} / ${m.probed.refresh.changes} / ${g(m.probed.refresh.maxMs)}`
          : "—",
        m.cluster ? `${m.cluster.checkpoints} (${Math.round(m.cluster.checkpointMs)})` : "—",
        m.cluster ? String(m.cluster.autovacuums) : "—",
      ]),
    ),
  )}\n\nThroughput: ${CONNECTIONS} connections as fast as the server answers, ${SECONDS} s per route in ${SLICES} slices taken in turn;
latency: ${RATE} requests/s evenly spaced (open loop) for ${SECONDS} s, each timed from when it was due. Each server runs in a
process of its own (the intake in \`handoff serve\`, LOG_LEVEL=warn${SERVE_NODE_OPTIONS.length ? `, node ${SERVE_NODE_OPTIONS.join(" ")}` : ""}), the load generator in a third,
all on the same cores as the database. CPU ms/req is the server process's CPU time per request answered; DB CPU ms/req the
PostgreSQL backends' serving that server (from /proc; not the WAL writer's or checkpointer's); statements/req the queries the
server sent per request; "served" the answers as the server's HTTP layer timed them (headers read to last byte
written), "generator loop" how late the load generator's own event loop ran (its delays count in p50/p99/max); "CPU waited"
the share of the load's time in which some task of the machine was runnable but waited for a CPU (/proc/pressure/cpu); "batch" the
intake's group commit: units a transaction, each unit's wait for its transaction to start, each transaction's time to commit;
loop delay how late the server's event loop ran a timer (monitorEventLoopDelay); GC the pauses its
collector reported (PerformanceObserver "gc"); "from s after start" when the load began, counted from the server's start
(\`handoff serve\` sweeps every ${SWEEP_SECONDS} s from its start, HANDOFF_SWEEP_SECONDS; "sweeps" those begun in the load, "refresh" the
transactions of their report refresh, the changed contacts they counted and the longest of them; the bare
route and the floor never sweep; the floor is node:http and pg writing the bare route's rows in one round trip, on
PostgreSQL only); checkpoints and autovacuums are PostgreSQL's own (pg_stat_bgwriter, autovacuum and autoanalyze runs on the
bench database's tables) during the load.\n`,
);
