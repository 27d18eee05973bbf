/**
 * Webhooks: managed by admins, queued in the transaction of the change they report, delivered to a
 * real HTTP receiver with a signature it can check, retried with backoff, delivered exactly once.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import type { Webhook, WebhookCreated, WebhookDelivery } from "../../src/core/model.js";
import { deliverDue } from "../../src/jobs/outbox.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem, type Sent, send } from "../support/http.js";
import { addContact, type SeededOrganisation, seedOrganisation, signInAs } from "../support/seed.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** The status the receiver answers from now on. */
  answer(status: number): void;
  close(): Promise<void>;
}

const open: Receiver[] = [];

/** A real HTTP server on a free local port that records every request. */
async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "broken");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/handoff`,
    received,
    answer: (next) => {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(receiver);
  return receiver;
}

afterEach(async () => {
  for (const receiver of open.splice(0)) await receiver.close();
});

/** What a receiver does with the Handoff-Signature header, written here from the README, not our code. */
function signatureIsValid(secret: string, received: Received): { valid: boolean; t: number } {
  const header = String(received.headers["handoff-signature"] ?? "");
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return { valid: false, t: 0 };
  const expected = createHmac("sha256", secret).update(`${match[1]}.${received.body}`).digest("hex");
  return { valid: expected === match[2], t: Number(match[1]) };
}

async function addWebhook(
  env: TestEnv,
  org: SeededOrganisation,
  body: { url: string; events: string[]; active?: boolean },
): Promise<WebhookCreated> {
  const response = await send(env.app, org.cookies.admin, {
    method: "POST",
    url: "/api/v1/webhooks",
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<WebhookCreated>();
}

async function outboxRows(ctx: Context) {
  return ctx.db.kysely.selectFrom("outbox").selectAll().orderBy("id").execute();
}

async function changeStatus(env: TestEnv, cookie: string, id: string, payload: Record<string, unknown>) {
  return send(env.app, cookie, { method: "POST", url: `/api/v1/contacts/${id}/status`, payload });
}

const MINUTE = 60_000;

describeEachDatabase("webhooks", (env) => {
  it("delivers a new contact to the receiver, signed so the receiver can check it, with ids only", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    const hook = await addWebhook(env(), org, { url: receiver.url, events: ["contact.created"] });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const contactId = await addContact(app, org.cookies.dispatcher, { displayName: "Maria Riservata" });
    expect(await deliverDue(ctx)).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received as [Received];
    const body = JSON.parse(delivery.body);
    expect(body).toEqual({
      id: expect.any(String),
      event: "contact.created",
      organisationId: org.id,
      occurredAt: clock.now().toISOString(),
      data: { contactId, status: "new", workerId: null },
    });
    // Neither the name nor the phone (333 123 …, as typed or in E.164), whose first digits alone a random id may hold.
    expect(delivery.body).not.toMatch(/Riservata|333 ?123/);
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "handoff-event": "contact.created",
      "handoff-delivery": `${body.id}:${hook.id}`,
    });
    expect(signatureIsValid(hook.secret, delivery)).toEqual({
      valid: true,
      t: Math.floor(clock.now().getTime() / 1000),
    });
    expect(signatureIsValid("whsec_wrong", delivery).valid).toBe(false);
    expect(await deliverDue(ctx)).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it("retries a receiver that answers 500 with growing waits, then delivers exactly once", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    receiver.answer(500);
    const hook = await addWebhook(env(), org, { url: receiver.url, events: ["contact.created"] });
    await addContact(app, org.cookies.dispatcher);
    const attemptTimes: string[] = [];
    const attempt = async () => {
      const before = receiver.received.length;
      await deliverDue(ctx);
      if (receiver.received.length > before) attemptTimes.push(clock.now().toISOString());
    };
    await attempt();
    const [row] = await outboxRows(ctx);
    expect(row).toMatchObject({
      attempts: 1,
      last_error: "HTTP 500 Internal Server Error",
      delivered_at: null,
      due_at: new Date(clock.now().getTime() + MINUTE).toISOString(),
    });
    // Waits of 1, 2 and 4 minutes: nothing is sent a second early.
    for (const wait of [1, 2, 4]) {
      clock.advance(wait * MINUTE - 1_000);
      await attempt();
      clock.advance(1_000);
      await attempt();
    }
    expect(attemptTimes).toEqual([
      "2026-03-02T09:00:00.000Z",
      "2026-03-02T09:01:00.000Z",
      "2026-03-02T09:03:00.000Z",
      "2026-03-02T09:07:00.000Z",
    ]);
    receiver.answer(204);
    clock.advance(8 * MINUTE);
    await attempt();
    clock.advance(24 * 60 * MINUTE);
    await attempt();
    expect(receiver.received).toHaveLength(5);
    const keys = new Set(receiver.received.map((r) => r.headers["handoff-delivery"]));
    expect([...keys]).toEqual([row?.idempotency_key]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const received of receiver.received)
      expect(signatureIsValid(hook.secret, received).valid).toBe(true);
    // A day has passed: the admin's session has ended.
    const deliveries = await send(app, await signInAs(app, "admin@alpha.test"), {
      method: "GET",
      url: `/api/v1/webhooks/${hook.id}/deliveries`,
    });
    expect(deliveries.json<WebhookDelivery[]>()).toEqual([
      expect.objectContaining({
        event: "contact.created",
        status: "delivered",
        attempts: 5,
        lastError: "HTTP 500 Internal Server Error",
        idempotencyKey: row?.idempotency_key,
        deliveredAt: "2026-03-02T09:15:00.000Z",
      }),
    ]);
  });

  it("gives up after twelve attempts and says so", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    receiver.answer(503);
    const hook = await addWebhook(env(), org, { url: receiver.url, events: ["contact.created"] });
    await addContact(app, org.cookies.dispatcher);
    for (let i = 0; i < 14; i++) {
      await deliverDue(ctx);
      clock.advance(6 * 60 * MINUTE);
    }
    expect(receiver.received).toHaveLength(12);
    const [row] = await outboxRows(ctx);
    expect(row).toMatchObject({ attempts: 12, delivered_at: null, failed_at: expect.any(String) });
    const deliveries = await send(app, await signInAs(app, "admin@alpha.test"), {
      method: "GET",
      url: `/api/v1/webhooks/${hook.id}/deliveries`,
    });
    expect(deliveries.json<WebhookDelivery[]>()[0]).toMatchObject({
      status: "failed",
      attempts: 12,
      nextAttemptAt: null,
    });
  });

  it("queues a disqualification in the transaction of the change, and nothing when it rolls back", async () => {
    const { app, ctx, dialect } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const hook = await addWebhook(env(), org, {
      url: "https://crm.example/hook",
      events: ["contact.disqualified"],
    });
    const first = await addContact(app, org.cookies.setter);
    const second = await addContact(app, org.cookies.setter);
    expect(await outboxRows(ctx)).toEqual([]);
    const moved = await changeStatus(env(), org.cookies.setter, first, {
      to: "nurture",
      reason: "not ready yet",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const rows = await outboxRows(ctx);
    expect(
      rows.map((r) => [r.kind, r.target_id, JSON.parse(r.payload).event, JSON.parse(r.payload).data]),
    ).toEqual([
      ["webhook", hook.id, "contact.disqualified", { contactId: first, status: "nurture", workerId: null }],
    ]);
    // The audit entry is written after the outbox row; refusing it rolls the whole change back.
    if (dialect === "postgres") {
      await sql
        .raw(`create function refuse_status_audit() returns trigger language plpgsql as $$
          begin if new.action = 'contact.status' then raise exception 'refused'; end if; return new; end $$`)
        .execute(ctx.db.kysely);
      await sql
        .raw(`create trigger refuse_status_audit before insert on audit_log
          for each row execute function refuse_status_audit()`)
        .execute(ctx.db.kysely);
    } else {
      await sql
        .raw(`create trigger refuse_status_audit before insert on audit_log
          when new.action = 'contact.status' begin select raise(abort, 'refused'); end`)
        .execute(ctx.db.kysely);
    }
    const failed = await changeStatus(env(), org.cookies.setter, second, {
      to: "nurture",
      reason: "only curious",
    });
    expect(failed.statusCode).toBe(500);
    expect(await outboxRows(ctx)).toEqual(rows);
    const contact = await ctx.db.kysely
      .selectFrom("contacts")
      .select("status")
      .where("id", "=", second)
      .executeTakeFirstOrThrow();
    expect(contact.status).toBe("new");
  });

  it("queues contact.assigned when a contact is offered to a worker", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await addWebhook(env(), org, { url: "https://crm.example/hook", events: ["contact.assigned"] });
    const id = await addContact(app, org.cookies.dispatcher);
    const assigned = await send(app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${id}/assign`,
      payload: { workerId: org.workers.worker.id },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const rows = await outboxRows(ctx);
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual([
      expect.objectContaining({
        event: "contact.assigned",
        data: { contactId: id, status: "offered", workerId: org.workers.worker.id },
      }),
    ]);
  });

  it("queues an event only for the active webhooks that subscribe to it", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const other = await seedOrganisation(ctx, app, "beta");
    const wanted = await addWebhook(env(), org, { url: "https://a.example/h", events: ["contact.created"] });
    await addWebhook(env(), org, { url: "https://b.example/h", events: ["contact.disqualified"] });
    await addWebhook(env(), org, { url: "https://c.example/h", events: ["contact.created"], active: false });
    await addWebhook(env(), other, { url: "https://d.example/h", events: ["contact.created"] });
    await addContact(app, org.cookies.dispatcher);
    expect((await outboxRows(ctx)).map((r) => r.target_id)).toEqual([wanted.id]);
  });

  it("lets two processes deliver side by side without sending any delivery twice", async () => {
    const { app, ctx } = env();
    const second = await env().openSecond();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    await addWebhook(env(), org, { url: receiver.url, events: ["contact.created"] });
    for (let i = 0; i < 12; i++)
      await addContact(app, org.cookies.dispatcher, { displayName: `Person ${i}` });
    for (let round = 0; round < 6; round++) {
      await Promise.all([deliverDue(ctx, { limit: 2 }), deliverDue(second, { limit: 2 })]);
    }
    const keys = receiver.received.map((r) => String(r.headers["handoff-delivery"]));
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });

  it("sends a test ping on request and lists it among the deliveries", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    const hook = await addWebhook(env(), org, { url: receiver.url, events: ["appointment.booked"] });
    const test = await send(app, org.cookies.admin, {
      method: "POST",
      url: `/api/v1/webhooks/${hook.id}/test`,
    });
    expect(test.statusCode, test.body).toBe(202);
    await deliverDue(ctx);
    expect(receiver.received.map((r) => r.headers["handoff-event"])).toEqual(["ping"]);
    expect(signatureIsValid(hook.secret, receiver.received[0]!).valid).toBe(true);
    const deliveries = await send(app, org.cookies.admin, {
      method: "GET",
      url: `/api/v1/webhooks/${hook.id}/deliveries`,
    });
    expect(deliveries.json<WebhookDelivery[]>()).toEqual([
      expect.objectContaining({ event: "ping", status: "delivered", attempts: 1, lastError: null }),
    ]);
  });

  it("shows the secret once, accepts only http(s) URLs, and audits every change", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const url of ["ftp://files.example/x", "javascript:alert(1)", "not a url"]) {
      expectProblem(
        await send(app, org.cookies.admin, {
          method: "POST",
          url: "/api/v1/webhooks",
          payload: { url, events: ["contact.created"] },
        }),
        400,
        { paths: ["url"] },
      );
    }
    expectProblem(
      await send(app, org.cookies.admin, {
        method: "POST",
        url: "/api/v1/webhooks",
        payload: { url: "https://x.example", events: ["contact.deleted"] },
      }),
      400,
      { paths: ["events.0"] },
    );
    const hook = await addWebhook(env(), org, { url: "https://x.example/h", events: ["contact.created"] });
    const listed = await send(app, org.cookies.admin, { method: "GET", url: "/api/v1/webhooks" });
    expect(listed.body).not.toContain(hook.secret);
    expect(listed.json<Webhook[]>()).toEqual([
      {
        id: hook.id,
        url: "https://x.example/h",
        events: ["contact.created"],
        active: true,
        createdAt: hook.createdAt,
        updatedAt: hook.updatedAt,
      },
    ]);
    const patched = await send(app, org.cookies.admin, {
      method: "PATCH",
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { active: false, events: ["contact.created", "contact.assigned", "contact.created"] },
    });
    expect(patched.json<Webhook>()).toMatchObject({
      active: false,
      events: ["contact.created", "contact.assigned"],
    });
    expectProblem(
      await send(app, org.cookies.admin, { method: "POST", url: `/api/v1/webhooks/${hook.id}/test` }),
      409,
    );
    await send(app, org.cookies.admin, {
      method: "PATCH",
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { active: true },
    });
    await send(app, org.cookies.admin, { method: "POST", url: `/api/v1/webhooks/${hook.id}/test` });
    expect(await outboxRows(ctx)).toHaveLength(1);
    const deleted = await send(app, org.cookies.admin, {
      method: "DELETE",
      url: `/api/v1/webhooks/${hook.id}`,
    });
    expect(deleted.statusCode).toBe(204);
    expect(await outboxRows(ctx)).toEqual([]);
    expectProblem(
      await send(app, org.cookies.admin, { method: "DELETE", url: `/api/v1/webhooks/${hook.id}` }),
      404,
    );
    const audit = await ctx.db.kysely
      .selectFrom("audit_log")
      .select(["action", "after"])
      .where("entity", "=", "webhook")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "webhook.create",
      "webhook.update",
      "webhook.update",
      "webhook.test",
      "webhook.delete",
    ]);
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it("refuses to save a URL naming a private address, and names the field", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const url of [
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]:8080/hook",
      "http://[::ffff:192.168.1.1]/hook",
      "http://127.0.0.2/hook",
    ]) {
      const answer = await send(app, org.cookies.admin, {
        method: "POST",
        url: "/api/v1/webhooks",
        payload: { url, events: ["contact.created"] },
      });
      expectProblem(answer, 400, { paths: ["url"] });
      expect(answer.body, url).toMatch(/a private address/);
    }
    // The test configuration allows 127.0.0.1 (HANDOFF_WEBHOOK_ALLOW), and only it.
    const hook = await addWebhook(env(), org, {
      url: "http://127.0.0.1:9/hook",
      events: ["contact.created"],
    });
    expectProblem(
      await send(app, org.cookies.admin, {
        method: "PATCH",
        url: `/api/v1/webhooks/${hook.id}`,
        payload: { url: "http://192.168.0.10/hook" },
      }),
      400,
      { paths: ["url"] },
    );
    const rows = await ctx.db.kysely.selectFrom("webhooks").select("url").execute();
    expect(rows).toEqual([{ url: "http://127.0.0.1:9/hook" }]);
  });

  it("refuses at sending time an address the configuration does not allow, even behind a name", async () => {
    const { app, ctx, clock } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const receiver = await startReceiver();
    const byName = receiver.url.replace("127.0.0.1", "localhost");
    await addWebhook(env(), org, { url: receiver.url, events: ["contact.created"] });
    await addWebhook(env(), org, { url: byName, events: ["contact.created"] });
    await addContact(app, org.cookies.dispatcher);
    // The same database served by a process whose operator allows no private address.
    const strict: Context = { ...ctx, config: { ...ctx.config, webhookAllow: [] } };
    expect(await deliverDue(strict)).toEqual({ delivered: 0, retried: 2, failed: 0 });
    expect(receiver.received).toEqual([]);
    const errors = (await outboxRows(ctx)).map((row) => row.last_error).sort();
    expect(errors).toEqual([
      expect.stringMatching(/^localhost resolves to (127\.0\.0\.1|::1), a private address/),
      "refused: 127.0.0.1 is a private address (HANDOFF_WEBHOOK_ALLOW can allow it)",
    ]);
    clock.advance(MINUTE);
    expect(await deliverDue(ctx)).toEqual({ delivered: 2, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(2);
  });

  it("answers 403 to everyone but an admin on every webhook route", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const hook = await addWebhook(env(), org, { url: "https://x.example/h", events: ["contact.created"] });
    const requests: Sent[] = [
      { method: "GET", url: "/api/v1/webhooks" },
      {
        method: "POST",
        url: "/api/v1/webhooks",
        payload: { url: "https://y.example", events: ["contact.created"] },
      },
      { method: "PATCH", url: `/api/v1/webhooks/${hook.id}`, payload: { active: false } },
      { method: "DELETE", url: `/api/v1/webhooks/${hook.id}` },
      { method: "GET", url: `/api/v1/webhooks/${hook.id}/deliveries` },
      { method: "POST", url: `/api/v1/webhooks/${hook.id}/test` },
    ];
    for (const role of ["dispatcher", "setter", "worker", "marketer"] as const) {
      for (const request of requests) {
        expectProblem(await send(app, org.cookies[role], request), 403, {
          label: `${role} ${request.method} ${request.url}`,
        });
      }
    }
    const rows = await ctx.db.kysely.selectFrom("webhooks").select(["id", "active"]).execute();
    expect(rows).toEqual([{ id: hook.id, active: 1 }]);
    expect(await outboxRows(ctx)).toEqual([]);
  });
});
