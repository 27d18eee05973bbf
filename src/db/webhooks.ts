/** Query functions for webhooks and for the outbox that carries their deliveries. */
import type { Insertable, Kysely, Selectable } from "kysely";
import type { Webhook, WebhookDelivery, WebhookEvent } from "../core/model.js";
import { deliveryState, WEBHOOK_EVENTS } from "../core/webhooks.js";
import type { Database, OutboxTable, WebhooksTable } from "./schema.js";

export type WebhookRow = Selectable<WebhooksTable>;
export type OutboxRow = Selectable<OutboxTable>;

function parseEvents(text: string): WebhookEvent[] {
  const values = JSON.parse(text) as unknown[];
  return values.filter((v): v is WebhookEvent => (WEBHOOK_EVENTS as readonly unknown[]).includes(v));
}

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: parseEvents(row.events),
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertWebhook(trx: Kysely<Database>, row: WebhookRow): Promise<void> {
  await trx.insertInto("webhooks").values(row).execute();
}

export async function listWebhooks(db: Kysely<Database>, organisationId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom("webhooks")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("id")
    .execute();
}

export async function findWebhook(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<WebhookRow | undefined> {
  return db
    .selectFrom("webhooks")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function activeWebhooks(db: Kysely<Database>, organisationId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom("webhooks")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("active", "=", 1)
    .execute();
}

export async function updateWebhook(
  trx: Kysely<Database>,
  organisationId: string,
  id: string,
  fields: { url: string; events: string; active: number; updated_at: string },
): Promise<void> {
  await trx
    .updateTable("webhooks")
    .set(fields)
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .execute();
}

/** Deletes the webhook and its deliveries: nothing could reach them any more. */
export async function deleteWebhook(
  trx: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<void> {
  await trx
    .deleteFrom("outbox")
    .where("organisation_id", "=", organisationId)
    .where("kind", "=", "webhook")
    .where("target_id", "=", id)
    .execute();
  await trx
    .deleteFrom("webhooks")
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .execute();
}

export async function insertOutbox(trx: Kysely<Database>, rows: Insertable<OutboxTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto("outbox").values(rows).execute();
}

/** The most recent deliveries to one webhook, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  organisationId: string,
  webhookId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom("outbox")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("kind", "=", "webhook")
    .where("target_id", "=", webhookId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

function toDelivery(row: OutboxRow): WebhookDelivery {
  const payload = JSON.parse(row.payload) as { event?: unknown };
  const status = deliveryState({
    attempts: row.attempts,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
  });
  return {
    id: row.id,
    event: typeof payload.event === "string" ? payload.event : "",
    idempotencyKey: row.idempotency_key,
    status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: status === "pending" || status === "retrying" ? row.due_at : null,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
    createdAt: row.created_at,
  };
}
