/**
 * The intake benchmark's bare route, in a process of its own as a deployed server would be: a Fastify
 * server doing the writes the intake does and nothing else (bench/intake.ts measures the product's
 * intake beside it), and on PostgreSQL the machine's floor (floorServer). Started by the bench with
 * the database and organisation as arguments; prints nothing, answers `{ url, urlFour, urlFloor }`
 * over IPC once listening. Carries the bench's probe
 * (bench/intake-probe.ts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import pg from "pg";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { loadConfig } from "../src/config.js";
import { type Context, createContext } from "../src/context.js";
import { DEFERRED_TABLES } from "../src/db/deferred-inserts.js";
import "./intake-probe.js";

export interface BareListening {
  url: string;
  urlFour: string;
  /** The floor (floorServer), on PostgreSQL only. */
  urlFloor: string | null;
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

/** The rows a bench contact is stored as, table by table, in the order their foreign keys need. */
function bareRows(organisationId: string, body: { name: string; email: string; phone: string }, key: string) {
  const now = new Date().toISOString();
  const id = uuidv7();
  return {
    id,
    contacts: {
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
    },
    idempotency_keys: {
      organisation_id: organisationId,
      key: `bare-${key}`,
      request_hash: "-",
      contact_id: id,
      created_at: now,
    },
    activities: {
      id: uuidv7(),
      organisation_id: organisationId,
      contact_id: id,
      kind: "created",
      body: null,
      data: "{}",
      actor_user_id: null,
      created_at: now,
    },
    audit_log: {
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
    },
    contact_stage_changes: {
      id: uuidv7(),
      organisation_id: organisationId,
      contact_id: id,
      status: "new",
      worker_id: null,
      entered_at: now,
    },
    contact_match_keys: bareMatchKeys(body).map((k) => ({
      organisation_id: organisationId,
      key: k,
      contact_id: id,
    })),
  };
}

/**
 * The rows the intake writes, and nothing else: the contact, its first stage, the idempotency key,
 * the timeline entry, the audit entry and the match keys, in one transaction, a statement each
 * (as Kysely runs a transaction). With `matchKeys` false, only the first four (the route earlier
 * runs measured).
 */
async function bareServer(ctx: Context, organisationId: string, options: { matchKeys: boolean }) {
  const app = Fastify();
  app.post("/bare", async (request, reply) => {
    const rows = bareRows(
      organisationId,
      request.body as { name: string; email: string; phone: string },
      String(request.headers["idempotency-key"]),
    );
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("contacts").values(rows.contacts).execute();
      await trx.insertInto("idempotency_keys").values(rows.idempotency_keys).execute();
      await trx.insertInto("activities").values(rows.activities).execute();
      await trx.insertInto("audit_log").values(rows.audit_log).execute();
      if (!options.matchKeys) return;
      await trx.insertInto("contact_stage_changes").values(rows.contact_stage_changes).execute();
      await trx
        .insertInto("contact_match_keys")
        .values(rows.contact_match_keys)
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
    return reply.code(201).send({ id: rows.id });
  });
  return app;
}

/**
 * The machine's floor, on PostgreSQL: node:http and pg alone (no Fastify, no Kysely, nothing
 * checked), writing the bare route's rows in one round trip: BEGIN, one named statement inserting
 * into the six tables in the order the product's batches write them (DEFERRED_TABLES), each part
 * reading its rows from a JSON parameter as those batches do, and COMMIT, sent together on one
 * connection (pg's pipeline mode). No route doing these writes can answer sooner on the same
 * machine: its p99 is the least the machine allows.
 */
function floorServer(databaseUrl: string, organisationId: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, pipeline: true });
  const parts = DEFERRED_TABLES.map((table, i) => {
    const columns = `select * from json_populate_recordset(null::${table}, $${i + 1}::json)`;
    const conflict = table === "contact_match_keys" ? " on conflict do nothing" : "";
    return `w${i} as (insert into ${table} ${columns}${conflict})`;
  });
  const text = `with ${parts.join(", ")} select 1`;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rows = bareRows(
        organisationId,
        JSON.parse(Buffer.concat(chunks).toString()) as { name: string; email: string; phone: string },
        String(request.headers["idempotency-key"]),
      );
      const values = DEFERRED_TABLES.map((table) => JSON.stringify([rows[table]].flat()));
      void pool.connect().then(async (client) => {
        try {
          await Promise.all([
            client.query("begin"),
            client.query({ name: "floor", text, values }),
            client.query("commit"),
          ]);
          response
            .writeHead(201, { "content-type": "application/json" })
            .end(JSON.stringify({ id: rows.id }));
        } catch (error) {
          response.writeHead(500).end(String(error));
        } finally {
          client.release();
        }
      });
    });
  });
  return {
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

const [databaseUrl, organisationId] = process.argv.slice(2);
if (!databaseUrl || !organisationId) throw new Error("usage: intake-bare.ts DATABASE_URL ORGANISATION_ID");
// The database as `handoff serve` opens it: the same settings for both routes.
const ctx = await createContext(loadConfig({ db: databaseUrl }, {}), {
  log: pino({ level: "silent" }),
  open: { backgroundCheckpoints: true },
});
const bare = await bareServer(ctx, organisationId, { matchKeys: true });
const bareFour = await bareServer(ctx, organisationId, { matchKeys: false });
const floor = databaseUrl.startsWith("postgres") ? floorServer(databaseUrl, organisationId) : null;
const listening: BareListening = {
  url: await bare.listen({ port: 0, host: "127.0.0.1" }),
  urlFour: await bareFour.listen({ port: 0, host: "127.0.0.1" }),
  urlFloor: floor ? await floor.listen() : null,
};
process.send?.(listening);
process.once("SIGTERM", async () => {
  await bare.close();
  await bareFour.close();
  await floor?.close();
  await ctx.db.close();
  process.exit(0);
});
