/// <reference lib="dom" />
/** Importing a file in real Chromium: map a column, preview, download the error report, import, import again. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Console, SHOTS, signInWith, startConsole, stopConsole } from "./harness.js";

let running: Console | undefined;
let browser: Browser;
let base: string;

// Line 3 has a bad e-mail: it is reported, and the other two rows are imported.
const LEADS = `Name,Mobile,E-mail,Town
Giulia Fontana,+39 333 100 2000,giulia@example.org,Roma
Paolo Sbagliato,,paolo@,Milano
Sara Greco,+39 333 300 4000,sara@example.org,Torino
`;

beforeAll(async () => {
  running = await startConsole("import");
  ({ base, browser } = running);
});

afterAll(async () => {
  await stopConsole(running);
});

/**
 * Chooses a file as a user can: once the file input is enabled, which it is when the server's
 * list of fields and content types has arrived (setInputFiles itself does not wait for that).
 */
async function chooseFile(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  const input = page.getByLabel("File");
  await expect.poll(() => input.isEnabled()).toBe(true);
  await input.setInputFiles(file);
}

/** Opens the import page from the contact list, chooses the file and maps its phone and e-mail columns. */
async function chooseAndMap(page: Page): Promise<void> {
  await page.goto(`${base}/contacts`);
  await page.getByRole("link", { name: "Import a file" }).click();
  await chooseFile(page, {
    name: "leads.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(LEADS),
  });
  // The server's first reading: "Name" is known by its header, the others wait for a choice.
  await expect.poll(() => page.getByLabel("Read column Name as").inputValue()).toBe("name");
  expect(await page.getByLabel("Read column Mobile as").inputValue()).toBe("");
  await page.getByLabel("Read column Mobile as").selectOption("phone");
  await page.getByLabel("Read column E-mail as").selectOption("email");
  await page.getByRole("button", { name: "Preview" }).click();
}

describe("importing a file in the console", { timeout: 120_000 }, () => {
  it("maps, previews, reports the bad row, imports the good ones once, and creates nothing the second time", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    await signInWith(page, base, "dispatcher@harvest.test");
    await page.locator(".bell").waitFor();
    await chooseAndMap(page);

    const preview = page.getByRole("region", { name: "Preview" });
    await expect
      .poll(() => preview.getByRole("status").innerText())
      .toBe("3 rows: 2 would be created, 0 were imported before, 1 have problems.");
    const sample = preview.locator("table.import-sample tbody");
    expect(await sample.locator("tr").count()).toBe(2);
    expect(await sample.locator("tr").first().innerText()).toContain("+393331002000");
    const bad = preview.locator("table.import-bad tbody tr");
    expect(await bad.count()).toBe(1);
    expect(await bad.first().innerText()).toMatch(/^3\s+3 · E-mail\s+not an e-mail address\s+paolo@$/);
    await page.screenshot({ path: join(SHOTS, "import-preview.png"), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      preview.getByRole("link", { name: "Download the error report" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("import-errors.csv");
    expect(readFileSync(await download.path(), "utf8")).toBe(
      "line,column,field,value,message\n3,3,email,paolo@,not an e-mail address\n",
    );

    await preview.getByRole("button", { name: "Import 2 rows" }).click();
    const done = page.getByRole("region", { name: "Imported" });
    await expect
      .poll(() => done.getByRole("status").innerText())
      .toBe("Created 2, already imported 0, linked to a likely duplicate 0, merged into a duplicate 0.");
    await done.getByRole("link", { name: "See the list" }).click();
    const rows = page.locator(".rows");
    await expect.poll(() => rows.innerText()).toContain("Giulia Fontana");
    expect(await rows.innerText()).toContain("Sara Greco");
    expect(await rows.innerText()).not.toContain("Paolo Sbagliato");

    // The same file again: every good row was imported before.
    await chooseAndMap(page);
    await expect
      .poll(() => preview.getByRole("status").innerText())
      .toBe("3 rows: 0 would be created, 2 were imported before, 1 have problems.");
    await preview.getByRole("button", { name: "Import 0 rows" }).click();
    await expect
      .poll(() => done.getByRole("status").innerText())
      .toBe("Created 0, already imported 2, linked to a likely duplicate 0, merged into a duplicate 0.");
    await page.close();
  });

  it("shows the progress of a long file while it is checked and while it is imported", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signInWith(page, base, "dispatcher@harvest.test");
    await page.locator(".bell").waitFor();
    await page.goto(`${base}/contacts/import`);
    // Every text the progress line shows, as it changes, and "gone" whenever it is not shown.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector(".import-progress [role=status]")?.textContent ?? "gone";
        if (seen.at(-1) !== text && (seen.length > 0 || text !== "gone")) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const rows = Array.from({ length: 1_100 }, (_, i) => `Long File ${i},long${i}@example.org`);
    await chooseFile(page, {
      name: "long.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`Name,Email\n${rows.join("\n")}\n`),
    });
    const preview = page.getByRole("region", { name: "Preview" });
    await expect
      .poll(() => preview.getByRole("status").innerText(), { timeout: 60_000 })
      .toBe("1,100 rows: 1,100 would be created, 0 were imported before, 0 have problems.");
    await preview.getByRole("button", { name: "Import 1,100 rows" }).click();
    const done = page.getByRole("region", { name: "Imported" });
    await expect
      .poll(() => done.getByRole("status").innerText(), { timeout: 90_000 })
      .toMatch(/^Created 1,100, already imported 0,/);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    // The check and the import each showed the file going through in batches of 500, counted
    // from the start: a batch's line may land with the next one, and then only the later shows.
    const phases: string[][] = [];
    seen.forEach((text, i) => {
      if (text === "gone") return;
      if (i === 0 || seen[i - 1] === "gone") phases.push([]);
      phases.at(-1)?.push(text);
    });
    expect(phases).toHaveLength(2);
    for (const phase of phases) {
      const counts = phase.map((text) =>
        Number(/^([\d,]+) of 1,100 rows$/.exec(text)?.[1]?.replace(/,/g, "")),
      );
      expect(counts.every((count) => count % 500 === 0 || count === 1_100)).toBe(true);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
    }
    await page.close();
  });
});
