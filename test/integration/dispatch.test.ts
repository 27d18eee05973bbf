import { expect, it } from "vitest";
import { offerContact } from "../../src/services/offer-contact.js";
import type { Caller } from "../../src/services/record.js";
import { describeEachDatabase } from "../support/databases.js";
import { addContact, seedOrganisation } from "../support/seed.js";

const ROME = { placeName: "Roma", country: "IT", lat: 41.9, lon: 12.5, languages: ["it"], gender: "f" };
const ATHENS = { placeName: "Athina", country: "GR", lat: 37.98, lon: 23.73, languages: ["el"], gender: "m" };
const OSLO = { placeName: "Oslo", country: "NO", lat: 59.91, lon: 10.75, languages: ["it"], gender: "f" };

describeEachDatabase("dispatch", (env) => {
  it("ranks the workers who can serve a contact and names the rule that excludes the others", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Maria", ...ROME });
    const response = await app.inject({
      url: `/api/v1/contacts/${id}/suggestions`,
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.ranked.map((r: { workerId: string }) => r.workerId)).toEqual([org.workers.worker.id]);
    expect(body.ranked[0].sharedLanguages).toEqual(["it"]);
    expect(body.ranked[0].distanceKm).toBeLessThan(5);
    expect(body.excluded).toEqual([
      { workerId: org.workers.worker2.id, name: org.workers.worker2.name, rule: "language" },
    ]);
    const marketer = await app.inject({
      url: `/api/v1/contacts/${id}/suggestions`,
      headers: { cookie: org.cookies.marketer },
    });
    expect(marketer.statusCode).toBe(403);
  });

  it("offers a new contact in one click and keeps the why of the decision", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Maria", ...ROME });
    const assigned = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${id}/assign`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { workerId: org.workers.worker.id },
    });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ status: "offered", assignedWorkerId: org.workers.worker.id });
    const decisions = await app.inject({
      url: `/api/v1/contacts/${id}/decisions`,
      headers: { cookie: org.cookies.dispatcher },
    });
    const [decision] = decisions.json();
    expect(decision).toMatchObject({ workerId: org.workers.worker.id, mode: "manual", outcome: "offered" });
    expect(decision.trace.rulesPassed).toEqual([
      "status",
      "capacity",
      "language",
      "gender",
      "distance",
      "declined",
    ]);
    expect(decision.trace.score.marginal).toBeGreaterThan(9000);
    expect(decision.trace.runnerUp).toBeNull();
  });

  it("refuses to offer a contact to a worker who is full, paused or declined it", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const worker = org.workers.worker.id;
    await app.inject({
      method: "PATCH",
      url: `/api/v1/workers/${worker}`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { capacity: 1 },
    });
    const first = await addContact(app, org.cookies.dispatcher, { displayName: "A", ...ROME });
    const second = await addContact(app, org.cookies.dispatcher, { displayName: "B", ...ROME });
    const assign = (contact: string) =>
      app.inject({
        method: "POST",
        url: `/api/v1/contacts/${contact}/assign`,
        headers: { cookie: org.cookies.dispatcher },
        payload: { workerId: worker },
      });
    expect((await assign(first)).statusCode).toBe(200);
    const full = await assign(second);
    expect(full.statusCode).toBe(409);
    expect(full.json().errors[0]).toEqual({
      path: "workerId",
      message: `${org.workers.worker.name} is full (1 of 1)`,
    });
    // The worker declines the first: it comes back, and is never offered to them again.
    const declined = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${first}/status`,
      headers: { cookie: org.cookies.worker },
      payload: { to: "ready", note: "travelling" },
    });
    expect(declined.statusCode).toBe(200);
    const again = await assign(first);
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual({ rule: "declined" });
    await app.inject({
      method: "PATCH",
      url: `/api/v1/workers/${worker}`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { status: "paused" },
    });
    expect((await assign(second)).json().details).toEqual({ rule: "status" });
  });

  it("never puts a worker over capacity when two processes assign at once", async () => {
    const { app, ctx } = env();
    const second = await env().openSecond();
    const org = await seedOrganisation(ctx, app, "alpha");
    const worker = org.workers.worker.id;
    await app.inject({
      method: "PATCH",
      url: `/api/v1/workers/${worker}`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { capacity: 3 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(await addContact(app, org.cookies.dispatcher, { displayName: `C${i}`, phones: [], ...ROME }));
    const dispatcher: Caller = {
      userId: org.userIds.dispatcher,
      organisationId: org.id,
      role: "dispatcher",
      workerId: null,
      ip: null,
    };
    const results = await Promise.all(
      ids.map((id, i) =>
        offerContact(i % 2 === 0 ? ctx : second, dispatcher, id, { workerId: worker, mode: "manual" }),
      ),
    );
    expect(results.filter((r) => r.ok).length).toBe(3);
    const held = await ctx.db.kysely
      .selectFrom("contacts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("assigned_worker_id", "=", worker)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(3);
  });

  it("plans the backlog exactly, previews it, applies it, and lists the contacts no one can serve", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const cookie = org.cookies.dispatcher;
    const ready = async (body: Record<string, unknown>) => {
      const id = await addContact(app, cookie, body);
      await app.inject({
        method: "POST",
        url: `/api/v1/contacts/${id}/status`,
        headers: { cookie },
        payload: { to: "ready" },
      });
      return id;
    };
    const rome = await ready({ displayName: "Roma one", ...ROME });
    const athens = await ready({ displayName: "Athens one", ...ATHENS });
    const oslo = await ready({ displayName: "Oslo one", ...OSLO });
    const preview = await app.inject({ method: "POST", url: "/api/v1/dispatch/runs", headers: { cookie } });
    expect(preview.statusCode).toBe(201);
    const run = preview.json();
    expect(run.summary).toMatchObject({ contacts: 3, assigned: 2, noEligibleWorker: 1, noCapacity: 0 });
    const byContact = Object.fromEntries(run.plan.map((p: { contactId: string }) => [p.contactId, p]));
    expect(byContact[rome].workerId).toBe(org.workers.worker.id);
    expect(byContact[athens].workerId).toBe(org.workers.worker2.id);
    expect(byContact[oslo]).toMatchObject({ workerId: null, reason: "no_eligible_worker", rule: "distance" });
    // Nothing changes until the plan is applied.
    const still = await app.inject({ url: `/api/v1/contacts/${rome}`, headers: { cookie } });
    expect(still.json().status).toBe("ready");

    const applied = await app.inject({
      method: "POST",
      url: `/api/v1/dispatch/runs/${run.id}/apply`,
      headers: { cookie },
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: "applied", skipped: [] });
    const status = async (id: string) =>
      (await app.inject({ url: `/api/v1/contacts/${id}`, headers: { cookie } })).json();
    expect(await status(rome)).toMatchObject({ status: "offered", assignedWorkerId: org.workers.worker.id });
    expect(await status(athens)).toMatchObject({
      status: "offered",
      assignedWorkerId: org.workers.worker2.id,
    });
    expect(await status(oslo)).toMatchObject({ status: "unassignable", statusReason: "no worker in reach" });
    const again = await app.inject({
      method: "POST",
      url: `/api/v1/dispatch/runs/${run.id}/apply`,
      headers: { cookie },
    });
    expect(again.statusCode).toBe(409);

    const gaps = await app.inject({ url: "/api/v1/dispatch/gaps", headers: { cookie } });
    expect(gaps.json()).toEqual([
      expect.objectContaining({
        country: "NO",
        placeName: "Oslo",
        unassignable: 1,
        waiting: 0,
        reasons: { "no worker in reach": 1 },
      }),
    ]);
  });

  it("shows the dispatcher's queue with the top suggestions inline", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await addContact(app, org.cookies.dispatcher, { displayName: "Maria", ...ROME });
    await addContact(app, org.cookies.dispatcher, { displayName: "Nikos", ...ATHENS });
    const queue = await app.inject({
      url: "/api/v1/dispatch/queue",
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(queue.statusCode).toBe(200);
    const items = queue.json().items;
    expect(items.map((i: { contact: { displayName: string } }) => i.contact.displayName)).toEqual([
      "Maria",
      "Nikos",
    ]);
    expect(items[1].ranked[0].workerId).toBe(org.workers.worker2.id);
    const worker = await app.inject({
      url: "/api/v1/dispatch/queue",
      headers: { cookie: org.cookies.worker },
    });
    expect(worker.statusCode).toBe(403);
  });
});

describeEachDatabase("dispatch modes", (env) => {
  async function mode(app: import("fastify").FastifyInstance, cookie: string, value: "auto" | "batch") {
    const response = await app.inject({
      method: "PATCH",
      url: "/api/v1/organisation",
      headers: { cookie },
      payload: {
        settings: {
          dispatch: {
            mode: value,
            batchEveryMinutes: 30,
            sameGenderDefault: true,
            assignValue: 10000,
            weights: { distancePerKm: 1, trust: 50, load: 100 },
          },
        },
      },
    });
    expect(response.statusCode).toBe(200);
  }

  it("offers a contact to the best worker on arrival in automatic mode, and marks one no one can serve", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await mode(app, org.cookies.admin, "auto");
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/contacts",
      headers: { cookie: org.cookies.dispatcher },
      payload: { displayName: "Maria", ...ROME },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: "offered", assignedWorkerId: org.workers.worker.id });
    const far = await app.inject({
      method: "POST",
      url: "/api/v1/contacts",
      headers: { cookie: org.cookies.dispatcher },
      payload: { displayName: "Olaf", ...OSLO },
    });
    expect(far.json()).toMatchObject({ status: "unassignable", statusReason: "no worker in reach" });
    const decisions = await app.inject({
      url: `/api/v1/contacts/${created.json().id}/decisions`,
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(decisions.json()[0]).toMatchObject({ mode: "auto", outcome: "offered" });
  });

  it("refreshes each organisation's trust in the first sweep of a day, not in the sweeps after", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const { sweep } = await import("../../src/jobs/sweeper.js");
    expect((await sweep(ctx)).trustRefreshed).toEqual([org.id]);
    clock.advance(60_000);
    expect((await sweep(ctx)).trustRefreshed).toEqual([]);
    clock.advance(24 * 3_600_000);
    expect((await sweep(ctx)).trustRefreshed).toEqual([org.id]);
  });

  it("runs the batch every N minutes in batch mode, by the clock", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await mode(app, org.cookies.admin, "batch");
    const { sweep } = await import("../../src/jobs/sweeper.js");
    const first = await addContact(app, org.cookies.dispatcher, { displayName: "A", ...ROME });
    await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${first}/status`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { to: "ready" },
    });
    expect((await sweep(ctx)).batches).toEqual([
      expect.objectContaining({ organisationId: org.id, offered: 1 }),
    ]);
    const second = await addContact(app, org.cookies.dispatcher, { displayName: "B", ...ATHENS });
    await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${second}/status`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { to: "ready" },
    });
    clock.advance(10 * 60_000);
    expect((await sweep(ctx)).batches).toEqual([]);
    clock.advance(25 * 60_000);
    expect((await sweep(ctx)).batches).toEqual([expect.objectContaining({ offered: 1 })]);
    const status = await app.inject({
      url: `/api/v1/contacts/${second}`,
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(status.json()).toMatchObject({ status: "offered", assignedWorkerId: org.workers.worker2.id });
  });
});

