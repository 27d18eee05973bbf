/// <reference lib="dom" />
/** The intake screen in real Chromium: an admin creates an intake key, a form posts with it, the contact arrives. */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

let running: Console | undefined;
let browser: Browser;
let base: string;

beforeAll(async () => {
  running = await startConsole("intake");
  ({ base, browser } = running);
});

afterAll(async () => {
  await stopConsole(running);
});

async function signIn(page: Page, email: string): Promise<void> {
  await signInWith(page, base, email);
}

/** What a person types into the snippet's visible fields. */
const TYPED: Record<string, string> = {
  name: "Chiara Esposito",
  phone: "+39 333 765 4321",
  email: "chiara@example.org",
  city: "Bologna",
  message: "I saw your poster and would like to talk.",
};

describe("the intake screen", { timeout: 120_000 }, () => {
  it("lets an admin create an intake key whose HTML form snippet brings a contact into the console", async () => {
    const violations: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    await signIn(page, "admin@harvest.test");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Dispatch");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Intake", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Create an intake key" }).count()).toBe(1);

    // Before a key exists the snippets carry a placeholder.
    const formSnippet = page.locator("pre").filter({ hasText: "<form" });
    const curlSnippet = page.locator("pre").filter({ hasText: "curl" });
    await expect.poll(() => formSnippet.innerText()).toContain("?key=YOUR_INTAKE_KEY");
    await expect.poll(() => page.getByText("No intake keys yet.").count()).toBe(1);

    await page.getByLabel("Name", { exact: true }).fill("Parish website");
    await page.getByRole("button", { name: "Create intake key" }).click();
    await expect.poll(() => page.locator(".secret-value").first().innerText()).toMatch(/^hk_/);
    const key = (await page.locator("code.secret-value").innerText()).trim();
    await expect.poll(() => curlSnippet.innerText()).toContain(`Authorization: Bearer ${key}`);
    const html = await formSnippet.innerText();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBe(`${base}/api/v1/intake?key=${key}`);
    const keysTable = page.getByRole("table", { name: "Intake keys in use" });
    await expect.poll(() => keysTable.innerText()).toContain("Parish website");
    await expect.poll(() => keysTable.innerText()).toContain("Never");
    await page.screenshot({ path: join(SHOTS, "settings-intake.png"), fullPage: true });

    // Post what a browser would send from the snippet: every named field it declares, hidden ones as given.
    const body = new URLSearchParams();
    for (const [, field, hidden] of html.matchAll(/name="([^"]+)"(?: value="([^"]*)")?/g)) {
      if (!field) continue;
      body.append(field, hidden ?? TYPED[field] ?? "");
    }
    expect([...body.keys()]).toEqual(expect.arrayContaining([...Object.keys(TYPED), "source", "utm_source"]));
    const response = await fetch(action ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: body.toString(),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject({ status: "new", replayed: false });

    // The contact is in the console's list, and the key's last use shows on the intake screen.
    await page.getByRole("link", { name: "Seekers", exact: true }).click();
    await page.getByLabel("Search").fill("Esposito");
    await expect.poll(() => page.locator(".rows .row .name strong").allInnerTexts()).toEqual([TYPED.name]);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Intake", exact: true }).click();
    await expect.poll(() => keysTable.innerText()).toContain("Parish website");
    await expect.poll(() => keysTable.innerText()).not.toContain("Never");

    expect(violations).toEqual([]);
    await page.close();
  });
});
