/**
 * Accountability with a moved clock: offers that lapse and go to the next worker, deadlines that are
 * reminded, escalated and taken back, update requests, the inbox, and e-mail to a real SMTP server,
 * one by one or gathered in a digest at the person's own local time, in their own language.
 */
import type { FastifyInstance } from "fastify";
import { DateTime } from "luxon";
import { expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { DEFAULT_ACCOUNTABILITY } from "../../src/core/accountability/deadlines.js";
import { DEFAULT_DISPATCH } from "../../src/core/model.js";
import { fillLastOffers } from "../../src/db/migrations/0021-worker-last-offer.js";
import { deliverDue } from "../../src/jobs/outbox.js";
import { sweep } from "../../src/jobs/sweeper.js";
import { systemCaller } from "../../src/services/record.js";
import { createUser } from "../../src/services/save-user.js";
import { createWorker } from "../../src/services/save-worker.js";
import { describeEachDatabase } from "../support/databases.js";
import { send } from "../support/http.js";
import {
  addContact,
  assignTo,
  PASSWORD,
  type SeededOrganisation,
  seedOrganisation,
  signInAs,
} from "../support/seed.js";
import { mailEachTest, type TestSmtp } from "../support/smtp.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ROME = { lat: 41.9028, lon: 12.4964 };

interface Notification {
  id: string;
  kind: string;
  contactId: string | null;
  contactName: string | null;
  urgent: boolean;
  data: Record<string, unknown>;
}

async function inbox(app: FastifyInstance, cookie: string): Promise<Notification[]> {
  const response = await send(app, cookie, { method: "GET", url: "/api/v1/notifications?limit=200" });
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: Notification[] }).items;
}

async function contactOf(app: FastifyInstance, cookie: string, id: string) {
  const response = await send(app, cookie, { method: "GET", url: `/api/v1/contacts/${id}` });
  return {
    status: response.statusCode,
    body: response.json() as { status: string; assignedWorkerId: string | null },
  };
}

async function deadlinesOf(app: FastifyInstance, cookie: string, contactId: string) {
  const response = await send(app, cookie, {
    method: "GET",
    url: `/api/v1/deadlines?contactId=${contactId}`,
  });
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: Array<{ id: string; kind: string; level: number; overdue: boolean }> })
    .items;
}

