/// <reference lib="dom" />
/**
 * Supply and demand in real Chromium, over the demo organisations: a marketer lands on the reports, sees
 * the map and the charts drawn with the API's figures, filters through the URL and downloads a CSV; a
 * worker cannot reach them. Takes the README's screenshot (test-results/reports.png).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { type Context, createContext } from "../../src/context.js";
import type { DemandReport, FlowReport, SupplyReport } from "../../src/core/reports/schemas.js";
import { PASSWORD } from "../../src/services/demo/profiles.js";
import { loadDemo } from "../../src/services/load-demo.js";
import { signInAs } from "../support/seed.js";
import { SHOTS, signInWith } from "./harness.js";

const MARKETER = "marketer@harvest.example";
const WORKER = "worker@harvest.example";

let dir: string;
let ctx: Context | undefined;
let app: FastifyInstance | undefined;
let browser: Browser | undefined;
let base: string;
let marketerCookie: string;

/** The harness seeds its own "harvest"; these tests want the demo's, with eighteen months of history. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "handoff-e2e-reports-"));
  ctx = await createContext(
    { ...loadConfig({}, {}), databaseUrl: join(dir, "e2e.db") },
    { log: pino({ level: "silent" }) },
  );
  await loadDemo(ctx, { seed: 1 });
  app = await buildApp(ctx);
  base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("127.0.0.1", "localhost");
  marketerCookie = await signInAs(app, MARKETER, PASSWORD);
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

async function report<T>(url: string): Promise<T> {
  const response = await app?.inject({ method: "GET", url, headers: { cookie: marketerCookie } });
  expect(response?.statusCode, response?.body).toBe(200);
  return response?.json() as T;
}

/** A count as the English console writes it. */
function shown(count: number | string): string {
  return typeof count === "number" ? new Intl.NumberFormat("en").format(count) : count;
}

/** What a chart drew: the pixels of its canvas that are not blank, and those in the demand colour. */
async function inkOf(page: Page, selector: string): Promise<{ ink: number; demand: number }> {
  return page
    .locator(`${selector} canvas`)
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext("2d");
      if (!context) return { ink: 0, demand: 0 };
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      let demand = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r = 0, g = 0, b = 0, a = 0] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && r + g + b < 3 * 250) ink += 1;
        // The demand bubbles' burnt orange (#c2410c), blended over the land or the sea.
        if (a > 0 && r > 170 && g > 60 && g < 150 && b < 110 && r - b > 100) demand += 1;
      }
      return { ink, demand };
    });
}

async function newPage(width = 1280, height = 900): Promise<Page> {
  if (!browser) throw new Error("the browser did not start");
  return browser.newPage({ viewport: { width, height } });
}

/** The first day of the month some months before this one, as the console's "From" takes it. */
function monthsAgo(months: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)).toISOString().slice(0, 10);
}

function figure(page: Page, name: string) {
  return page.locator(`[data-figure="${name}"] dd`);
}

