/** `handoff serve` as a child process, for the tests that kill a server and start another on its database. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { expect } from "vitest";
import { loadTestConfig } from "../../src/config.js";

const ROOT = join(import.meta.dirname, "../..");

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

/** Starts `handoff serve --demo` on `db` and resolves once it has printed its address and the demo logins. */
export function startServer(
  db: string,
  running: ChildProcess[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["bin/handoff.js", "serve", "--demo", "--db", db, "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "silent", HANDOFF_RATE_LIMIT: "0", ...env },
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

/** Resolves when the process has ended, however it ended (a SIGKILLed process has no exit code). */
export function exited(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once("exit", resolve),
  );
}

/** A new PostgreSQL database of its own, dropped by the returned function. */
export async function freshPostgres(dropAfter: Array<() => Promise<void>>, prefix: string): Promise<string> {
  const base = loadTestConfig().postgresUrl;
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
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

/** Signs in as the demo's admin and returns the cookie. */
export async function adminSession(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@harvest.example", password: "handoff-demo" }),
  });
  expect(login.status).toBe(200);
  return (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}
