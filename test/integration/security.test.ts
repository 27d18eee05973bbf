import type { FastifyInstance } from "fastify";
import { generate } from "otplib";
import { expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { Context } from "../../src/context.js";
import { systemCaller } from "../../src/services/record.js";
import { editOrganisation } from "../../src/services/save-organisation.js";
import { describeEachDatabase, type TestClock } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { PASSWORD, seedOrganisation, signInAs } from "../support/seed.js";

function login(app: FastifyInstance, email: string, password = PASSWORD, code?: string, ip = "10.0.0.1") {
  return app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: ip,
    payload: { email, password, ...(code === undefined ? {} : { code }) },
  });
}

function cookieOf(response: { cookies: Array<{ name: string; value: string }> }): string {
  const cookie = response.cookies.find((c) => c.name === "handoff_session");
  if (!cookie) throw new Error("no session cookie");
  return `handoff_session=${cookie.value}`;
}

async function requireTwoFactor(
  ctx: Context,
  organisationId: string,
  policy: "privileged" | "everyone" | "optional",
) {
  const result = await editOrganisation(ctx, systemCaller(organisationId), {
    settings: { security: { twoFactor: policy, sessionIdleMinutes: 60, retentionMonths: null } },
  });
  if (!result.ok) throw new Error(result.error.message);
}

/** Sets up TOTP for a signed-in user through the API; answers the secret and the recovery codes. */
async function enrol(app: FastifyInstance, cookie: string, clock: TestClock) {
  const setup = await send(app, cookie, { method: "POST", url: "/api/v1/me/two-factor/setup" });
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret, uri, qrCode } = setup.json();
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
  const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  const confirm = await send(app, cookie, {
    method: "POST",
    url: "/api/v1/me/two-factor/confirm",
    payload: { code },
  });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { secret, recoveryCodes: confirm.json().recoveryCodes as string[] };
}

const codeAt = (secret: string, clock: TestClock) =>
  generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

describeEachDatabase("sign-in throttling", (env) => {
  it("locks an e-mail after five failures, even against the right password, until the window passes", async () => {
    const { app, ctx, clock } = env();
    await seedOrganisation(ctx, app, "alpha");
    for (let i = 0; i < 5; i++) expectProblem(await login(app, "setter@alpha.test", "wrong password!"), 401);
    const locked = await login(app, "setter@alpha.test");
    expectProblem(locked, 429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    expect((await login(app, "setter@alpha.test")).statusCode).toBe(200);
  });

  it("treats an unknown e-mail the same way, so a lockout tells nothing", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    for (let i = 0; i < 5; i++) expectProblem(await login(app, "nobody@alpha.test", "wrong password!"), 401);
    expectProblem(await login(app, "nobody@alpha.test"), 429);
  });

  it("forgets an e-mail's failures after a successful sign-in", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    for (let i = 0; i < 4; i++) await login(app, "setter@alpha.test", "wrong password!");
    expect((await login(app, "setter@alpha.test")).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await login(app, "setter@alpha.test", "wrong password!");
    expect((await login(app, "setter@alpha.test")).statusCode).toBe(200);
  });

  it("blocks an address that guesses across many accounts, but not other addresses", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    for (let i = 0; i < 30; i++)
      await login(app, `guess${i}@alpha.test`, "wrong password!", undefined, "10.9.9.9");
    expectProblem(await login(app, "setter@alpha.test", PASSWORD, undefined, "10.9.9.9"), 429);
    expect((await login(app, "setter@alpha.test", PASSWORD, undefined, "10.0.0.2")).statusCode).toBe(200);
  });
});

