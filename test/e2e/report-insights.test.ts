/// <reference lib="dom" />
/**
 * Supply and demand, part two, in real Chromium over the demo: a dispatcher sees the time in each stage,
 * the workers' load with their flags and sparklines, an alert raised by the sweeper, the hexagonal map
 * and the team filter, all with the API's figures; a marketer sees the stages and the load in total but
 * no worker. Takes the README's screenshot (test-results/report-insights.png).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { type Context, createContext } from "../../src/context.js";
import type { WorkerCreate } from "../../src/core/model.js";
import type { HexagonsReport } from "../../src/core/reports/hexagons.js";
import type { StagesReport } from "../../src/core/reports/stages.js";
import type { WorkersReport } from "../../src/core/reports/workers.js";
import { checkDemandAlerts } from "../../src/services/demand-alerts.js";
import { PASSWORD } from "../../src/services/demo/profiles.js";
import { loadDemo } from "../../src/services/load-demo.js";
import { systemCaller } from "../../src/services/record.js";
import { createWorker } from "../../src/services/save-worker.js";
import { signInAs } from "../support/seed.js";
import { SHOTS, signInWith } from "./harness.js";

/** The rows the worker table draws at first and adds with each "Show more" (web/src/reports/worker-table.tsx). */
const WORKER_ROWS = 50;
const DISPATCHER = "dispatcher@harvest.example";
const MARKETER = "marketer@harvest.example";

let dir: string;
let ctx: Context | undefined;
let app: FastifyInstance | undefined;
let browser: Browser | undefined;
let base: string;
let dispatcherCookie: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "handoff-e2e-insights-"));
  ctx = await createContext(
    { ...loadConfig({}, {}), databaseUrl: join(dir, "e2e.db") },
    { log: pino({ level: "silent" }) },
  );
  await loadDemo(ctx, { seed: 1 });
  app = await buildApp(ctx);
  base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("127.0.0.1", "localhost");
  dispatcherCookie = await signInAs(app, DISPATCHER, PASSWORD);
  const admin = await signInAs(app, "admin@harvest.example", PASSWORD);
  // Two teams, split by country; and a threshold that some place crosses, checked as the sweeper would.
  const organisation = await ctx.db.kysely
    .selectFrom("organisations")
    .select("id")
    .where("slug", "=", "harvest")
    .executeTakeFirstOrThrow();
  await ctx.db.kysely
    .updateTable("workers")
    .set({ team: "Italia" })
    .where("organisation_id", "=", organisation.id)
    .where("country", "=", "IT")
    .execute();
  await ctx.db.kysely
    .updateTable("workers")
    .set({ team: "Hellas" })
    .where("organisation_id", "=", organisation.id)
    .where("country", "=", "GR")
    .execute();
  // A threshold three places cross: the third-hardest pressed place's contacts per worker, less a little.
  const since = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  const supply = await app.inject({
    method: "GET",
    url: `/api/v1/reports/supply?by=city&from=${since}`,
    headers: { cookie: admin },
  });
  const pressures = (supply.json() as { rows: Array<{ contacts: number; availableWorkers: number }> }).rows
    .map((r) => r.contacts / Math.max(1, r.availableWorkers))
    .sort((a, b) => b - a);
  const threshold = Math.max(0.5, Math.floor(((pressures[2] ?? 1) - 0.01) * 100) / 100);
  const patched = await app.inject({
    method: "PATCH",
    url: "/api/v1/organisation",
    headers: { cookie: admin },
    payload: { settings: { alerts: { contactsPerWorker: threshold, windowDays: 60 } } },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  expect(await checkDemandAlerts(ctx)).toBeGreaterThan(0);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function report<T>(url: string, cookie = dispatcherCookie): Promise<T> {
  const response = await app?.inject({ method: "GET", url, headers: { cookie } });
  expect(response?.statusCode, response?.body).toBe(200);
  return response?.json() as T;
}

/** The machine may be busy: give the console time to answer. */
function poll<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 20_000 });
}

function shown(count: number | string): string {
  return typeof count === "number" ? new Intl.NumberFormat("en").format(count) : count;
}

/** How many pixels of a chart's canvas are not blank. */
async function inkOf(page: Page, selector: string): Promise<number> {
  return page
    .locator(`${selector} canvas`)
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext("2d");
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) > 0 && (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) < 750)
          ink += 1;
      }
      return ink;
    });
}

async function newPage(width = 1360, height = 1000): Promise<Page> {
  if (!browser) throw new Error("the browser did not start");
  return browser.newPage({ viewport: { width, height } });
}

