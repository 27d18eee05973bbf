/**
 * The e-mail crash test: offers are written (each with its e-mail in the outbox, in the same
 * transaction) and the server is killed with SIGKILL before it sends any; a new server on the same
 * database sends every one of them, exactly once, to a real SMTP server.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTestConfig } from "../../src/config.js";
import { adminSession, exited, freshPostgres, startServer } from "../support/server-process.js";
import { startSmtp } from "../support/smtp.js";

const dir = mkdtempSync(join(tmpdir(), "handoff-notify-crash-"));
const running: ChildProcess[] = [];
const dropAfter: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  for (const drop of dropAfter) await drop();
  rmSync(dir, { recursive: true, force: true });
});

const OFFERS = 12;

async function call(url: string, cookie: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as Record<string, unknown>;
}

describe("notification e-mail survives SIGKILL", { timeout: 240_000 }, () => {
  for (const database of loadTestConfig().databases) {
    it(`sends every e-mail written before the kill, once [${database}]`, async () => {
      const smtp = await startSmtp();
      const db =
        database === "sqlite" ? join(dir, "notify.db") : await freshPostgres(dropAfter, "handoff_notify");
      const mail = { HANDOFF_SMTP_URL: smtp.url, HANDOFF_MAIL_FROM: "Handoff <handoff@crash.test>" };
      // The first server's outbox would not look for an hour: it dies with every e-mail unsent.
      const first = await startServer(db, running, { ...mail, HANDOFF_OUTBOX_SECONDS: "3600" });
      const cookie = await adminSession(first.url);
      await call(first.url, cookie, "PATCH", "/api/v1/organisation", {
        settings: { dispatch: { ...(await dispatchSettings(first.url, cookie)), mode: "manual" } },
      });
      const user = await call(first.url, cookie, "POST", "/api/v1/users", {
        email: "field@crash.test",
        name: "Field Worker",
        role: "worker",
        password: "a long enough password",
      });
      const worker = await call(first.url, cookie, "POST", "/api/v1/workers", {
        userId: user.id,
        name: "Field Worker",
        languages: ["en"],
        lat: 45.46,
        lon: 9.19,
        maxKm: 5000,
        capacity: 100,
      });
      const names: string[] = [];
      for (let i = 0; i < OFFERS; i++) {
        const name = `Crash Offer ${i}`;
        names.push(name);
        const contact = await call(first.url, cookie, "POST", "/api/v1/contacts", { displayName: name });
        // Urgent: sent at once whatever the hour in the worker's quiet hours.
        await call(first.url, cookie, "POST", `/api/v1/contacts/${contact.id}/assign`, {
          workerId: worker.id,
          urgent: true,
        });
      }
      first.child.kill("SIGKILL");
      await exited(first.child);
      expect(smtp.messages).toHaveLength(0);

      const second = await startServer(db, running, { ...mail, HANDOFF_OUTBOX_SECONDS: "0.2" });
      const received = await smtp.waitFor(OFFERS, 30_000);
      // A little longer: anything sent twice would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(received).toHaveLength(OFFERS);
      const texts = received.map((m) => m.text ?? "");
      for (const name of names)
        expect(
          texts.filter((t) => t.includes(`, ${name}.`)),
          name,
        ).toHaveLength(1);
      expect(new Set(received.map((m) => m.messageId)).size).toBe(OFFERS);
      for (const m of received) expect(m.subject).toMatch(/^\[Urgent\] New .* offered to you$/);
      second.child.kill("SIGTERM");
      await exited(second.child);
      await smtp.close();
    });
  }
});

async function dispatchSettings(url: string, cookie: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/api/v1/organisation`, { headers: { cookie } });
  const organisation = (await response.json()) as { settings: { dispatch: Record<string, unknown> } };
  return organisation.settings.dispatch;
}
