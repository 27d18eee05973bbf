/// <reference lib="dom" />
/** Accountability in real Chromium: offers with a countdown, update requests through the inbox, the overdue board, settings. */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { addContact, assignTo, type SeededOrganisation } from "../support/seed.js";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

const HOUR = 3_600_000;

let running: Console | undefined;
let ctx: Context;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let org: SeededOrganisation;
const ids = { offered: "", declined: "", held: "", lateTwo: "", lateOne: "" };

/** Moves a contact's open deadline of one kind into the past, as if `hours` had gone by since it was due. */
async function makeOverdue(contactId: string, kind: string, hours: number): Promise<void> {
  const dueAt = new Date(Date.now() - hours * HOUR).toISOString();
  const moved = await ctx.db.kysely
    .updateTable("deadlines")
    .set({ due_at: dueAt })
    .where("contact_id", "=", contactId)
    .where("kind", "=", kind)
    .where("closed_at", "is", null)
    .executeTakeFirst();
  expect(Number(moved.numUpdatedRows)).toBe(1);
}

async function api(method: "GET" | "POST", url: string, cookie: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  running = await startConsole("accountability");
  ({ ctx, app, base, org, browser } = running);
  const { dispatcher, worker, worker2 } = org.cookies;
  // Offered to worker one and not answered yet, urgently.
  ids.offered = await addContact(app, dispatcher, { displayName: "Anna Verdi", placeName: "Roma" });
  await api("POST", `/api/v1/contacts/${ids.offered}/assign`, dispatcher, {
    workerId: org.workers.worker.id,
    urgent: true,
  });
  ids.declined = await addContact(app, dispatcher, { displayName: "Elena Rosa", placeName: "Roma" });
  await api("POST", `/api/v1/contacts/${ids.declined}/assign`, dispatcher, {
    workerId: org.workers.worker.id,
  });
  // Held by worker one: the dispatcher will ask how it goes.
  ids.held = await addContact(app, dispatcher, { displayName: "Bruno Neri", placeName: "Roma" });
  await assignTo(app, dispatcher, worker, ids.held, org.workers.worker.id);
  // Late: worker two has not tried to reach Carla for a day and a half, worker one has not met Dario for four days.
  ids.lateTwo = await addContact(app, dispatcher, {
    displayName: "Carla Gialli",
    placeName: "Atene",
    languages: ["el"],
  });
  await assignTo(app, dispatcher, worker2, ids.lateTwo, org.workers.worker2.id);
  await makeOverdue(ids.lateTwo, "first_attempt", 36);
  ids.lateOne = await addContact(app, dispatcher, { displayName: "Dario Blu", placeName: "Roma" });
  await assignTo(app, dispatcher, worker, ids.lateOne, org.workers.worker.id);
  await makeOverdue(ids.lateOne, "first_meeting", 4 * 24);
});

afterAll(async () => {
  await stopConsole(running);
});

async function signIn(page: Page, role: string): Promise<void> {
  await signInWith(page, base, `${role}@harvest.test`);
  await page.locator(".bell").waitFor();
}

async function unreadOf(cookie: string): Promise<number> {
  return (await api("GET", "/api/v1/notifications/unread-count", cookie)).unread;
}

