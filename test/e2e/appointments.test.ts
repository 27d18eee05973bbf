/// <reference lib="dom" />
/** Appointment setting in real Chromium: a setter's call and booking, the worker's availability and agenda, callbacks, the calendar feed. */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addContact, type SeededOrganisation } from "../support/seed.js";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

let running: Console | undefined;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let org: SeededOrganisation;
const ids = { called: "", later: "", booked: "", rival: "", phone: "" };
let workerId = "";

/** Seven days a week, seven to ten: free slots within the horizon whatever day and hour the suite runs. */
const EVERY_DAY = { start: "07:00", end: "22:00" };
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

async function api(method: "GET" | "POST" | "PUT", url: string, cookie: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

/** How the console writes a day and time in a zone for an English reader: "Wed 15 May, 10:00". */
function when(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  }).format(new Date(iso));
}

function timeOf(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }).format(
    new Date(iso),
  );
}

/** What a reader sees, with the line breaks between the parts of a flex row read as spaces. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, " ").trim();
}

/** Tomorrow's date on the clock of a zone, YYYY-MM-DD. */
function tomorrowIn(timeZone: string): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  const [y = 0, m = 1, d = 1] = today.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

beforeAll(async () => {
  running = await startConsole("appointments");
  ({ app, base, org, browser } = running);
  const { admin, dispatcher } = org.cookies;
  workerId = org.workers.worker.id;
  await api("PUT", `/api/v1/workers/${workerId}/availability`, dispatcher, {
    weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, [EVERY_DAY]])),
    exceptions: [],
    maxPerDay: null,
  });
  await api("PUT", "/api/v1/scripts/_default", admin, {
    name: "First call",
    steps: [
      { id: "hello", kind: "say", text: "Hello, this is Harvest: you wrote to us last week." },
      { id: "when", kind: "question", text: "When could you meet?", options: ["This week", "Next week"] },
      { id: "topic", kind: "question", text: "What would you like to talk about?" },
    ],
  });
  await api("POST", "/api/v1/objections", admin, {
    objection: "I have no time",
    answers: ["It takes half an hour, and we come to you.", "We can meet in the evening."],
  });
  ids.called = await addContact(app, dispatcher, { displayName: "Giulia Verdi", placeName: "Roma" });
  ids.later = await addContact(app, dispatcher, { displayName: "Paolo Neri", placeName: "Roma" });
  ids.rival = await addContact(app, dispatcher, { displayName: "Anna Gialli", placeName: "Roma" });
  ids.phone = await addContact(app, dispatcher, {
    displayName: "Sara Rosa",
    placeName: "Roma",
    emails: ["sara@example.org"],
  });
  // A meeting already on the worker's agenda, booked by phone, to move and then cancel.
  ids.booked = await addContact(app, dispatcher, { displayName: "Marco Blu", placeName: "Roma" });
  const slots = await api("GET", `/api/v1/contacts/${ids.booked}/slots?mode=phone`, dispatcher);
  expect(slots.shortage).toBe(false);
  const first = slots.workers[0];
  expect(first.workerId).toBe(workerId);
  await api("POST", `/api/v1/contacts/${ids.booked}/appointments`, dispatcher, {
    workerId,
    start: first.slots[0].start,
    mode: "phone",
  });
});

afterAll(async () => {
  await stopConsole(running);
});

afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
  expect(refusals.splice(0)).toEqual([]);
});

/** Every uncaught error, console error and refused request of the pages opened: none unless a test expects it. */
const problems: string[] = [];
const refusals: string[] = [];

async function open(width = 1280, height = 1000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    // A refused request is logged by the browser too; it is counted below, by what was asked.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const { pathname } = new URL(response.url());
    // Before signing in, the console asks who is signed in and is told: nobody.
    if (response.status() === 401 && pathname === "/api/v1/me") return;
    if (response.status() >= 400)
      refusals.push(`${response.status()} ${response.request().method()} ${pathname}`);
  });
  return page;
}

async function signIn(page: Page, role: string): Promise<void> {
  await signInWith(page, base, `${role}@harvest.test`);
  await page.locator(".bell").waitFor();
}