describe("supply and demand, part two", { timeout: 120_000 }, () => {
  it("shows a dispatcher the stages, the workers' load, the alerts and the hexagons, under the CSP", async () => {
    const page = await newPage(1360, 2600);
    /** The part of the page from one panel's top to another's bottom, in page coordinates. */
    const clip = async (from: string, to: string) => {
      const edge = (selector: string, which: "top" | "bottom") =>
        page
          .locator(selector)
          .evaluate((el, side) => el.getBoundingClientRect()[side] + window.scrollY, which);
      const top = (await edge(from, "top")) - 12;
      return { x: 0, y: top, width: 1360, height: (await edge(to, "bottom")) + 12 - top };
    };
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    await signInWith(page, base, DISPATCHER, PASSWORD);
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/reports`);

    // Time in each stage: a row per stage with the API's figures, and the bars drawn.
    const stages = await report<StagesReport>("/api/v1/reports/stages?by=month");
    const rows = page.locator("#report-stages tbody tr");
    await poll(() => rows.count()).toBe(stages.totals.length);
    const ready = stages.totals.find((s) => s.stage === "ready");
    expect(ready).toBeDefined();
    expect(await page.locator('#report-stages tr[data-stage="ready"] td').first().innerText()).toBe(
      shown(ready?.now ?? 0),
    );
    await poll(() => inkOf(page, "#report-stages")).toBeGreaterThan(2_000);

    // Workers: load against capacity in total, and a line per worker with flags and a sparkline.
    const workers = await report<WorkersReport>("/api/v1/reports/workers");
    expect(workers.workers.length).toBeGreaterThan(20);
    // The fullest fifty first; any other found by name.
    await poll(() => page.locator("#report-workers tbody tr").count()).toBe(
      Math.min(WORKER_ROWS, workers.workers.length),
    );
    expect(await page.locator('#report-workers [data-figure="overloaded"] dd').innerText()).toBe(
      shown(workers.totals.overloaded),
    );
    const first = workers.workers[0];
    const search = page.getByRole("searchbox", { name: "Search by name, place or team" });
    if (workers.workers.length > WORKER_ROWS) await search.fill(first?.name ?? "");
    const line = page.locator(`#report-workers tr[data-worker="${first?.id}"]`);
    expect(await line.locator("th a").textContent()).toBe(first?.name);
    expect(await line.locator("td").nth(1).innerText()).toBe(`${first?.held} / ${first?.capacity}`);
    expect(await line.locator("svg.sparkline polyline").getAttribute("points")).toContain(",");
    await poll(() => inkOf(page, "#report-workers")).toBeGreaterThan(1_000);
    if (workers.workers.length > WORKER_ROWS) {
      await search.fill("");
      await search.blur();
    }

    // The alert the sweeper raised.
    await poll(() => page.locator("#report-alerts li.open").count()).toBeGreaterThan(0);

    // The map in hexagons: the URL keeps the mode, the chart names its cells.
    await page.waitForTimeout(1_200); // the charts' entry animation
    await page.screenshot({
      path: join(SHOTS, "report-insights.png"),
      fullPage: true,
      clip: await clip("#report-stages", "#report-workers"),
    });
    await page.getByRole("combobox", { name: "Map" }).selectOption("hexagons");
    await poll(() => new URL(page.url()).searchParams.get("map")).toBe("hexagons");
    const cells = await report<HexagonsReport>("/api/v1/reports/hexagons?resolution=5");
    await poll(() => page.locator("#report-map .chart").getAttribute("aria-label")).toBe(
      `Map of ${cells.rows.length} hexagons: seekers per available multiplier`,
    );
    await poll(() => inkOf(page, "#report-map")).toBeGreaterThan(20_000);
    await page.getByRole("combobox", { name: "Cell size" }).selectOption("4");
    const larger = await report<HexagonsReport>("/api/v1/reports/hexagons?resolution=4");
    await poll(() => page.locator("#report-map .chart").getAttribute("aria-label")).toBe(
      `Map of ${larger.rows.length} hexagons: seekers per available multiplier`,
    );
    expect(larger.rows.length).toBeLessThan(cells.rows.length);

    await page.waitForTimeout(1_200); // the charts' entry animation
    await page.screenshot({
      path: join(SHOTS, "report-insights-map.png"),
      fullPage: true,
      clip: await clip("#report-alerts", "#report-map"),
    });
    expect(violations).toEqual([]);
    await page.close();
  });

  it("filters by team through the URL, with the API's figures", async () => {
    const page = await newPage();
    await signInWith(page, base, DISPATCHER, PASSWORD);
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/reports`);
    await page.getByRole("combobox", { name: /^Team/ }).selectOption("Hellas");
    await poll(() => new URL(page.url()).searchParams.get("team")).toBe("Hellas");
    const hellas = await report<WorkersReport>("/api/v1/reports/workers?team=Hellas");
    await poll(() => page.locator("#report-workers tbody tr").count()).toBe(hellas.workers.length);
    const demand = await report<{ totals: { newContacts: number } }>(
      "/api/v1/reports/demand?by=month&team=Hellas",
    );
    await poll(() => page.locator('[data-figure="newContacts"] dd').innerText()).toBe(
      shown(demand.totals.newContacts),
    );
    await page.close();
  });

  it("lets a dispatcher set a worker's team, and an admin the alert threshold", async () => {
    const workers = await report<WorkersReport>("/api/v1/reports/workers");
    const worker = workers.workers.find((w) => w.team === null);
    expect(worker).toBeDefined();
    const page = await newPage();
    await signInWith(page, base, DISPATCHER, PASSWORD);
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/workers/${worker?.id}`);
    await page.getByRole("button", { name: "Edit" }).first().click();
    await page.getByRole("textbox", { name: "Team" }).fill("Shqipëria");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await poll(
      async () => (await report<{ team: string | null }>(`/api/v1/workers/${worker?.id}`)).team,
    ).toBe("Shqipëria");
    await poll(() => page.locator("main").innerText()).toContain("Shqipëria");
    await page.close();

    const admin = await newPage();
    await signInWith(admin, base, "admin@harvest.example", PASSWORD);
    await admin.locator(".bell").waitFor();
    await admin.goto(`${base}/settings`);
    const form = admin.locator("form", { has: admin.getByRole("heading", { name: "Demand alerts" }) });
    await form.getByLabel(/^More than this many new seekers/).fill("42");
    await form.getByRole("button", { name: "Save" }).click();
    await poll(
      async () =>
        (await report<{ settings: { alerts: { contactsPerWorker: number } } }>("/api/v1/organisation"))
          .settings.alerts.contactsPerWorker,
    ).toBe(42);
    await admin.close();
  });

  it("shows a marketer the stages and the load in total, and no worker", async () => {
    const page = await newPage();
    await signInWith(page, base, MARKETER, PASSWORD);
    await poll(() => new URL(page.url()).pathname).toBe("/reports");
    await poll(() => page.locator("#report-stages tbody tr").count()).toBeGreaterThan(3);
    await poll(() => inkOf(page, "#report-workers")).toBeGreaterThan(1_000);
    expect(await page.locator("#report-workers tbody tr").count()).toBe(0);
    expect(await page.locator("#report-alerts").count()).toBe(0);
    const names = (await report<WorkersReport>("/api/v1/reports/workers")).workers.map((w) => w.name);
    const text = await page.locator("main").innerText();
    for (const name of names.slice(0, 10)) expect(text).not.toContain(name);
    await page.close();
  });
  it("draws a long worker table fifty rows at a time, and finds a worker by name, place or team", async () => {
    if (!ctx) throw new Error("no context");
    const organisation = await ctx.db.kysely
      .selectFrom("organisations")
      .select("id")
      .where("slug", "=", "harvest")
      .executeTakeFirstOrThrow();
    const system = systemCaller(organisation.id);
    for (let i = 0; i < 80; i++) {
      const created = await createWorker(ctx, system, {
        name: `Extra ${String(i).padStart(2, "0")}`,
        languages: ["it"],
        lat: 45.47,
        lon: 9.2,
        maxKm: 50,
        capacity: 5,
        trust: 0.5,
        status: "active",
        timeZone: "Europe/Rome",
        placeName: i === 42 ? "Bergamo" : "Milano",
        country: "IT",
        team: i === 7 ? "Lombardia" : "Italia",
      } as WorkerCreate);
      expect(created.ok).toBe(true);
    }
    const total = (await report<WorkersReport>("/api/v1/reports/workers")).workers.length;
    expect(total).toBeGreaterThan(100);
    const page = await newPage();
    await signInWith(page, base, DISPATCHER, PASSWORD);
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/reports`);
    const rows = page.locator("#report-workers tbody tr");
    await poll(() => rows.count()).toBe(50);
    const more = page.locator("#report-workers .worker-rows");
    expect(await more.innerText()).toContain(`Showing 50 of ${total}`);
    await more.getByRole("button", { name: "Show more" }).click();
    await poll(() => rows.count()).toBe(100);
    expect(await more.innerText()).toContain(`Showing 100 of ${total}`);
    const search = page.getByRole("searchbox", { name: "Search by name, place or team" });
    await search.fill("extra 42");
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator("th a").textContent()).toBe("Extra 42");
    expect(await more.count()).toBe(0);
    await search.fill("bergamo");
    await poll(() => rows.locator("th a").allTextContents()).toEqual(["Extra 42"]);
    await search.fill("lombardia");
    await poll(() => rows.locator("th a").allTextContents()).toEqual(["Extra 07"]);
    await search.fill("nobody by this name");
    await poll(() => rows.count()).toBe(0);
    await search.fill("");
    await poll(() => rows.count()).toBe(50);
    await page.close();
  });
});