describe("accountability in the console", { timeout: 120_000 }, () => {
  it("shows a worker their offers counting down, and takes each off the list once accepted or declined", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "worker");
    await page.getByRole("link", { name: "My offers" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("My offers");
    const offer = page.locator(".offer").filter({ hasText: "Anna Verdi" });
    // 48 hours to answer: "1 d 23 h left", ticking.
    await expect.poll(() => offer.locator(".countdown").innerText()).toMatch(/^1 d 23 h left$/);
    expect(await offer.locator(".countdown.pressing").count()).toBe(0);
    // The worker's other deadlines are listed below, Dario's first meeting long overdue.
    const others = page.locator("table.deadlines");
    await expect.poll(() => others.innerText()).toContain("Bruno Neri");
    await expect
      .poll(() => others.locator("tr", { hasText: "Dario Blu" }).locator(".countdown.pressing").innerText())
      .toMatch(/^4 d 0 h late$/);
    await page.screenshot({ path: join(SHOTS, "offers.png"), fullPage: true });

    await offer.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => page.locator(".offer").filter({ hasText: "Anna Verdi" }).count()).toBe(0);
    const contact = await api("GET", `/api/v1/contacts/${ids.offered}`, org.cookies.dispatcher);
    expect(contact).toMatchObject({ status: "active", assignedWorkerId: org.workers.worker.id });

    // Declining asks why, and the contact goes back to dispatch.
    const other = page.locator(".offer").filter({ hasText: "Elena Rosa" });
    await other.getByRole("button", { name: "Decline" }).click();
    await other.getByLabel("Why can you not take it?").fill("No time this month");
    await other.getByRole("button", { name: "Decline the offer" }).click();
    await expect.poll(() => page.locator(".offer").count()).toBe(0);
    await expect.poll(() => page.getByText("No offers wait for your answer.").count()).toBe(1);
    const declined = await api("GET", `/api/v1/contacts/${ids.declined}`, org.cookies.dispatcher);
    expect(declined).toMatchObject({ status: "ready", assignedWorkerId: null });
    await page.close();
  });

  it("carries an update request from the contact page through the worker's inbox and back to the dispatcher", async () => {
    const dispatcherPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(dispatcherPage, "dispatcher");
    await dispatcherPage.goto(`${base}/contacts/${ids.held}`);
    const deadlines = dispatcherPage.getByRole("region", { name: "Deadlines" });
    await expect.poll(() => deadlines.innerText()).toContain("First contact attempt");
    await deadlines.getByRole("button", { name: "Ask for an update" }).click();
    await deadlines.getByLabel("What would you like to know?").fill("How did the first call go?");
    await deadlines.getByRole("button", { name: "Send the request" }).click();
    await expect.poll(() => deadlines.getByRole("status").innerText()).toContain("Request sent");
    await expect.poll(() => deadlines.innerText()).toContain("Update request");
    await dispatcherPage.screenshot({ path: join(SHOTS, "contact-deadlines.png"), fullPage: true });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "worker");
    const unread = await unreadOf(org.cookies.worker);
    expect(unread).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".bell .count").innerText()).toBe(String(unread));
    await page.locator(".bell").click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Inbox");
    const request = page.locator(".notice.unread").filter({ hasText: "asks for an update on" });
    await expect
      .poll(() => request.innerText())
      .toContain("dispatcher of harvest asks for an update on Bruno Neri: How did the first call go?");
    expect(await page.locator(".notice .badge.urgent").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "inbox-worker.png"), fullPage: true });
    // Opening it marks it read.
    await request.getByRole("link", { name: "Bruno Neri" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Bruno Neri");
    await expect.poll(() => page.locator(".bell .count").innerText()).toBe(String(unread - 1));
    await page.getByLabel("Your answer").fill("Met on Tuesday, all good.");
    await page.getByRole("button", { name: "Send answer" }).click();
    await expect.poll(() => page.locator(".deadline-list").innerText()).not.toContain("Update request");
    await expect
      .poll(() => page.locator(".entry.kind-update .entry-body").innerText())
      .toBe("Met on Tuesday, all good.");
    await page.close();

    // The dispatcher hears of the answer, and of the offer the worker declined earlier.
    await dispatcherPage.reload();
    await expect.poll(() => dispatcherPage.locator(".bell .count").innerText()).toBe("2");
    await dispatcherPage.locator(".bell").click();
    await expect
      .poll(() => dispatcherPage.locator(".notice.unread").nth(1).innerText())
      .toContain("Worker one of harvest declined Elena Rosa: No time this month");
    await expect
      .poll(() => dispatcherPage.locator(".notice.unread").first().innerText())
      .toContain(
        "Worker one of harvest answered your update request on Bruno Neri: Met on Tuesday, all good.",
      );
    await dispatcherPage.getByRole("button", { name: "Mark all read" }).click();
    await expect.poll(() => dispatcherPage.locator(".notice.unread").count()).toBe(0);
    await expect.poll(() => dispatcherPage.locator(".bell .count").count()).toBe(0);
    await dispatcherPage.close();
  });

  it("lists overdue deadlines on the board under their workers, by how late", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, "dispatcher");
    await page.getByRole("link", { name: "Overdue" }).click();
    await expect.poll(() => page.locator(".run-summary").innerText()).toContain("2 deadlines overdue");
    const two = page.locator(".overdue-worker").filter({ hasText: "Worker two of harvest" });
    await expect.poll(() => two.locator("tbody tr").first().innerText()).toContain("Carla Gialli");
    expect(await two.locator("tbody").innerText()).toContain("First contact attempt");
    expect(await two.locator(".bucket.some").innerText()).toMatch(/1–3 days\s*1/);
    expect(await two.locator(".countdown.pressing").innerText()).toMatch(/^1 d 12 h late$/);
    const one = page.locator(".overdue-worker").filter({ hasText: "Worker one of harvest" });
    expect(await one.locator("tbody").innerText()).toContain("Dario Blu");
    expect(await one.locator(".bucket.some").innerText()).toMatch(/3–7 days\s*1/);
    await page.screenshot({ path: join(SHOTS, "overdue-board.png"), fullPage: true });

    await two.getByRole("button", { name: "Ask for an update on Carla Gialli" }).click();
    await two.getByLabel("What would you like to know?").fill("Could you reach her?");
    await two.getByRole("button", { name: "Send the request" }).click();
    await expect.poll(() => two.locator("tbody").innerText()).toContain("Update requested");
    const open = await api(
      "GET",
      `/api/v1/deadlines?contactId=${ids.lateTwo}&kind=update_request`,
      org.cookies.dispatcher,
    );
    expect(open.items).toMatchObject([{ note: "Could you reach her?", workerId: org.workers.worker2.id }]);

    await page.getByRole("link", { name: "Health of each multiplier" }).click();
    await expect.poll(() => page.locator("table.health").innerText()).toContain("Worker two of harvest");
    await page.close();
  });

  it("saves the notification settings, which survive a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "worker");
    await page.getByRole("link", { name: /worker of harvest/ }).click();
    const card = page.getByRole("region", { name: "Notifications" });
    await expect.poll(() => card.innerText()).toContain("This server sends no e-mail");
    await card.getByLabel("A new offer for you").selectOption("digest");
    await card.getByRole("button", { name: "Add a time" }).click();
    await card.getByLabel("Digest time 2").fill("18:30");
    await card.getByLabel("From", { exact: true }).fill("22:00");
    await card.getByRole("button", { name: "Save notifications" }).click();
    await expect.poll(() => card.getByRole("status").innerText()).toBe("Saved.");
    await card.screenshot({ path: join(SHOTS, "account-notifications.png") });

    await page.reload();
    await expect.poll(() => card.getByLabel("Digest time 2").inputValue()).toBe("18:30");
    expect(await card.getByLabel("A new offer for you").inputValue()).toBe("digest");
    expect(await card.getByLabel("Digest time 1").inputValue()).toBe("08:00");
    expect(await card.getByLabel("From", { exact: true }).inputValue()).toBe("22:00");
    const saved = await api("GET", "/api/v1/me/notification-settings", org.cookies.worker);
    expect(saved.preferences).toMatchObject({
      digestTimes: ["08:00", "18:30"],
      quietHours: { start: "22:00", end: "07:00" },
      channels: { offer_new: "digest" },
    });
    await page.close();
  });

  it("lets an admin change the deadlines of the organisation", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Deadlines" }).click();
    await page.getByLabel("Time to answer an offer (hours)").fill("36");
    await page.getByLabel("Updates during “Meeting regularly”").selectOption("none");
    await page.getByLabel("Updates during “Met in person”").selectOption("every");
    await page.getByLabel("Days between updates during “Met in person”").fill("3");
    await page.getByLabel("No first-meeting deadline").check();
    await page.getByText("Take back what stays overdue").click();
    await page.getByLabel("Take back after the deadline (hours)").fill("96");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toBe("Saved.");
    await page.screenshot({ path: join(SHOTS, "settings-deadlines.png"), fullPage: true });
    const me = await api("GET", "/api/v1/me", org.cookies.admin);
    expect(me.organisation.settings.accountability).toMatchObject({
      acceptHours: 36,
      firstMeetingDays: null,
      updateEveryDays: { ongoing: null, met: 3 },
      takeBack: true,
      takeBackAfterHours: 96,
    });
    await page.close();
  });
});
