/** What every browser suite starts from: a server on a fresh SQLite file, a seeded organisation, Debian's Chromium. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { type Context, createContext } from "../../src/context.js";
import { PASSWORD, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

/** Screenshots land here, for the README and for people reviewing a change. */
export const SHOTS = join(import.meta.dirname, "../../test-results");
const CHROMIUM = "/usr/bin/chromium";

export interface Console {
  dir: string;
  ctx: Context;
  app: FastifyInstance;
  /** http://localhost:PORT: a name, not an address, as people type it. */
  base: string;
  org: SeededOrganisation;
  browser: Browser;
}

export async function startConsole(name: string): Promise<Console> {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `handoff-e2e-${name}-`));
  const ctx = await createContext(
    { ...loadConfig({}, {}), databaseUrl: join(dir, "e2e.db") },
    { log: pino({ level: "silent" }) },
  );
  const app = await buildApp(ctx);
  const base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("127.0.0.1", "localhost");
  const org = await seedOrganisation(ctx, app, "harvest");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  return { dir, ctx, app, base, org, browser };
}

export async function stopConsole(c: Console | undefined): Promise<void> {
  await c?.browser.close();
  await c?.app.close();
  await c?.ctx.db.close();
  if (c) rmSync(c.dir, { recursive: true, force: true });
}

/** Fills and sends the sign-in form. */
export async function signInWith(
  page: Page,
  base: string,
  email: string,
  password = PASSWORD,
): Promise<void> {
  await page.goto(base);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
