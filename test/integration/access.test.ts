/** Who may see and change what: every contact route per role, the admin's routes, and sessions. */
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";
import type { Role } from "../../src/core/access/roles.js";
import type { Contact, Page, Worker } from "../../src/core/model.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem, isRecord, METHODS, type Method, type Sent, send } from "../support/http.js";
import {
  addContact,
  assignTo,
  PASSWORD,
  type SeededOrganisation,
  seedOrganisation,
  signInAs,
} from "../support/seed.js";

/** Every documented operation under /api/v1, as "METHOD /path/{param}". */
async function documentedOperations(app: FastifyInstance): Promise<string[]> {
  const doc: unknown = (await app.inject({ url: "/api/openapi.json" })).json();
  if (!isRecord(doc) || !isRecord(doc.paths)) throw new Error("the OpenAPI document has no paths");
  const operations: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith("/api/v1/") || !isRecord(item)) continue;
    for (const verb of Object.keys(item)) {
      const method = verb.toUpperCase();
      if ((METHODS as readonly string[]).includes(method)) operations.push(`${method} ${path}`);
    }
  }
  return operations.sort();
}

/**
 * One request per documented contact route that the caller's role could legitimately make on a contact it
 * holds. A route missing here fails the coverage test below.
 */
const CONTACT_ROUTES: Record<string, (id: string) => Sent> = {
  "GET /api/v1/contacts": () => ({ method: "GET", url: "/api/v1/contacts" }),
  "GET /api/v1/contacts/export": () => ({ method: "GET", url: "/api/v1/contacts/export" }),
  "POST /api/v1/contacts": () => ({
    method: "POST",
    url: "/api/v1/contacts",
    payload: { displayName: "Nina Nuova" },
  }),
  "GET /api/v1/contacts/{id}": (id) => ({ method: "GET", url: `/api/v1/contacts/${id}` }),
  "PATCH /api/v1/contacts/{id}": (id) => ({
    method: "PATCH",
    url: `/api/v1/contacts/${id}`,
    payload: { placeName: "Roma" },
  }),
  "POST /api/v1/contacts/{id}/status": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/status`,
    payload: { to: "paused", reason: "travelling" },
  }),
  "POST /api/v1/contacts/{id}/progress": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/progress`,
    payload: { to: "attempted" },
  }),
  "GET /api/v1/contacts/{id}/activities": (id) => ({
    method: "GET",
    url: `/api/v1/contacts/${id}/activities`,
  }),
  "POST /api/v1/contacts/{id}/activities": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/activities`,
    payload: { kind: "call", body: "No answer" },
  }),
};

/** The contact routes that name one contact. */
/** Dispatch routes of one contact: for dispatchers (and, to read, setters), never for workers. */
const DISPATCH_ROUTES: Record<string, (id: string) => Sent> = {
  "GET /api/v1/contacts/{id}/suggestions": (id) => ({
    method: "GET",
    url: `/api/v1/contacts/${id}/suggestions`,
  }),
  "GET /api/v1/contacts/{id}/decisions": (id) => ({ method: "GET", url: `/api/v1/contacts/${id}/decisions` }),
  "POST /api/v1/contacts/{id}/assign": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/assign`,
    payload: { workerId: "x" },
  }),
};

/** Update requests: dispatchers ask, the worker holding the contact answers. */
const UPDATE_ROUTES: Record<string, (id: string) => Sent> = {
  "POST /api/v1/contacts/{id}/update-requests": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/update-requests`,
    payload: { note: "How is it going?" },
  }),
  "POST /api/v1/contacts/{id}/update-answer": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/update-answer`,
    payload: { answer: "We met on Sunday." },
  }),
};

/** Booking a meeting for a contact: covered cell by cell in the authorisation matrix. */
const BOOKING_ROUTES: Record<string, (id: string) => Sent> = {
  "GET /api/v1/contacts/{id}/slots": (id) => ({ method: "GET", url: `/api/v1/contacts/${id}/slots` }),
  "POST /api/v1/contacts/{id}/appointments": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/appointments`,
    payload: { workerId: "x", start: "2026-03-03T10:00:00Z", mode: "phone" },
  }),
};

/** Calling a contact: for setters (on contacts nobody holds), dispatchers and admins; never for the field. */
const SETTING_ROUTES: Record<string, (id: string) => Sent> = {
  "GET /api/v1/contacts/{id}/script": (id) => ({ method: "GET", url: `/api/v1/contacts/${id}/script` }),
  "POST /api/v1/contacts/{id}/calls": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/calls`,
    payload: { outcome: "no_answer", note: "Voicemail" },
  }),
};

