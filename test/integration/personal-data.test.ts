import { expect, it } from "vitest";
import { sweep } from "../../src/jobs/sweeper.js";
import { systemCaller } from "../../src/services/record.js";
import { editOrganisation } from "../../src/services/save-organisation.js";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { addContact, seedOrganisation, signInAs } from "../support/seed.js";

describeEachDatabase("personal data", (env) => {
  it("exports everything about one contact to admins only", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const other = await seedOrganisation(ctx, app, "beta");
    const id = await addContact(app, org.cookies.dispatcher, {
      displayName: "Giulia Bianchi",
      emails: ["g@example.org"],
    });
    await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/activities`,
      payload: { kind: "comment", body: "Prefers evenings" },
    });
    const url = `/api/v1/contacts/${id}/export`;
    const exported = await send(app, org.cookies.admin, { method: "GET", url });
    expect(exported.statusCode, exported.body).toBe(200);
    const body = exported.json();
    expect(body.contact).toMatchObject({ id, displayName: "Giulia Bianchi", emails: ["g@example.org"] });
    expect(body.activities.map((a: { body: string | null }) => a.body)).toContain("Prefers evenings");
    expect(body.audit.map((a: { action: string }) => a.action)).toContain("contact.create");
    for (const role of ["dispatcher", "setter", "worker", "marketer"] as const) {
      expectProblem(await send(app, org.cookies[role], { method: "GET", url }), 403, { label: role });
    }
    expectProblem(await send(app, other.cookies.admin, { method: "GET", url }), 404);
    const log = await send(app, org.cookies.admin, {
      method: "GET",
      url: "/api/v1/audit?action=contact.export",
    });
    expect(log.json().items).toHaveLength(1);
  });

  it("erases what names or locates a person, keeps what counts need, and says so in the audit log", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, {
      displayName: "Giulia Bianchi",
      phones: ["+39 333 765 4321"],
      placeName: "Roma",
      lat: 41.9,
      lon: 12.5,
      source: "facebook",
    });
    await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/activities`,
      payload: { kind: "comment", body: "Lives near the station" },
    });
    await send(app, org.cookies.dispatcher, {
      method: "PATCH",
      url: `/api/v1/contacts/${id}`,
      payload: { displayName: "Giulia B." },
    });
    const url = `/api/v1/contacts/${id}/erase`;
    expectProblem(
      await send(app, org.cookies.dispatcher, { method: "POST", url, payload: { reason: "asked" } }),
      403,
    );
    expectProblem(await send(app, org.cookies.admin, { method: "POST", url, payload: {} }), 400, {
      paths: ["reason"],
    });
    const erased = await send(app, org.cookies.admin, {
      method: "POST",
      url,
      payload: { reason: "she asked by e-mail" },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toMatchObject({
      displayName: "(erased)",
      phones: [],
      emails: [],
      placeName: null,
      lat: null,
      source: "facebook",
      languages: ["it"],
      erasedAt: expect.any(String),
    });
    expectProblem(
      await send(app, org.cookies.admin, { method: "POST", url, payload: { reason: "again" } }),
      409,
    );

    const search = await send(app, org.cookies.dispatcher, {
      method: "GET",
      url: "/api/v1/contacts?q=bianchi",
    });
    expect(search.json().items).toHaveLength(0);
    const exported = (
      await send(app, org.cookies.admin, { method: "GET", url: `/api/v1/contacts/${id}/export` })
    ).json();
    expect(JSON.stringify(exported.activities)).not.toContain("station");
    const text = JSON.stringify(exported.audit);
    expect(text).not.toContain("Bianchi");
    expect(text).not.toContain("7654321");
    expect(exported.audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(["contact.create", "contact.update", "contact.erase"]),
    );
    const raw = await ctx.db.kysely
      .selectFrom("contacts")
      .select(["search_text", "phones"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(raw).toEqual({ search_text: "", phones: "[]" });
  });

  it("anonymises contacts closed longer ago than the organisation's retention rule", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    let dispatcher = org.cookies.dispatcher;
    const closeNow = async (name: string) => {
      const id = await addContact(app, dispatcher, { displayName: name });
      const closed = await send(app, dispatcher, {
        method: "POST",
        url: `/api/v1/contacts/${id}/status`,
        payload: { to: "closed", reason: "moved away" },
      });
      expect(closed.statusCode, closed.body).toBe(200);
      return id;
    };
    const old = await closeNow("Old Closed");
    const open = await addContact(app, org.cookies.dispatcher, { displayName: "Still Open" });
    clock.advance(200 * 24 * 3_600_000);
    dispatcher = await signInAs(app, `dispatcher@${org.slug}.test`);
    const recent = await closeNow("Recently Closed");
    const setting = await editOrganisation(ctx, systemCaller(org.id), {
      settings: { security: { twoFactor: "optional", sessionIdleMinutes: 24 * 60, retentionMonths: 6 } },
    });
    expect(setting.ok).toBe(true);
    expect((await sweep(ctx)).erased).toBe(1);
    const names = await ctx.db.kysely
      .selectFrom("contacts")
      .select(["id", "display_name"])
      .where("id", "in", [old, open, recent])
      .execute();
    const byId = new Map(names.map((r) => [r.id, r.display_name]));
    expect(byId.get(old)).toBe("(erased)");
    expect(byId.get(open)).toBe("Still Open");
    expect(byId.get(recent)).toBe("Recently Closed");
    expect((await sweep(ctx)).erased).toBe(0);
  });
});
