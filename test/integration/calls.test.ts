/**
 * The setter's side of appointment setting, through the HTTP API on both databases: scripts per
 * campaign, the objection library, each call outcome's effect, callbacks agreed in the person's own
 * time zone, and their reminders with a moved clock.
 */
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";
import { DEFAULT_APPOINTMENTS } from "../../src/core/appointments/settings.js";
import { sweep } from "../../src/jobs/sweeper.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { remindCallbacks } from "../../src/services/callbacks.js";
import { systemCaller } from "../../src/services/record.js";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { addContact, assignTo, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

const SCRIPT = {
  name: "Spring welcome",
  steps: [
    { id: "hello", kind: "say", text: "Hello, this is Anna calling about your message." },
    { id: "city", kind: "question", text: "Where do you live?" },
    {
      id: "meet",
      kind: "question",
      text: "Would you like to meet someone?",
      options: ["yes", "maybe", "no"],
    },
  ],
};

const DEFAULT_SCRIPT = {
  name: "Default",
  steps: [
    { id: "hello", kind: "say", text: "Hello!" },
    { id: "city", kind: "question", text: "Where are you?" },
  ],
};

interface CallResult {
  activityId: string;
  contact: { status: string; statusReason: string | null };
  answers: Record<string, string>;
  callAttempts: number;
  callback: Callback | null;
}

interface Callback {
  id: string;
  contactId: string;
  contactName: string;
  setterId: string | null;
  dueAt: string;
  localTime: string;
  timeZone: string;
  note: string | null;
  overdue: boolean;
}

function call(app: FastifyInstance, cookie: string, contactId: string, payload: Record<string, unknown>) {
  return send(app, cookie, { method: "POST", url: `/api/v1/contacts/${contactId}/calls`, payload });
}

async function called(
  app: FastifyInstance,
  cookie: string,
  contactId: string,
  payload: Record<string, unknown>,
): Promise<CallResult> {
  const response = await call(app, cookie, contactId, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<CallResult>();
}

async function putScript(app: FastifyInstance, cookie: string, campaign: string, body: unknown) {
  return send(app, cookie, {
    method: "PUT",
    url: `/api/v1/scripts/${encodeURIComponent(campaign)}`,
    payload: body,
  });
}

async function scriptOf(app: FastifyInstance, cookie: string, contactId: string) {
  const response = await send(app, cookie, { method: "GET", url: `/api/v1/contacts/${contactId}/script` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    campaign: string | null;
    script: { campaign: string; name: string } | null;
    answers: Record<string, string>;
    callAttempts: number;
    timeZone: string | null;
  }>();
}

async function queue(app: FastifyInstance, cookie: string, query = ""): Promise<Callback[]> {
  const response = await send(app, cookie, { method: "GET", url: `/api/v1/callbacks${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Callback[] }>().items;
}

async function timeline(app: FastifyInstance, cookie: string, contactId: string) {
  const response = await send(app, cookie, {
    method: "GET",
    url: `/api/v1/contacts/${contactId}/activities`,
  });
  return response.json<{
    items: Array<{ kind: string; body: string | null; data: Record<string, unknown> }>;
  }>().items;
}

async function statusOf(app: FastifyInstance, org: SeededOrganisation, contactId: string) {
  const response = await send(app, org.cookies.dispatcher, {
    method: "GET",
    url: `/api/v1/contacts/${contactId}`,
  });
  return response.json<{ status: string; statusReason: string | null }>();
}

describeEachDatabase("appointment setting: scripts, calls and callbacks", (env) => {
  it("keeps one script per campaign, replaced in place, and falls back to the default", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const spring = await addContact(app, org.cookies.dispatcher, { campaign: "spring" });
    const plain = await addContact(app, org.cookies.dispatcher, { displayName: "Paolo Piano" });
    expect((await scriptOf(app, org.cookies.setter, plain)).script).toBeNull();

    expect((await putScript(app, org.cookies.admin, "_default", DEFAULT_SCRIPT)).statusCode).toBe(200);
    expect(
      (await putScript(app, org.cookies.dispatcher, "spring", { ...SCRIPT, name: "Draft" })).statusCode,
    ).toBe(200);
    const replaced = await putScript(app, org.cookies.dispatcher, "spring", SCRIPT);
    expect(replaced.json()).toMatchObject({
      campaign: "spring",
      name: "Spring welcome",
      steps: SCRIPT.steps,
    });
    const list = await send(app, org.cookies.setter, { method: "GET", url: "/api/v1/scripts" });
    expect(list.json<{ items: Array<{ campaign: string; name: string }> }>().items).toMatchObject([
      { campaign: "", name: "Default" },
      { campaign: "spring", name: "Spring welcome" },
    ]);

    expect(await scriptOf(app, org.cookies.setter, spring)).toMatchObject({
      campaign: "spring",
      script: { campaign: "spring", name: "Spring welcome" },
      answers: {},
      callAttempts: 0,
    });
    expect((await scriptOf(app, org.cookies.setter, plain)).script).toMatchObject({ campaign: "" });

    const deleted = await send(app, org.cookies.admin, { method: "DELETE", url: "/api/v1/scripts/spring" });
    expect(deleted.statusCode).toBe(204);
    expect((await scriptOf(app, org.cookies.setter, spring)).script).toMatchObject({
      campaign: "",
      name: "Default",
    });
    expectProblem(
      await send(app, org.cookies.admin, { method: "DELETE", url: "/api/v1/scripts/spring" }),
      404,
    );

    const twice = await putScript(app, org.cookies.admin, "spring", {
      name: "Twice",
      steps: [
        { id: "a", kind: "say", text: "Hi" },
        { id: "a", kind: "question", text: "Why?" },
      ],
    });
    expectProblem(twice, 400, { paths: ["steps.1.id"] });
    expectProblem(await putScript(app, org.cookies.setter, "spring", SCRIPT), 403);
  });

  it("qualifies a contact: ready, the call on the timeline, its answers saved and every attempt counted", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await putScript(app, org.cookies.admin, "spring", SCRIPT);
    const id = await addContact(app, org.cookies.dispatcher, { campaign: "spring" });

    const unanswered = await called(app, org.cookies.setter, id, { outcome: "no_answer" });
    expect(unanswered).toMatchObject({ callAttempts: 1, contact: { status: "new" }, callback: null });

    const qualified = await called(app, org.cookies.setter, id, {
      outcome: "qualified",
      answers: { city: "Roma", meet: "yes" },
      note: "Keen to meet this week.",
    });
    expect(qualified).toMatchObject({
      callAttempts: 2,
      contact: { status: "ready" },
      answers: { city: "Roma", meet: "yes" },
    });
    expect((await statusOf(app, org, id)).status).toBe("ready");

    const entries = await timeline(app, org.cookies.setter, id);
    expect(entries.slice(0, 3)).toMatchObject([
      { kind: "status", data: { from: "new", to: "ready" } },
      {
        kind: "call",
        body: "Keen to meet this week.",
        data: { outcome: "qualified", answers: { city: "Roma", meet: "yes" } },
      },
      { kind: "call", data: { outcome: "no_answer", answers: {} } },
    ]);

    // A later call adds to what is known, changes what it names, and leaves a ready contact ready.
    const again = await called(app, org.cookies.setter, id, {
      outcome: "qualified",
      answers: { city: "Milano" },
    });
    expect(again).toMatchObject({ callAttempts: 3, answers: { city: "Milano", meet: "yes" } });
    expect(await scriptOf(app, org.cookies.setter, id)).toMatchObject({
      answers: { city: "Milano", meet: "yes" },
      callAttempts: 3,
    });

    const wrong = await call(app, org.cookies.setter, id, {
      outcome: "no_answer",
      answers: { nope: "x", meet: "perhaps" },
    });
    expectProblem(wrong, 400, { paths: ["answers.nope", "answers.meet"] });
    expect((await scriptOf(app, org.cookies.setter, id)).callAttempts).toBe(3);
  });

  it("sends a disqualified contact to nurture with a reason, tells integrations, and marketing finds it", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const hook = await send(app, org.cookies.admin, {
      method: "POST",
      url: "/api/v1/webhooks",
      payload: { url: "https://crm.example/hook", events: ["contact.disqualified"] },
    });
    expect(hook.statusCode).toBe(201);
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Nadia Nurture" });

    expectProblem(await call(app, org.cookies.setter, id, { outcome: "disqualified" }), 400, {
      paths: ["reason"],
    });
    expectProblem(
      await call(app, org.cookies.setter, id, { outcome: "disqualified", reason: "bored" }),
      400,
      {
        paths: ["reason"],
      },
    );
    const result = await called(app, org.cookies.setter, id, {
      outcome: "disqualified",
      reason: "only curious",
    });
    expect(result.contact).toMatchObject({ status: "nurture", statusReason: "only curious" });

    const outbox = await ctx.db.kysely
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "webhook")
      .execute();
    expect(outbox.map((r) => [JSON.parse(r.payload).event, JSON.parse(r.payload).data])).toEqual([
      ["contact.disqualified", { contactId: id, status: "nurture", workerId: null }],
    ]);

    // Marketing's tools read contacts with a key: the nurture list and its export both hold the contact.
    const admin = { ...systemCaller(org.id), userId: org.userIds.admin };
    const key = await createApiKey(ctx, admin, { name: "Marketing", scopes: ["contacts:read"] });
    if (!key.ok) throw new Error(key.error.message);
    const headers = { authorization: `Bearer ${key.value.key}` };
    const listed = await app.inject({ url: "/api/v1/contacts?status=nurture", headers });
    expect(listed.json<{ items: Array<{ id: string }> }>().items.map((c) => c.id)).toEqual([id]);
    const exported = await app.inject({ url: "/api/v1/contacts/export?status=nurture", headers });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain("Nadia Nurture");
    expect(exported.body).toContain("only curious");
  });

  it("turns a local callback time into UTC in the person's zone and lists the queue soonest first", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const athens = await addContact(app, org.cookies.dispatcher, { displayName: "Eleni Athens" });
    const summer = await addContact(app, org.cookies.dispatcher, { displayName: "Stavros Summer" });
    const rome = await addContact(app, org.cookies.dispatcher, { displayName: "Rita Roma" });

    // 18:30 in Athens is 16:30Z in March (UTC+2) and 15:30Z in April (UTC+3).
    const first = await called(app, org.cookies.setter, athens, {
      outcome: "not_now",
      callback: { at: "2026-03-02T18:30", timeZone: "Europe/Athens", note: "after work" },
    });
    expect(first.contact.status).toBe("qualifying");
    expect(first.callback).toMatchObject({
      dueAt: "2026-03-02T16:30:00.000Z",
      localTime: "2026-03-02T18:30",
    });
    await called(app, org.cookies.setter, summer, {
      outcome: "not_now",
      callback: { at: "2026-04-02T18:30", timeZone: "Europe/Athens" },
    });
    await called(app, org.cookies.setter, rome, {
      outcome: "no_answer",
      callback: { at: "2026-03-02T12:00", timeZone: "Europe/Rome" },
    });
    expect((await statusOf(app, org, rome)).status).toBe("new");
    expect((await scriptOf(app, org.cookies.setter, athens)).timeZone).toBe("Europe/Athens");

    const items = await queue(app, org.cookies.setter);
    expect(items.map((c) => [c.contactName, c.dueAt, c.localTime, c.timeZone, c.overdue])).toEqual([
      ["Rita Roma", "2026-03-02T11:00:00.000Z", "2026-03-02T12:00", "Europe/Rome", false],
      ["Eleni Athens", "2026-03-02T16:30:00.000Z", "2026-03-02T18:30", "Europe/Athens", false],
      ["Stavros Summer", "2026-04-02T15:30:00.000Z", "2026-04-02T18:30", "Europe/Athens", false],
    ]);
    expect(items.every((c) => c.setterId === org.userIds.setter)).toBe(true);

    clock.set("2026-03-02T11:05:00.000Z");
    expect((await queue(app, org.cookies.setter)).map((c) => c.overdue)).toEqual([true, false, false]);

    // A new agreement replaces the contact's open callback.
    await called(app, org.cookies.setter, athens, {
      outcome: "no_answer",
      callback: { at: "2026-03-03T10:00", timeZone: "Europe/Athens" },
    });
    expect((await queue(app, org.cookies.setter)).map((c) => [c.contactName, c.dueAt])).toEqual([
      ["Rita Roma", "2026-03-02T11:00:00.000Z"],
      ["Eleni Athens", "2026-03-03T08:00:00.000Z"],
      ["Stavros Summer", "2026-04-02T15:30:00.000Z"],
    ]);

    // Dispatchers see their own queue, one setter's, or everyone's; a setter only their own.
    expect(await queue(app, org.cookies.dispatcher)).toEqual([]);
    expect(await queue(app, org.cookies.dispatcher, "?all=true")).toHaveLength(3);
    expect(await queue(app, org.cookies.dispatcher, `?setterId=${org.userIds.setter}`)).toHaveLength(3);
    expectProblem(
      await send(app, org.cookies.setter, { method: "GET", url: "/api/v1/callbacks?all=true" }),
      403,
    );
    expectProblem(await send(app, org.cookies.worker, { method: "GET", url: "/api/v1/callbacks" }), 403);

    // Done by hand, or settled by a qualifying call.
    const [ritaCallback] = items;
    const done = await send(app, org.cookies.setter, {
      method: "POST",
      url: `/api/v1/callbacks/${ritaCallback?.id}/done`,
    });
    expect(done.statusCode, done.body).toBe(200);
    await called(app, org.cookies.setter, athens, { outcome: "qualified" });
    expect((await queue(app, org.cookies.setter)).map((c) => c.contactName)).toEqual(["Stavros Summer"]);
  });

  it("refuses a local time the clocks skip, naming callback.at, and changes nothing", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    // Rome springs forward from 02:00 to 03:00 on 29 March 2026: 02:30 never happens there.
    const skipped = expectProblem(
      await call(app, org.cookies.setter, id, {
        outcome: "not_now",
        callback: { at: "2026-03-29T02:30", timeZone: "Europe/Rome" },
      }),
      400,
      { paths: ["callback.at"] },
    );
    expect(skipped.errors?.[0]?.message).toContain("does not exist");
    expectProblem(
      await call(app, org.cookies.setter, id, {
        outcome: "not_now",
        callback: { at: "2026-03-29T02:30", timeZone: "Europe/Nowhere" },
      }),
      400,
      { paths: ["callback.timeZone"] },
    );
    expectProblem(await call(app, org.cookies.setter, id, { outcome: "not_now" }), 400, {
      paths: ["callback"],
    });
    // The autumn hour that comes twice is taken the first time: 02:30 CEST, 00:30Z.
    const autumn = await called(app, org.cookies.setter, id, {
      outcome: "not_now",
      callback: { at: "2026-10-25T02:30", timeZone: "Europe/Rome" },
    });
    expect(autumn.callback?.dueAt).toBe("2026-10-25T00:30:00.000Z");
    expect(autumn.callAttempts).toBe(1);
  });

  it("reminds the setter once, the organisation's callbackReminderMinutes before the callback", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const settings = await send(app, org.cookies.admin, {
      method: "PATCH",
      url: "/api/v1/organisation",
      payload: { settings: { appointments: { ...DEFAULT_APPOINTMENTS, callbackReminderMinutes: 30 } } },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Carla Callback" });
    await called(app, org.cookies.setter, id, {
      outcome: "not_now",
      callback: { at: "2026-03-02T12:00", timeZone: "Europe/Rome", note: "ask about Sunday" },
    });
    // A contact closed meanwhile is called back by nobody: its callback passes without a word.
    const closed = await addContact(app, org.cookies.dispatcher, { displayName: "Chiara Chiusa" });
    await called(app, org.cookies.setter, closed, {
      outcome: "not_now",
      callback: { at: "2026-03-02T12:00", timeZone: "Europe/Rome" },
    });
    const closing = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${closed}/status`,
      payload: { to: "closed", reason: "not interested" },
    });
    expect(closing.statusCode, closing.body).toBe(200);
    const inbox = async () =>
      (await send(app, org.cookies.setter, { method: "GET", url: "/api/v1/notifications" })).json<{
        items: Array<{ kind: string; contactId: string | null; data: Record<string, unknown> }>;
      }>().items;

    clock.set("2026-03-02T10:29:00.000Z");
    expect(await remindCallbacks(ctx)).toBe(0);
    expect(await inbox()).toEqual([]);
    clock.set("2026-03-02T10:30:00.000Z");
    expect((await sweep(ctx)).callbacks).toBe(1);
    expect(await inbox()).toMatchObject([
      {
        kind: "callback_due",
        contactId: id,
        data: { dueAt: "2026-03-02T11:00:00.000Z", note: "ask about Sunday" },
      },
    ]);
    clock.set("2026-03-02T10:45:00.000Z");
    expect(await remindCallbacks(ctx)).toBe(0);
    expect(await inbox()).toHaveLength(1);

    // Two server processes sweeping at once remind a callback once between them.
    const later = await addContact(app, org.cookies.dispatcher, { displayName: "Lia Later" });
    await called(app, org.cookies.setter, later, {
      outcome: "not_now",
      callback: { at: "2026-03-02T12:30", timeZone: "Europe/Rome" },
    });
    const second = await env().openSecond();
    clock.set("2026-03-02T11:00:00.000Z");
    const counts = await Promise.all([remindCallbacks(ctx), remindCallbacks(second)]);
    expect(counts[0] + counts[1]).toBe(1);
    expect((await inbox()).map((n) => n.contactId)).toEqual([later, id]);
    const dispatcherInbox = await send(app, org.cookies.dispatcher, {
      method: "GET",
      url: "/api/v1/notifications",
    });
    expect(dispatcherInbox.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it("keeps setters off contacts a worker holds, and workers and marketers off calls", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const held = await addContact(app, org.cookies.dispatcher);
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, held, org.workers.worker.id);
    const before = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", held)
      .executeTakeFirst();

    expectProblem(await call(app, org.cookies.setter, held, { outcome: "qualified" }), 404);
    expectProblem(
      await send(app, org.cookies.setter, { method: "GET", url: `/api/v1/contacts/${held}/script` }),
      404,
    );
    expectProblem(await call(app, org.cookies.worker, held, { outcome: "no_answer" }), 403);
    expectProblem(await call(app, org.cookies.marketer, held, { outcome: "no_answer" }), 403);
    // Dispatchers see it, but a contact in the field is not qualified by phone.
    expectProblem(
      await call(app, org.cookies.dispatcher, held, { outcome: "disqualified", reason: "only curious" }),
      409,
    );

    const after = await ctx.db.kysely
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", held)
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it("answers 400, never 500, to text PostgreSQL cannot store, in paths, queries and bodies", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const requests = [
      { method: "PUT", url: "/api/v1/scripts/%00", payload: SCRIPT },
      { method: "PUT", url: "/api/v1/scripts/x", payload: { ...SCRIPT, name: "a\u0000b" } },
      { method: "GET", url: "/api/v1/objections?q=%00" },
      { method: "POST", url: "/api/v1/objections", payload: { objection: "a\u0000", answers: ["b"] } },
      { method: "POST", url: "/api/v1/callbacks/%00/done" },
      { method: "GET", url: "/api/v1/contacts/%00/script" },
      {
        method: "POST",
        url: `/api/v1/contacts/${id}/calls`,
        payload: { outcome: "no_answer", note: "\u0000" },
      },
      {
        method: "POST",
        url: `/api/v1/contacts/${id}/calls`,
        payload: {
          outcome: "not_now",
          callback: { at: "2026-05-01T10:00", timeZone: "UTC", note: "\u0000" },
        },
      },
    ] as const;
    for (const request of requests) {
      expectProblem(await send(app, org.cookies.admin, request), 400, {
        label: `${request.method} ${request.url}`,
      });
    }
  });

  it("finds objections ignoring case and accents, by every word in the objection or its answers", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const add = async (objection: string, answers: string[]) => {
      const response = await send(app, org.cookies.dispatcher, {
        method: "POST",
        url: "/api/v1/objections",
        payload: { objection, answers },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    };
    const why = await add("Perché dovrei incontrare qualcuno?", ["Per conoscerci meglio, senza impegno."]);
    const time = await add("Non ho tempo", ["Bastano venti minuti: quando preferisce?"]);
    const search = async (q: string) => {
      const response = await send(app, org.cookies.setter, {
        method: "GET",
        url: `/api/v1/objections?q=${encodeURIComponent(q)}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ items: Array<{ id: string }> }>().items.map((o) => o.id);
    };
    expect(await search("perche")).toEqual([why]);
    expect(await search("PERCHÉ conoscerci")).toEqual([why]);
    expect(await search("minuti TEMPO")).toEqual([time]);
    expect(await search("perche tempo")).toEqual([]);
    expect((await search("")).sort()).toEqual([why, time].sort());
    expect(await search("100%")).toEqual([]);

    expectProblem(
      await send(app, org.cookies.setter, {
        method: "POST",
        url: "/api/v1/objections",
        payload: { objection: "x", answers: ["y"] },
      }),
      403,
    );
    const patched = await send(app, org.cookies.admin, {
      method: "PATCH",
      url: `/api/v1/objections/${time}`,
      payload: { answers: ["Capisco: le va bene sabato?"] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await search("sabato")).toEqual([time]);
    expect(await search("minuti")).toEqual([]);
    expect(
      (await send(app, org.cookies.admin, { method: "DELETE", url: `/api/v1/objections/${time}` }))
        .statusCode,
    ).toBe(204);
    expectProblem(
      await send(app, org.cookies.admin, { method: "DELETE", url: `/api/v1/objections/${time}` }),
      404,
    );
  });
});