/** Data-subject routes: admins only, whoever holds the contact. */
const PERSONAL_DATA_ROUTES: Record<string, (id: string) => Sent> = {
  "GET /api/v1/contacts/{id}/export": (id) => ({ method: "GET", url: `/api/v1/contacts/${id}/export` }),
  "POST /api/v1/contacts/{id}/erase": (id) => ({
    method: "POST",
    url: `/api/v1/contacts/${id}/erase`,
    payload: { reason: "asked by e-mail" },
  }),
};

const ONE_CONTACT_ROUTES = Object.entries(CONTACT_ROUTES).filter(([key]) => key.includes("{id}"));

interface Team {
  org: SeededOrganisation;
  /** Held by worker, held by worker2, and one nobody holds. */
  mine: string;
  theirs: string;
  open: string;
}

async function team(env: () => TestEnv): Promise<Team> {
  const { app, ctx } = env();
  const org = await seedOrganisation(ctx, app, "alpha");
  const mine = await addContact(app, org.cookies.dispatcher, { displayName: "Maria Mine" });
  const theirs = await addContact(app, org.cookies.dispatcher, { displayName: "Theo Theirs" });
  const open = await addContact(app, org.cookies.dispatcher, { displayName: "Olga Open" });
  await assignTo(app, org.cookies.dispatcher, org.cookies.worker, mine, org.workers.worker.id);
  await assignTo(app, org.cookies.dispatcher, org.cookies.worker2, theirs, org.workers.worker2.id);
  return { org, mine, theirs, open };
}

async function listedIds(app: FastifyInstance, cookie: string): Promise<string[]> {
  const response = await app.inject({ url: "/api/v1/contacts?limit=500", headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return response
    .json<Page<Contact>>()
    .items.map((c) => c.id)
    .sort();
}

async function offer(app: FastifyInstance, org: SeededOrganisation, workerId: string): Promise<string> {
  const id = await addContact(app, org.cookies.dispatcher, { displayName: "Otto Offered" });
  for (const payload of [{ to: "ready" }, { to: "offered", workerId }]) {
    const response = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      headers: { cookie: org.cookies.dispatcher },
      payload,
    });
    expect(response.statusCode).toBe(200);
  }
  return id;
}

const NON_ADMINS: ReadonlyArray<Role | "worker2"> = ["dispatcher", "setter", "worker", "worker2", "marketer"];

/**
 * One request per documented API key and webhook route, with the status an admin gets. A route
 * missing here fails the coverage test below.
 */
const INTEGRATION_ROUTES: Record<
  string,
  { build: (ids: { key: string; hook: string }) => Sent; admin: number }
> = {
  "GET /api/v1/api-keys": { build: () => ({ method: "GET", url: "/api/v1/api-keys" }), admin: 200 },
  "POST /api/v1/api-keys": {
    build: () => ({ method: "POST", url: "/api/v1/api-keys", payload: { name: "Form", scopes: ["intake"] } }),
    admin: 201,
  },
  "POST /api/v1/api-keys/{id}/rotate": {
    build: ({ key }) => ({ method: "POST", url: `/api/v1/api-keys/${key}/rotate` }),
    admin: 201,
  },
  "DELETE /api/v1/api-keys/{id}": {
    build: ({ key }) => ({ method: "DELETE", url: `/api/v1/api-keys/${key}` }),
    admin: 204,
  },
  "GET /api/v1/webhooks": { build: () => ({ method: "GET", url: "/api/v1/webhooks" }), admin: 200 },
  "POST /api/v1/webhooks": {
    build: () => ({
      method: "POST",
      url: "/api/v1/webhooks",
      payload: { url: "https://crm.example/h", events: ["contact.created"] },
    }),
    admin: 201,
  },
  "PATCH /api/v1/webhooks/{id}": {
    build: ({ hook }) => ({ method: "PATCH", url: `/api/v1/webhooks/${hook}`, payload: { active: true } }),
    admin: 200,
  },
  "GET /api/v1/webhooks/{id}/deliveries": {
    build: ({ hook }) => ({ method: "GET", url: `/api/v1/webhooks/${hook}/deliveries` }),
    admin: 200,
  },
  "POST /api/v1/webhooks/{id}/test": {
    build: ({ hook }) => ({ method: "POST", url: `/api/v1/webhooks/${hook}/test` }),
    admin: 202,
  },
  "DELETE /api/v1/webhooks/{id}": {
    build: ({ hook }) => ({ method: "DELETE", url: `/api/v1/webhooks/${hook}` }),
    admin: 204,
  },
};

