/// <reference lib="dom" />
/** The security screens in real Chromium: two-factor set-up and sign-in, password change, users, audit, enrolment. */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { generate } from "otplib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { systemCaller } from "../../src/services/record.js";
import { editOrganisation } from "../../src/services/save-organisation.js";
import { PASSWORD, type SeededOrganisation } from "../support/seed.js";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

const NEW_PASSWORD = "a fresh passphrase for harvest";

let running: Console | undefined;
let ctx: Context;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let org: SeededOrganisation;

beforeAll(async () => {
  running = await startConsole("security");
  ({ ctx, app, base, org, browser } = running);
});

afterAll(async () => {
  await stopConsole(running);
});

/** A new page that records every Content Security Policy violation the browser reports. */
async function watchedPage(violations: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return page;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await signInWith(page, base, email, password);
}

/** The code an authenticator app shows `offsetSeconds` from now. */
function codeFor(secret: string, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

describe("the security screens", { timeout: 120_000 }, () => {
  it("lets an admin set up two-factor, sign in with a code, change the password, and find it all in the audit log", async () => {
    const violations: string[] = [];
    const page = await watchedPage(violations);
    await signIn(page, "admin@harvest.test", PASSWORD);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Dispatch");

    // Two-factor set-up on the account page, reached from the user's name in the header.
    await page.getByRole("link", { name: /admin of harvest/ }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Your account");
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    await page.getByRole("button", { name: "Show the QR code" }).click();
    const secret = (await page.locator(".totp-secret").innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    // The QR code is a data: image, which the CSP allows.
    await expect
      .poll(() => page.locator("img.qr").evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "account-two-factor-setup.png"), fullPage: true });
    await page.getByLabel("Code shown by the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await expect.poll(() => page.locator(".recovery-codes li").count()).toBe(10);
    const recoveryCodes = await page.locator(".recovery-codes li").allInnerTexts();
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    await expect.poll(() => page.locator(".secret-warning").innerText()).toContain("only this once");
    await page.screenshot({ path: join(SHOTS, "account-recovery-codes.png"), fullPage: true });
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect.poll(() => page.locator(".recovery-codes").count()).toBe(0);
    await expect
      .poll(() => page.getByText("10 unused recovery codes left.").count(), { timeout: 10_000 })
      .toBe(1);

    // Signing in again asks for the code after the password.
    await page.locator("header").getByRole("button", { name: "Sign out" }).click();
    await signIn(page, "admin@harvest.test", PASSWORD);
    await expect
      .poll(() => page.getByRole("heading", { level: 2 }).innerText())
      .toBe("Two-step verification");
    await page.getByLabel("Code from the app").fill("000000");
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("The code is wrong");
    await page.screenshot({ path: join(SHOTS, "sign-in-code.png") });
    // The code of the next 30-second step: the one used to confirm the set-up may not be replayed.
    await page.getByLabel("Code from the app").fill(await codeFor(secret, 30));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Dispatch");

    // A password change ends the other sessions (the one the test seeded) and keeps this one.
    await page.getByRole("link", { name: /admin of harvest/ }).click();
    await expect.poll(() => page.locator("table.sessions tbody tr").count()).toBe(2);
    await expect.poll(() => page.locator("table.sessions").innerText()).toContain("This device");
    await expect.poll(() => page.locator("table.sessions").innerText()).toContain("Chrome on Linux");
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill("password123");
    await page.getByLabel("New password again").fill("password123");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("new password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Password changed" }).count()).toBe(1);
    await expect.poll(() => page.locator("table.sessions tbody tr").count()).toBe(1);
    const seeded = await app.inject({ url: "/api/v1/me", headers: { cookie: org.cookies.admin } });
    expect(seeded.statusCode).toBe(401);
    await page.screenshot({ path: join(SHOTS, "account.png"), fullPage: true });

    // The users page shows the admin's second factor; the audit log shows what happened.
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Users" }).click();
    const adminRow = page.locator("table.users tbody").filter({ hasText: "admin@harvest.test" });
    await expect.poll(() => adminRow.locator("td").nth(3).innerText()).toBe("On");
    await expect
      .poll(() => page.locator("table.users tbody").filter({ hasText: "setter@harvest.test" }).count())
      .toBe(1);
    await page.screenshot({ path: join(SHOTS, "settings-users.png"), fullPage: true });

    await page.getByRole("link", { name: "Audit log" }).click();
    const log = page.locator(".audit-entries");
    for (const action of ["two_factor.enable", "user.password", "session.create", "two_factor.start"]) {
      await expect.poll(() => log.innerText()).toContain(action);
    }
    await page.getByLabel("Action").fill("user.password");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect.poll(() => page.locator(".audit-entry").count()).toBe(1);
    const entry = page.locator(".audit-entry").first();
    await expect.poll(() => entry.locator("summary").innerText()).toContain("admin of harvest");
    await entry.locator("summary").click();
    await expect.poll(() => entry.locator(".audit-diff").innerText()).toContain("(changed)");
    await page.screenshot({ path: join(SHOTS, "settings-audit.png"), fullPage: true });

    // The security settings: require a second factor of everyone.
    await page.getByRole("link", { name: "Security" }).click();
    await page.getByRole("radio", { name: /^Everyone/ }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved." }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "settings-security.png"), fullPage: true });

    expect(violations).toEqual([]);
    await page.close();
  });

  it("shows only the two-factor set-up to a user the organisation requires it of, until it is done", async () => {
    const changed = await editOrganisation(ctx, systemCaller(org.id), {
      settings: { security: { twoFactor: "everyone", sessionIdleMinutes: 60, retentionMonths: null } },
    });
    expect(changed.ok).toBe(true);
    const violations: string[] = [];
    const page = await watchedPage(violations);
    await signIn(page, "setter@harvest.test", PASSWORD);
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).innerText())
      .toBe("Set up two-factor authentication");
    expect(await page.locator("header nav").count()).toBe(0);
    await page.getByRole("button", { name: "Show the QR code" }).click();
    const secret = (await page.locator(".totp-secret").innerText()).trim();
    await page.getByLabel("Code shown by the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await expect.poll(() => page.locator(".recovery-codes li").count()).toBe(10);
    await page.screenshot({ path: join(SHOTS, "enrolment.png"), fullPage: true });
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect.poll(() => page.locator("header nav").count()).toBe(1);
    expect(violations).toEqual([]);
    await page.close();
  });
});
