/** API keys: shown once, stored as a hash, rotated and revoked by admins only, every change audited. */
import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import type { ApiKey, ApiKeyIssued } from "../../src/core/model.js";
import { KEY_CACHE_MS, resolveApiKey, revokeApiKey } from "../../src/services/api-keys.js";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, type Sent, send } from "../support/http.js";
import { seedOrganisation } from "../support/seed.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const NON_ADMINS = ["dispatcher", "setter", "worker", "marketer"] as const;

describeEachDatabase("API keys", (env) => {
  async function issue(cookie: string, body: unknown = { name: "Web form", scopes: ["intake"] }) {
    const response = await send(env().app, cookie, {
      method: "POST",
      url: "/api/v1/api-keys",
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<ApiKeyIssued>();
  }

  it("shows the whole key once and stores only its SHA-256", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    expect(issued.key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(issued).toMatchObject({ name: "Web form", scopes: ["intake"], prefix: issued.key.slice(0, 10) });
    const row = await ctx.db.kysely
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", issued.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(sha256(issued.key));
    expect(JSON.stringify(row)).not.toContain(issued.key.slice(10));
    const listed = await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/api-keys" });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(issued.key.slice(10));
    expect(listed.json<ApiKey[]>()).toEqual([
      {
        id: issued.id,
        name: "Web form",
        prefix: issued.prefix,
        scopes: ["intake"],
        createdAt: "2026-03-02T09:00:00.000Z",
        lastUsedAt: null,
        lastUsedIp: null,
        revokedAt: null,
      },
    ]);
    const audit = await ctx.db.kysely
      .selectFrom("audit_log")
      .selectAll()
      .where("entity", "=", "api_key")
      .execute();
    expect(audit.map((a) => [a.action, a.entity_id, a.actor_user_id])).toEqual([
      ["api_key.create", issued.id, org.userIds.admin],
    ]);
    expect(JSON.stringify(audit)).not.toContain(issued.key.slice(10));
  });

  it("resolves a key to a caller acting for the key, with the least role of its scopes", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const intake = await issue(org.cookies.admin);
    const reader = await issue(org.cookies.admin, { name: "CRM", scopes: ["contacts:read"] });
    expect(await resolveApiKey(ctx, intake.key, "10.0.0.1")).toEqual({
      caller: {
        userId: "",
        apiKeyId: intake.id,
        organisationId: org.id,
        role: "setter",
        workerId: null,
        ip: "10.0.0.1",
      },
      scopes: ["intake"],
    });
    expect((await resolveApiKey(ctx, reader.key, null))?.caller.role).toBe("dispatcher");
    for (const wrong of [
      `${intake.key.slice(0, -1)}x`,
      "hk_short",
      "",
      intake.prefix,
      intake.key.toUpperCase(),
    ]) {
      expect(await resolveApiKey(ctx, wrong, null), wrong).toBeNull();
    }
  });

  it("records the last use at most once a minute", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    const lastUse = async () =>
      ctx.db.kysely
        .selectFrom("api_keys")
        .select(["last_used_at", "last_used_ip"])
        .where("id", "=", issued.id)
        .executeTakeFirstOrThrow();
    const first = clock.now().toISOString();
    await resolveApiKey(ctx, issued.key, "10.0.0.1");
    clock.advance(59_000);
    await resolveApiKey(ctx, issued.key, "10.0.0.2");
    expect(await lastUse()).toEqual({ last_used_at: first, last_used_ip: "10.0.0.1" });
    clock.advance(1_000);
    await resolveApiKey(ctx, issued.key, "10.0.0.3");
    expect(await lastUse()).toEqual({ last_used_at: clock.now().toISOString(), last_used_ip: "10.0.0.3" });
  });

  it("rotates a key: the old one stops working, the new one has the same name and scopes", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const old = await issue(org.cookies.admin, { name: "Both", scopes: ["intake", "contacts:read"] });
    clock.advance(60_000);
    const rotated = await send(app, org.cookies.admin, {
      method: "POST",
      url: `/api/v1/api-keys/${old.id}/rotate`,
    });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const fresh = rotated.json<ApiKeyIssued>();
    expect(fresh).toMatchObject({ name: "Both", scopes: ["intake", "contacts:read"], revokedAt: null });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    expect(await resolveApiKey(ctx, old.key, null)).toBeNull();
    expect((await resolveApiKey(ctx, fresh.key, null))?.caller.apiKeyId).toBe(fresh.id);
    const listed = (await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/api-keys" })).json<
      ApiKey[]
    >();
    expect(listed.map((k) => [k.id, k.revokedAt])).toEqual([
      [fresh.id, null],
      [old.id, clock.now().toISOString()],
    ]);
    expectProblem(
      await send(app, org.cookies.admin, { method: "POST", url: `/api/v1/api-keys/${old.id}/rotate` }),
      409,
    );
    const actions = await ctx.db.kysely
      .selectFrom("audit_log")
      .select("action")
      .where("entity", "=", "api_key")
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual(["api_key.create", "api_key.rotate"]);
  });

  it("revokes a key at once", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    expect(await resolveApiKey(ctx, issued.key, null)).not.toBeNull();
    const revoked = await send(app, org.cookies.admin, {
      method: "DELETE",
      url: `/api/v1/api-keys/${issued.id}`,
    });
    expect(revoked.statusCode).toBe(204);
    expect(await resolveApiKey(ctx, issued.key, null)).toBeNull();
    const again = await send(app, org.cookies.admin, {
      method: "DELETE",
      url: `/api/v1/api-keys/${issued.id}`,
    });
    expect(again.statusCode).toBe(204);
    const audit = await ctx.db.kysely
      .selectFrom("audit_log")
      .select(["action", "after"])
      .where("action", "=", "api_key.revoke")
      .execute();
    expect(audit).toHaveLength(1);
    expectProblem(
      await send(app, org.cookies.admin, { method: "DELETE", url: "/api/v1/api-keys/nope" }),
      404,
    );
  });

  it("refuses a key revoked in this process at once, though it was resolved a moment before", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    const intake = () =>
      app.inject({
        method: "POST",
        url: "/api/v1/intake",
        headers: { authorization: `Bearer ${issued.key}` },
        payload: { name: "Before Revocation" },
      });
    expect((await intake()).statusCode).toBe(201);
    const revoked = await send(app, org.cookies.admin, {
      method: "DELETE",
      url: `/api/v1/api-keys/${issued.id}`,
    });
    expect(revoked.statusCode).toBe(204);
    expectProblem(await intake(), 401);
  });

  it("refuses a key revoked by another process within KEY_CACHE_MS", async () => {
    const { app, ctx, clock, openSecond } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    expect(await resolveApiKey(ctx, issued.key, null)).not.toBeNull();
    const other = await openSecond();
    const admin = { userId: org.userIds.admin, organisationId: org.id, role: "admin" as const };
    const revoked = await revokeApiKey(other, { ...admin, workerId: null, ip: null }, issued.id);
    expect(revoked.ok).toBe(true);
    // This process trusts the key it read for at most KEY_CACHE_MS, then reads it again.
    clock.advance(KEY_CACHE_MS);
    expect(await resolveApiKey(ctx, issued.key, null)).toBeNull();
    expect(await resolveApiKey(other, issued.key, null)).toBeNull();
  });

  it("refuses unknown scopes and blank names, naming the field", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const [payload, path] of [
      [{ name: "X", scopes: ["admin"] }, "scopes.0"],
      [{ name: "X", scopes: [] }, "scopes"],
      [{ name: " ", scopes: ["intake"] }, "name"],
    ] as const) {
      expectProblem(
        await send(app, org.cookies.admin, { method: "POST", url: "/api/v1/api-keys", payload }),
        400,
        {
          paths: [path],
        },
      );
    }
  });

  it("answers 403 to everyone but an admin on every API key route", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const issued = await issue(org.cookies.admin);
    const requests: Sent[] = [
      { method: "GET", url: "/api/v1/api-keys" },
      { method: "POST", url: "/api/v1/api-keys", payload: { name: "Mine", scopes: ["contacts:read"] } },
      { method: "POST", url: `/api/v1/api-keys/${issued.id}/rotate` },
      { method: "DELETE", url: `/api/v1/api-keys/${issued.id}` },
    ];
    for (const role of NON_ADMINS) {
      for (const request of requests) {
        expectProblem(await send(app, org.cookies[role], request), 403, {
          label: `${role} ${request.method} ${request.url}`,
        });
      }
    }
    expect(await resolveApiKey(ctx, issued.key, null)).not.toBeNull();
    expect(await ctx.db.kysely.selectFrom("api_keys").select("id").execute()).toHaveLength(1);
  });

  it("never shows or touches another organisation's keys", async () => {
    const { app, ctx } = env();
    const alpha = await seedOrganisation(ctx, app, "alpha");
    const beta = await seedOrganisation(ctx, app, "beta");
    const theirs = await issue(beta.cookies.admin);
    expect((await send(app, alpha.cookies.admin, { method: "GET", url: "/api/v1/api-keys" })).json()).toEqual(
      [],
    );
    for (const request of [
      { method: "POST", url: `/api/v1/api-keys/${theirs.id}/rotate` },
      { method: "DELETE", url: `/api/v1/api-keys/${theirs.id}` },
    ] as const) {
      expectProblem(await send(app, alpha.cookies.admin, request), 404);
    }
    expect((await resolveApiKey(ctx, theirs.key, null))?.caller.organisationId).toBe(beta.id);
  });
});

