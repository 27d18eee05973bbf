/** Bad input is answered with problem+json naming the field, and a refused write leaves nothing behind. */
import type { FastifyInstance, InjectOptions } from "fastify";
import { expect, it } from "vitest";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem, type ProblemBody } from "../support/http.js";
import { addContact, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

/** What a refused write must leave as it was: the contact's row, its timeline and the audit log. */
async function stateOf(env: () => TestEnv, contactId: string) {
  const db = env().ctx.db.kysely;
  const contact = await db.selectFrom("contacts").selectAll().where("id", "=", contactId).executeTakeFirst();
  const activities = await db
    .selectFrom("activities")
    .select("id")
    .where("contact_id", "=", contactId)
    .execute();
  const audit = await db.selectFrom("audit_log").select("id").execute();
  const contacts = await db.selectFrom("contacts").select("id").execute();
  const users = await db.selectFrom("users").select("id").execute();
  return {
    contact,
    activities: activities.length,
    audit: audit.length,
    contacts: contacts.length,
    users: users.length,
  };
}

interface Scene {
  app: FastifyInstance;
  org: SeededOrganisation;
  cookie: string;
  id: string;
}

async function scene(env: () => TestEnv): Promise<Scene> {
  const { app, ctx } = env();
  const org = await seedOrganisation(ctx, app, "alpha");
  const cookie = org.cookies.dispatcher;
  const id = await addContact(app, cookie, { displayName: "Maria Rossi", emails: ["maria@example.org"] });
  return { app, org, cookie, id };
}

/** Sends a refused request and proves the contact, its timeline and the audit log did not move. */
async function refused(
  env: () => TestEnv,
  s: Scene,
  request: InjectOptions,
  status: number,
  paths?: string[],
): Promise<ProblemBody> {
  const before = await stateOf(env, s.id);
  const headers = { cookie: s.cookie, ...(typeof request.headers === "object" ? request.headers : {}) };
  const body = expectProblem(await s.app.inject({ ...request, headers }), status, { paths: paths });
  expect(await stateOf(env, s.id)).toEqual(before);
  return body;
}

describeEachDatabase("bad input", (env) => {
  it("refuses a NUL character in a path or a text field with 400, on either database", async () => {
    const s = await scene(env);
    const before = await stateOf(env, s.id);
    const inPath = await s.app.inject({
      method: "GET",
      url: "/api/v1/contacts/%00",
      headers: { cookie: s.cookie },
    });
    expect([400, 404]).toContain(inPath.statusCode);
    const inBody = await s.app.inject({
      method: "PATCH",
      url: `/api/v1/contacts/${s.id}`,
      headers: { cookie: s.cookie },
      payload: { placeName: "Roma\u0000" },
    });
    expect([200, 400]).toContain(inBody.statusCode);
    if (inBody.statusCode === 400) expect(await stateOf(env, s.id)).toEqual(before);
  });

  it("refuses a body that is not valid JSON", async () => {
    const s = await scene(env);
    const body = await refused(
      env,
      s,
      {
        method: "PATCH",
        url: `/api/v1/contacts/${s.id}`,
        headers: { "content-type": "application/json" },
        payload: '{"displayName": "Mari',
      },
      400,
    );
    expect(body.detail).toMatch(/JSON/);
  });

  it("refuses a field of the wrong type, naming it", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "PATCH", url: `/api/v1/contacts/${s.id}`, payload: { displayName: 42 } },
      400,
      ["displayName"],
    );
  });

  it("refuses a new contact with a field of the wrong type, creating nothing", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "POST", url: "/api/v1/contacts", payload: { displayName: 42 } }, 400, [
      "displayName",
    ]);
  });

  it("refuses an unknown status, naming to", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "POST", url: `/api/v1/contacts/${s.id}/status`, payload: { to: "flying" } },
      400,
      ["to"],
    );
  });

  it("refuses a display name of 201 characters", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "PATCH", url: `/api/v1/contacts/${s.id}`, payload: { displayName: "a".repeat(201) } },
      400,
      ["displayName"],
    );
  });

  it("accepts a display name of 200 characters", async () => {
    const s = await scene(env);
    const response = await s.app.inject({
      method: "PATCH",
      url: `/api/v1/contacts/${s.id}`,
      headers: { cookie: s.cookie },
      payload: { displayName: "a".repeat(200) },
    });
    expect(response.statusCode).toBe(200);
  });

  it("refuses a status note of 2001 characters", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      {
        method: "POST",
        url: `/api/v1/contacts/${s.id}/status`,
        payload: { to: "qualifying", note: "n".repeat(2001) },
      },
      400,
      ["note"],
    );
  });

  it("refuses a progress note of 2001 characters", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      {
        method: "POST",
        url: `/api/v1/contacts/${s.id}/progress`,
        payload: { to: "attempted", note: "n".repeat(2001) },
      },
      400,
      ["note"],
    );
  });

  it("refuses an unknown field, naming it", async () => {
    const s = await scene(env);
    const body = await refused(
      env,
      s,
      {
        method: "PATCH",
        url: `/api/v1/contacts/${s.id}`,
        payload: { displayName: "Maria", nickname: "Mari" },
      },
      400,
    );
    expect(body.errors?.some((e) => e.path === "nickname" || e.message.includes("nickname"))).toBe(true);
  });

  it("refuses an unknown field in a status change", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "POST", url: `/api/v1/contacts/${s.id}/status`, payload: { to: "qualifying", urgent: true } },
      400,
    );
  });

  it("refuses a latitude without a longitude, naming lon", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "PATCH", url: `/api/v1/contacts/${s.id}`, payload: { lat: 41.9 } }, 400, [
      "lon",
    ]);
  });

  it("refuses a bad e-mail inside emails, naming its index", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "PATCH", url: `/api/v1/contacts/${s.id}`, payload: { emails: ["not an e-mail"] } },
      400,
      ["emails.0"],
    );
  });

  it("refuses a language that is not an ISO 639-1 code, naming its index", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "PATCH", url: `/api/v1/contacts/${s.id}`, payload: { languages: ["english"] } },
      400,
      ["languages.0"],
    );
  });

  it("answers 404 naming workerId to an offer to a worker that does not exist", async () => {
    const s = await scene(env);
    const ready = await s.app.inject({
      method: "POST",
      url: `/api/v1/contacts/${s.id}/status`,
      headers: { cookie: s.cookie },
      payload: { to: "ready" },
    });
    expect(ready.statusCode).toBe(200);
    await refused(
      env,
      s,
      {
        method: "POST",
        url: `/api/v1/contacts/${s.id}/status`,
        payload: { to: "offered", workerId: "nope" },
      },
      404,
      ["workerId"],
    );
  });

  it("answers 404 to a contact that does not exist", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "GET", url: "/api/v1/contacts/nope" }, 404);
    await refused(
      env,
      s,
      { method: "PATCH", url: "/api/v1/contacts/nope", payload: { displayName: "X" } },
      404,
    );
    await refused(
      env,
      s,
      { method: "POST", url: "/api/v1/contacts/nope/status", payload: { to: "ready" } },
      404,
    );
  });

  it("refuses a reason for closed that is not in the organisation's list, naming reason", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "POST", url: `/api/v1/contacts/${s.id}/status`, payload: { to: "closed", reason: "bored" } },
      400,
      ["reason"],
    );
  });

  it("refuses closing without a reason, naming reason", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      { method: "POST", url: `/api/v1/contacts/${s.id}/status`, payload: { to: "closed" } },
      400,
      ["reason"],
    );
  });

  it("refuses an unknown sort", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "GET", url: "/api/v1/contacts?sort=bogus" }, 400, ["sort"]);
  });

  it("refuses a limit of 0", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "GET", url: "/api/v1/contacts?limit=0" }, 400, ["limit"]);
  });

  it("refuses a cursor the API did not give out", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "GET", url: "/api/v1/contacts?cursor=garbage" }, 400, ["cursor"]);
  });

  it("refuses an unknown status in the list filter", async () => {
    const s = await scene(env);
    const body = await refused(env, s, { method: "GET", url: "/api/v1/contacts?status=new,flying" }, 400);
    expect(body.errors?.[0]?.path).toMatch(/^status/);
  });

  it("refuses a second user with the same e-mail with 409 naming email", async () => {
    const s = await scene(env);
    const user = {
      email: "setter@alpha.test",
      name: "Second setter",
      role: "setter",
      password: "a long password",
    };
    const before = await stateOf(env, s.id);
    const response = await s.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: { cookie: s.org.cookies.admin },
      payload: { ...user, email: " Setter@Alpha.TEST " },
    });
    expectProblem(response, 409, { paths: ["email"] });
    expect(await stateOf(env, s.id)).toEqual(before);
  });

  it("answers an unknown route with 404 problem+json", async () => {
    const s = await scene(env);
    await refused(env, s, { method: "GET", url: "/api/v1/nothing-here" }, 404);
    await refused(env, s, { method: "POST", url: "/api/v1/contacts/x/y/z", payload: {} }, 404);
    await refused(env, s, { method: "DELETE", url: `/api/v1/contacts/${s.id}` }, 404);
  });

  it("refuses a body over 1 MiB with 413 problem+json", async () => {
    const s = await scene(env);
    await refused(
      env,
      s,
      {
        method: "PATCH",
        url: `/api/v1/contacts/${s.id}`,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ displayName: "M", givenName: "x".repeat(1024 * 1024) }),
      },
      413,
    );
  });
});