describe("the supply and demand console", { timeout: 120_000 }, () => {
  it("lands a marketer on the map and the charts, with the API's figures, under the CSP", async () => {
    const page = await newPage(1360, 1500);
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    await signInWith(page, base, MARKETER, PASSWORD);
    await expect.poll(() => new URL(page.url()).pathname).toBe("/reports");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Supply and demand");
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts()).toEqual([
      "Supply and demand",
      "Settings",
    ]);

    const demand = await report<DemandReport>("/api/v1/reports/demand?by=month&compare=last_year");
    const supply = await report<SupplyReport>("/api/v1/reports/supply?by=city");
    const flow = await report<FlowReport>("/api/v1/reports/flow?by=month");
    expect(demand.totals.newContacts).not.toBe(0);
    await expect.poll(() => figure(page, "newContacts").innerText()).toBe(shown(demand.totals.newContacts));
    expect(await figure(page, "availableWorkers").innerText()).toBe(shown(supply.totals.availableWorkers));
    expect(await figure(page, "freeCapacity").innerText()).toBe(shown(supply.totals.freeCapacity));

    // The map: every city the API places, drawn over the bundled countries, with the demand bubbles.
    const placed = supply.rows.filter((r) => r.lat !== null && r.lon !== null).length;
    expect(placed).toBeGreaterThan(20);
    const map = page.locator("#report-map .chart");
    await expect
      .poll(() => map.getAttribute("aria-label"))
      .toBe(`Map of ${placed} places: new seekers and free places`);
    await expect.poll(async () => (await inkOf(page, "#report-map")).ink).toBeGreaterThan(20_000);
    await expect.poll(async () => (await inkOf(page, "#report-map")).demand).toBeGreaterThan(200);
    // Trends by month and the funnel are drawn too.
    await expect.poll(async () => (await inkOf(page, "#report-breakdown")).ink).toBeGreaterThan(2_000);
    await expect.poll(async () => (await inkOf(page, "#report-flow")).ink).toBeGreaterThan(2_000);

    // The table under the trends: one line per month, with the API's counts, and the same month a year
    // earlier (the dashed line of the chart).
    const months = page.locator("#report-table tbody tr");
    await expect.poll(() => months.count()).toBe(flow.rows.length);
    await expect
      .poll(() => page.locator("#report-table thead th").nth(2).textContent())
      .toBe("New seekers, a year earlier");
    const last = flow.rows.at(-1);
    const lastLine = months.filter({ hasText: last?.key ?? "" });
    const lastDemand = demand.rows.find((r) => r.key === last?.key);
    expect(await lastLine.locator("td").nth(1).innerText()).toBe(
      shown(lastDemand?.lastYear?.newContacts ?? "—"),
    );
    expect(await lastLine.locator("td").nth(4).innerText()).toBe(shown(last?.accepted ?? 0));
    expect(await lastLine.locator("td").nth(5).innerText()).toBe(shown(last?.met ?? 0));
    // The backlog by place, the most waiting first.
    await expect.poll(() => page.locator("#report-backlog tbody tr").count()).toBeGreaterThan(0);

    await page.waitForTimeout(1_200); // the charts' entry animation
    await page.screenshot({ path: join(SHOTS, "reports.png") });
    expect(violations).toEqual([]);
    await page.close();
  });

  it("keeps the filters in the URL, answers them with the API's figures, and downloads the CSV", async () => {
    const page = await newPage();
    await signInWith(page, base, MARKETER, PASSWORD);
    await expect.poll(() => figure(page, "newContacts").innerText()).not.toBe("");
    const before = await figure(page, "newContacts").innerText();

    await page.getByRole("combobox", { name: /^Country/ }).selectOption("GR");
    await expect.poll(() => new URL(page.url()).searchParams.get("country")).toBe("GR");
    const greece = await report<DemandReport>("/api/v1/reports/demand?by=month&country=GR");
    await expect.poll(() => figure(page, "newContacts").innerText()).toBe(shown(greece.totals.newContacts));
    expect(await figure(page, "newContacts").innerText()).not.toBe(before);

    const from = monthsAgo(6);
    await page.getByLabel("From").fill(from);
    await page.getByLabel("Group by").selectOption("city");
    await expect.poll(() => new URL(page.url()).search).toBe(`?country=GR&from=${from}&by=city`);
    await expect.poll(() => page.locator("#report-breakdown h2").innerText()).toBe("Busiest places");
    const cities = await report<DemandReport>(`/api/v1/reports/demand?by=city&country=GR&from=${from}`);
    await expect.poll(() => figure(page, "newContacts").innerText()).toBe(shown(cities.totals.newContacts));
    await expect.poll(() => page.locator("#report-table tbody tr").count()).toBe(cities.rows.length);

    // A shared link opens the same view.
    const again = await newPage();
    await signInWith(again, base, MARKETER, PASSWORD);
    await again.locator(".bell").waitFor();
    await again.goto(page.url());
    await expect.poll(() => figure(again, "newContacts").innerText()).toBe(shown(cities.totals.newContacts));
    await again.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#report-breakdown").getByRole("link", { name: "Demand CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("demand-by-city.csv");
    const csv = readFileSync(await download.path(), "utf8");
    const records = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(records.length).toBe(cities.rows.length + 1);
    expect(records.at(-1)).toMatchObject({ row: "total", newContacts: String(cities.totals.newContacts) });
    await page.close();
  });

  it("fits a 390 px phone without sideways scrolling", async () => {
    const page = await newPage(390, 844);
    await signInWith(page, base, MARKETER, PASSWORD);
    await expect.poll(async () => (await inkOf(page, "#report-map")).ink).toBeGreaterThan(5_000);
    await expect.poll(() => page.locator("#report-backlog tbody tr").count()).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "reports-phone.png") });
    await page.close();
  });

  it("does not let a worker reach the reports", async () => {
    const page = await newPage();
    await signInWith(page, base, WORKER, PASSWORD);
    await page.locator(".bell").waitFor();
    expect(await page.locator('nav a[href="/reports"]').count()).toBe(0);
    await page.goto(`${base}/reports`);
    // The demo's worker reads the console in Italian: "This page does not exist."
    await expect.poll(() => page.locator("main").innerText()).toBe("Questa pagina non esiste.");
    expect(await page.locator(".report-grid").count()).toBe(0);
    const refused = await page.evaluate(async () => (await fetch("/api/v1/reports/demand")).status);
    expect(refused).toBe(403);
    await page.close();
  });
});
