/** Test organisations with one user of every role, signed in through the real API. */
import type { FastifyInstance } from "fastify";
import type { Context } from "../../src/context.js";
import type { Role } from "../../src/core/access/roles.js";
import type { Worker } from "../../src/core/model.js";
import { systemCaller } from "../../src/services/record.js";
import { createOrganisation } from "../../src/services/save-organisation.js";
import { createUser } from "../../src/services/save-user.js";
import { createWorker } from "../../src/services/save-worker.js";

export const PASSWORD = "correct horse battery";

export interface SeededOrganisation {
  id: string;
  slug: string;
  /** Cookie header value per role; `worker2` is a second worker in the same organisation. */
  cookies: Record<Role | "worker2", string>;
  userIds: Record<Role | "worker2", string>;
  workers: { worker: Worker; worker2: Worker };
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export async function signInAs(app: FastifyInstance, email: string, password = PASSWORD): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === "handoff_session");
  if (!cookie) throw new Error("no session cookie");
  return `handoff_session=${cookie.value}`;
}

export async function seedOrganisation(
  ctx: Context,
  app: FastifyInstance,
  slug: string,
  kind: "ministry" | "sales" = "ministry",
): Promise<SeededOrganisation> {
  const org = must(
    await createOrganisation(ctx, {
      name: `Org ${slug}`,
      slug,
      kind,
      defaultCountry: "IT",
      // Two-factor and idle timeouts have their own suites; the others move clocks by hours.
      security: { twoFactor: "optional", sessionIdleMinutes: 24 * 60 },
    }),
  );
  const system = systemCaller(org.id);
  const roles: Array<Role | "worker2"> = ["admin", "dispatcher", "setter", "worker", "worker2", "marketer"];
  const userIds = {} as Record<Role | "worker2", string>;
  for (const role of roles) {
    const user = must(
      await createUser(ctx, system, {
        email: `${role}@${slug}.test`,
        name: `${role} of ${slug}`,
        role: role === "worker2" ? "worker" : role,
        password: PASSWORD,
        locale: "en",
        timeZone: "Europe/Rome",
      }),
    );
    userIds[role] = user.id;
  }
  const worker = must(
    await createWorker(ctx, system, {
      userId: userIds.worker,
      name: `Worker one of ${slug}`,
      gender: "f",
      languages: ["it", "en"],
      lat: 41.9028,
      lon: 12.4964,
      maxKm: 50,
      capacity: 10,
      trust: 0.5,
      status: "active",
      timeZone: "Europe/Rome",
    }),
  );
  const worker2 = must(
    await createWorker(ctx, system, {
      userId: userIds.worker2,
      name: `Worker two of ${slug}`,
      gender: "m",
      languages: ["el"],
      lat: 37.9838,
      lon: 23.7275,
      maxKm: 30,
      capacity: 5,
      trust: 0.5,
      status: "active",
      timeZone: "Europe/Athens",
    }),
  );
  const cookies = {} as Record<Role | "worker2", string>;
  for (const role of roles) cookies[role] = await signInAs(app, `${role}@${slug}.test`);
  return { id: org.id, slug, cookies, userIds, workers: { worker, worker2 } };
}

/** Creates a contact through the API as the dispatcher and returns its id. */
/** Each contact added gets a phone of its own, so that no two are taken for one person and merged. */
let phoneSerial = 0;

export async function addContact(
  app: FastifyInstance,
  cookie: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  phoneSerial = (phoneSerial + 1) % 10_000;
  const phone = `333 123 ${String(phoneSerial).padStart(4, "0")}`;
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/contacts",
    headers: { cookie },
    payload: { displayName: "Maria Rossi", phones: [phone], languages: ["it"], ...body },
  });
  if (response.statusCode !== 201) throw new Error(`creating a contact failed: ${response.body}`);
  return response.json().id;
}

/** Offers a contact to a worker and has the worker accept it: the contact becomes theirs. */
export async function assignTo(
  app: FastifyInstance,
  dispatcherCookie: string,
  workerCookie: string,
  contactId: string,
  workerId: string,
): Promise<void> {
  for (const [cookie, payload] of [
    [dispatcherCookie, { to: "ready" }],
    [dispatcherCookie, { to: "offered", workerId }],
    [workerCookie, { to: "active" }],
  ] as const) {
    const response = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${contactId}/status`,
      headers: { cookie },
      payload,
    });
    if (response.statusCode !== 200) throw new Error(`moving to ${payload.to} failed: ${response.body}`);
  }
}
