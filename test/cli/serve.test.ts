/** `handoff serve --demo` as `npm start` runs it: healthy, demo logins that work, records that survive a restart. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "handoff-serve-"));
const db = join(dir, "handoff.db");
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server on a free port and resolves with its URL and everything it printed. */
function serve(): Promise<{ url: string; output: () => string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["bin/handoff.js", "serve", "--demo", "--db", db, "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  running.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      if (url && /Demo (logins|data)[\s\S]*\n\n/.test(out)) resolve({ url, output: () => out, child });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

async function contactCount(url: string): Promise<number> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@harvest.example", password: "handoff-demo" }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: Response = await fetch(
      `${url}/api/v1/contacts?limit=500${cursor ? `&cursor=${cursor}` : ""}`,
      {
        headers: { cookie },
      },
    );
    const body = (await page.json()) as { items: unknown[]; nextCursor: string | null };
    count += body.items.length;
    cursor = body.nextCursor;
  } while (cursor);
  return count;
}

describe("handoff serve --demo", { timeout: 180_000 }, () => {
  it("loads the demo on the first start, prints the logins, and keeps every record across a restart", async () => {
    const first = await serve();
    expect(first.output()).toContain("dispatcher@harvest.example");
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const before = await contactCount(first.url);
    expect(before).toBeGreaterThan(2500);
    first.child.kill("SIGTERM");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await serve();
    expect(second.output()).toContain("Demo data is loaded");
    expect(second.output()).not.toContain("Demo logins");
    expect(await contactCount(second.url)).toBe(before);
    second.child.kill("SIGTERM");
  });
});
