/** Organisations never see or change each other's records, through any route the API documents. */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { systemCaller } from "../../src/services/record.js";
import { createWebhook } from "../../src/services/webhooks.js";
import { describeEachDatabase } from "../support/databases.js";
import { type Sent, send } from "../support/http.js";
import { apiOperations, type Operation } from "../support/openapi.js";
import { sampleOf } from "../support/schema-sample.js";
import { addContact, assignTo, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

interface World {
  alpha: SeededOrganisation;
  beta: SeededOrganisation;
  alphaContacts: string[];
  betaContacts: string[];
  /** Beta's API key and webhook. */
  betaIntegrations: string[];
}

/** Two organisations, each with contacts in several states and a timeline. */
async function twoOrganisations(ctx: Context, app: FastifyInstance): Promise<World> {
  const alpha = await seedOrganisation(ctx, app, "alpha");
  const beta = await seedOrganisation(ctx, app, "beta");
  const world: World = { alpha, beta, alphaContacts: [], betaContacts: [], betaIntegrations: [] };
  // Each has an API key and a webhook, subscribed before the contacts arrive so its outbox fills.
  for (const org of [alpha, beta]) {
    const admin = { ...systemCaller(org.id), userId: org.userIds.admin };
    const key = await createApiKey(ctx, admin, { name: `Key of ${org.slug}`, scopes: ["intake"] });
    const hook = await createWebhook(ctx, admin, {
      url: `https://${org.slug}.example/hook`,
      events: ["contact.created", "contact.assigned"],
      active: true,
    });
    if (!key.ok || !hook.ok) throw new Error("could not add the integrations");
    if (org === beta) world.betaIntegrations.push(key.value.id, hook.value.id);
  }
  for (const [org, list, name] of [
    [alpha, world.alphaContacts, "Alba Alpha"],
    [beta, world.betaContacts, "Bruno Beta"],
  ] as const) {
    const fresh = await addContact(app, org.cookies.dispatcher, { displayName: `${name} new` });
    const ready = await addContact(app, org.cookies.dispatcher, { displayName: `${name} ready` });
    await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${ready}/status`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { to: "ready" },
    });
    const held = await addContact(app, org.cookies.dispatcher, { displayName: `${name} held` });
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, held, org.workers.worker.id);
    await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${held}/activities`,
      headers: { cookie: org.cookies.worker },
      payload: { kind: "call", body: `${name} answered` },
    });
    list.push(fresh, ready, held);
  }
  return world;
}

