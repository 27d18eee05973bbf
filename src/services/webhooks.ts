/**
 * Admins manage the organisation's webhooks; services call enqueueEvent inside their own
 * transaction, so an event is queued exactly when the change it reports is committed.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canManageIntegrations } from "../core/access/api-keys.js";
import type {
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookEvent,
  WebhookPatch,
} from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import {
  type EventData,
  eventEnvelope,
  idempotencyKey,
  pingEnvelope,
  subscribes,
  type WebhookEnvelope,
} from "../core/webhooks.js";
import type { Database } from "../db/schema.js";
import {
  activeWebhooks,
  findWebhook,
  insertOutbox,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  deleteWebhook as removeWebhook,
  toWebhook,
  updateWebhook,
  type WebhookRow,
} from "../db/webhooks.js";
import { addressPolicy, urlRefusal } from "../notify/webhook-address.js";
import { audit, type Caller, diff } from "./record.js";

/** The outbox kind webhook deliveries use; e-mail will be another kind in the same table. */
export const WEBHOOK_KIND = "webhook";

function refused(caller: Caller) {
  return fail<never>("forbidden", `a ${caller.role} cannot manage webhooks`);
}

/** A URL naming a private address outright is refused when saved; names are checked when sent. */
function refusedUrl(ctx: Context, url: string | undefined) {
  const refusal = url === undefined ? null : urlRefusal(url, addressPolicy(ctx.config.webhookAllow));
  if (refusal === null) return null;
  return fail<never>("invalid", `the webhook URL ${refusal}`, {
    errors: [{ path: "url", message: `${refusal}; webhooks go to public addresses` }],
  });
}

function missing(id: string) {
  return fail<never>("not_found", `no webhook ${id}`);
}

export async function createWebhook(
  ctx: Context,
  caller: Caller,
  input: WebhookCreate,
): Promise<Result<WebhookCreated>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  const badUrl = refusedUrl(ctx, input.url);
  if (badUrl) return badUrl;
  const now = ctx.clock.now().toISOString();
  const row: WebhookRow = {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    url: input.url,
    events: JSON.stringify(input.events),
    secret: `whsec_${randomBytes(32).toString("base64url")}`,
    active: input.active ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  const webhook = toWebhook(row);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await insertWebhook(trx, row);
    await audit(trx, ctx, caller, {
      action: "webhook.create",
      entity: "webhook",
      entityId: row.id,
      after: webhook,
    });
  });
  return ok({ ...webhook, secret: row.secret });
}

export async function listOrganisationWebhooks(ctx: Context, caller: Caller): Promise<Result<Webhook[]>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ok((await listWebhooks(ctx.db.kysely, caller.organisationId)).map(toWebhook));
}

export async function editWebhook(
  ctx: Context,
  caller: Caller,
  id: string,
  patch: WebhookPatch,
): Promise<Result<Webhook>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  const badUrl = refusedUrl(ctx, patch.url);
  if (badUrl) return badUrl;
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findWebhook(trx, caller.organisationId, id);
    if (!row) return missing(id);
    const before = toWebhook(row);
    const now = ctx.clock.now().toISOString();
    const next: Webhook = { ...before, ...patch, updatedAt: now };
    await updateWebhook(trx, caller.organisationId, id, {
      url: next.url,
      events: JSON.stringify(next.events),
      active: next.active ? 1 : 0,
      updated_at: now,
    });
    const { updatedAt: _b, ...was } = before;
    const { updatedAt: _a, ...is } = next;
    const changed = diff(was, is);
    await audit(trx, ctx, caller, {
      action: "webhook.update",
      entity: "webhook",
      entityId: id,
      before: changed.before,
      after: changed.after,
    });
    return ok(next);
  });
}

export async function deleteWebhook(ctx: Context, caller: Caller, id: string): Promise<Result<null>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findWebhook(trx, caller.organisationId, id);
    if (!row) return missing(id);
    await removeWebhook(trx, caller.organisationId, id);
    await audit(trx, ctx, caller, {
      action: "webhook.delete",
      entity: "webhook",
      entityId: id,
      before: toWebhook(row),
    });
    return ok(null);
  });
}

export async function webhookDeliveries(
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<WebhookDelivery[]>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  if (!(await findWebhook(ctx.db.kysely, caller.organisationId, id))) return missing(id);
  return ok(await listDeliveries(ctx.db.kysely, caller.organisationId, id, 50));
}

/** Queues a ping to this one webhook, so an admin can check the receiver and its signature check. */
export async function testWebhook(
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<{ idempotencyKey: string }>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findWebhook(trx, caller.organisationId, id);
    if (!row) return missing(id);
    if (row.active !== 1) return fail<never>("conflict", "the webhook is disabled; enable it to test it");
    const now = ctx.clock.now().toISOString();
    const envelope = pingEnvelope({
      eventId: ctx.newId(),
      organisationId: caller.organisationId,
      occurredAt: now,
      webhookId: id,
    });
    const key = idempotencyKey(envelope.id, id);
    await insertOutbox(trx, [outboxRow(ctx, envelope, id, key, now)]);
    await audit(trx, ctx, caller, {
      action: "webhook.test",
      entity: "webhook",
      entityId: id,
      after: { idempotencyKey: key },
    });
    return ok({ idempotencyKey: key });
  });
}

function outboxRow(ctx: Context, envelope: WebhookEnvelope, webhookId: string, key: string, now: string) {
  return {
    id: ctx.newId(),
    organisation_id: envelope.organisationId,
    kind: WEBHOOK_KIND,
    target_id: webhookId,
    payload: JSON.stringify(envelope),
    idempotency_key: key,
    due_at: now,
    attempts: 0,
    last_error: null,
    delivered_at: null,
    failed_at: null,
    created_at: now,
  };
}

/**
 * The organisation's active webhooks, read once per transaction: intakes stored together share one
 * (src/db/group-commit.ts), and webhooks change only in transactions of their own, which enqueue
 * nothing.
 */
const webhooksRead = new WeakMap<Kysely<Database>, Map<string, Promise<WebhookRow[]>>>();

function webhooksInTransaction(trx: Kysely<Database>, organisationId: string): Promise<WebhookRow[]> {
  if (!trx.isTransaction) return activeWebhooks(trx, organisationId);
  let read = webhooksRead.get(trx);
  if (!read) {
    read = new Map();
    webhooksRead.set(trx, read);
  }
  let hooks = read.get(organisationId);
  if (!hooks) {
    hooks = activeWebhooks(trx, organisationId);
    read.set(organisationId, hooks);
  }
  return hooks;
}

/**
 * Writes one outbox row per active webhook of the organisation that subscribes to `event`, in the
 * caller's transaction: if that transaction rolls back, no delivery is ever made.
 */
export async function enqueueEvent(
  trx: Kysely<Database>,
  ctx: Context,
  organisationId: string,
  event: WebhookEvent,
  data: EventData,
  /** The organisation's active webhooks, when the transaction read them already (src/db/filed-blocks.ts). */
  active?: readonly WebhookRow[] | null,
): Promise<void> {
  const hooks = (active ?? (await webhooksInTransaction(trx, organisationId))).filter((row) =>
    subscribes(toWebhook(row).events, event),
  );
  if (hooks.length === 0) return;
  const now = ctx.clock.now().toISOString();
  const envelope = eventEnvelope({ eventId: ctx.newId(), event, organisationId, occurredAt: now, data });
  await insertOutbox(
    trx,
    hooks.map((hook) => outboxRow(ctx, envelope, hook.id, idempotencyKey(envelope.id, hook.id), now)),
  );
}