async function setAccountability(
  app: FastifyInstance,
  org: SeededOrganisation,
  settings: { dispatch?: object; accountability?: object },
): Promise<void> {
  const response = await send(app, org.cookies.admin, {
    method: "PATCH",
    url: "/api/v1/organisation",
    payload: {
      settings: {
        ...(settings.dispatch ? { dispatch: { ...DEFAULT_DISPATCH, ...settings.dispatch } } : {}),
        accountability: { ...DEFAULT_ACCOUNTABILITY, ...settings.accountability },
      },
    },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** A third worker near the first, with an account: the next best when the first lets an offer lapse. */
async function addWorkerThree(ctx: Context, app: FastifyInstance, org: SeededOrganisation) {
  const system = systemCaller(org.id);
  const user = await createUser(ctx, system, {
    email: `worker3@${org.slug}.test`,
    name: "worker3",
    role: "worker",
    password: PASSWORD,
    locale: "en",
    timeZone: "Europe/Rome",
  });
  if (!user.ok) throw new Error(user.error.message);
  const worker = await createWorker(ctx, system, {
    userId: user.value.id,
    name: "Worker three",
    gender: "f",
    languages: ["it"],
    lat: ROME.lat + 0.05,
    lon: ROME.lon,
    maxKm: 50,
    capacity: 10,
    trust: 0.5,
    status: "active",
    timeZone: "Europe/Rome",
  });
  if (!worker.ok) throw new Error(worker.error.message);
  return { worker: worker.value, cookie: await signInAs(app, `worker3@${org.slug}.test`) };
}

type Who = keyof SeededOrganisation["cookies"];

/** Sessions last 12 hours: after the clock jumps, those who act next sign in again (sign-ins are rate-limited). */
async function signInAgain(app: FastifyInstance, org: SeededOrganisation, roles: Who[]): Promise<void> {
  for (const role of roles) org.cookies[role] = await signInAs(app, `${role}@${org.slug}.test`);
}

/** Marks a contact ready and offers it to the organisation's worker, as a dispatcher would. */
async function offerToWorker(app: FastifyInstance, org: SeededOrganisation, contactId: string) {
  for (const payload of [{ to: "ready" }, { to: "offered", workerId: org.workers.worker.id }]) {
    const moved = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${contactId}/status`,
      payload,
    });
    expect(moved.statusCode, moved.body).toBe(200);
  }
}

async function sweepAndDeliver(ctx: Context) {
  const report = await sweep(ctx);
  await deliverDue(ctx, { limit: 100 });
  return report;
}

function mailTo(smtp: TestSmtp, address: string) {
  return smtp.messages.filter((m) => {
    const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
    return to.some((a) => a.value.some((v) => v.address === address));
  });
}

describeEachDatabase("accountability", (env) => {
  const mail = mailEachTest(() => env().ctx);

  it("walks a contact through offer, expiry, re-offer, acceptance, an overdue update, reminder, escalation and take-back", async () => {
    const smtp = mail();
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const three = await addWorkerThree(ctx, app, org);
    await setAccountability(app, org, { dispatch: { mode: "auto" }, accountability: { takeBack: true } });

    // Someone who wrote in themselves: offered at once, urgently, to the nearest fitting worker.
    const id = await addContact(app, org.cookies.dispatcher, {
      displayName: "Lucia Verdi",
      gender: "f",
      languages: ["it"],
      ...ROME,
      inbound: true,
    });
    expect((await contactOf(app, org.cookies.dispatcher, id)).body).toMatchObject({
      status: "offered",
      assignedWorkerId: org.workers.worker.id,
    });
    const offers = (await inbox(app, org.cookies.worker)).filter((n) => n.contactId === id);
    expect(offers.map((n) => [n.kind, n.urgent])).toEqual([["offer_new", true]]);
    await deliverDue(ctx);
    const [first] = await smtp.waitFor(1);
    expect(first?.subject).toBe("[Urgent] New seeker offered to you");
    expect(first?.text).toContain("Lucia Verdi");
    expect(first?.text).toContain(`/contacts/${id}`);
    expect((await deadlinesOf(app, org.cookies.dispatcher, id)).map((d) => d.kind)).toEqual(["accept"]);

    // Half-way through the 48 hours to answer: a reminder.
    clock.advance(24 * HOUR + 60_000);
    await signInAgain(app, org, ["worker"]);
    expect((await sweepAndDeliver(ctx)).deadlines.reminded).toBe(1);
    expect((await inbox(app, org.cookies.worker)).map((n) => n.kind)).toEqual([
      "offer_reminder",
      "offer_new",
    ]);
    await smtp.waitFor(2);
    expect(mailTo(smtp, "worker@alpha.test").map((m) => m.subject)).toEqual([
      "[Urgent] New seeker offered to you",
      "An offer waits for your answer",
    ]);

    // No answer in time: the offer lapses, the first worker loses the contact and is never offered it
    // again, and automatic dispatch offers it to the next best.
    clock.advance(24 * HOUR);
    await signInAgain(app, org, ["dispatcher", "worker"]);
    three.cookie = await signInAs(app, `worker3@${org.slug}.test`);
    expect((await sweepAndDeliver(ctx)).deadlines.expired).toBe(1);
    expect((await contactOf(app, org.cookies.dispatcher, id)).body).toMatchObject({
      status: "offered",
      assignedWorkerId: three.worker.id,
    });
    expect((await contactOf(app, org.cookies.worker, id)).status).toBe(404);
    expect((await inbox(app, org.cookies.worker)).filter((n) => n.contactId === id)).toEqual([]);
    expect((await inbox(app, org.cookies.dispatcher)).map((n) => n.kind)).toContain("offer_expired");
    expect((await inbox(app, three.cookie)).map((n) => n.kind)).toEqual(["offer_new"]);

    // The second worker accepts: the clocks of the first attempt, the first meeting and updates start.
    const accepted = await send(app, three.cookie, {
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      payload: { to: "active" },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await deadlinesOf(app, org.cookies.dispatcher, id)).map((d) => d.kind).sort()).toEqual([
      "first_attempt",
      "first_meeting",
      "update",
    ]);

    // A call is the first attempt, and an update: the next update is due a week after it.
    clock.advance(HOUR);
    const call = await send(app, three.cookie, {
      method: "POST",
      url: `/api/v1/contacts/${id}/activities`,
      payload: { kind: "call", body: "Talked for ten minutes; she would like to meet." },
    });
    expect(call.statusCode, call.body).toBe(201);
    expect((await deadlinesOf(app, org.cookies.dispatcher, id)).map((d) => d.kind).sort()).toEqual([
      "first_meeting",
      "update",
    ]);

    // A week without an update: the worker is reminded.
    clock.advance(7 * DAY + 60_000);
    await signInAgain(app, org, ["dispatcher"]);
    three.cookie = await signInAs(app, `worker3@${org.slug}.test`);
    expect((await sweepAndDeliver(ctx)).deadlines.reminded).toBe(1);
    const reminder = (await inbox(app, three.cookie))[0];
    expect(reminder).toMatchObject({
      kind: "deadline_reminder",
      contactId: id,
      data: { deadlineKind: "update" },
    });
    const board = (
      await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/deadlines/board" })
    ).json() as { total: number; workers: Array<{ workerId: string; counts: Record<string, number> }> };
    expect(board.total).toBe(1);
    expect(board.workers[0]).toMatchObject({ workerId: three.worker.id, counts: { under_1d: 1 } });

    // A day later the dispatchers are told.
    clock.advance(DAY);
    await signInAgain(app, org, ["dispatcher"]);
    expect((await sweepAndDeliver(ctx)).deadlines.escalated).toBe(1);
    expect((await inbox(app, org.cookies.dispatcher))[0]).toMatchObject({
      kind: "deadline_escalated",
      contactId: id,
      data: { workerName: "Worker three", deadlineKind: "update" },
    });

    // Three days past the deadline the organisation takes the contact back; nobody else fits it.
    clock.advance(2 * DAY);
    await signInAgain(app, org, ["dispatcher"]);
    three.cookie = await signInAs(app, `worker3@${org.slug}.test`);
    expect((await sweepAndDeliver(ctx)).deadlines.takenBack).toBe(1);
    const after = (await contactOf(app, org.cookies.dispatcher, id)).body;
    expect(after.assignedWorkerId).toBeNull();
    expect(["ready", "unassignable"]).toContain(after.status);
    expect((await contactOf(app, three.cookie, id)).status).toBe(404);
    expect((await inbox(app, org.cookies.dispatcher))[0]).toMatchObject({
      kind: "contact_taken_back",
      contactId: id,
    });
    expect(await deadlinesOf(app, org.cookies.dispatcher, id)).toEqual([]);

    // Nothing was sent twice, and every e-mail went to the person it was for.
    await deliverDue(ctx);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(mailTo(smtp, "worker3@alpha.test").map((m) => m.subject)).toEqual([
      "[Urgent] New seeker offered to you",
      "Overdue: a seeker waits for you",
    ]);
  });

  it("tells the worker of an update request, reminds them when it is late, and clears it when answered", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Marco Blu" });
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
    const asked = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/update-requests`,
      payload: { note: "Did you meet him yet?" },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect((await inbox(app, org.cookies.worker))[0]).toMatchObject({
      kind: "update_requested",
      data: { note: "Did you meet him yet?", requesterName: "dispatcher of alpha" },
    });
    clock.advance(48 * HOUR + 60_000);
    await signInAgain(app, org, ["dispatcher", "worker"]);
    // The request is reminded, beside the first attempt that fell due at the same time.
    await sweepAndDeliver(ctx);
    const reminders = (await inbox(app, org.cookies.worker)).filter((n) => n.kind === "deadline_reminder");
    expect(reminders.map((n) => n.data.deadlineKind).sort()).toEqual(["first_attempt", "update_request"]);
    const request = (await deadlinesOf(app, org.cookies.dispatcher, id)).find(
      (d) => d.kind === "update_request",
    );
    expect(request).toMatchObject({ overdue: true, level: 1 });
    const answered = await send(app, org.cookies.worker, {
      method: "POST",
      url: `/api/v1/contacts/${id}/update-answer`,
      payload: { answer: "Yes, on Sunday after the service." },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await deadlinesOf(app, org.cookies.dispatcher, id)).map((d) => d.kind)).not.toContain(
      "update_request",
    );
    expect((await inbox(app, org.cookies.dispatcher))[0]).toMatchObject({
      kind: "update_answered",
      data: { answer: "Yes, on Sunday after the service." },
    });
    const timeline = (
      await send(app, org.cookies.dispatcher, { method: "GET", url: `/api/v1/contacts/${id}/activities` })
    ).json() as { items: Array<{ kind: string; body: string | null }> };
    expect(timeline.items.slice(0, 2).map((a) => a.kind)).toEqual(["update", "update_request"]);
  });

  it("gathers the notifications chosen for the digest into one e-mail at the person's own local time", async () => {
    const smtp = mail();
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const saved = await send(app, org.cookies.worker, {
      method: "PUT",
      url: "/api/v1/me/notification-settings",
      payload: { channels: { offer_new: "digest" }, digestTimes: ["08:00"], quietHours: null },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    // 10:00 in Rome: today's 08:00 digest is past, so these wait for tomorrow's.
    const names = ["Anna Uno", "Bruno Due", "Carla Tre"];
    for (const displayName of names) {
      const id = await addContact(app, org.cookies.dispatcher, { displayName });
      await offerToWorker(app, org, id);
    }
    await sweepAndDeliver(ctx);
    expect(smtp.messages).toHaveLength(0);
    expect(await inbox(app, org.cookies.worker)).toHaveLength(3);
    // 07:59 in Rome the next morning (CET, UTC+1): not yet.
    clock.set("2026-03-03T06:59:00.000Z");
    await sweepAndDeliver(ctx);
    expect(smtp.messages).toHaveLength(0);
    clock.set("2026-03-03T07:00:30.000Z");
    expect((await sweepAndDeliver(ctx)).digests).toBe(1);
    const [digest] = await smtp.waitFor(1);
    expect(digest?.subject).toBe("Handoff digest: 3 updates");
    for (const name of names) expect(digest?.text).toContain(name);
    // One digest per slot, however often the sweeper runs.
    clock.advance(10 * 60_000);
    expect((await sweepAndDeliver(ctx)).digests).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });

  it("writes an Italian worker's offer e-mail in Italian, with the organisation's Italian noun and the due time in Rome", async () => {
    const smtp = mail();
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const italian = await send(app, org.cookies.worker, {
      method: "PATCH",
      url: `/api/v1/users/${org.userIds.worker}`,
      payload: { locale: "it" },
    });
    expect(italian.statusCode, italian.body).toBe(200);
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Lucia Verdi" });
    await offerToWorker(app, org, id);
    const [offer] = (await inbox(app, org.cookies.worker)).filter((n) => n.kind === "offer_new");
    const due = DateTime.fromISO(String(offer?.data.dueAt), { zone: "Europe/Rome" })
      .setLocale("it")
      .toFormat("ccc d LLL yyyy, HH:mm");
    await deliverDue(ctx);
    const [email] = await smtp.waitFor(1);
    expect(email?.subject).toBe("Nuova proposta per te — ricercatore");
    expect(email?.text).toContain(
      `Nuova proposta per te — ricercatore: Lucia Verdi. Riesci a metterti in contatto? Accetta o rifiuta entro ${due}`,
    );
    expect(email?.text).toContain("Scegli che cosa ricevere e quando: ");
    expect(email?.text).not.toMatch(/\b(offer|please|accept|decline|change|sent)\b/i);
  });

  it("holds an e-mail through the person's quiet hours, but sends an urgent offer at once", async () => {
    const smtp = mail();
    const { app, ctx, clock } = env();
    // 22:30 in Rome; the default quiet hours run 21:00 to 07:00.
    clock.set("2026-03-02T21:30:00.000Z");
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const [displayName, urgent] of [
      ["Quiet Quintino", false],
      ["Urgent Ugo", true],
    ] as const) {
      const id = await addContact(app, org.cookies.dispatcher, { displayName });
      const offered = await send(app, org.cookies.dispatcher, {
        method: "POST",
        url: `/api/v1/contacts/${id}/assign`,
        payload: { workerId: org.workers.worker.id, urgent },
      });
      expect(offered.statusCode, offered.body).toBe(200);
    }
    await deliverDue(ctx);
    const [urgent] = await smtp.waitFor(1);
    expect(urgent?.text).toContain("Urgent Ugo");
    // 06:59 in Rome: still quiet. 07:00: the held e-mail goes.
    clock.set("2026-03-03T05:59:00.000Z");
    await deliverDue(ctx);
    expect(smtp.messages).toHaveLength(1);
    clock.set("2026-03-03T06:00:00.000Z");
    await deliverDue(ctx);
    const messages = await smtp.waitFor(2);
    expect(messages[1]?.text).toContain("Quiet Quintino");
  });

  it("never e-mails a worker about a contact taken from them before the e-mail went out", async () => {
    const smtp = mail();
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Withdrawn Walter" });
    const offered = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/assign`,
      payload: { workerId: org.workers.worker.id },
    });
    expect(offered.statusCode).toBe(200);
    const back = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      payload: { to: "ready", note: "offered by mistake" },
    });
    expect(back.statusCode, back.body).toBe(200);
    const report = await deliverDue(ctx);
    expect(report.delivered).toBe(1);
    expect(smtp.messages).toHaveLength(0);
    expect(await inbox(app, org.cookies.worker)).toEqual([]);
  });

  it("flags a worker over capacity as overloaded and one left without offers as starved", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const displayName of ["One", "Two"]) {
      const id = await addContact(app, org.cookies.dispatcher, { displayName });
      await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
    }
    const shrunk = await send(app, org.cookies.dispatcher, {
      method: "PATCH",
      url: `/api/v1/workers/${org.workers.worker.id}`,
      payload: { capacity: 1 },
    });
    expect(shrunk.statusCode, shrunk.body).toBe(200);
    clock.advance(15 * DAY);
    await signInAgain(app, org, ["dispatcher"]);
    const health = (
      await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/workers/health" })
    ).json() as {
      items: Array<{ workerId: string; overloaded: boolean; starved: boolean; signals: string[] }>;
    };
    const byId = new Map(health.items.map((h) => [h.workerId, h]));
    expect(byId.get(org.workers.worker.id)).toMatchObject({ overloaded: true, starved: false });
    expect(byId.get(org.workers.worker.id)?.signals).toContain("over_capacity");
    expect(byId.get(org.workers.worker2.id)).toMatchObject({ overloaded: false, starved: true });
  });

  it("gives each worker the median time to answer their offers of the last 30 days, as recomputed from the deadlines", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const other = await seedOrganisation(ctx, app, "beta");
    const now = clock.now().getTime();
    const at = (ms: number) => new Date(ms).toISOString();
    type Offer = {
      workerId: string;
      org: SeededOrganisation;
      daysAgo: number;
      tookMs: number | null;
      outcome: string;
    };
    const offers: Offer[] = [];
    const w1 = org.workers.worker.id;
    const w2 = org.workers.worker2.id;
    // worker: an even number answered (the mean of the two middle ones), with odd milliseconds; an offer
    // taken back, one still open and one from 31 days ago do not count.
    for (const [tookMs, outcome] of [
      [HOUR + 1, "met"],
      [3 * HOUR + 7, "declined"],
      [50 * HOUR, "expired"],
      [7 * HOUR + 333, "met"],
      [2 * HOUR, "taken_back"],
      [null, "open"],
    ] as const) {
      offers.push({ workerId: w1, org, daysAgo: 3, tookMs, outcome });
    }
    offers.push({ workerId: w1, org, daysAgo: 31, tookMs: HOUR, outcome: "met" });
    // worker2: three answers, the middle one past the organisation's 24 hours: slow.
    for (const tookMs of [30 * HOUR, 25 * HOUR + 1, 2 * HOUR])
      offers.push({ workerId: w2, org, daysAgo: 5, tookMs, outcome: "met" });
    // Another organisation's worker answers quickly; it changes nothing here.
    offers.push({ workerId: other.workers.worker2.id, org: other, daysAgo: 2, tookMs: 1, outcome: "met" });
    for (const [i, o] of offers.entries()) {
      const created = now - o.daysAgo * DAY - i * 1000;
      const contactId = await addContact(app, o.org.cookies.dispatcher, { displayName: `Offer ${i}` });
      await ctx.db.kysely
        .insertInto("deadlines")
        .values({
          id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
          organisation_id: o.org.id,
          contact_id: contactId,
          worker_id: o.workerId,
          kind: "accept",
          due_at: at(created + DAY),
          next_at: null,
          requested_by: null,
          note: null,
          created_at: at(created),
          closed_at: o.tookMs === null ? null : at(created + o.tookMs),
          outcome: o.outcome === "open" ? null : o.outcome,
          answer: null,
        })
        .execute();
    }
    /** The median hours from the rows: the offers of this worker created in the last 30 days and answered. */
    const expected = (workerId: string) => {
      const hours = offers
        .filter(
          (o) =>
            o.workerId === workerId &&
            o.daysAgo <= 30 &&
            o.tookMs !== null &&
            ["met", "declined", "expired"].includes(o.outcome),
        )
        .map((o) => (o.tookMs ?? 0) / HOUR)
        .sort((a, b) => a - b);
      const mid = Math.floor(hours.length / 2);
      const median = hours.length % 2 ? (hours[mid] ?? 0) : ((hours[mid - 1] ?? 0) + (hours[mid] ?? 0)) / 2;
      return Math.round(median * 10) / 10;
    };
    await signInAgain(app, org, ["dispatcher"]);
    const health = (
      await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/workers/health" })
    ).json() as { items: Array<{ workerId: string; medianAnswerHours: number | null; signals: string[] }> };
    const byId = new Map(health.items.map((h) => [h.workerId, h]));
    expect(expected(w1)).toBe(5);
    expect(byId.get(w1)?.medianAnswerHours).toBe(expected(w1));
    expect(byId.get(w1)?.signals).not.toContain("slow_answers");
    expect(expected(w2)).toBe(25);
    expect(byId.get(w2)?.medianAnswerHours).toBe(expected(w2));
    expect(byId.get(w2)?.signals).toContain("slow_answers");
  });

  it("counts a worker's last offer, not an offer of another organisation, before calling them starved", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const other = await seedOrganisation(ctx, app, "beta");
    const offer = async (o: typeof org) => {
      const id = await addContact(app, o.cookies.dispatcher, { displayName: "Offered" });
      const offered = await send(app, o.cookies.dispatcher, {
        method: "POST",
        url: `/api/v1/contacts/${id}/assign`,
        payload: { workerId: o.workers.worker2.id },
      });
      expect(offered.statusCode, offered.body).toBe(200);
    };
    const starved = async () => {
      await signInAgain(app, org, ["dispatcher"]);
      const health = (
        await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/workers/health" })
      ).json() as { items: Array<{ workerId: string; starved: boolean }> };
      return health.items.find((h) => h.workerId === org.workers.worker2.id)?.starved;
    };
    await offer(org);
    clock.advance(10 * DAY);
    // Offered 10 days ago (the default is 14 days without an offer), the other organisation's offer newer.
    await signInAgain(app, other, ["dispatcher"]);
    await offer(other);
    expect(await starved()).toBe(false);
    clock.advance(5 * DAY);
    expect(await starved()).toBe(true);
    // Each worker's last offer on their row is their latest offered decision, and migration 0021 fills
    // the same from the decisions alone.
    const lastOffers = async () =>
      ctx.db.kysely.selectFrom("workers").select(["id", "last_offer_at"]).orderBy("id").execute();
    const fromDecisions = async () => {
      const decisions = await ctx.db.kysely
        .selectFrom("dispatch_decisions")
        .select(["organisation_id", "worker_id", "outcome", "created_at"])
        .execute();
      return (await lastOffers()).map((w) => ({
        id: w.id,
        last_offer_at:
          decisions
            .filter((d) => d.worker_id === w.id && d.outcome === "offered")
            .map((d) => d.created_at)
            .sort()
            .at(-1) ?? null,
      }));
    };
    const kept = await lastOffers();
    expect(kept.filter((w) => w.last_offer_at !== null)).toHaveLength(2);
    expect(kept).toEqual(await fromDecisions());
    await ctx.db.kysely.updateTable("workers").set({ last_offer_at: null }).execute();
    await fillLastOffers(ctx.db.kysely);
    expect(await lastOffers()).toEqual(kept);
  });
});