describeEachDatabase("two-factor authentication", (env) => {
  it("makes a dispatcher enrol before anything else, then asks for a code at every sign-in", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await requireTwoFactor(ctx, org.id, "privileged");
    const first = cookieOf(await login(app, "dispatcher@alpha.test"));
    const me = await send(app, first, { method: "GET", url: "/api/v1/me" });
    expect(me.json().security).toMatchObject({ twoFactorRequired: true, mustEnrolTwoFactor: true });
    const gated = expectProblem(await send(app, first, { method: "GET", url: "/api/v1/contacts" }), 403);
    expect(gated.details).toEqual({ twoFactor: "enrolment_required" });
    // A worker is not required to enrol under the default policy.
    expect((await send(app, org.cookies.worker, { method: "GET", url: "/api/v1/contacts" })).statusCode).toBe(
      200,
    );

    const { secret, recoveryCodes } = await enrol(app, first, clock);
    expect(recoveryCodes).toHaveLength(10);
    expect((await send(app, first, { method: "GET", url: "/api/v1/contacts" })).statusCode).toBe(200);

    const noCode = expectProblem(await login(app, "dispatcher@alpha.test"), 401);
    expect(noCode.details).toEqual({ secondFactor: "required" });
    clock.advance(60_000);
    const code = await codeAt(secret, clock);
    expect((await login(app, "dispatcher@alpha.test", PASSWORD, code)).statusCode).toBe(200);
    // The same code again is a replay.
    expectProblem(await login(app, "dispatcher@alpha.test", PASSWORD, code), 401);
    expectProblem(await login(app, "dispatcher@alpha.test", PASSWORD, "000000"), 401);
  });

  it("keeps each TOTP secret sealed in the database, and seals one stored before sealing existed", async () => {
    const { app, ctx, clock, openSecond } = env();
    await seedOrganisation(ctx, app, "alpha");
    const { secret } = await enrol(app, await signInAs(app, "setter@alpha.test"), clock);
    const stored = async (email: string) =>
      (
        await ctx.db.kysely
          .selectFrom("users")
          .select("totp_secret")
          .where("email", "=", email)
          .executeTakeFirstOrThrow()
      ).totp_secret ?? "";
    expect(await stored("setter@alpha.test")).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await stored("setter@alpha.test")).not.toContain(secret);
    // A secret written in clear by an older version: the next process to start seals it, and it still works.
    const old = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await ctx.db.kysely
      .updateTable("users")
      .set({ totp_secret: old, totp_enabled_at: clock.now().toISOString() })
      .where("email", "=", "worker@alpha.test")
      .execute();
    await openSecond();
    expect(await stored("worker@alpha.test")).toMatch(/^v1\./);
    clock.advance(60_000);
    expect((await login(app, "worker@alpha.test", PASSWORD, await codeAt(old, clock))).statusCode).toBe(200);
    // A process given another key refuses to start rather than fail every sign-in with a second factor.
    await expect(openSecond({ secretKey: "another key of thirty-two characters or more" })).rejects.toThrow(
      /sealed with another key/,
    );
  });

  it("accepts each recovery code once, and stores none of them in clear", async () => {
    const { app, ctx, clock } = env();
    await seedOrganisation(ctx, app, "alpha");
    const cookie = await signInAs(app, "setter@alpha.test");
    const { recoveryCodes } = await enrol(app, cookie, clock);
    const code = recoveryCodes[3]!;
    expect((await login(app, "setter@alpha.test", PASSWORD, code.toUpperCase())).statusCode).toBe(200);
    expectProblem(await login(app, "setter@alpha.test", PASSWORD, code), 401);
    const stored = await ctx.db.kysely.selectFrom("recovery_codes").select("code_hash").execute();
    expect(stored).toHaveLength(10);
    for (const row of stored)
      expect(recoveryCodes.map((c) => c.replace("-", ""))).not.toContain(row.code_hash);
    const me = await send(app, cookie, { method: "GET", url: "/api/v1/me" });
    expect(me.json().security.unusedRecoveryCodes).toBe(9);
  });

  it("lets a user turn it off only where the organisation does not require it, and an admin reset it", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const setter = await signInAs(app, "setter@alpha.test");
    await enrol(app, setter, clock);
    await requireTwoFactor(ctx, org.id, "everyone");
    expectProblem(
      await send(app, setter, {
        method: "POST",
        url: "/api/v1/me/two-factor/disable",
        payload: { password: PASSWORD },
      }),
      403,
    );
    await requireTwoFactor(ctx, org.id, "privileged");
    expectProblem(
      await send(app, setter, {
        method: "POST",
        url: "/api/v1/me/two-factor/disable",
        payload: { password: "nope nope nope" },
      }),
      400,
      { paths: ["password"] },
    );
    const off = await send(app, setter, {
      method: "POST",
      url: "/api/v1/me/two-factor/disable",
      payload: { password: PASSWORD },
    });
    expect(off.statusCode, off.body).toBe(204);
    expect((await login(app, "setter@alpha.test")).statusCode).toBe(200);

    // The seeded admin has no second factor: under "privileged" it could do nothing but enrol.
    await requireTwoFactor(ctx, org.id, "optional");
    const worker = await signInAs(app, "worker@alpha.test");
    await enrol(app, worker, clock);
    expectProblem(
      await send(app, org.cookies.dispatcher, {
        method: "DELETE",
        url: `/api/v1/users/${org.userIds.worker}/two-factor`,
      }),
      403,
    );
    const reset = await send(app, org.cookies.admin, {
      method: "DELETE",
      url: `/api/v1/users/${org.userIds.worker}/two-factor`,
    });
    expect(reset.statusCode, reset.body).toBe(204);
    expectProblem(await send(app, worker, { method: "GET", url: "/api/v1/me" }), 401);
    expect((await login(app, "worker@alpha.test")).statusCode).toBe(200);
  });
});