/** Every id the database holds for an organisation: the records and their timeline and audit entries. */
async function idsOf(ctx: Context, organisationId: string): Promise<string[]> {
  const db = ctx.db.kysely;
  const ids = [organisationId];
  for (const table of [
    "users",
    "workers",
    "contacts",
    "activities",
    "audit_log",
    "api_keys",
    "webhooks",
    "outbox",
  ] as const) {
    const rows = await db
      .selectFrom(table)
      .select("id")
      .where("organisation_id", "=", organisationId)
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * The other organisation's rows, to compare before and after the sweep: its records, and every timeline
 * or audit entry that belongs to it or points at one of its records, whoever wrote it.
 */
async function snapshot(ctx: Context, organisationId: string) {
  const db = ctx.db.kysely;
  const users = await db
    .selectFrom("users")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("id")
    .execute();
  const workers = await db
    .selectFrom("workers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("id")
    .execute();
  const contacts = await db
    .selectFrom("contacts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("id")
    .execute();
  const contactIds = contacts.map((c) => c.id);
  const recordIds = [organisationId, ...users.map((u) => u.id), ...workers.map((w) => w.id), ...contactIds];
  return {
    organisation: await db.selectFrom("organisations").selectAll().where("id", "=", organisationId).execute(),
    users,
    workers,
    contacts,
    sessions: await db
      .selectFrom("sessions")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .orderBy("id")
      .execute(),
    activities: await db
      .selectFrom("activities")
      .selectAll()
      .where((eb) =>
        eb.or([eb("organisation_id", "=", organisationId), eb("contact_id", "in", [...contactIds, ""])]),
      )
      .orderBy("id")
      .execute(),
    apiKeys: await db
      .selectFrom("api_keys")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .orderBy("id")
      .execute(),
    webhooks: await db
      .selectFrom("webhooks")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .orderBy("id")
      .execute(),
    outbox: await db
      .selectFrom("outbox")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .orderBy("id")
      .execute(),
    audit: await db
      .selectFrom("audit_log")
      .selectAll()
      .where((eb) => eb.or([eb("organisation_id", "=", organisationId), eb("entity_id", "in", recordIds)]))
      .orderBy("id")
      .execute(),
  };
}

/** Bodies worth sending beside the generated ones: the moves that would change a record if they landed. */
function knownBodies(world: World): Record<string, unknown[]> {
  const { beta } = world;
  return {
    "PATCH /api/v1/contacts/{id}": [{ displayName: "Taken over" }],
    "POST /api/v1/contacts/{id}/status": [
      { to: "qualifying" },
      { to: "ready" },
      { to: "offered", workerId: beta.workers.worker2.id },
      { to: "active" },
      { to: "paused", reason: "travelling" },
      { to: "closed", reason: "not interested" },
    ],
    "POST /api/v1/contacts/{id}/progress": [{ to: "attempted" }, { to: "coaching" }],
    "POST /api/v1/contacts/{id}/activities": [{ kind: "comment", body: "seen from outside" }],
    "PATCH /api/v1/workers/{id}": [{ trust: 1, capacity: 0 }, { status: "away" }],
    "PATCH /api/v1/users/{id}": [
      { disabled: true },
      { role: "marketer" },
      { password: "a password from outside" },
    ],
  };
}

/** The requests the sweep sends for one operation: the other organisation's ids in every path and id parameter. */
function requestsFor(operation: Operation, world: World): Sent[] {
  const { beta } = world;
  const recordIds = [
    beta.id,
    beta.userIds.admin,
    beta.userIds.worker,
    beta.workers.worker.id,
    beta.workers.worker2.id,
    ...world.betaContacts,
    ...world.betaIntegrations,
  ];
  const idFor = (name: string): string => {
    if (name === "workerId") return beta.workers.worker.id;
    if (name === "userId" || name === "actorUserId") return beta.userIds.marketer;
    return world.betaContacts[2] ?? beta.id;
  };
  const pathIds = operation.pathParams.length > 0 ? recordIds : [""];
  const queries = [""];
  for (const name of operation.queryParams) {
    if (/id$/i.test(name) || name === "before") {
      for (const id of recordIds) queries.push(`?${name}=${encodeURIComponent(id)}`);
    }
    if (name === "q") queries.push("?q=bruno");
  }
  const key = `${operation.method} ${operation.path}`;
  const bodies: unknown[] = [];
  if (operation.body !== undefined) {
    bodies.push(...(knownBodies(world)[key] ?? []));
    bodies.push(
      sampleOf(operation.body, "body", idFor, false),
      sampleOf(operation.body, "body", idFor, true),
    );
  }
  const sent: Sent[] = [];
  for (const id of pathIds) {
    let url = operation.path;
    for (const param of operation.pathParams) url = url.replace(`{${param}}`, encodeURIComponent(id));
    for (const query of queries) {
      if (bodies.length === 0) sent.push({ method: operation.method, url: `${url}${query}` });
      for (const payload of bodies) sent.push({ method: operation.method, url: `${url}${query}`, payload });
    }
  }
  return sent;
}

/** An alpha contact that is ready to be offered, for offers to beta's workers. */
async function readyAlphaContact(app: FastifyInstance, world: World): Promise<string> {
  const id = await addContact(app, world.alpha.cookies.dispatcher, { displayName: "Alma Alpha offered" });
  await app.inject({
    method: "POST",
    url: `/api/v1/contacts/${id}/status`,
    headers: { cookie: world.alpha.cookies.dispatcher },
    payload: { to: "ready" },
  });
  return id;
}

/**
 * Sends every documented operation, as every role of alpha, with beta's ids substituted, and reports
 * what went wrong: a beta id in a body that did not come from the request, a success on a beta record,
 * or a server error.
 */
async function sweep(app: FastifyInstance, world: World, betaIds: readonly string[]): Promise<string[]> {
  const operations = await apiOperations(app);
  // Signing out ends the session the rest of the sweep needs, so the session routes go last.
  operations.sort((a, b) => Number(a.path.includes("/auth/")) - Number(b.path.includes("/auth/")));
  const recordIds = new Set([
    world.beta.id,
    ...Object.values(world.beta.userIds),
    world.beta.workers.worker.id,
    world.beta.workers.worker2.id,
    ...world.betaContacts,
    ...world.betaIntegrations,
  ]);
  const problems: string[] = [];
  const check = (role: string, request: Sent, response: LightMyRequestResponse) => {
    const label = `${role} ${request.method} ${request.url} ${JSON.stringify(request.payload ?? null)}`;
    if (response.statusCode >= 500) problems.push(`${label} → ${response.statusCode}`);
    const sentText = `${decodeURIComponent(request.url)} ${JSON.stringify(request.payload ?? null)}`;
    const leaked = betaIds.filter((id) => response.body.includes(id) && !sentText.includes(id));
    if (leaked.length > 0) problems.push(`${label} → returned beta ids ${leaked.join(", ")}`);
    const pathId = [...recordIds].find((id) => request.url.split("?")[0]?.includes(id));
    if (pathId && response.statusCode < 300)
      problems.push(`${label} → ${response.statusCode} on a beta record`);
  };
  const alphaReady = await readyAlphaContact(app, world);
  for (const [role, cookie] of Object.entries(world.alpha.cookies)) {
    // An alpha contact offered to a beta worker: the id in the body, not the path.
    for (const workerId of [world.beta.workers.worker.id, world.beta.workers.worker2.id]) {
      const request: Sent = {
        method: "POST",
        url: `/api/v1/contacts/${alphaReady}/status`,
        payload: { to: "offered", workerId },
      };
      const response = await send(app, cookie, request);
      check(role, request, response);
      if (response.statusCode < 300)
        problems.push(`${role} offered an alpha contact to beta worker ${workerId}`);
    }
    for (const operation of operations) {
      for (const request of requestsFor(operation, world)) {
        check(role, request, await send(app, cookie, request));
      }
    }
  }
  return problems;
}

/** A sweep sends some two thousand requests; PostgreSQL takes a quarter of a minute for them. */
const SWEEP_TIMEOUT = 120_000;

interface Page {
  items: Array<{ id: string }>;
  nextCursor: string | null;
}

describeEachDatabase("isolation between organisations", (env) => {
  it("answers 404 when reading or changing another organisation's contact, worker or user by id", async () => {
    const { app, ctx } = env();
    const world = await twoOrganisations(ctx, app);
    const { alpha, beta } = world;
    const [betaNew, , betaHeld] = world.betaContacts;
    const ownContact = world.alphaContacts[0];
    const cases: Array<{ role: "admin" | "dispatcher"; request: Sent }> = [];
    for (const role of ["admin", "dispatcher"] as const) {
      for (const id of [betaNew, betaHeld]) {
        cases.push(
          { role, request: { method: "GET", url: `/api/v1/contacts/${id}` } },
          {
            role,
            request: { method: "PATCH", url: `/api/v1/contacts/${id}`, payload: { displayName: "Taken" } },
          },
          {
            role,
            request: { method: "POST", url: `/api/v1/contacts/${id}/status`, payload: { to: "qualifying" } },
          },
          {
            role,
            request: { method: "POST", url: `/api/v1/contacts/${id}/progress`, payload: { to: "attempted" } },
          },
          { role, request: { method: "GET", url: `/api/v1/contacts/${id}/activities` } },
          {
            role,
            request: {
              method: "POST",
              url: `/api/v1/contacts/${id}/activities`,
              payload: { kind: "comment", body: "hello" },
            },
          },
        );
      }
      for (const id of [beta.workers.worker.id, beta.workers.worker2.id]) {
        cases.push(
          { role, request: { method: "GET", url: `/api/v1/workers/${id}` } },
          { role, request: { method: "PATCH", url: `/api/v1/workers/${id}`, payload: { capacity: 0 } } },
        );
      }
    }
    for (const id of [beta.userIds.admin, beta.userIds.worker]) {
      cases.push(
        { role: "admin", request: { method: "GET", url: `/api/v1/users/${id}` } },
        {
          role: "admin",
          request: { method: "PATCH", url: `/api/v1/users/${id}`, payload: { disabled: true } },
        },
      );
    }
    const answers: string[] = [];
    for (const { role, request } of cases) {
      const response = await send(app, alpha.cookies[role], request);
      answers.push(`${role} ${request.method} ${request.url} → ${response.statusCode}`);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }
    expect(answers).toEqual(
      cases.map(({ role, request }) => `${role} ${request.method} ${request.url} → 404`),
    );
    // The same routes answer for the caller's own records, so the 404s above are about the organisation.
    const own = await app.inject({
      url: `/api/v1/contacts/${ownContact}`,
      headers: { cookie: alpha.cookies.admin },
    });
    expect(own.statusCode).toBe(200);
  });

  it("lists only the caller's own organisation's contacts, workers, users and audit entries", async () => {
    const { app, ctx } = env();
    const world = await twoOrganisations(ctx, app);
    const { alpha, beta } = world;
    const db = ctx.db.kysely;
    const idsIn = async (table: "contacts" | "workers" | "users" | "audit_log", organisationId: string) =>
      (await db.selectFrom(table).select("id").where("organisation_id", "=", organisationId).execute())
        .map((r) => r.id)
        .sort();
    const get = async (url: string) => app.inject({ url, headers: { cookie: alpha.cookies.admin } });
    const contacts = (await get("/api/v1/contacts?limit=500")).json<Page>();
    expect(contacts.items.map((c) => c.id).sort()).toEqual(await idsIn("contacts", alpha.id));
    const workers = (await get("/api/v1/workers?limit=500")).json<Page>();
    expect(workers.items.map((w) => w.id).sort()).toEqual(await idsIn("workers", alpha.id));
    const users = (await get("/api/v1/users")).json<Array<{ id: string }>>();
    expect(users.map((u) => u.id).sort()).toEqual(await idsIn("users", alpha.id));
    const audit = (await get("/api/v1/audit?limit=500")).json<Page>();
    expect(audit.items.map((a) => a.id).sort()).toEqual(await idsIn("audit_log", alpha.id));
    // Filters naming the other organisation's records find nothing.
    const betaIds = await idsOf(ctx, beta.id);
    for (const url of [
      `/api/v1/contacts?workerId=${beta.workers.worker.id}`,
      "/api/v1/contacts?q=bruno",
      `/api/v1/audit?entityId=${world.betaContacts[0]}`,
      `/api/v1/audit?actorUserId=${beta.userIds.dispatcher}`,
      `/api/v1/contacts/${world.alphaContacts[0]}/activities?before=${"f".repeat(36)}`,
    ]) {
      const page = (await get(url)).json<Page>();
      expect(page.items.filter((item) => betaIds.includes(item.id))).toEqual([]);
    }
  });

  it("offers a contact only to a worker of the caller's own organisation", async () => {
    const { app, ctx } = env();
    const world = await twoOrganisations(ctx, app);
    const id = await readyAlphaContact(app, world);
    const before = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    const response = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      headers: { cookie: world.alpha.cookies.dispatcher },
      payload: { to: "offered", workerId: world.beta.workers.worker.id },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ errors?: Array<{ path: string }> }>().errors?.map((e) => e.path)).toEqual([
      "workerId",
    ]);
    const after = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it("links a worker only to a user of the caller's own organisation", async () => {
    const { app, ctx } = env();
    const world = await twoOrganisations(ctx, app);
    const { alpha, beta } = world;
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/workers",
      headers: { cookie: alpha.cookies.admin },
      payload: {
        name: "Borrowed",
        languages: ["it"],
        lat: 41.9,
        lon: 12.5,
        maxKm: 10,
        capacity: 2,
        userId: beta.userIds.marketer,
      },
    });
    expect(created.statusCode).toBe(404);
    const edited = await app.inject({
      method: "PATCH",
      url: `/api/v1/workers/${alpha.workers.worker2.id}`,
      headers: { cookie: alpha.cookies.admin },
      payload: { userId: beta.userIds.marketer },
    });
    expect(edited.statusCode).toBe(404);
    const linked = await ctx.db.kysely
      .selectFrom("workers")
      .select("id")
      .where("user_id", "=", beta.userIds.marketer)
      .execute();
    expect(linked).toEqual([]);
  });

  it(
    "never returns an id of another organisation from any documented route, whatever the caller's role",
    async () => {
      const { app, ctx } = env();
      const world = await twoOrganisations(ctx, app);
      const betaIds = await idsOf(ctx, world.beta.id);
      expect(await sweep(app, world, betaIds)).toEqual([]);
    },
    SWEEP_TIMEOUT,
  );

  it(
    "leaves another organisation's rows unchanged whatever any documented route is sent",
    async () => {
      const { app, ctx } = env();
      const world = await twoOrganisations(ctx, app);
      const before = await snapshot(ctx, world.beta.id);
      await sweep(app, world, await idsOf(ctx, world.beta.id));
      expect(await snapshot(ctx, world.beta.id)).toEqual(before);
    },
    SWEEP_TIMEOUT,
  );

  it("covers every documented route under /api/v1 in the sweep", async () => {
    const { app, ctx } = env();
    const world = await twoOrganisations(ctx, app);
    const operations = await apiOperations(app);
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) {
      const requests = requestsFor(operation, world);
      expect(requests.length, `${operation.method} ${operation.path}`).toBeGreaterThan(0);
      for (const request of requests) expect(request.url).not.toMatch(/[{}]/);
    }
  });
});