describeEachDatabase("access by role", (env) => {
  it("has a request for every documented contact route", async () => {
    const { app } = env();
    const documented = (await documentedOperations(app)).filter((op) =>
      op.split(" ")[1]?.startsWith("/api/v1/contacts"),
    );
    expect(
      [
        ...Object.keys(CONTACT_ROUTES),
        ...Object.keys(DISPATCH_ROUTES),
        ...Object.keys(PERSONAL_DATA_ROUTES),
        ...Object.keys(UPDATE_ROUTES),
        ...Object.keys(BOOKING_ROUTES),
        ...Object.keys(SETTING_ROUTES),
      ].sort(),
    ).toEqual(documented);
  });

  it("lets only dispatchers ask for an update, and only the worker holding the contact answer it", async () => {
    const { app } = env();
    const { org, mine, theirs } = await team(env);
    const [ask, answer] = Object.values(UPDATE_ROUTES);
    if (!ask || !answer) throw new Error("the update routes are listed above");
    for (const role of ["setter", "worker", "marketer"] as const) {
      expectProblem(await send(app, org.cookies[role], ask(mine)), 403, { label: `${role} asking` });
    }
    expect((await send(app, org.cookies.dispatcher, ask(mine))).statusCode).toBe(201);
    expectProblem(await send(app, org.cookies.dispatcher, answer(mine)), 403, {
      label: "dispatcher answering",
    });
    expectProblem(await send(app, org.cookies.worker, answer(theirs)), 404, { label: "another's worker" });
    const answered = await send(app, org.cookies.worker, answer(mine));
    expect(answered.statusCode).toBe(200);
    expect((answered.json() as { answered: string[] }).answered).toHaveLength(1);
    expectProblem(await send(app, org.cookies.worker, answer(mine)), 409, { label: "answered already" });
  });

  it("lets setters call the contacts nobody holds, dispatchers any, and keeps workers and marketers out", async () => {
    const { app } = env();
    const { org, mine, theirs, open } = await team(env);
    const expected = (key: string) => (key.startsWith("POST") ? 201 : 200);
    for (const [key, build] of Object.entries(SETTING_ROUTES)) {
      expectProblem(await send(app, org.cookies.worker, build(mine)), 403, { label: `worker ${key}` });
      expectProblem(await send(app, org.cookies.marketer, build(open)), 403, { label: `marketer ${key}` });
      for (const id of [mine, theirs]) {
        expectProblem(await send(app, org.cookies.setter, build(id)), 404, { label: `setter ${key}` });
      }
      expect((await send(app, org.cookies.setter, build(open))).statusCode, key).toBe(expected(key));
      expect((await send(app, org.cookies.dispatcher, build(open))).statusCode, key).toBe(expected(key));
    }
  });

  it("lets only an admin export or erase a contact's personal data, even one a worker holds", async () => {
    const { app, ctx } = env();
    const { org, mine } = await team(env);
    for (const role of ["dispatcher", "setter", "worker", "marketer"] as const) {
      for (const [key, build] of Object.entries(PERSONAL_DATA_ROUTES)) {
        expectProblem(await send(app, org.cookies[role], build(mine)), 403, { label: `${role} ${key}` });
      }
    }
    const row = await ctx.db.kysely
      .selectFrom("contacts")
      .select("erased_at")
      .where("id", "=", mine)
      .executeTakeFirst();
    expect(row?.erased_at).toBeNull();
    for (const [key, build] of Object.entries(PERSONAL_DATA_ROUTES)) {
      expect((await send(app, org.cookies.admin, build(mine))).statusCode, key).toBe(200);
    }
  });

  it("keeps workers out of dispatching, even for their own contacts, and lets setters read suggestions", async () => {
    const { app } = env();
    const { org, mine, open } = await team(env);
    for (const [key, build] of Object.entries(DISPATCH_ROUTES)) {
      expectProblem(await send(app, org.cookies.worker, build(mine)), 403, { label: key });
    }
    const suggestions = await send(
      app,
      org.cookies.setter,
      DISPATCH_ROUTES["GET /api/v1/contacts/{id}/suggestions"]!(open),
    );
    expect(suggestions.statusCode).toBe(200);
    const assign = await send(
      app,
      org.cookies.setter,
      DISPATCH_ROUTES["POST /api/v1/contacts/{id}/assign"]!(open),
    );
    expectProblem(assign, 403, { label: "setter assigning" });
  });

  it("lets a worker read and change the contacts assigned to them", async () => {
    const { app } = env();
    const { org, mine } = await team(env);
    const answers = [];
    for (const [key, build] of ONE_CONTACT_ROUTES) {
      const response = await send(app, org.cookies.worker, build(mine));
      answers.push(`${key} → ${response.statusCode}`);
    }
    expect(answers).toEqual(
      ONE_CONTACT_ROUTES.map(
        ([key]) => `${key} → ${key.startsWith("POST") && key.endsWith("activities") ? 201 : 200}`,
      ),
    );
    expect(await listedIds(app, org.cookies.worker)).toEqual([mine]);
  });

  it("answers 404 to a worker on every route naming another worker's contact", async () => {
    const { app, ctx } = env();
    const { org, theirs } = await team(env);
    const before = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", theirs)
      .executeTakeFirst();
    for (const [key, build] of ONE_CONTACT_ROUTES) {
      expectProblem(await send(app, org.cookies.worker, build(theirs)), 404, { label: key });
    }
    const after = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", theirs)
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it("never lists another worker's contact to a worker", async () => {
    const { app } = env();
    const { org, mine, theirs } = await team(env);
    const listed = await listedIds(app, org.cookies.worker);
    expect(listed).not.toContain(theirs);
    expect(listed).toEqual([mine]);
    const filtered = await app.inject({
      url: `/api/v1/contacts?workerId=${org.workers.worker2.id}`,
      headers: { cookie: org.cookies.worker },
    });
    expect(filtered.json<Page<Contact>>().items).toEqual([]);
  });

  it("answers 403 to a marketer on every contact route", async () => {
    const { app, ctx } = env();
    const { org, open } = await team(env);
    const count = async () => (await ctx.db.kysely.selectFrom("contacts").select("id").execute()).length;
    const before = await count();
    for (const [key, build] of [...Object.entries(CONTACT_ROUTES), ...Object.entries(DISPATCH_ROUTES)]) {
      expectProblem(await send(app, org.cookies.marketer, build(open)), 403, { label: key });
    }
    expect(await count()).toBe(before);
  });

  it("shows a setter the contacts no worker holds", async () => {
    const { app } = env();
    const { org, open } = await team(env);
    expect(await listedIds(app, org.cookies.setter)).toEqual([open]);
    const read = await app.inject({
      url: `/api/v1/contacts/${open}`,
      headers: { cookie: org.cookies.setter },
    });
    expect(read.statusCode).toBe(200);
  });

  it("answers 404 to a setter on every route naming a contact a worker holds", async () => {
    const { app } = env();
    const { org, mine, theirs } = await team(env);
    for (const id of [mine, theirs]) {
      for (const [key, build] of ONE_CONTACT_ROUTES) {
        expectProblem(await send(app, org.cookies.setter, build(id)), 404, { label: key });
      }
    }
  });

  it("lets only an admin list and add users", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const newUser = (n: string) => ({
      email: `new-${n}@alpha.test`,
      name: `New ${n}`,
      role: "setter",
      password: "a long enough password",
    });
    for (const role of NON_ADMINS) {
      expectProblem(await send(app, org.cookies[role], { method: "GET", url: "/api/v1/users" }), 403, {
        label: role,
      });
      expectProblem(
        await send(app, org.cookies[role], { method: "POST", url: "/api/v1/users", payload: newUser(role) }),
        403,
        { label: role },
      );
    }
    expect((await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/users" })).statusCode).toBe(
      200,
    );
    const created = await send(app, org.cookies.admin, {
      method: "POST",
      url: "/api/v1/users",
      payload: newUser("x"),
    });
    expect(created.statusCode).toBe(201);
    const users = await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/users" });
    expect(users.json<Array<{ email: string }>>().map((u) => u.email)).toContain("new-x@alpha.test");
    expect(users.json<unknown[]>()).toHaveLength(7);
  });

  it("lets only an admin read or change another user", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    for (const role of NON_ADMINS) {
      const other = org.userIds.admin;
      expectProblem(
        await send(app, org.cookies[role], { method: "GET", url: `/api/v1/users/${other}` }),
        403,
        { label: role },
      );
      expectProblem(
        await send(app, org.cookies[role], {
          method: "PATCH",
          url: `/api/v1/users/${other}`,
          payload: { name: "X" },
        }),
        403,
        { label: role },
      );
      const self = await send(app, org.cookies[role], {
        method: "GET",
        url: `/api/v1/users/${org.userIds[role]}`,
      });
      expect(self.statusCode, role).toBe(200);
    }
    const read = await send(app, org.cookies.admin, {
      method: "GET",
      url: `/api/v1/users/${org.userIds.setter}`,
    });
    expect(read.statusCode).toBe(200);
  });

  it("lets only an admin manage API keys and webhooks, on every documented route of theirs", async () => {
    const { app, ctx } = env();
    const documented = (await documentedOperations(app)).filter((op) =>
      /^\S+ \/api\/v1\/(api-keys|webhooks)/.test(op),
    );
    expect(Object.keys(INTEGRATION_ROUTES).sort()).toEqual(documented);
    const org = await seedOrganisation(ctx, app, "alpha");
    const issue = async (request: Sent) =>
      (await send(app, org.cookies.admin, request)).json<{ id: string }>().id;
    const ids = {
      key: await issue(INTEGRATION_ROUTES["POST /api/v1/api-keys"]!.build({ key: "", hook: "" })),
      hook: await issue(INTEGRATION_ROUTES["POST /api/v1/webhooks"]!.build({ key: "", hook: "" })),
    };
    for (const role of NON_ADMINS) {
      for (const [key, route] of Object.entries(INTEGRATION_ROUTES)) {
        expectProblem(await send(app, org.cookies[role], route.build(ids)), 403, { label: `${role} ${key}` });
      }
    }
    const answers: string[] = [];
    for (const [key, route] of Object.entries(INTEGRATION_ROUTES)) {
      answers.push(`${key} → ${(await send(app, org.cookies.admin, route.build(ids))).statusCode}`);
    }
    expect(answers).toEqual(
      Object.entries(INTEGRATION_ROUTES).map(([key, route]) => `${key} → ${route.admin}`),
    );
  });

  it("lets only an admin read the audit log", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    for (const role of NON_ADMINS) {
      expectProblem(await send(app, org.cookies[role], { method: "GET", url: "/api/v1/audit" }), 403, {
        label: role,
      });
    }
    const audit = await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/audit" });
    expect(audit.statusCode).toBe(200);
  });

  it("lets only an admin edit the organisation", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    for (const role of NON_ADMINS) {
      expectProblem(
        await send(app, org.cookies[role], {
          method: "PATCH",
          url: "/api/v1/organisation",
          payload: { name: `Renamed by ${role}` },
        }),
        403,
        { label: role },
      );
    }
    const read = await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/organisation" });
    expect(read.json<{ name: string }>().name).toBe("Org alpha");
    const edited = await send(app, org.cookies.admin, {
      method: "PATCH",
      url: "/api/v1/organisation",
      payload: { name: "Renamed by the admin" },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json<{ name: string }>().name).toBe("Renamed by the admin");
  });

  it("lets a worker change the status and capacity of their own worker record", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const response = await send(app, org.cookies.worker, {
      method: "PATCH",
      url: `/api/v1/workers/${org.workers.worker.id}`,
      payload: { status: "paused", capacity: 3 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<Worker>()).toMatchObject({ status: "paused", capacity: 3, trust: 0.5 });
    const read = await send(app, org.cookies.dispatcher, {
      method: "GET",
      url: `/api/v1/workers/${org.workers.worker.id}`,
    });
    expect(read.json<Worker>()).toMatchObject({ status: "paused", capacity: 3 });
  });

  it("refuses a worker changing their own trust with 403 naming trust", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const body = expectProblem(
      await send(app, org.cookies.worker, {
        method: "PATCH",
        url: `/api/v1/workers/${org.workers.worker.id}`,
        payload: { trust: 1, capacity: 7 },
      }),
      403,
    );
    expect(body.errors?.map((e) => e.path)).toEqual(["trust"]);
    const read = await send(app, org.cookies.dispatcher, {
      method: "GET",
      url: `/api/v1/workers/${org.workers.worker.id}`,
    });
    expect(read.json<Worker>()).toMatchObject({ trust: 0.5, capacity: 10 });
  });

  it("answers 404 to a worker reading or editing another worker", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const other = org.workers.worker2.id;
    expectProblem(
      await send(app, org.cookies.worker, { method: "GET", url: `/api/v1/workers/${other}` }),
      404,
    );
    expectProblem(
      await send(app, org.cookies.worker, {
        method: "PATCH",
        url: `/api/v1/workers/${other}`,
        payload: { capacity: 0 },
      }),
      404,
    );
    const read = await send(app, org.cookies.dispatcher, { method: "GET", url: `/api/v1/workers/${other}` });
    expect(read.json<Worker>().capacity).toBe(5);
    const list = await send(app, org.cookies.worker, { method: "GET", url: "/api/v1/workers" });
    expect(list.json<Page<Worker>>().items.map((w) => w.id)).toEqual([org.workers.worker.id]);
  });

  it("lets a worker accept an offer made to them", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const id = await offer(app, org, org.workers.worker.id);
    const response = await send(app, org.cookies.worker, {
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      payload: { to: "active" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<Contact>()).toMatchObject({
      status: "active",
      assignedWorkerId: org.workers.worker.id,
    });
  });

  it("lets a worker decline an offer made to them, which hands the contact back", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const id = await offer(app, org, org.workers.worker.id);
    const response = await send(app, org.cookies.worker, {
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      payload: { to: "ready" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<Contact>()).toMatchObject({ status: "ready", assignedWorkerId: null });
  });

  it("answers 404 to a worker answering an offer made to another worker", async () => {
    const { app } = env();
    const org = await seedOrganisation(env().ctx, app, "alpha");
    const id = await offer(app, org, org.workers.worker2.id);
    for (const to of ["active", "ready"]) {
      expectProblem(
        await send(app, org.cookies.worker, {
          method: "POST",
          url: `/api/v1/contacts/${id}/status`,
          payload: { to },
        }),
        404,
        { label: to },
      );
    }
  });

  it("refuses a worker offering their contact to another worker with 403", async () => {
    const { app, ctx } = env();
    const { org, mine } = await team(env);
    const before = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", mine)
      .executeTakeFirst();
    expectProblem(
      await send(app, org.cookies.worker, {
        method: "POST",
        url: `/api/v1/contacts/${mine}/status`,
        payload: { to: "offered", workerId: org.workers.worker2.id },
      }),
      403,
    );
    const after = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", mine)
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it("offers a worker no move to offered on their own contact", async () => {
    const { app } = env();
    const { org, mine } = await team(env);
    const read = await send(app, org.cookies.worker, { method: "GET", url: `/api/v1/contacts/${mine}` });
    expect(read.json<{ allowedStatuses: string[] }>().allowedStatuses).not.toContain("offered");
  });

  it("answers 401 problem+json on every documented route but sign-in when there is no session", async () => {
    const { app } = env();
    const operations = await documentedOperations(app);
    expect(operations).toContain("POST /api/v1/auth/login");
    const refused = [];
    for (const operation of operations) {
      if (operation === "POST /api/v1/auth/login") continue;
      const [method, path] = operation.split(" ") as [Method, string];
      const url = path.replace(/\{[^}]+\}/g, "0190d1a0-0000-7000-8000-000000000000");
      for (const cookie of [undefined, "handoff_session=not-a-session"]) {
        const response = await send(app, cookie, {
          method,
          url,
          ...(method === "GET" ? {} : { payload: {} }),
        });
        expectProblem(response, 401, { label: `${operation} with ${cookie ?? "no cookie"}` });
        refused.push(operation);
      }
    }
    expect(refused.length).toBe((operations.length - 1) * 2);
  });

  it("answers sign-in without a session", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    const response = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "setter@alpha.test", password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
  });

  it("ends the session on sign-out, after which the old cookie gets 401", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const cookie = org.cookies.setter;
    expect((await send(app, cookie, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
    const out = await send(app, cookie, { method: "POST", url: "/api/v1/auth/logout" });
    expect(out.statusCode).toBe(204);
    expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/me" }), 401);
    expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/contacts" }), 401);
    // Other people's sessions go on.
    expect((await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(
      200,
    );
  });

  it("ends every session of a user whose password an admin changes", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const second = await signInAs(app, "worker@alpha.test");
    const changed = await send(app, org.cookies.admin, {
      method: "PATCH",
      url: `/api/v1/users/${org.userIds.worker}`,
      payload: { password: "a brand new password" },
    });
    expect(changed.statusCode).toBe(200);
    for (const cookie of [org.cookies.worker, second]) {
      expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/me" }), 401);
    }
    const fresh = await signInAs(app, "worker@alpha.test", "a brand new password");
    expect((await send(app, fresh, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
    expect((await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
  });
});