describeEachDatabase("sessions", (env) => {
  it("lists a user's sessions, marks the current one, and ends another", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    const laptop = await signInAs(app, "setter@alpha.test");
    const phone = await signInAs(app, "setter@alpha.test");
    const listed = await send(app, laptop, { method: "GET", url: "/api/v1/me/sessions" });
    const sessions = listed.json() as Array<{ id: string; current: boolean }>;
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current && sessions.length >= 2);
    expect(other).toBeDefined();
    // The seeded session of the setter is a third one.
    const ended = await send(app, laptop, { method: "DELETE", url: `/api/v1/me/sessions/${other!.id}` });
    expect(ended.json()).toEqual({ ended: 1 });
    const alive = await Promise.all(
      [laptop, phone].map(async (c) => (await send(app, c, { method: "GET", url: "/api/v1/me" })).statusCode),
    );
    expect(alive.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expectProblem(
      await send(app, laptop, { method: "DELETE", url: "/api/v1/me/sessions/not-a-session" }),
      404,
    );
  });

  it("lets an admin end every session of a user, and nobody else see them", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const url = `/api/v1/users/${org.userIds.worker}/sessions`;
    expectProblem(await send(app, org.cookies.dispatcher, { method: "GET", url }), 403);
    expectProblem(await send(app, org.cookies.worker2, { method: "DELETE", url }), 403);
    expect((await send(app, org.cookies.admin, { method: "GET", url })).json()).toHaveLength(1);
    expect((await send(app, org.cookies.admin, { method: "DELETE", url })).json()).toEqual({ ended: 1 });
    expectProblem(await send(app, org.cookies.worker, { method: "GET", url: "/api/v1/me" }), 401);
    const audit = await send(app, org.cookies.admin, {
      method: "GET",
      url: "/api/v1/audit?action=session.revoke",
    });
    expect(audit.json().items).toHaveLength(1);
  });

  it("ends a session after the organisation's idle time", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await requireTwoFactor(ctx, org.id, "everyone");
    await editOrganisation(ctx, systemCaller(org.id), {
      settings: { security: { twoFactor: "optional", sessionIdleMinutes: 30, retentionMonths: null } },
    });
    const cookie = await signInAs(app, "setter@alpha.test");
    clock.advance(29 * 60_000);
    expect((await send(app, cookie, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
    clock.advance(29 * 60_000);
    expect((await send(app, cookie, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/me" }), 401);
  });
});

describeEachDatabase("passwords", (env) => {
  it("changes a password with the current one, refusing common ones, and ends every other session", async () => {
    const { app, ctx } = env();
    await seedOrganisation(ctx, app, "alpha");
    const here = await signInAs(app, "setter@alpha.test");
    const there = await signInAs(app, "setter@alpha.test");
    const url = "/api/v1/me/password";
    expectProblem(
      await send(app, here, {
        method: "POST",
        url,
        payload: { currentPassword: "wrong one!!", newPassword: "a fresh passphrase" },
      }),
      400,
      { paths: ["currentPassword"] },
    );
    expectProblem(
      await send(app, here, {
        method: "POST",
        url,
        payload: { currentPassword: PASSWORD, newPassword: "password123" },
      }),
      400,
      { paths: ["newPassword"] },
    );
    expectProblem(
      await send(app, here, {
        method: "POST",
        url,
        payload: { currentPassword: PASSWORD, newPassword: "short" },
      }),
      400,
      { paths: ["newPassword"] },
    );
    const changed = await send(app, here, {
      method: "POST",
      url,
      payload: { currentPassword: PASSWORD, newPassword: "a fresh passphrase" },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const fresh = cookieOf(changed);
    for (const old of [here, there])
      expectProblem(await send(app, old, { method: "GET", url: "/api/v1/me" }), 401);
    expect((await send(app, fresh, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
    expect((await login(app, "setter@alpha.test", "a fresh passphrase")).statusCode).toBe(200);
  });

  it("refuses a self-service password change without the current password, and weak passwords from admins", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    expectProblem(
      await send(app, org.cookies.setter, {
        method: "PATCH",
        url: `/api/v1/users/${org.userIds.setter}`,
        payload: { password: "another passphrase" },
      }),
      400,
      { paths: ["password"] },
    );
    expectProblem(
      await send(app, org.cookies.admin, {
        method: "PATCH",
        url: `/api/v1/users/${org.userIds.setter}`,
        payload: { password: "qwertyuiop" },
      }),
      400,
      { paths: ["password"] },
    );
    const created = await send(app, org.cookies.admin, {
      method: "POST",
      url: "/api/v1/users",
      payload: { email: "new@alpha.test", name: "New Person", role: "setter", password: "iloveyou12" },
    });
    expectProblem(created, 400, { paths: ["password"] });
  });
});

describeEachDatabase("web safety", (env) => {
  it("refuses changes a browser sends from another site, and allows same-origin ones", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: "POST",
        url: "/api/v1/contacts",
        headers: { cookie: org.cookies.dispatcher, host: "handoff.example", ...headers },
        payload: { displayName: "Forged" },
      });
    expectProblem(await post({ "sec-fetch-site": "cross-site" }), 403);
    expectProblem(await post({ "sec-fetch-site": "same-site" }), 403);
    expectProblem(await post({ origin: "https://evil.example" }), 403);
    expect((await post({ "sec-fetch-site": "same-origin" })).statusCode).toBe(201);
    expect((await post({ origin: "https://handoff.example" })).statusCode).toBe(201);
    // Reading stays open to links from elsewhere (SameSite=Lax cookies).
    const read = await app.inject({
      url: "/api/v1/contacts",
      headers: { cookie: org.cookies.dispatcher, "sec-fetch-site": "cross-site" },
    });
    expect(read.statusCode).toBe(200);
  });

  it("sends strict security headers", async () => {
    const { app } = env();
    const response = await app.inject({ url: "/healthz" });
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("limits requests per session and answers 429 as a problem", async () => {
    const { ctx } = env();
    const limited = await buildApp({ ...ctx, config: { ...ctx.config, rateLimitPerMinute: 5 } });
    try {
      const org = await seedOrganisation(ctx, limited, "alpha");
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (await send(limited, org.cookies.setter, { method: "GET", url: "/api/v1/me" })).statusCode,
        );
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expectProblem(await send(limited, org.cookies.setter, { method: "GET", url: "/api/v1/me" }), 429);
      // Another session has its own allowance.
      expect((await send(limited, org.cookies.worker, { method: "GET", url: "/api/v1/me" })).statusCode).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });

  it("refuses a body over the size limit", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const response = await app.inject({
      method: "POST",
      url: "/api/v1/contacts",
      headers: { cookie: org.cookies.dispatcher, "content-type": "application/json" },
      payload: JSON.stringify({ displayName: "x".repeat(2 * 1024 * 1024) }),
    });
    expectProblem(response, 413);
  });
});
