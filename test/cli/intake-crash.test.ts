/**
 * The intake crash test: intake under load, the server killed with SIGKILL mid-way, restarted.
 * Every request that got a 2xx is in the database, and no Idempotency-Key made two contacts.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTestConfig } from "../../src/config.js";
import { adminSession, exited, freshPostgres, startServer } from "../support/server-process.js";

const dir = mkdtempSync(join(tmpdir(), "handoff-crash-"));
const running: ChildProcess[] = [];
const dropAfter: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  for (const drop of dropAfter) await drop();
  rmSync(dir, { recursive: true, force: true });
});

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
      const db =
        database === "sqlite" ? join(dir, "crash.db") : await freshPostgres(dropAfter, "handoff_crash");
      const first = await startServer(db, running);
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
      await exited(first.child);
      expect(acknowledged.size, refusals.slice(0, 3).join("\n")).toBeGreaterThanOrEqual(150);
      const second = await startServer(db, running);
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
