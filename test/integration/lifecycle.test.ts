/** The contact lifecycle through the API: status moves, the progress path, reasons, and the contact list. */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect, it } from "vitest";
import type { Activity, Contact, Organisation, Page } from "../../src/core/model.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem } from "../support/http.js";
import { addContact, assignTo, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

interface AuditEntry {
  id: string;
  action: string;
  entityId: string;
  actorUserId: string | null;
  before: unknown;
  after: unknown;
}

type ContactDetail = Contact & { allowedStatuses: string[]; allowedProgress: string[] };

async function moveStatus(
  app: FastifyInstance,
  cookie: string,
  id: string,
  body: { to: string; reason?: string; workerId?: string; note?: string },
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url: `/api/v1/contacts/${id}/status`,
    headers: { cookie },
    payload: body,
  });
}

async function moveProgress(app: FastifyInstance, cookie: string, id: string, to: string) {
  return app.inject({
    method: "POST",
    url: `/api/v1/contacts/${id}/progress`,
    headers: { cookie },
    payload: { to },
  });
}

async function mustMove(
  app: FastifyInstance,
  cookie: string,
  id: string,
  body: { to: string; reason?: string; workerId?: string },
): Promise<ContactDetail> {
  const response = await moveStatus(app, cookie, id, body);
  expect(response.statusCode, `${body.to}: ${response.body}`).toBe(200);
  return response.json<ContactDetail>();
}

async function timeline(app: FastifyInstance, cookie: string, id: string): Promise<Activity[]> {
  const response = await app.inject({
    url: `/api/v1/contacts/${id}/activities?limit=500`,
    headers: { cookie },
  });
  expect(response.statusCode).toBe(200);
  return response.json<Page<Activity>>().items;
}

async function auditOf(app: FastifyInstance, org: SeededOrganisation, id: string, action: string) {
  const response = await app.inject({
    url: `/api/v1/audit?entityId=${id}&action=${action}&limit=500`,
    headers: { cookie: org.cookies.admin },
  });
  expect(response.statusCode).toBe(200);
  return response.json<Page<AuditEntry>>().items;
}

async function read(app: FastifyInstance, cookie: string, id: string): Promise<LightMyRequestResponse> {
  return app.inject({ url: `/api/v1/contacts/${id}`, headers: { cookie } });
}

/** A contact the worker holds: offered by the dispatcher and accepted. */
async function heldContact(app: FastifyInstance, org: SeededOrganisation): Promise<string> {
  const id = await addContact(app, org.cookies.dispatcher, { displayName: "Hanna Held" });
  await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
  return id;
}

async function settingsOf(app: FastifyInstance, org: SeededOrganisation): Promise<Organisation["settings"]> {
  const response = await app.inject({ url: "/api/v1/organisation", headers: { cookie: org.cookies.admin } });
  expect(response.statusCode).toBe(200);
  return response.json<Organisation>().settings;
}

async function editOrganisation(app: FastifyInstance, cookie: string, payload: Record<string, unknown>) {
  return app.inject({ method: "PATCH", url: "/api/v1/organisation", headers: { cookie }, payload });
}

const MINISTRY = ["none", "attempted", "established", "scheduled", "met", "ongoing", "coaching"];
const SALES = ["none", "attempted", "connected", "qualified", "meeting_set", "met", "won"];

/** What the list tests create: enough variety for every filter, with a JS model to compute what to expect. */
interface Person {
  name: string;
  languages: string[];
  place: string;
  /** Who holds the contact in the end, and in which status. */
  holder: "worker" | "worker2" | null;
  status: "new" | "ready" | "active" | "paused" | "nurture";
}

