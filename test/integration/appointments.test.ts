/**
 * Booking meetings on both databases: slots in the worker's own zone across a daylight-saving change,
 * bookings that never overlap (even two server processes racing for one slot), holds, the daily cap,
 * invitations in each recipient's language with a stable UID and a rising SEQUENCE that ical.js reads,
 * the calendar feed, reminders, outcomes, and the shortage recorded when no one fits.
 */
import type { FastifyInstance } from "fastify";
import ICAL from "ical.js";
import { DateTime } from "luxon";
import { expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { deliverDue } from "../../src/jobs/outbox.js";
import { sweep } from "../../src/jobs/sweeper.js";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import {
  addContact,
  assignTo,
  type SeededOrganisation,
  seedOrganisation,
  signInAs,
} from "../support/seed.js";
import { mailEachTest, type TestSmtp } from "../support/smtp.js";

const ROME = { lat: 41.9028, lon: 12.4964 };

interface Booked {
  id: string;
  status: string;
  sequence: number;
  start: string;
  end: string;
}

async function book(app: FastifyInstance, cookie: string, contactId: string, body: Record<string, unknown>) {
  return send(app, cookie, {
    method: "POST",
    url: `/api/v1/contacts/${contactId}/appointments`,
    payload: body,
  });
}

async function setWeek(app: FastifyInstance, org: SeededOrganisation, maxPerDay: number | null = null) {
  const day = [{ start: "09:00", end: "17:00" }];
  const response = await send(app, org.cookies.dispatcher, {
    method: "PUT",
    url: `/api/v1/workers/${org.workers.worker.id}/availability`,
    payload: {
      weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
      exceptions: [],
      maxPerDay,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** The VEVENT of an iCalendar text, as ical.js reads it. */
function eventOf(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT");
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

function isInvitation(mail: { attachments: Array<{ contentType: string }> }): boolean {
  return mail.attachments.some((a) => a.contentType.startsWith("text/calendar"));
}

/** Waits for `count` invitations among the messages (notifications arrive beside them). */
async function invitations(smtp: TestSmtp, count: number) {
  for (let waited = 0; smtp.messages.filter(isInvitation).length < count; waited += 20) {
    if (waited > 10_000)
      throw new Error(`expected ${count} invitations, got ${smtp.messages.filter(isInvitation).length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return smtp.messages.filter(isInvitation);
}

/** Turns on the worker's calendar feed and reads it, as their calendar app would. */
async function workerFeed(app: FastifyInstance, org: SeededOrganisation) {
  const feedUrl = (
    await send(app, org.cookies.worker, {
      method: "POST",
      url: `/api/v1/workers/${org.workers.worker.id}/calendar-feed`,
    })
  ).json().url as string;
  return app.inject({ method: "GET", url: new URL(feedUrl).pathname });
}

function localHour(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd HH:mm");
}

describeEachDatabase("appointments", (env) => {
  const mail = mailEachTest(() => env().ctx);

  it("finds slots at the worker's local hours on both sides of a daylight-saving change", async () => {
    const { app, ctx, clock } = env();
    clock.set("2026-03-26T07:00:00.000Z");
    const org = await seedOrganisation(ctx, app, "alpha");
    await setWeek(app, org);
    const response = await send(app, org.cookies.setter, {
      method: "GET",
      url: `/api/v1/workers/${org.workers.worker.id}/slots?from=2026-03-27T00:00:00Z&to=2026-03-31T00:00:00Z`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const slots = (response.json() as { slots: Array<{ start: string }> }).slots.map((s) => s.start);
    // Friday before the change (UTC+1) and Monday after it (UTC+2): 09:00 in Rome both days.
    expect(slots).toContain("2026-03-27T08:00:00.000Z");
    expect(slots).toContain("2026-03-30T07:00:00.000Z");
    expect(slots.map((s) => localHour(s, "Europe/Rome").slice(11))).not.toContain("08:30");
    expect(slots.some((s) => s.startsWith("2026-03-28") || s.startsWith("2026-03-29"))).toBe(false);
  });

  it("books a meeting, hands the contact over, and sends an invitation whose SEQUENCE rises with each change", async () => {
    const smtp = mail();
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await setWeek(app, org);
    const id = await addContact(app, org.cookies.setter, {
      displayName: "Lucia Verdi",
      emails: ["lucia@example.org"],
      ...ROME,
    });
    const found = await send(app, org.cookies.setter, { method: "GET", url: `/api/v1/contacts/${id}/slots` });
    expect(found.statusCode, found.body).toBe(200);
    const offer = (found.json() as { workers: Array<{ workerId: string; slots: Array<{ start: string }> }> })
      .workers[0];
    expect(offer?.workerId).toBe(org.workers.worker.id);
    const start = offer?.slots[0]?.start ?? "";
    // 2026-03-02 is a Monday, 09:00 UTC = 10:00 in Rome; two hours' notice: 12:00 in Rome is the first.
    expect(localHour(start, "Europe/Rome")).toBe("2026-03-02 12:00");

    const booked = await book(app, org.cookies.setter, id, {
      workerId: org.workers.worker.id,
      start,
      mode: "in_person",
      placeName: "Caffè Greco, Roma",
      inviteContact: true,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const meeting = booked.json() as Booked;
    const contact = (
      await send(app, org.cookies.dispatcher, { method: "GET", url: `/api/v1/contacts/${id}` })
    ).json();
    expect(contact).toMatchObject({
      status: "offered",
      assignedWorkerId: org.workers.worker.id,
      progress: "scheduled",
    });

    await deliverDue(ctx);
    const sent = await invitations(smtp, 2);
    expect(sent.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address).sort()).toEqual([
      "lucia@example.org",
      "worker@alpha.test",
    ]);
    const attachment = sent[0]?.attachments.find((a) => a.contentType.startsWith("text/calendar"));
    const first = eventOf(attachment?.content.toString("utf8") ?? "");
    expect(first.calendar.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(first.event.sequence).toBe(0);
    expect(first.event.location).toBe("Caffè Greco, Roma");
    expect(first.event.startDate.toJSDate().toISOString()).toBe(start);

    const moved = await send(app, org.cookies.setter, {
      method: "POST",
      url: `/api/v1/appointments/${meeting.id}/reschedule`,
      payload: { start: "2026-03-03T09:00:00.000Z", reason: "she asked for Tuesday" },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const cancelled = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/appointments/${meeting.id}/cancel`,
      payload: { reason: "she is travelling" },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await deliverDue(ctx);
    const all = await invitations(smtp, 6);
    const toWorker = all
      .filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === "worker@alpha.test")
      .map((m) =>
        eventOf(
          m.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString("utf8") ??
            "",
        ),
      );
    expect(toWorker.map((e) => [e.calendar.getFirstPropertyValue("method"), e.event.sequence])).toEqual([
      ["REQUEST", 0],
      ["REQUEST", 1],
      ["CANCEL", 2],
    ]);
    expect(new Set(toWorker.map((e) => e.event.uid)).size).toBe(1);
    expect(toWorker[1]?.event.startDate.toJSDate().toISOString()).toBe("2026-03-03T09:00:00.000Z");
  });

  it("invites a Greek-speaking worker in Greek and the contact in English, to the same event, and writes the worker's feed in Greek", async () => {
    const smtp = mail();
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await setWeek(app, org);
    const greek = await send(app, org.cookies.worker, {
      method: "PATCH",
      url: `/api/v1/users/${org.userIds.worker}`,
      payload: { locale: "el" },
    });
    expect(greek.statusCode, greek.body).toBe(200);
    const id = await addContact(app, org.cookies.setter, {
      displayName: "Lucia Verdi",
      emails: ["lucia@example.org"],
      ...ROME,
    });
    // Monday 2 March 2026, 11:00 UTC: 12:00 in Rome, the worker's zone; the organisation's is UTC.
    const start = "2026-03-02T11:00:00.000Z";
    const booked = await book(app, org.cookies.setter, id, {
      workerId: org.workers.worker.id,
      start,
      mode: "video",
      inviteContact: true,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    await deliverDue(ctx);
    const sent = await invitations(smtp, 2);
    const to = (address: string) => {
      const message = sent.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);
      const ics = message?.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      return { message, event: eventOf(ics?.content.toString("utf8") ?? "").event };
    };
    const worker = to("worker@alpha.test");
    expect(worker.message?.subject).toBe("Συνάντηση: Δευ 2 Μαρ 2026, 12:00 Χειμερινή ώρα Κεντρικής Ευρώπης");
    expect(worker.message?.text).toContain(
      "Συνάντηση: Δευ 2 Μαρ 2026, 12:00 Χειμερινή ώρα Κεντρικής Ευρώπης, με βιντεοκλήση, με Lucia Verdi.",
    );
    expect(worker.message?.text).toContain("Η πρόσκληση επισυνάπτεται");
    expect(worker.event.summary).toBe("Συνάντηση με Lucia Verdi");
    expect(worker.event.location).toBe("Βιντεοκλήση");
    const contact = to("lucia@example.org");
    expect(contact.message?.subject).toBe("Meeting: Mon 2 Mar 2026, 11:00 UTC");
    expect(contact.message?.text).toContain(
      "Meeting on Mon 2 Mar 2026, 11:00 UTC, by video, with Org alpha.",
    );
    expect(contact.event.summary).toBe("Meeting with Lucia Verdi");
    expect(contact.event.location).toBe("Video call");
    expect([contact.event.uid, contact.event.sequence]).toEqual([worker.event.uid, worker.event.sequence]);
    expect(contact.event.startDate.toJSDate().toISOString()).toBe(start);
    expect(worker.event.startDate.toJSDate().toISOString()).toBe(start);

    // The worker's calendar feed speaks their language too.
    const feed = await workerFeed(app, org);
    expect(feed.statusCode).toBe(200);
    const events = new ICAL.Component(ICAL.parse(feed.body))
      .getAllSubcomponents("vevent")
      .map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.location])).toEqual([["Συνάντηση με Lucia Verdi", "Βιντεοκλήση"]]);
  });

  it("refuses a booking that overlaps another, comes too close, or passes the daily cap, with 409", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await setWeek(app, org, 2);
    const ids = [];
    for (const name of ["A", "B", "C", "D"])
      ids.push(await addContact(app, org.cookies.setter, { displayName: name }));
    const at = (iso: string, contact: string) =>
      book(app, org.cookies.setter, contact, { workerId: org.workers.worker.id, start: iso, mode: "phone" });
    expect((await at("2026-03-03T09:00:00Z", ids[0] ?? "")).statusCode).toBe(201);
    const overlap = await at("2026-03-03T09:30:00Z", ids[1] ?? "");
    expect(overlap.statusCode).toBe(409);
    // Ends 10:00; the 15-minute buffer keeps 10:00–10:15 free.
    expect((await at("2026-03-03T10:05:00Z", ids[1] ?? "")).statusCode).toBe(409);
    expect((await at("2026-03-03T10:15:00Z", ids[1] ?? "")).statusCode).toBe(201);
    const capped = await at("2026-03-03T13:00:00Z", ids[2] ?? "");
    expect(capped.statusCode).toBe(409);
    expect(capped.json().detail).toContain("the most they take in a day");
    expect((await at("2026-03-04T13:00:00Z", ids[2] ?? "")).statusCode).toBe(201);
    // Outside the hours (18:00 in Rome) and on a Sunday.
    expect((await at("2026-03-05T17:00:00Z", ids[3] ?? "")).statusCode).toBe(409);
    expect((await at("2026-03-08T10:00:00Z", ids[3] ?? "")).statusCode).toBe(409);
  });

  it("honours a hold: nobody else books the held slot, its holder does", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const first = await addContact(app, org.cookies.setter, { displayName: "Held" });
    const second = await addContact(app, org.cookies.setter, { displayName: "Other" });
    const held = await send(app, org.cookies.setter, {
      method: "POST",
      url: "/api/v1/slot-holds",
      payload: { workerId: org.workers.worker.id, start: "2026-03-03T09:00:00Z", contactId: first },
    });
    expect(held.statusCode, held.body).toBe(201);
    const hold = held.json() as { id: string };
    const slot = { workerId: org.workers.worker.id, start: "2026-03-03T09:00:00Z", mode: "phone" };
    const taken = await book(app, org.cookies.dispatcher, second, slot);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().detail).toContain("held");
    expect((await book(app, org.cookies.setter, first, { ...slot, holdId: hold.id })).statusCode).toBe(201);
    const left = await ctx.db.kysely.selectFrom("slot_holds").select("id").execute();
    expect(left).toEqual([]);
  });

  it("lets exactly one of many parallel bookings of one slot win, across two server processes", async () => {
    const { app, ctx, openSecond } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const second = await openSecond();
    const otherApp = await buildApp({ ...second, config: { ...second.config, rateLimitPerMinute: 0 } });
    try {
      const contacts = [];
      for (let i = 0; i < 12; i++)
        contacts.push(await addContact(app, org.cookies.setter, { displayName: `Racer ${i}` }));
      const cookie = await signInAs(otherApp, "setter@alpha.test");
      const responses = await Promise.all(
        contacts.map((id, i) =>
          book(i % 2 === 0 ? app : otherApp, i % 2 === 0 ? org.cookies.setter : cookie, id, {
            workerId: org.workers.worker.id,
            start: "2026-03-03T09:30:00Z",
            mode: "phone",
          }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(contacts.length - 1);
      const rows = await ctx.db.kysely
        .selectFrom("appointments")
        .select("id")
        .where("status", "=", "booked")
        .execute();
      expect(rows).toHaveLength(1);
    } finally {
      await otherApp.close();
    }
  });

  it("refuses an overlapping row at the database itself, whatever the application checked", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.setter, { displayName: "Direct" });
    expect(
      (
        await book(app, org.cookies.setter, id, {
          workerId: org.workers.worker.id,
          start: "2026-03-03T09:00:00Z",
          mode: "phone",
        })
      ).statusCode,
    ).toBe(201);
    const row = await ctx.db.kysely.selectFrom("appointments").selectAll().executeTakeFirstOrThrow();
    const clash = {
      ...row,
      id: "clash",
      start_ms: Number(row.start_ms) + 60_000,
      end_ms: Number(row.end_ms) + 60_000,
    };
    await expect(ctx.db.kysely.insertInto("appointments").values(clash).execute()).rejects.toThrow(
      /no_overlap|exclusion/i,
    );
  });

  it("serves a calendar feed that ical.js reads, reminds the worker before the meeting, and records how it went", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher, { displayName: "Marco Blu" });
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
    const booked = await book(app, org.cookies.worker, id, {
      workerId: org.workers.worker.id,
      start: "2026-03-04T10:00:00Z",
      mode: "in_person",
      placeName: "Piazza Navona",
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const feed = await workerFeed(app, org);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers["content-type"]).toContain("text/calendar");
    const calendar = new ICAL.Component(ICAL.parse(feed.body));
    expect(calendar.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v).summary)).toEqual([
      "Meeting with Marco Blu",
    ]);
    expect(
      (await app.inject({ method: "GET", url: "/calendar/not-a-real-token-at-all-xx.ics" })).statusCode,
    ).toBe(404);

    // A day before, and an hour before: each reminder once.
    clock.set("2026-03-03T10:00:30.000Z");
    expect((await sweep(ctx)).appointmentReminders).toBe(1);
    expect((await sweep(ctx)).appointmentReminders).toBe(0);
    clock.set("2026-03-04T09:00:30.000Z");
    expect((await sweep(ctx)).appointmentReminders).toBe(1);
    const cookie = await signInAs(app, "worker@alpha.test");
    const inbox = (await send(app, cookie, { method: "GET", url: "/api/v1/notifications" })).json() as {
      items: Array<{ kind: string }>;
    };
    expect(inbox.items.filter((n) => n.kind === "appointment_reminder")).toHaveLength(2);

    clock.set("2026-03-04T11:30:00.000Z");
    const meeting = booked.json() as Booked;
    const done = await send(app, await signInAs(app, "worker@alpha.test"), {
      method: "POST",
      url: `/api/v1/appointments/${meeting.id}/outcome`,
      payload: { outcome: "completed", note: "Good first talk." },
    });
    expect(done.statusCode, done.body).toBe(200);
    const dispatcher = await signInAs(app, "dispatcher@alpha.test");
    const contact = (await send(app, dispatcher, { method: "GET", url: `/api/v1/contacts/${id}` })).json();
    expect(contact.progress).toBe("met");
    const deadlines = (
      await send(app, dispatcher, { method: "GET", url: `/api/v1/deadlines?contactId=${id}` })
    ).json() as {
      items: Array<{ kind: string }>;
    };
    expect(deadlines.items.map((d) => d.kind)).not.toContain("first_meeting");
  });

  it("says whether a worker's calendar feed is on, and turns it off so its address stops working", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const path = `/api/v1/workers/${org.workers.worker.id}/calendar-feed`;
    const state = async (cookie: string) => (await send(app, cookie, { method: "GET", url: path })).json();
    expect(await state(org.cookies.worker)).toEqual({ active: false });
    const first = (await send(app, org.cookies.worker, { method: "POST", url: path })).json().url as string;
    expect(await state(org.cookies.dispatcher)).toEqual({ active: true });
    // A new address replaces the first, which stops working; turning the feed off stops the second.
    const second = (await send(app, org.cookies.worker, { method: "POST", url: path })).json().url as string;
    const fetchFeed = async (url: string) =>
      (await app.inject({ method: "GET", url: new URL(url).pathname })).statusCode;
    expect([await fetchFeed(first), await fetchFeed(second)]).toEqual([404, 200]);
    const off = await send(app, org.cookies.worker, { method: "DELETE", url: path });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ active: false });
    expect(await fetchFeed(second)).toBe(404);
    expect(await state(org.cookies.worker)).toEqual({ active: false });
    const audited = await ctx.db.kysely
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", org.workers.worker.id)
      .where("action", "like", "worker.calendar_feed%")
      .orderBy("id")
      .execute();
    expect(audited.map((row) => row.action)).toEqual([
      "worker.calendar_feed",
      "worker.calendar_feed",
      "worker.calendar_feed_off",
    ]);
    expectProblem(await send(app, org.cookies.worker2, { method: "GET", url: path }), 404);
  });

  it("records a supply shortage when no one who fits has a slot within the horizon", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.setter, {
      displayName: "Kenji",
      languages: ["ja"],
      placeName: "Osaka",
    });
    const found = await send(app, org.cookies.setter, { method: "GET", url: `/api/v1/contacts/${id}/slots` });
    expect(found.json()).toEqual({ workers: [], shortage: true });
    await send(app, org.cookies.setter, { method: "GET", url: `/api/v1/contacts/${id}/slots` });
    const shortages = await ctx.db.kysely.selectFrom("supply_shortages").selectAll().execute();
    expect(shortages).toHaveLength(1);
    expect(shortages[0]).toMatchObject({ contact_id: id, reason: "no_slot", place_name: "Osaka" });
  });
});
