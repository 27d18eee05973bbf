/**
 * The intake crash test: intake under load, the server killed with SIGKILL mid-way, restarted.
 * Every request that got a 2xx is in the database, and no Idempotency-Key made two contacts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { loadTestConfig } from "../../src/config.js";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "handoff-crash-"));
const running: ChildProcess[] = [];
const dropAfter: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  for (const drop of dropAfter) await drop();
  rmSync(dir, { recursive: true, force: true });
});

function serve(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["bin/handoff.js", "serve", "--demo", "--db", db, "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "silent", HANDOFF_RATE_LIMIT: "0" },
  });
  running.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      if (url && /Demo (logins|data)[\s\S]*\n\n/.test(out)) resolve({ url, child });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("exit", (code, signal) => reject(new Error(`serve exited (${code ?? signal}): ${out}`)));
  });
}

async function freshPostgres(): Promise<string> {
  const base = loadTestConfig().postgresUrl;
  const name = `handoff_crash_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  dropAfter.push(async () => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminSession(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@harvest.example", password: "handoff-demo" }),
  });
  expect(login.status).toBe(200);
  return (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

function intake(url: string, key: string, id: string): Promise<Response> {
  return fetch(`${url}/api/v1/intake`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "idempotency-key": id, "content-type": "application/json" },
    body: JSON.stringify({ name: `Crash ${id}`, email: `${id}@crash.example`, source: "crash-test" }),
  });
}

async function intakeContacts(
  url: string,
  cookie: string,
): Promise<Array<{ id: string; displayName: string }>> {
  const all: Array<{ id: string; displayName: string }> = [];
  let cursor: string | null = null;
  do {
    const page: Response = await fetch(
      `${url}/api/v1/contacts?source=crash-test&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
      { headers: { cookie } },
    );
    const body = (await page.json()) as {
      items: Array<{ id: string; displayName: string }>;
      nextCursor: string | null;
    };
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

describe("intake survives SIGKILL", { timeout: 480_000 }, () => {
  for (const database of loadTestConfig().databases) {
    it(`keeps every acknowledged contact and never doubles one [${database}]`, async () => {
      const db = database === "sqlite" ? join(dir, "crash.db") : await freshPostgres();
      const first = await serve(db);
      const cookie = await adminSession(first.url);
      const created = await fetch(`${first.url}/api/v1/api-keys`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ name: "crash test", scopes: ["intake"] }),
      });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };

      // Sixteen clients send requests with unique keys until the server is killed.
      const acknowledged = new Map<string, string>();
      const attempted: string[] = [];
      let next = 0;
      let killed = false;
      const refusals: string[] = [];
      const client = async () => {
        // Bounded, so a server that stops answering fails the test instead of spinning until the timeout.
        while (!killed && next < 3000) {
          const id = `req-${String(next++).padStart(5, "0")}`;
          attempted.push(id);
          try {
            const response = await intake(first.url, key, id);
            if (response.status === 201) acknowledged.set(id, ((await response.json()) as { id: string }).id);
            else refusals.push(`${response.status} ${await response.text()}`);
          } catch {
            // The connection died with the server: this request may or may not have been stored.
          }
          if (acknowledged.size >= 150 && !killed) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, client));
      if (!killed) first.child.kill("SIGKILL");
      await new Promise((resolve) =>
        first.child.exitCode !== null || first.child.signalCode !== null
          ? resolve(null)
          : first.child.once("exit", resolve),
      );
      expect(acknowledged.size, refusals.slice(0, 3).join("\n")).toBeGreaterThanOrEqual(150);
      const second = await serve(db);
      const cookie2 = await adminSession(second.url);
      const stored = new Map((await intakeContacts(second.url, cookie2)).map((c) => [c.id, c.displayName]));
      for (const [id, contactId] of acknowledged) expect(stored.get(contactId), id).toBe(`Crash ${id}`);

      // Every client retries what it sent: acknowledged requests get their contact back, the rest are created once.
      for (const id of attempted) {
        const response = await intake(second.url, key, id);
        expect(response.status, id).toBe(201);
        const body = (await response.json()) as { id: string; replayed: boolean };
        if (acknowledged.has(id))
          expect(body).toEqual({ id: acknowledged.get(id), status: "new", replayed: true });
      }
      const after = await intakeContacts(second.url, cookie2);
      expect(after).toHaveLength(attempted.length);
      expect(new Set(after.map((c) => c.displayName)).size).toBe(attempted.length);
      second.child.kill("SIGTERM");
    });
  }
});
