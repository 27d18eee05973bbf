/// <reference lib="dom" />
/** The console in real Chromium: a dispatcher's day, a worker's view, Greek, a phone-sized screen. */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addContact, assignTo, PASSWORD, type SeededOrganisation } from "../support/seed.js";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

let running: Console | undefined;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let org: SeededOrganisation;

const PEOPLE: Array<[string, string, string, string]> = [
  ["Maria Rossi", "Roma", "IT", "it"],
  ["Giulia Bianchi", "Milano", "IT", "it"],
  ["Luca Romano", "Napoli", "IT", "it"],
  ["Ελένη Παπαδοπούλου", "Αθήνα", "GR", "el"],
  ["Νίκος Γεωργίου", "Θεσσαλονίκη", "GR", "el"],
  ["Sofia Ricci", "Torino", "IT", "it"],
  ["Ahmad Karimi", "Roma", "IT", "fa"],
  ["Olena Kovalenko", "Bologna", "IT", "uk"],
];

beforeAll(async () => {
  running = await startConsole("console");
  ({ app, base, org, browser } = running);
  const ids: string[] = [];
  for (const [name, place, country, language] of PEOPLE) {
    ids.push(
      await addContact(app, org.cookies.dispatcher, {
        displayName: name,
        placeName: place,
        country,
        languages: [language],
      }),
    );
  }
  // The worker holds the first two; everyone else is still waiting.
  for (const id of ids.slice(0, 2)) {
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
  }
});

afterAll(async () => {
  await stopConsole(running);
});

async function signIn(page: Page, role: string): Promise<void> {
  await signInWith(page, base, `${role}@harvest.test`);
}

/** The names shown in the contact list, in order. */
async function listedNames(page: Page): Promise<string[]> {
  return page.locator(".rows .row .name strong").allInnerTexts();
}