describeEachDatabase("track record", (env) => {
  it("computes each worker's trust from what they did: accepting, reaching quickly, meeting, declining", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const cookie = org.cookies.dispatcher;
    const post = (url: string, who: string, payload: Record<string, unknown>) =>
      app.inject({ method: "POST", url, headers: { cookie: who }, payload });
    // Worker one accepts, calls within a day and meets; worker two declines.
    for (let i = 0; i < 3; i++) {
      const id = await addContact(app, cookie, { displayName: `R${i}`, ...ROME });
      expect(
        (await post(`/api/v1/contacts/${id}/assign`, cookie, { workerId: org.workers.worker.id })).statusCode,
      ).toBe(200);
      expect(
        (await post(`/api/v1/contacts/${id}/status`, org.cookies.worker, { to: "active" })).statusCode,
      ).toBe(200);
      clock.advance(3_600_000);
      expect(
        (
          await post(`/api/v1/contacts/${id}/activities`, org.cookies.worker, {
            kind: "call",
            body: "Reached",
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (await post(`/api/v1/contacts/${id}/progress`, org.cookies.worker, { to: "met" })).statusCode,
      ).toBe(200);
    }
    for (let i = 0; i < 3; i++) {
      const id = await addContact(app, cookie, { displayName: `A${i}`, ...ATHENS });
      expect(
        (await post(`/api/v1/contacts/${id}/assign`, cookie, { workerId: org.workers.worker2.id }))
          .statusCode,
      ).toBe(200);
      expect(
        (await post(`/api/v1/contacts/${id}/status`, org.cookies.worker2, { to: "ready" })).statusCode,
      ).toBe(200);
    }
    const refreshed = await app.inject({
      method: "POST",
      url: "/api/v1/workers/track-record/refresh",
      headers: { cookie },
    });
    expect(refreshed.json()).toEqual({ changed: 2 });
    const record = async (id: string) =>
      (await app.inject({ url: `/api/v1/workers/${id}/track-record`, headers: { cookie } })).json();
    const one = await record(org.workers.worker.id);
    expect(one.history).toMatchObject({ accepted: 3, declined: 0, reachedInTime: 3, met: 3 });
    expect(one.record.trust).toBeGreaterThan(0.6);
    const two = await record(org.workers.worker2.id);
    expect(two.history).toMatchObject({ accepted: 0, declined: 3 });
    expect(two.record.trust).toBeLessThan(0.45);
    const worker = await app.inject({ url: `/api/v1/workers/${org.workers.worker.id}`, headers: { cookie } });
    expect(worker.json().trust).toBeCloseTo(one.record.trust, 9);
    // A worker reads their own record, not another's.
    expect(
      (
        await app.inject({
          url: `/api/v1/workers/${org.workers.worker.id}/track-record`,
          headers: { cookie: org.cookies.worker },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          url: `/api/v1/workers/${org.workers.worker2.id}/track-record`,
          headers: { cookie: org.cookies.worker },
        })
      ).statusCode,
    ).toBe(404);
  });
});