describeEachDatabase("calling the API with a key", (env) => {
  async function keyFor(cookie: string, scopes: string[]): Promise<string> {
    const response = await send(env().app, cookie, {
      method: "POST",
      url: "/api/v1/api-keys",
      payload: { name: `key ${scopes.join(" ")}`, scopes },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<ApiKeyIssued>().key;
  }
  const withKey = (key: string, request: Sent) =>
    env().app.inject({
      method: request.method,
      url: request.url,
      headers: { authorization: `Bearer ${key}` },
      ...(request.payload === undefined ? {} : { payload: request.payload as Record<string, unknown> }),
    });

  it("lets an intake key create contacts and nothing else, and names the key in the audit log", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const key = await keyFor(org.cookies.admin, ["intake"]);
    const created = await withKey(key, {
      method: "POST",
      url: "/api/v1/contacts",
      payload: { displayName: "Lead From Form", source: "web form" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const entry = await ctx.db.kysely
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(entry.actor_user_id).toBeNull();
    expect(entry.actor_api_key_id).toEqual(expect.any(String));
    expectProblem(await withKey(key, { method: "GET", url: "/api/v1/contacts" }), 403);
    expectProblem(await withKey(key, { method: "GET", url: `/api/v1/contacts/${id}` }), 403);
    expectProblem(await withKey(key, { method: "GET", url: "/api/v1/users" }), 403);
    expectProblem(
      await withKey(key, {
        method: "POST",
        url: "/api/v1/api-keys",
        payload: { name: "x", scopes: ["intake"] },
      }),
      403,
    );
  });

  it("lets a read key read its own organisation's contacts only, and write nothing", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const other = await seedOrganisation(ctx, app, "beta");
    const theirs = await send(app, other.cookies.dispatcher, {
      method: "POST",
      url: "/api/v1/contacts",
      payload: { displayName: "Not Yours" },
    });
    const key = await keyFor(org.cookies.admin, ["contacts:read"]);
    const listed = await withKey(key, { method: "GET", url: "/api/v1/contacts" });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.body).not.toContain("Not Yours");
    expectProblem(await withKey(key, { method: "GET", url: `/api/v1/contacts/${theirs.json().id}` }), 404);
    expectProblem(
      await withKey(key, { method: "POST", url: "/api/v1/contacts", payload: { displayName: "X" } }),
      403,
    );
  });

  it("refuses a revoked or made-up key with 401", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const key = await keyFor(org.cookies.admin, ["contacts:read"]);
    const [row] = await ctx.db.kysely.selectFrom("api_keys").select("id").execute();
    await send(app, org.cookies.admin, { method: "DELETE", url: `/api/v1/api-keys/${row!.id}` });
    expectProblem(await withKey(key, { method: "GET", url: "/api/v1/contacts" }), 401);
    expectProblem(await withKey(`hk_${"A".repeat(43)}`, { method: "GET", url: "/api/v1/contacts" }), 401);
  });
});
