/// <reference lib="dom" />
/** Duplicates in real Chromium: the review queue side by side, a merge with a choice per field, undo, "not the same person". */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addContact, type SeededOrganisation } from "../support/seed.js";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

let running: Console | undefined;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let org: SeededOrganisation;
const ids = { first: "", second: "" };

async function api(method: "GET" | "POST" | "PATCH", url: string, payload?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: { cookie: method === "PATCH" ? org.cookies.admin : org.cookies.dispatcher },
    ...(payload ? { payload } : {}),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  running = await startConsole("duplicates");
  ({ app, base, org, browser } = running);
  // Review every likely duplicate by hand: nothing merges on arrival.
  await api("PATCH", "/api/v1/organisation", {
    settings: { duplicates: { reviewAbove: 0.5, autoMergeAbove: null } },
  });
  ids.first = await addContact(app, org.cookies.dispatcher, {
    displayName: "Giulia Verdi",
    phones: ["347 555 0101"],
    emails: ["giulia.verdi@example.org"],
    placeName: "Roma",
  });
  ids.second = await addContact(app, org.cookies.dispatcher, {
    displayName: "VERDI Giulia",
    phones: ["+39 347 555 0101"],
    gender: "f",
  });
});

afterAll(async () => {
  await stopConsole(running);
});

describe("duplicates in the console", { timeout: 120_000 }, () => {
  it("merges a pair with the reviewer's choices, undoes it, and remembers a pair told apart", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWith(page, base, "dispatcher@harvest.test");
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/dispatch/duplicates`);
    const card = page.locator("article.duplicate-pair");
    await expect.poll(() => card.count()).toBe(1);
    await expect.poll(() => card.innerText()).toMatch(/Likely the same person · \d+%/);
    expect(await card.innerText()).toContain("same phone");
    await page.screenshot({ path: join(SHOTS, "duplicates.png"), fullPage: true });

    // The older record stays; its name gives way to the other's, its missing gender is filled.
    expect(await card.getByRole("radio", { name: "Gender: VERDI Giulia" }).isChecked()).toBe(true);
    await card.getByRole("radio", { name: "Name: VERDI Giulia" }).check();
    await card.getByRole("button", { name: "Merge into Giulia Verdi" }).click();
    await expect.poll(() => page.getByText("No likely duplicates waiting.").count()).toBe(1);
    const survivor = await api("GET", `/api/v1/contacts/${ids.first}`);
    expect(survivor).toMatchObject({ displayName: "VERDI Giulia", gender: "f", placeName: "Roma" });
    expect(survivor.emails).toEqual(["giulia.verdi@example.org"]);

    // The merged record says where it went.
    const merges = page.getByRole("region", { name: "Recent merges" });
    await expect.poll(() => merges.innerText()).toContain("By hand");
    await page.goto(`${base}/contacts/${ids.second}`);
    await expect.poll(() => page.getByRole("note").innerText()).toContain("merged into another");
    await page.getByRole("link", { name: "Open the record that stayed" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("VERDI Giulia");
    await expect.poll(() => page.locator(".timeline").innerText()).toContain("Merged with VERDI Giulia");

    // Undo puts both back and the pair returns to the queue.
    await page.goto(`${base}/dispatch/duplicates`);
    await page.getByRole("button", { name: "Undo the merge of VERDI Giulia" }).click();
    await expect.poll(() => page.locator("article.duplicate-pair").count()).toBe(1);
    await expect
      .poll(async () => (await api("GET", `/api/v1/contacts/${ids.first}`)).displayName)
      .toBe("Giulia Verdi");
    expect((await api("GET", `/api/v1/contacts/${ids.second}`)).status).toBe("new");

    // Told apart, the pair leaves the queue and a scan does not bring it back.
    await page.getByRole("button", { name: "Not the same person" }).click();
    await expect.poll(() => page.getByText("No likely duplicates waiting.").count()).toBe(1);
    await page.getByRole("button", { name: "Scan all contacts" }).click();
    await expect.poll(() => page.locator(".ok").innerText()).toMatch(/Compared \d+ contacts/);
    expect(await page.locator("article.duplicate-pair").count()).toBe(0);
    await page.close();
  });

  it("keeps the duplicates screen from workers", async () => {
    const page = await browser.newPage();
    await signInWith(page, base, "worker@harvest.test");
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/dispatch/duplicates`);
    await expect.poll(() => page.locator("article.duplicate-pair").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Scan all contacts" }).count()).toBe(0);
    await page.close();
  });
});