describe("appointment setting in the console", { timeout: 180_000 }, () => {
  it("takes a setter from the call screen, through a script, an objection and a qualified call, to a booking on the worker's agenda", async () => {
    const page = await open(1400, 1000);
    await signIn(page, "setter");
    await page.goto(`${base}/contacts/${ids.called}`);
    await page.getByRole("link", { name: "Call", exact: true }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).innerText(), { timeout: 30_000 })
      .toBe("Call Giulia Verdi");
    await expect.poll(() => page.locator(".script").innerText()).toContain("you wrote to us last week");
    const question = page.getByRole("group", { name: /When could you meet/ });
    await question.getByRole("button", { name: "Next week" }).click();
    await expect
      .poll(() => question.getByRole("button", { name: "Next week" }).getAttribute("aria-pressed"))
      .toBe("true");
    await page
      .getByRole("group", { name: /What would you like to talk about/ })
      .locator("textarea")
      .fill("Her family");

    await page.getByLabel("Search objections").fill("no time");
    await expect
      .poll(() => page.locator(".objection-list").innerText(), { timeout: 30_000 })
      .toContain("It takes half an hour, and we come to you.");
    await page.screenshot({ path: join(SHOTS, "call-screen.png"), fullPage: true });

    await page.getByRole("button", { name: "Qualified", exact: true }).click();
    await expect
      .poll(() => page.locator(".outcome [role=status]").innerText(), { timeout: 30_000 })
      .toBe("Qualified: Giulia Verdi is ready to meet.");
    const script = await api("GET", `/api/v1/contacts/${ids.called}/script`, org.cookies.setter);
    expect(script.answers).toEqual({ when: "Next week", topic: "Her family" });
    expect(script.callAttempts).toBe(1);

    await page.getByRole("button", { name: "Book a meeting" }).click();
    const dialog = page.getByRole("dialog", { name: "A meeting with Giulia Verdi" });
    const soonest = dialog.locator("button.slot").first();
    await soonest.waitFor({ timeout: 30_000 });
    expect(await dialog.locator(".slot-worker h4").first().innerText()).toContain("Worker one of harvest");
    const taken = (await soonest.getAttribute("aria-label")) ?? "";
    expect(taken).toMatch(/ with Worker one of harvest$/);
    await soonest.click();
    await expect
      .poll(() => dialog.locator(".hold").innerText(), { timeout: 30_000 })
      .toMatch(/^Held for you for [45]:\d\d$/);
    expect(await dialog.locator(".picked").innerText()).toContain(taken.replace(/ with .*$/, ""));
    await page.screenshot({ path: join(SHOTS, "booking-dialog.png") });

    // Meanwhile the hold is lost and someone else books that very time: the booking is refused, the
    // server's reason is shown, and the slots are asked for again.
    const db = running?.ctx.db.kysely;
    const hold = await db?.selectFrom("slot_holds").selectAll().executeTakeFirstOrThrow();
    await db?.deleteFrom("slot_holds").execute();
    await api("POST", `/api/v1/contacts/${ids.rival}/appointments`, org.cookies.dispatcher, {
      workerId,
      start: new Date(Number(hold?.start_ms)).toISOString(),
      mode: "phone",
    });
    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await expect
      .poll(() => dialog.getByRole("alert").innerText(), { timeout: 30_000 })
      .toContain("Worker one of harvest has another meeting");
    await expect
      .poll(() => dialog.locator("button.slot").first().getAttribute("aria-label"), { timeout: 30_000 })
      .not.toBe(taken);
    expect(refusals.splice(0).sort()).toEqual(
      [
        `409 POST /api/v1/contacts/${ids.called}/appointments`,
        `404 DELETE /api/v1/slot-holds/${hold?.id}`,
      ].sort(),
    );

    const label = (await dialog.locator("button.slot").first().getAttribute("aria-label")) ?? "";
    await dialog.locator("button.slot").first().click();
    await expect
      .poll(() => dialog.locator(".hold").innerText(), { timeout: 30_000 })
      .toMatch(/^Held for you for [45]:\d\d$/);
    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await expect
      .poll(() => page.locator(".booked").innerText(), { timeout: 30_000 })
      .toMatch(/^Booked: .+ with Worker one of harvest, Roma\.$/);
    expect(await page.getByRole("dialog").count()).toBe(0);

    const booked = await api("GET", `/api/v1/appointments?contactId=${ids.called}`, org.cookies.dispatcher);
    expect(booked.items).toHaveLength(1);
    const meeting = booked.items[0];
    expect(meeting).toMatchObject({ workerId, status: "booked", mode: "in_person" });
    expect(label).toBe(`${when(meeting.start, "Europe/Rome")} with Worker one of harvest`);
    // The hold became the meeting: none is left behind.
    const holds = await db?.selectFrom("slot_holds").selectAll().execute();
    expect(holds).toEqual([]);
    await page.close();

    const worker = await open(1280, 1000);
    await signIn(worker, "worker");
    await worker.getByRole("link", { name: "Agenda" }).click();
    const item = worker.locator(".meeting").filter({ hasText: "Giulia Verdi" });
    await expect
      .poll(() => item.locator(".meeting-time").innerText(), { timeout: 30_000 })
      .toBe(`${timeOf(meeting.start, "Europe/Rome")}–${timeOf(meeting.end, "Europe/Rome")}`);
    expect(await item.innerText()).toContain("In person");
    await worker.screenshot({ path: join(SHOTS, "agenda.png"), fullPage: true });
    await worker.close();
  });

  it("lets a worker take Friday out of their week, which a reload keeps, and names a refused field", async () => {
    const page = await open(1280, 1200);
    await signIn(page, "worker");
    await page.goto(`${base}/workers/${workerId}`);
    const card = page.getByRole("region", { name: "Availability" });
    const friday = card.getByRole("group", { name: "Friday" });
    await expect
      .poll(() => friday.getByLabel("Friday: from").inputValue(), { timeout: 30_000 })
      .toBe("07:00");

    // An interval that ends before it starts is refused, and the reason shows beside it.
    await card.getByRole("group", { name: "Monday" }).getByLabel("Monday: until").fill("06:00");
    await card.getByRole("button", { name: "Save availability" }).click();
    await expect
      .poll(() => card.getByRole("group", { name: "Monday" }).locator(".field-error").innerText(), {
        timeout: 30_000,
      })
      .toBe("end must come after start");
    await card.getByRole("group", { name: "Monday" }).getByLabel("Monday: until").fill("22:00");
    expect(refusals.splice(0)).toEqual([`400 PUT /api/v1/workers/${workerId}/availability`]);

    await friday.getByRole("button", { name: "Remove Friday 07:00–22:00" }).click();
    await expect.poll(() => friday.innerText()).toContain("Not available");
    await card.getByRole("button", { name: "Save availability" }).click();
    await expect.poll(() => card.getByRole("status").innerText(), { timeout: 30_000 }).toBe("Saved.");
    await card.screenshot({ path: join(SHOTS, "availability.png") });

    await page.reload();
    await expect
      .poll(() => card.getByRole("group", { name: "Thursday" }).getByLabel("Thursday: from").inputValue(), {
        timeout: 30_000,
      })
      .toBe("07:00");
    expect(await friday.innerText()).toContain("Not available");
    expect(await friday.locator("input").count()).toBe(0);
    const saved = await api("GET", `/api/v1/workers/${workerId}/availability`, org.cookies.dispatcher);
    expect(saved.availability.weekly.fri).toEqual([]);
    expect(saved.availability.weekly.mon).toEqual([EVERY_DAY]);
    expect(saved.availability.weekly.sat).toEqual([EVERY_DAY]);
    await page.close();
  });

  it("puts a callback agreed in another time zone on the setter's queue, on both clocks", async () => {
    const page = await open(1280, 1000);
    await signIn(page, "setter");
    await page.goto(`${base}/call/${ids.later}`);
    await page.getByRole("button", { name: "Not now" }).click();
    const date = tomorrowIn("America/New_York");
    await page.getByLabel("Date", { exact: true }).fill(date);
    await page.getByLabel("Time", { exact: true }).fill("10:00");
    await page.getByLabel("Their time zone").fill("America/New_York");
    await page.getByLabel("What to come back to (optional)").fill("after her shift");
    await page.getByRole("button", { name: "Save and call back then" }).click();
    await expect
      .poll(() => page.locator(".outcome [role=status]").innerText(), { timeout: 30_000 })
      .toContain("Saved: Paolo Neri would rather talk another time.");

    const queue = await api("GET", "/api/v1/callbacks", org.cookies.setter);
    expect(queue.items).toHaveLength(1);
    const callback = queue.items[0];
    expect(callback).toMatchObject({
      contactId: ids.later,
      localTime: `${date}T10:00`,
      timeZone: "America/New_York",
      note: "after her shift",
    });

    await page.getByRole("link", { name: "Callbacks" }).first().click();
    const item = page.locator(".callback").filter({ hasText: "Paolo Neri" });
    await expect
      .poll(() => textOf(item.locator(".their-time")), { timeout: 30_000 })
      .toBe(`${when(callback.dueAt, "America/New_York")} America/New_York`);
    expect(await item.locator(".their-time").innerText()).toContain("10:00");
    expect(await textOf(item.locator(".your-time"))).toBe(
      `${when(callback.dueAt, "Europe/Rome")} Europe/Rome`,
    );
    expect(await item.innerText()).toContain("after her shift");
    expect(await item.locator(".badge.late").count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, "callbacks.png"), fullPage: true });

    await item.getByRole("link", { name: "Call now" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).innerText(), { timeout: 30_000 })
      .toBe("Call Paolo Neri");
    await page.goBack();
    await page
      .locator(".callback")
      .filter({ hasText: "Paolo Neri" })
      .getByRole("button", { name: "Done" })
      .click();
    await expect
      .poll(() => page.locator(".empty").innerText(), { timeout: 30_000 })
      .toBe("No callbacks are waiting.");
    await page.close();
  });

  it("lets the worker move a meeting to another free time and then cancel it, from the agenda", async () => {
    const page = await open(1280, 1200);
    await signIn(page, "worker");
    await page.getByRole("link", { name: "Agenda" }).click();
    const before = await api("GET", `/api/v1/appointments?contactId=${ids.booked}`, org.cookies.dispatcher);
    const original = before.items[0];
    const item = page.locator(".meeting").filter({ hasText: "Marco Blu" });
    await item.getByRole("button", { name: "Reschedule the meeting with Marco Blu" }).click();
    const third = item.locator("button.slot").nth(2);
    await third.waitFor({ timeout: 30_000 });
    await third.click();
    await item.getByLabel(/Why it moves/).fill("Asked for later");
    await item.getByRole("button", { name: "Move the meeting" }).click();
    let moved = original;
    await expect
      .poll(
        async () => {
          moved = (await api(
            "GET",
            `/api/v1/appointments/${original.id}`,
            org.cookies.dispatcher,
          )) as typeof original;
          return moved.sequence;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(Date.parse(moved.start)).toBeGreaterThan(Date.parse(original.start));
    const movedItem = page.locator(".meeting").filter({ hasText: "Marco Blu" });
    await expect
      .poll(() => movedItem.locator(".meeting-time").innerText(), { timeout: 30_000 })
      .toBe(`${timeOf(moved.start, "Europe/Rome")}–${timeOf(moved.end, "Europe/Rome")}`);

    await movedItem.getByRole("button", { name: "Cancel the meeting with Marco Blu" }).click();
    await movedItem.getByLabel("Why is it cancelled?").fill("Ill this week");
    await movedItem.getByRole("button", { name: "Cancel the meeting", exact: true }).click();
    await expect
      .poll(() => movedItem.locator(".badge.appointment-cancelled").innerText(), { timeout: 30_000 })
      .toBe("Cancelled");
    expect(await movedItem.innerText()).toContain("Cancelled: Ill this week");
    expect(await movedItem.getByRole("button", { name: /Reschedule/ }).count()).toBe(0);
    const after = await api("GET", `/api/v1/appointments/${original.id}`, org.cookies.dispatcher);
    expect(after).toMatchObject({ status: "cancelled", cancelReason: "Ill this week", sequence: 2 });
    await page.close();
  });

  it("hands the worker a private calendar feed URL that serves text/calendar", async () => {
    const page = await open(1280, 1000);
    await signIn(page, "worker");
    await page.getByRole("link", { name: "Agenda" }).click();
    await page.getByRole("button", { name: "Subscribe in your calendar" }).click();
    const shown = page.locator(".feed-url");
    await expect.poll(() => shown.count(), { timeout: 30_000 }).toBe(1);
    const url = await shown.innerText();
    expect(url).toMatch(/\/calendar\/[A-Za-z0-9_-]{20,64}\.ics$/);
    expect(await page.locator(".calendar-feed").innerText()).toContain("Keep this address private");
    // The URL names the server as configured; the suite's server listens on a port of its own.
    const feed = await fetch(`${base}${new URL(url).pathname}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toMatch(/^text\/calendar/);
    const body = await feed.text();
    expect(body).toContain("BEGIN:VCALENDAR");
    expect(body).toContain("Giulia Verdi");
    // Back on the page later: the feed is known to be on (its address is not shown again), and off it goes.
    await page.reload();
    const section = page.locator(".calendar-feed");
    await expect.poll(() => section.locator(".feed-state").count(), { timeout: 30_000 }).toBe(1);
    expect(await section.getByRole("button", { name: "Make a new address" }).count()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await section.getByRole("button", { name: "Turn the feed off" }).click();
    await expect
      .poll(() => section.getByRole("button", { name: "Subscribe in your calendar" }).count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect((await fetch(`${base}${new URL(url).pathname}`)).status).toBe(404);
    await page.close();
  });

  it("lets an admin set how meetings are booked, and write the script and the objection library", async () => {
    const page = await open(1280, 1200);
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Appointments" }).click();
    await page.getByLabel("A time shown to a digital responder is held for (minutes)").fill("7");
    await page.getByRole("button", { name: "Add a reminder" }).click();
    await page.getByLabel("Reminder 3").fill("30");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe("Saved.");
    const me = await api("GET", "/api/v1/me", org.cookies.admin);
    expect(me.organisation.settings.appointments).toMatchObject({
      holdMinutes: 7,
      reminderMinutes: [1440, 60, 30],
    });

    await page.getByRole("link", { name: "Scripts and objections" }).click();
    const editor = page.getByRole("form", { name: "Script: First call" });
    await expect
      .poll(() => editor.getByLabel("Step 2: what to ask").inputValue(), { timeout: 30_000 })
      .toBe("When could you meet?");
    await editor.getByRole("button", { name: "Add a question" }).click();
    await editor.getByLabel("Step 4: what to ask").fill("How did you hear of us?");
    await editor.getByLabel("Step 4: answers to choose from").fill("A friend\nAn advert");
    await editor.getByRole("button", { name: "Move step 4 up" }).click();
    await editor.getByRole("button", { name: "Save the script" }).click();
    await expect.poll(() => editor.getByRole("status").innerText(), { timeout: 30_000 }).toBe("Saved.");
    const scripts = await api("GET", "/api/v1/scripts", org.cookies.admin);
    expect(scripts.items[0].steps.map((s: { id: string }) => s.id)).toEqual(["hello", "when", "q1", "topic"]);
    expect(scripts.items[0].steps[2]).toEqual({
      id: "q1",
      kind: "question",
      text: "How did you hear of us?",
      options: ["A friend", "An advert"],
    });

    await page.getByRole("button", { name: "Add an objection" }).click();
    await page.getByLabel("What they say").fill("It is too far");
    await page.getByLabel("Answer 1").fill("We meet wherever suits you.");
    await page.getByRole("button", { name: "Add to the library" }).click();
    await expect
      .poll(() => page.locator(".objection-list").innerText(), { timeout: 30_000 })
      .toContain("It is too far");
    await page.screenshot({ path: join(SHOTS, "settings-scripts.png"), fullPage: true });
    const found = await api("GET", "/api/v1/objections?q=far", org.cookies.setter);
    expect(found.items.map((o: { objection: string }) => o.objection)).toEqual(["It is too far"]);
    await page.close();
  });

  it("fits the call screen and the booking dialog on a 390 px phone, and lets the hold go on cancel", async () => {
    const page = await open(390, 844);
    await signIn(page, "setter");
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.goto(`${base}/call/${ids.phone}`);
    await expect
      .poll(() => page.locator(".script").innerText(), { timeout: 30_000 })
      .toContain("When could you meet?");
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto(`${base}/contacts/${ids.phone}`);
    await page.getByRole("button", { name: "Book a meeting" }).click();
    const dialog = page.getByRole("dialog", { name: "A meeting with Sara Rosa" });
    await dialog.getByText("By video").click();
    const first = dialog.locator("button.slot").first();
    await first.waitFor({ timeout: 30_000 });
    expect(await dialog.getByLabel("E-mail the invitation to sara@example.org too").isChecked()).toBe(false);
    await first.click();
    await expect.poll(() => dialog.locator(".hold").count(), { timeout: 30_000 }).toBe(1);
    const db = running?.ctx.db.kysely;
    expect(await db?.selectFrom("slot_holds").select("id").execute()).toHaveLength(1);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "booking-dialog-phone.png") });
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    expect(await page.getByRole("dialog").count()).toBe(0);
    await expect
      .poll(() => db?.selectFrom("slot_holds").select("id").execute(), { timeout: 30_000 })
      .toEqual([]);
    await page.close();
  });
});
