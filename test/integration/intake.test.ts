import { expect, it } from "vitest";
import type { ApiKeyIssued } from "../../src/core/model.js";
import { type RefreshStep, refreshSteps } from "../../src/db/report-rollups.js";
import { sweep } from "../../src/jobs/sweeper.js";
import { REFRESH_BATCH, SWEEP_REFRESH_SHARE } from "../../src/services/refresh-reports.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { type SeededOrganisation, seedOrganisation } from "../support/seed.js";

async function intakeKey(env: TestEnv, org: SeededOrganisation, scopes = ["intake"]): Promise<string> {
  const response = await send(env.app, org.cookies.admin, {
    method: "POST",
    url: "/api/v1/api-keys",
    payload: { name: "Web form", scopes },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<ApiKeyIssued>().key;
}

describeEachDatabase("intake", (env) => {
  it("creates a contact from JSON: normalised, located offline, inbound, with its attribution and message", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const response = await e.app.inject({
      method: "POST",
      url: "/api/v1/intake",
      headers: { authorization: `Bearer ${key}` },
      payload: {
        name: "Giulia Verdi",
        phone: "694 123 4567",
        email: "Giulia@Example.org",
        city: "Thessaloníki",
        country: "GR",
        utm_source: "facebook",
        utm_campaign: "advent",
        message: "I would like to talk to someone",
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id, replayed } = response.json();
    expect(replayed).toBe(false);
    const contact = (
      await send(e.app, org.cookies.dispatcher, { method: "GET", url: `/api/v1/contacts/${id}` })
    ).json();
    expect(contact).toMatchObject({
      displayName: "Giulia Verdi",
      emails: ["giulia@example.org"],
      phones: ["+306941234567"],
      placeName: "Thessaloníki",
      country: "GR",
      source: "facebook",
      campaign: "advent",
      inbound: true,
      status: "new",
    });
    expect(contact.lat).toBeCloseTo(40.64, 1);
    expect(contact.lon).toBeCloseTo(22.93, 1);
    const timeline = (
      await send(e.app, org.cookies.dispatcher, { method: "GET", url: `/api/v1/contacts/${id}/activities` })
    ).json();
    expect(timeline.items.map((a: { body: string | null }) => a.body)).toContain(
      "I would like to talk to someone",
    );
    const row = await e.ctx.db.kysely
      .selectFrom("contacts")
      .select("attribution")
      .where("id", "=", id)
      .executeTakeFirst();
    expect(JSON.parse(row?.attribution ?? "{}")).toEqual({ utm_source: "facebook", utm_campaign: "advent" });
  });

  it("takes a plain HTML form post with the key in the query, and answers a page to a browser", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const response = await e.app.inject({
      method: "POST",
      url: `/api/v1/intake?key=${key}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "text/html,application/xhtml+xml",
        origin: "https://www.example-church.org",
        "sec-fetch-site": "cross-site",
      },
      payload: "name=Ana+L%C3%B3pez&phone=%2B34+612+345+678&language=es&language=en&submit=Send",
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body).toContain("Thank you");
    const listed = (
      await send(e.app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/contacts?q=lopez" })
    ).json();
    expect(listed.items).toEqual([
      expect.objectContaining({
        displayName: "Ana López",
        phones: ["+34612345678"],
        languages: ["es", "en"],
      }),
    ]);
  });

  it("creates one contact for one Idempotency-Key, and refuses the key with another body", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const post = (payload: Record<string, unknown>) =>
      e.app.inject({
        method: "POST",
        url: "/api/v1/intake",
        headers: { authorization: `Bearer ${key}`, "idempotency-key": "form-42" },
        payload,
      });
    const first = await post({ name: "Once Only", email: "once@example.org" });
    const again = await post({ email: "once@example.org", name: "Once Only" });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json().id).toBe(first.json().id);
    expectProblem(await post({ name: "Someone Else" }), 409, { paths: ["Idempotency-Key"] });
    const rows = await e.ctx.db.kysely
      .selectFrom("contacts")
      .select("id")
      .where("display_name", "=", "Once Only")
      .execute();
    expect(rows).toHaveLength(1);
    // Concurrent retries of one key: still one contact.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        e.app.inject({
          method: "POST",
          url: "/api/v1/intake",
          headers: { authorization: `Bearer ${key}`, "idempotency-key": "race-1" },
          payload: { name: "Racing Retry" },
        }),
      ),
    );
    expect(racing.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(racing.map((r) => r.json().id)).size).toBe(1);
  });

  it("reads a phone with the organisation's default country as saved a moment before", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const phoneOf = async (country: string, n: number) => {
      const saved = await send(e.app, org.cookies.admin, {
        method: "PATCH",
        url: "/api/v1/organisation",
        payload: { settings: { defaultCountry: country } },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const response = await e.app.inject({
        method: "POST",
        url: "/api/v1/intake",
        headers: { authorization: `Bearer ${key}`, "idempotency-key": `country-${n}` },
        payload: { name: `Local Caller ${n}`, phone: "0612345678" },
      });
      expect(response.statusCode, response.body).toBe(201);
      const contact = (
        await send(e.app, org.cookies.dispatcher, {
          method: "GET",
          url: `/api/v1/contacts/${response.json().id}`,
        })
      ).json();
      return contact.phones;
    };
    // The intake keeps the organisation for a moment: a save in the process is seen at once.
    expect(await phoneOf("FR", 1)).toEqual(["+33612345678"]);
    expect(await phoneOf("NL", 2)).toEqual(["+31612345678"]);
  });

  it("stores every one of many intakes sent at once, each with its timeline, audit entry and match keys", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        e.app.inject({
          method: "POST",
          url: "/api/v1/intake",
          headers: { authorization: `Bearer ${key}`, "idempotency-key": `burst-${i}` },
          payload: {
            name: `Burst Person ${i}`,
            email: `burst${i}@example.org`,
            city: "Milan",
            country: "IT",
          },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
    const ids = responses.map((r) => r.json<{ id: string }>().id);
    expect(new Set(ids).size).toBe(24);
    const db = e.ctx.db.kysely;
    const count = async (table: "activities" | "contact_match_keys" | "idempotency_keys") =>
      (await db.selectFrom(table).select("contact_id").where("contact_id", "in", ids).execute()).map(
        (row) => row.contact_id,
      );
    expect(new Set(await count("activities")).size).toBe(24);
    expect(new Set(await count("contact_match_keys")).size).toBe(24);
    expect((await count("idempotency_keys")).sort()).toEqual([...ids].sort());
    const audited = await db
      .selectFrom("audit_log")
      .select("entity_id")
      .where("action", "=", "contact.create")
      .where("entity_id", "in", ids)
      .execute();
    expect(audited).toHaveLength(24);
  });

  /** Each person's contacts: exactly one survivor, every other one merged into it. */
  async function expectOneSurvivorEach(e: TestEnv, names: readonly string[], copies: number) {
    const rows = await e.ctx.db.kysely
      .selectFrom("contacts")
      .select(["id", "display_name", "merged_into_id"])
      .where("display_name", "in", names)
      .execute();
    for (const name of names) {
      const own = rows.filter((row) => row.display_name === name);
      expect(own, name).toHaveLength(copies);
      const survivors = own.filter((row) => row.merged_into_id === null);
      expect(survivors, name).toHaveLength(1);
      for (const row of own)
        if (row !== survivors[0]) expect(row.merged_into_id, name).toBe(survivors[0]!.id);
    }
  }

  const people = ["Maria Rossi", "Giulia Verdi", "Luca Bianchi", "Anna Conti"].map((name, i) => ({
    name,
    phone: `333 123 45${60 + i}`,
    email: `${name.toLowerCase().replace(" ", ".")}@example.org`,
    country: "IT",
  }));

  it("checks intakes sent at once against each other, as if they had come one by one", async () => {
    const e = env();
    // PostgreSQL runs several transactions at once; arrivals that share a match key lock it, so the
    // later one waits for the earlier and then sees its rows. SQLite's one writer stores them one by one.
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const responses = await Promise.all(
      people.flatMap((person, i) =>
        ["first", "second", "third"].map((copy) =>
          e.app.inject({
            method: "POST",
            url: "/api/v1/intake",
            headers: { authorization: `Bearer ${key}`, "idempotency-key": `${copy}-${i}` },
            payload: person,
          }),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
    // The later arrivals are merged into the earliest at once (the same phone, e-mail and name).
    await expectOneSurvivorEach(
      e,
      people.map((p) => p.name),
      3,
    );
  });

  it("checks contacts created at once, each in its own transaction, against each other", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const responses = await Promise.all(
      people.flatMap((person) =>
        [1, 2].map(() =>
          send(e.app, org.cookies.admin, {
            method: "POST",
            url: "/api/v1/contacts",
            payload: {
              displayName: person.name,
              phones: [person.phone],
              emails: [person.email],
              country: person.country,
            },
          }),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
    await expectOneSurvivorEach(
      e,
      people.map((p) => p.name),
      2,
    );
  });

  it("answers 400 naming every bad field, and stores nothing", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const key = await intakeKey(e, org);
    const response = await e.app.inject({
      method: "POST",
      url: "/api/v1/intake",
      headers: { authorization: `Bearer ${key}` },
      payload: { name: "x".repeat(300), email: "nope", lat: "north", lon: 12, inbound: "perhaps" },
    });
    expectProblem(response, 400, { paths: ["name", "email.0", "lat", "inbound"] });
    expect(await e.ctx.db.kysely.selectFrom("contacts").select("id").execute()).toHaveLength(0);
  });

  it("needs a key with the intake scope; a session cookie is not enough", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const readKey = await intakeKey(e, org, ["contacts:read"]);
    const payload = { name: "No Key" };
    expectProblem(await e.app.inject({ method: "POST", url: "/api/v1/intake", payload }), 401);
    expectProblem(
      await send(e.app, org.cookies.dispatcher, { method: "POST", url: "/api/v1/intake", payload }),
      401,
    );
    expectProblem(
      await e.app.inject({
        method: "POST",
        url: "/api/v1/intake",
        headers: { authorization: `Bearer ${readKey}` },
        payload,
      }),
      403,
    );
    expectProblem(
      await e.app.inject({ method: "POST", url: `/api/v1/intake?key=hk_${"x".repeat(43)}`, payload }),
      401,
    );
  });
  it("counts a new organisation's arrivals into the reports in small steps, letting other work run between them", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const db = e.ctx.db.kysely;
    // A new organisation's report tables start built (empty): its arrivals are changes to count, never a build.
    const refresh = await db
      .selectFrom("report_refreshes")
      .select(["built_at", "stays_at"])
      .where("organisation_id", "=", org.id)
      .executeTakeFirstOrThrow();
    expect(refresh.built_at).not.toBeNull();
    expect(refresh.stays_at).not.toBeNull();
    await sweep(e.ctx);
    const key = await intakeKey(e, org);
    for (let i = 0; i < 300; i++) {
      const response = await e.app.inject({
        method: "POST",
        url: "/api/v1/intake",
        headers: { authorization: `Bearer ${key}` },
        payload: { name: `Person ${i}`, phone: `+39 333 ${String(1_000_000 + i).slice(-7)}`, city: "Milan" },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    // Turns of the event loop while the sweep counts them: on SQLite every statement is a synchronous call,
    // so only the pauses between its transactions let a request in.
    let turns = 0;
    let counting = true;
    const spin = () => {
      turns += 1;
      if (counting) setImmediate(spin);
    };
    setImmediate(spin);
    const steps: RefreshStep[] = [];
    const endedAt: number[] = [];
    const onStep = (step: unknown) => {
      endedAt.push(performance.now());
      steps.push(step as RefreshStep);
    };
    refreshSteps.subscribe(onStep);
    const swept = await sweep(e.ctx).finally(() => refreshSteps.unsubscribe(onStep));
    counting = false;
    // Every step but the last counts REFRESH_BATCH changes; the last, what is left.
    expect(steps.reduce((sum, step) => sum + step.changes, 0)).toBe(swept.reportRollups.applied);
    expect(steps.length).toBeGreaterThanOrEqual(Math.ceil(300 / REFRESH_BATCH));
    for (const step of steps.slice(0, -1)) expect(step.changes).toBe(REFRESH_BATCH);
    expect(steps.at(-1)!.changes).toBeLessThanOrEqual(REFRESH_BATCH);
    expect(swept.reportRollups.built).toBe(0);
    expect(swept.reportRollups.applied).toBeGreaterThanOrEqual(300);
    expect(turns).toBeGreaterThanOrEqual(5);
    // The sweep takes its share of the time and no more: after each step it waits three times as long (a
    // timer may fire up to a millisecond early, hence one per step of slack).
    const busy = steps.reduce((sum, step) => sum + step.ms, 0);
    const elapsed = endedAt.at(-1)! - (endedAt[0]! - steps[0]!.ms);
    expect(busy).toBeLessThanOrEqual(SWEEP_REFRESH_SHARE * elapsed + steps.length);
    const count = async (table: "report_facts" | "contacts") =>
      (await db.selectFrom(table).select("organisation_id").where("organisation_id", "=", org.id).execute())
        .length;
    expect(await count("report_facts")).toBe(await count("contacts"));
    expect(await db.selectFrom("report_changes").selectAll().execute()).toEqual([]);
  }, 60_000);
});
