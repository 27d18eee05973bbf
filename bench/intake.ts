/**
 * `npm run bench -- intake`: POST /api/v1/intake under load (autocannon, 10 connections, a unique
 * Idempotency-Key per request) against SQLite and PostgreSQL, side by side with a bare Fastify
 * route that does the same writes (the contact, its timeline entry, its audit entry and the
 * idempotency key, in one transaction) without authentication, validation, normalisation or
 * webhooks. The ratio says what the product's intake costs over the bare minimum.
 * BENCH_SECONDS (default 10) per case; BENCH_PG_URL (default the test server).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Fastify from "fastify";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { buildApp } from "../src/api/app.js";
import { loadConfig, loadTestConfig } from "../src/config.js";
import { type Context, type ContextOptions, createContext } from "../src/context.js";
import { createSchema, dropSchema } from "../src/db/dialect.js";
import { createApiKey } from "../src/services/api-keys.js";
import { createOrganisation } from "../src/services/save-organisation.js";
import { createUser } from "../src/services/save-user.js";
import { table } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Latency is measured at this steady rate ("hundreds of intakes per second"), not at saturation. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
let sent = 0;

async function load(url: string, headers: Record<string, string>, rate?: number): Promise<Figures> {
  const result = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    headers: { "content-type": "application/json", ...headers },
    requests: [
      {
        setupRequest: (request) => {
          sent += 1;
          const n = sent;
          return {
            ...request,
            headers: { ...request.headers, "idempotency-key": `bench-${process.pid}-${n}` },
            body: JSON.stringify({
              name: `Bench Person ${n}`,
              phone: `+39 333 ${String(1_000_000 + n).slice(-7)}`,
              email: `person${n}@bench.example`,
              city: "Milan",
              country: "IT",
              utm_source: "bench",
            }),
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The same rows the intake writes, and nothing else. */
async function bareServer(ctx: Context, organisationId: string) {
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
    });
    return reply.code(201).send({ id });
  });
  return app;
}

async function measure(label: string, databaseUrl: string, open: ContextOptions["open"]) {
  const config = {
    ...loadConfig({ db: databaseUrl }, {}),
    rateLimitPerMinute: 0,
    logLevel: "silent" as const,
  };
  const ctx = await createContext(config, { log: pino({ level: "silent" }), ...(open ? { open } : {}) });
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
  const bare = await bareServer(ctx, org.value.id);
  const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });
  // Warm both (JIT, the gazetteer, connection pools) before measuring.
  await load(`${appUrl}/api/v1/intake`, { authorization: `Bearer ${issued.value.key}` }).catch(
    () => undefined,
  );
  const auth = { authorization: `Bearer ${issued.value.key}` };
  const product = await load(`${appUrl}/api/v1/intake`, auth);
  const baseline = await load(`${bareUrl}/bare`, {});
  const productAtRate = await load(`${appUrl}/api/v1/intake`, auth, RATE);
  const baselineAtRate = await load(`${bareUrl}/bare`, {}, RATE);
  await app.close();
  await bare.close();
  await ctx.db.close();
  return { label, product, baseline, productAtRate, baselineAtRate };
}

const dir = mkdtempSync(join(tmpdir(), "handoff-bench-intake-"));
const results = [];
try {
  results.push(await measure("SQLite", join(dir, "intake.db"), undefined));
  const pgUrl = process.env.BENCH_PG_URL ?? loadTestConfig().postgresUrl;
  const schema = `bench_intake_${process.pid}`;
  await createSchema(pgUrl, schema);
  try {
    results.push(await measure("PostgreSQL", pgUrl, { schema, poolSize: 10 }));
  } finally {
    await dropSchema(pgUrl, schema);
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
      "errors",
    ],
    results.map(({ label, product, baseline, productAtRate, baselineAtRate }) => [
      label,
      f(product.rps),
      f(baseline.rps),
      (product.rps / baseline.rps).toFixed(2),
      f(productAtRate.p50),
      f(productAtRate.p99),
      f(baselineAtRate.p99),
      String(product.errors + baseline.errors + productAtRate.errors + baselineAtRate.errors),
    ]),
  )}\n\nThroughput: ${CONNECTIONS} connections as fast as the server answers; latency: ${RATE} requests/s in total;\n${SECONDS} s per case; autocannon runs in the same process as the servers, on the same 2 cores.\n`,
);