const PEOPLE: Person[] = [
  { name: "Maria Rossi", languages: ["it"], place: "Roma", holder: "worker", status: "active" },
  { name: "Marco Rossi", languages: ["it", "en"], place: "Roma", holder: "worker2", status: "active" },
  { name: "Giulia Rossi", languages: ["en"], place: "Romagnano", holder: "worker", status: "active" },
  { name: "Paolo Verdi", languages: ["it"], place: "Firenze", holder: "worker", status: "active" },
  { name: "Anna Rossi", languages: ["it"], place: "ROMA", holder: null, status: "new" },
  { name: "Luca Neri", languages: ["el"], place: "roma", holder: null, status: "ready" },
  { name: "Sara Rossi", languages: ["it"], place: "Roma", holder: "worker", status: "paused" },
  { name: "Elena Russo", languages: ["it"], place: "Milano", holder: null, status: "nurture" },
  { name: "Anna Rossi", languages: ["de"], place: "Bari", holder: null, status: "new" },
  { name: "Bruno Gialli", languages: ["it"], place: "Torino", holder: "worker2", status: "paused" },
  { name: "Carla Blu", languages: ["fr"], place: "Roma", holder: null, status: "ready" },
  { name: "Dario Rosa", languages: ["it"], place: "Romano di Lombardia", holder: null, status: "new" },
  { name: "Ennio Rossi", languages: ["it"], place: "Napoli", holder: null, status: "new" },
];

interface Crowd {
  org: SeededOrganisation;
  /** Contact id per entry of PEOPLE. */
  ids: string[];
}

/**
 * Creates PEOPLE, several at the same instant so that sort values tie, then edits and comments on some later
 * so that updatedAt and lastActivityAt differ from createdAt.
 */
async function crowd(env: () => TestEnv): Promise<Crowd> {
  const { app, ctx, clock } = env();
  const org = await seedOrganisation(ctx, app, "alpha");
  const d = org.cookies.dispatcher;
  const ids: string[] = [];
  for (const [index, person] of PEOPLE.entries()) {
    if (index % 3 === 0) clock.advance(60_000);
    ids.push(
      await addContact(app, d, {
        displayName: person.name,
        languages: person.languages,
        placeName: person.place,
      }),
    );
  }
  for (const [index, person] of PEOPLE.entries()) {
    const id = ids[index] ?? "";
    if (index % 4 === 1) clock.advance(1000);
    if (person.holder) {
      const workerCookie = person.holder === "worker" ? org.cookies.worker : org.cookies.worker2;
      await assignTo(app, d, workerCookie, id, org.workers[person.holder].id);
      if (person.status === "paused")
        await mustMove(app, workerCookie, id, { to: "paused", reason: "travelling" });
    } else if (person.status === "ready") {
      await mustMove(app, d, id, { to: "ready" });
    } else if (person.status === "nurture") {
      await mustMove(app, d, id, { to: "nurture", reason: "not ready yet" });
    }
  }
  for (const [index, id] of ids.entries()) {
    if (index % 5 === 2) {
      clock.advance(500);
      await app.inject({
        method: "PATCH",
        url: `/api/v1/contacts/${id}`,
        headers: { cookie: d },
        payload: { region: "Lazio" },
      });
    }
    if (index % 5 === 4) {
      clock.advance(500);
      await app.inject({
        method: "POST",
        url: `/api/v1/contacts/${id}/activities`,
        headers: { cookie: d },
        payload: { kind: "comment", body: "Spoke briefly" },
      });
    }
  }
  return { org, ids };
}

