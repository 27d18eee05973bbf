/**
 * The intake benchmark's bare route, in a process of its own as a deployed server would be: a Fastify
 * server doing the writes the intake does and nothing else (bench/intake.ts measures the product's
 * intake beside it). Started by the bench with the database and organisation as arguments; prints
 * nothing, answers `{ url, urlFour }` over IPC once listening. Carries the bench's probe
 * (bench/intake-probe.ts).
 */
import Fastify from "fastify";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { loadConfig } from "../src/config.js";
import { type Context, createContext } from "../src/context.js";
import "./intake-probe.js";

export interface BareListening {
  url: string;
  urlFour: string;
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

const [databaseUrl, organisationId] = process.argv.slice(2);
if (!databaseUrl || !organisationId) throw new Error("usage: intake-bare.ts DATABASE_URL ORGANISATION_ID");
// The database as `handoff serve` opens it: the same settings for both routes.
const ctx = await createContext(loadConfig({ db: databaseUrl }, {}), {
  log: pino({ level: "silent" }),
  open: { backgroundCheckpoints: true },
});
const bare = await bareServer(ctx, organisationId, { matchKeys: true });
const bareFour = await bareServer(ctx, organisationId, { matchKeys: false });
const listening: BareListening = {
  url: await bare.listen({ port: 0, host: "127.0.0.1" }),
  urlFour: await bareFour.listen({ port: 0, host: "127.0.0.1" }),
};
process.send?.(listening);
process.once("SIGTERM", async () => {
  await bare.close();
  await bareFour.close();
  await ctx.db.close();
  process.exit(0);
});