describe("the console", { timeout: 120_000 }, () => {
  it("lets a dispatcher filter, open a contact, move it on, comment, and switch to Greek", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, "dispatcher");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Dispatch");
    await page.getByRole("link", { name: "Seekers", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Seekers");
    await expect.poll(() => listedNames(page).then((n) => n.length)).toBe(PEOPLE.length);
    await page.screenshot({ path: join(SHOTS, "contacts-list.png") });

    await page.getByLabel("Search").fill("ricci");
    await expect.poll(() => listedNames(page)).toEqual(["Sofia Ricci"]);
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Place").fill("rom");
    await expect.poll(() => listedNames(page).then((n) => n.sort())).toEqual(["Ahmad Karimi", "Maria Rossi"]);
    await page.getByLabel("Place").fill("");
    // The box follows the URL, which changes a moment after the click: click, then wait for it.
    const active = page.getByRole("checkbox", { name: "Active" });
    await active.click();
    await expect.poll(() => active.isChecked()).toBe(true);
    await expect
      .poll(() => listedNames(page).then((n) => n.sort()))
      .toEqual(["Giulia Bianchi", "Maria Rossi"]);
    await active.click();
    await expect.poll(() => active.isChecked()).toBe(false);

    await page.getByLabel("Search").fill("Romano");
    await page.getByRole("link", { name: /Luca Romano/ }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Luca Romano");
    await page.getByRole("button", { name: "Start qualifying" }).click();
    await expect.poll(() => page.locator(".contact-head .badge").first().innerText()).toBe("Qualifying");
    await page.getByLabel("What happened?").fill("Called: happy to meet on Tuesday.");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect
      .poll(() => page.locator(".entry-body").first().innerText())
      .toBe("Called: happy to meet on Tuesday.");
    await expect.poll(() => page.locator(".entry-head strong").nth(1).innerText()).toBe("New → Qualifying");
    await page.screenshot({ path: join(SHOTS, "contact-page.png"), fullPage: true });

    await page.getByLabel("Console language").selectOption("el");
    await expect.poll(() => page.locator(".contact-head .badge").first().innerText()).toBe("Αξιολόγηση");
    await page
      .getByRole("link", { name: /Αναζητητές/ })
      .first()
      .click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Αναζητητές");
    await page.screenshot({ path: join(SHOTS, "contacts-list-el.png") });
    // The choice is remembered for the user on the server.
    const me = await app.inject({ url: "/api/v1/me", headers: { cookie: org.cookies.dispatcher } });
    expect(me.json().user.locale).toBe("el");
    await page.close();
  });

  it("shows a worker only their own contacts", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, "worker");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("My seekers");
    await expect
      .poll(() => listedNames(page).then((n) => n.sort()))
      .toEqual(["Giulia Bianchi", "Maria Rossi"]);
    await page.screenshot({ path: join(SHOTS, "worker-contacts.png") });
    await page.close();
  });

  it("fits a 390 px phone without sideways scrolling", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Seekers", exact: true }).click();
    await expect.poll(() => listedNames(page).then((n) => n.length)).toBe(PEOPLE.length);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "phone.png") });
    await page.close();
  });

  it("says plainly when a contact cannot be found", async () => {
    const page = await browser.newPage();
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Seekers", exact: true }).waitFor();
    await page.goto(`${base}/contacts/does-not-exist`);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("Not found");
    await page.close();
  });

  it("can be used with the keyboard alone", async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel("E-mail").waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("email");
    await page.keyboard.type("setter@harvest.test");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    // A setter sees the contacts not yet handed to a worker.
    await expect.poll(() => listedNames(page).then((n) => n.length)).toBe(PEOPLE.length - 2);
    const focusVisible = await page.evaluate(() => {
      const link = document.querySelector<HTMLAnchorElement>(".rows .row");
      link?.focus();
      return link ? getComputedStyle(link).outlineStyle : "none";
    });
    expect(focusVisible).not.toBe("none");
    await page.close();
  });

  it("lets an admin dispatch from the queue with the why on demand, plan the backlog, and see the gaps", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "admin");
    const first = page.locator(".queue-item").filter({ hasText: "Sofia Ricci" });
    await first.getByRole("button", { name: "Why?" }).first().click();
    await expect.poll(() => first.locator(".why").innerText()).toContain("Score");
    await page.screenshot({ path: join(SHOTS, "dispatch-queue.png") });
    await first.getByRole("button", { name: "Assign" }).first().click();
    await expect.poll(() => page.locator(".queue-item").filter({ hasText: "Sofia Ricci" }).count()).toBe(0);
    const offered = await app.inject({
      url: "/api/v1/contacts?q=ricci",
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(offered.json().items[0]).toMatchObject({
      status: "offered",
      assignedWorkerId: org.workers.worker.id,
    });

    await page.getByRole("link", { name: "Batch plan" }).click();
    await page.getByRole("button", { name: "Plan the backlog" }).click();
    await expect.poll(() => page.locator(".run-summary").innerText()).toContain("waiting");
    await page.screenshot({ path: join(SHOTS, "dispatch-batch.png") });
    await page.getByRole("link", { name: "Coverage gaps" }).click();
    await expect.poll(() => page.locator(".list-page").innerText()).toContain("Coverage gaps");
    await page.close();
  });

  it("lets an admin issue an API key shown only once, and add a webhook with its secret", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "admin");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Dispatch");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name").fill("Web form");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator(".secret-value").innerText()).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    const key = await page.locator(".secret-value").innerText();
    await expect.poll(() => page.locator("table.workers").innerText()).toContain("Web form");
    expect(await page.locator("table.workers").innerText()).not.toContain(key);
    await page.screenshot({ path: join(SHOTS, "settings-api-keys.png") });
    await page.getByRole("button", { name: "I have saved it" }).click();
    await expect.poll(() => page.locator(".secret-value").count()).toBe(0);

    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByLabel("Address (http or https)").fill("https://crm.example/hook");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect.poll(() => page.locator(".secret-value").innerText()).toMatch(/^whsec_/);
    await expect.poll(() => page.locator("article.card").innerText()).toContain("https://crm.example/hook");
    await page.screenshot({ path: join(SHOTS, "settings-webhooks.png"), fullPage: true });
    await page.close();
  });
});