async function listAll(app: FastifyInstance, cookie: string, query: string): Promise<Contact[]> {
  const response = await app.inject({ url: `/api/v1/contacts?limit=500&${query}`, headers: { cookie } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page<Contact>>().items;
}

/** Follows nextCursor to the end, `limit` at a time. */
async function listPaged(
  app: FastifyInstance,
  cookie: string,
  query: string,
  limit: number,
): Promise<Contact[]> {
  const seen: Contact[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const url: string = `/api/v1/contacts?limit=${limit}&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await app.inject({ url, headers: { cookie } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Page<Contact>>();
    expect(body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error("pagination never ended");
}

const SORTS = ["createdAt", "updatedAt", "displayName", "lastActivityAt"] as const;
const ORDERS = ["asc", "desc"] as const;

describeEachDatabase("contact lifecycle", (env) => {
  it("records every status change on the timeline and in the audit log with before and after", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const d = org.cookies.dispatcher;
    const id = await addContact(app, d);
    const w = org.workers.worker.id;
    const moves: Array<{
      cookie: string;
      to: string;
      reason?: string;
      workerId?: string;
      holder: string | null;
    }> = [
      { cookie: d, to: "qualifying", holder: null },
      { cookie: d, to: "ready", holder: null },
      { cookie: d, to: "offered", workerId: w, holder: w },
      { cookie: org.cookies.worker, to: "active", holder: w },
      { cookie: org.cookies.worker, to: "paused", reason: "travelling", holder: w },
      { cookie: org.cookies.worker, to: "active", holder: w },
      { cookie: org.cookies.worker, to: "closed", reason: "goal reached", holder: w },
      { cookie: d, to: "new", holder: null },
      { cookie: org.cookies.setter, to: "nurture", reason: "wrong timing", holder: null },
      { cookie: d, to: "ready", holder: null },
      { cookie: d, to: "unassignable", reason: "no worker in reach", holder: null },
      { cookie: d, to: "closed", reason: "unreachable", holder: null },
    ];
    let from = "new";
    let fromReason: string | null = null;
    let fromHolder: string | null = null;
    const expected: Array<{ from: string; to: string; reason: string | null; workerId: string | null }> = [];
    const expectedAudit: Array<{ before: unknown; after: unknown }> = [];
    for (const move of moves) {
      const { cookie, holder, ...body } = move;
      const moved = await mustMove(app, cookie, id, body);
      expect(moved).toMatchObject({
        status: move.to,
        statusReason: move.reason ?? null,
        assignedWorkerId: holder,
      });
      expected.push({ from, to: move.to, reason: move.reason ?? null, workerId: holder });
      expectedAudit.push({
        before: { status: from, statusReason: fromReason, assignedWorkerId: fromHolder },
        after: { status: move.to, statusReason: move.reason ?? null, assignedWorkerId: holder },
      });
      from = move.to;
      fromReason = move.reason ?? null;
      fromHolder = holder;
    }
    const changes = (await timeline(app, org.cookies.admin, id)).filter((a) => a.kind === "status").reverse();
    expect(changes.map((a) => a.data)).toEqual(expected.map((e) => expect.objectContaining(e)));
    const audit = (await auditOf(app, org, id, "contact.status")).reverse();
    expect(audit.map((a) => ({ before: a.before, after: a.after }))).toEqual(expectedAudit);
    expect(audit.map((a) => a.actorUserId)).toEqual(
      moves.map((m) =>
        m.cookie === d
          ? org.userIds.dispatcher
          : m.cookie === org.cookies.worker
            ? org.userIds.worker
            : org.userIds.setter,
      ),
    );
  });

  it("moves progress forward one step at a time along the ministry path", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    for (const to of MINISTRY.slice(1)) {
      const response = await moveProgress(app, org.cookies.dispatcher, id, to);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<ContactDetail>()).toMatchObject({
        progress: to,
        allowedProgress: MINISTRY.slice(MINISTRY.indexOf(to) + 1),
      });
    }
    const steps = (await timeline(app, org.cookies.dispatcher, id))
      .filter((a) => a.kind === "progress")
      .reverse();
    expect(steps.map((a) => a.data)).toEqual(MINISTRY.slice(1).map((to, i) => ({ from: MINISTRY[i], to })));
    const audit = (await auditOf(app, org, id, "contact.progress")).reverse();
    expect(audit.map((a) => [a.before, a.after])).toEqual(
      MINISTRY.slice(1).map((to, i) => [{ progress: MINISTRY[i] }, { progress: to }]),
    );
  });

  it("lets progress skip ahead", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const response = await moveProgress(app, org.cookies.dispatcher, id, "met");
    expect(response.statusCode).toBe(200);
    expect(response.json<ContactDetail>()).toMatchObject({
      progress: "met",
      allowedProgress: ["ongoing", "coaching"],
    });
  });

  it("refuses moving progress back with 409 naming the current step and the allowed ones", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    await moveProgress(app, org.cookies.dispatcher, id, "scheduled");
    const before = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "attempted"), 409);
    expect(problem.details).toEqual({ current: "scheduled", allowed: ["met", "ongoing", "coaching"] });
    expect(problem.detail).toContain("scheduled");
    expect(problem.detail).toContain("met, ongoing, coaching");
    expect(
      await ctx.db.kysely.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirst(),
    ).toEqual(before);
  });

  it("refuses moving progress to the step it is on with 409", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    await moveProgress(app, org.cookies.dispatcher, id, "established");
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "established"), 409);
    expect(problem.details).toEqual({
      current: "established",
      allowed: ["scheduled", "met", "ongoing", "coaching"],
    });
  });

  it("refuses any move once the path is complete, saying none is allowed", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    await moveProgress(app, org.cookies.dispatcher, id, "coaching");
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "coaching"), 409);
    expect(problem.details).toEqual({ current: "coaching", allowed: [] });
  });

  it("refuses a step of the sales path in a ministry organisation, naming to", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "won"), 400);
    expect(problem.errors?.map((e) => e.path)).toEqual(["to"]);
  });

  it("moves a sales organisation's contact along the sales path", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "gamma", "sales");
    const settings = await app.inject({
      url: "/api/v1/organisation",
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(settings.json<Organisation>().progressSteps).toEqual(SALES);
    const id = await addContact(app, org.cookies.dispatcher);
    const fresh = await read(app, org.cookies.dispatcher, id);
    expect(fresh.json<ContactDetail>().allowedProgress).toEqual(SALES.slice(1));
    for (const to of SALES.slice(1)) {
      const response = await moveProgress(app, org.cookies.dispatcher, id, to);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<ContactDetail>().progress).toBe(to);
    }
  });

  it("refuses a step of the ministry path in a sales organisation, naming to", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "gamma", "sales");
    const id = await addContact(app, org.cookies.dispatcher);
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "established"), 400);
    expect(problem.errors?.map((e) => e.path)).toEqual(["to"]);
  });

  it("refuses moving a sales contact back with 409 naming the current step and the allowed ones", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "gamma", "sales");
    const id = await addContact(app, org.cookies.dispatcher);
    await moveProgress(app, org.cookies.dispatcher, id, "meeting_set");
    const problem = expectProblem(await moveProgress(app, org.cookies.dispatcher, id, "connected"), 409);
    expect(problem.details).toEqual({ current: "meeting_set", allowed: ["met", "won"] });
  });

  for (const to of ["ready", "nurture", "new"] as const) {
    it(`releases the worker when the contact moves to ${to}, after which the former worker gets 404`, async () => {
      const { app, ctx } = env();
      const org = await seedOrganisation(ctx, app, "alpha");
      const id = await heldContact(app, org);
      expect((await read(app, org.cookies.worker, id)).statusCode).toBe(200);
      if (to === "new")
        await mustMove(app, org.cookies.dispatcher, id, { to: "closed", reason: "moved away" });
      const moved = await mustMove(app, org.cookies.dispatcher, id, {
        to,
        ...(to === "nurture" ? { reason: "not ready yet" } : {}),
      });
      expect(moved).toMatchObject({ status: to, assignedWorkerId: null, assignedAt: null });
      expectProblem(await read(app, org.cookies.worker, id), 404);
      const listed = await app.inject({ url: "/api/v1/contacts", headers: { cookie: org.cookies.worker } });
      expect(listed.json<Page<Contact>>().items).toEqual([]);
      const worker = await app.inject({
        url: `/api/v1/workers/${org.workers.worker.id}`,
        headers: { cookie: org.cookies.dispatcher },
      });
      expect(worker.json<{ load: number }>().load).toBe(0);
    });
  }

  it("keeps the worker when the contact is closed, and the worker can still read it", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await heldContact(app, org);
    const closed = await mustMove(app, org.cookies.worker, id, { to: "closed", reason: "goal reached" });
    expect(closed).toMatchObject({
      status: "closed",
      statusReason: "goal reached",
      assignedWorkerId: org.workers.worker.id,
    });
    const again = await read(app, org.cookies.worker, id);
    expect(again.statusCode).toBe(200);
    expect(again.json<ContactDetail>().assignedWorkerId).toBe(org.workers.worker.id);
  });

  for (const [to, own, other] of [
    ["paused", "contact asked to wait", "not interested"],
    ["nurture", "only curious", "travelling"],
    ["unassignable", "no worker speaks the language", "wrong timing"],
    ["closed", "duplicate", "no worker in reach"],
  ] as const) {
    it(`takes the reason for ${to} from the organisation's list for ${to}`, async () => {
      const { app, ctx } = env();
      const org = await seedOrganisation(ctx, app, "alpha");
      const id = await addContact(app, org.cookies.dispatcher);
      const wrong = expectProblem(
        await moveStatus(app, org.cookies.dispatcher, id, { to, reason: other }),
        400,
      );
      expect(wrong.errors?.map((e) => e.path)).toEqual(["reason"]);
      const missing = expectProblem(await moveStatus(app, org.cookies.dispatcher, id, { to }), 400);
      expect(missing.errors?.map((e) => e.path)).toEqual(["reason"]);
      const moved = await mustMove(app, org.cookies.dispatcher, id, { to, reason: own });
      expect(moved).toMatchObject({ status: to, statusReason: own });
    });
  }

  it("accepts a reason once an admin adds it to the organisation's list", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const reason = "found another group";
    expectProblem(await moveStatus(app, org.cookies.dispatcher, id, { to: "closed", reason }), 400);
    const current = (
      await app.inject({ url: "/api/v1/organisation", headers: { cookie: org.cookies.admin } })
    ).json<Organisation>();
    const reasons = { ...current.settings.reasons, closed: [...current.settings.reasons.closed, reason] };
    const edited = await editOrganisation(app, org.cookies.admin, { settings: { reasons } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json<Organisation>().settings.reasons.closed).toContain(reason);
    const moved = await mustMove(app, org.cookies.dispatcher, id, { to: "closed", reason });
    expect(moved.statusReason).toBe(reason);
  });

  it("refuses a reason once an admin removes it from the organisation's list", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const current = (
      await app.inject({ url: "/api/v1/organisation", headers: { cookie: org.cookies.admin } })
    ).json<Organisation>();
    const reasons = { ...current.settings.reasons, closed: ["goal reached"] };
    expect((await editOrganisation(app, org.cookies.admin, { settings: { reasons } })).statusCode).toBe(200);
    const refused = expectProblem(
      await moveStatus(app, org.cookies.dispatcher, id, { to: "closed", reason: "not interested" }),
      400,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["reason"]);
  });

  it("keeps the default country and time zone when an admin edits the reason lists", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const before = await settingsOf(app, org);
    expect(before).toMatchObject({ defaultCountry: "IT", timeZone: "UTC" });
    const reasons = { ...before.reasons, paused: [...before.reasons.paused, "on holiday"] };
    const edited = await editOrganisation(app, org.cookies.admin, { settings: { reasons } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await settingsOf(app, org)).toEqual({ ...before, reasons });
  });

  it("keeps the reason lists when an admin edits another setting", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const original = await settingsOf(app, org);
    const reasons = { ...original.reasons, closed: ["goal reached", "found another group"] };
    expect((await editOrganisation(app, org.cookies.admin, { settings: { reasons } })).statusCode).toBe(200);
    const before = await settingsOf(app, org);
    expect(before.reasons).toEqual(reasons);
    const edited = await editOrganisation(app, org.cookies.admin, { settings: { timeZone: "Europe/Rome" } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await settingsOf(app, org)).toEqual({ ...before, timeZone: "Europe/Rome" });
    const id = await addContact(app, org.cookies.dispatcher);
    const moved = await mustMove(app, org.cookies.dispatcher, id, {
      to: "closed",
      reason: "found another group",
    });
    expect(moved.statusReason).toBe("found another group");
  });

  for (const sort of SORTS) {
    for (const order of ORDERS) {
      it(`returns every contact exactly once across pages sorted by ${sort} ${order}`, async () => {
        const { app } = env();
        const { org, ids } = await crowd(env);
        const query = `sort=${sort}&order=${order}`;
        const whole = await listAll(app, org.cookies.dispatcher, query);
        expect(whole.map((c) => c.id).sort()).toEqual([...ids].sort());
        for (const limit of [1, 2, 5]) {
          const paged = await listPaged(app, org.cookies.dispatcher, query, limit);
          expect(
            paged.map((c) => c.id),
            `limit ${limit}`,
          ).toEqual(whole.map((c) => c.id));
        }
        if (sort !== "displayName") {
          const values = whole.map((c) => c[sort]);
          const sorted = [...values].sort();
          expect(values).toEqual(order === "asc" ? sorted : sorted.reverse());
        }
      });
    }
  }

  it("returns every contact exactly once across pages of a filtered list", async () => {
    const { app } = env();
    const { org } = await crowd(env);
    const query = "status=active,paused,new&language=it&sort=displayName&order=asc";
    const whole = await listAll(app, org.cookies.dispatcher, query);
    expect(whole.length).toBeGreaterThan(3);
    expect((await listPaged(app, org.cookies.dispatcher, query, 2)).map((c) => c.id)).toEqual(
      whole.map((c) => c.id),
    );
  });

  const FILTERS: Array<{
    query: (org: SeededOrganisation) => string;
    keep: (p: Person) => boolean;
    name: string;
  }> = [
    {
      name: "a comma list of statuses",
      query: () => "status=new,ready",
      keep: (p) => p.status === "new" || p.status === "ready",
    },
    {
      name: "a comma list of statuses with spaces",
      query: () => `status=${encodeURIComponent("active, paused")}`,
      keep: (p) => p.status === "active" || p.status === "paused",
    },
    {
      name: "worker",
      query: (org) => `workerId=${org.workers.worker.id}`,
      keep: (p) => p.holder === "worker",
    },
    { name: "language", query: () => "language=it", keep: (p) => p.languages.includes("it") },
    { name: "language in capitals", query: () => "language=EN", keep: (p) => p.languages.includes("en") },
    {
      name: "place, a city prefix in any case",
      query: () => "place=rOMa",
      keep: (p) => p.place.toLowerCase().startsWith("roma"),
    },
    { name: "place, a whole city", query: () => "place=firenze", keep: (p) => p.place === "Firenze" },
    {
      name: "q, a word of the name",
      query: () => "q=rossi",
      keep: (p) => p.name.toLowerCase().includes("rossi"),
    },
    {
      name: "q, two words of the name",
      query: () => `q=${encodeURIComponent("anna rossi")}`,
      keep: (p) => p.name === "Anna Rossi",
    },
    {
      name: "status, worker, language, place and q together",
      query: (org) => `status=active,paused&workerId=${org.workers.worker.id}&language=it&place=rom&q=rossi`,
      keep: (p) =>
        (p.status === "active" || p.status === "paused") &&
        p.holder === "worker" &&
        p.languages.includes("it") &&
        p.place.toLowerCase().startsWith("rom") &&
        p.name.toLowerCase().includes("rossi"),
    },
    {
      name: "status and place together",
      query: () => "status=new&place=ROM",
      keep: (p) => p.status === "new" && p.place.toLowerCase().startsWith("rom"),
    },
    {
      name: "language and q together",
      query: () => "language=it&q=anna",
      keep: (p) => p.languages.includes("it") && p.name.toLowerCase().includes("anna"),
    },
  ];

  for (const filter of FILTERS) {
    it(`filters the contact list by ${filter.name}`, async () => {
      const { app } = env();
      const { org, ids } = await crowd(env);
      const expected = PEOPLE.flatMap((p, i) => (filter.keep(p) ? [ids[i]] : [])).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(PEOPLE.length);
      const found = await listAll(app, org.cookies.dispatcher, filter.query(org));
      expect(found.map((c) => c.id).sort()).toEqual(expected);
    });
  }
});
