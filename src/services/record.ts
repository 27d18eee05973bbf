/** Writes that accompany every change: the audit entry and the contact's timeline. */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Actor } from "../core/access/roles.js";
import type { Activity } from "../core/model.js";
import { insertActivity } from "../db/activities.js";
import { insertAudit } from "../db/audit.js";
import type { ActivitiesTable, AuditLogTable, Database } from "../db/schema.js";

/**
 * Who makes a change and where the request came from: a signed-in person, or an API key (then
 * userId is "" and apiKeyId names the key).
 */
export type Caller = Actor & { ip: string | null; apiKeyId?: string };

/** A change made by the system itself (the demo loader, a command-line tool). */
export function systemCaller(organisationId: string): Caller {
  return { userId: "", organisationId, role: "admin", workerId: null, ip: null };
}

export interface Change {
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export async function audit(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  change: Change,
): Promise<void> {
  await insertAudit(trx, auditRow(ctx, caller, change));
}

/** The audit entry of a change, for a caller that writes it later (src/db/deferred-inserts.ts). */
export function auditRow(ctx: Context, caller: Caller, change: Change): AuditLogTable {
  return {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    actor_user_id: caller.userId || null,
    action: change.action,
    entity: change.entity,
    entity_id: change.entityId,
    before: change.before === undefined ? null : JSON.stringify(change.before),
    after: change.after === undefined ? null : JSON.stringify(change.after),
    ip: caller.ip,
    created_at: ctx.clock.now().toISOString(),
    actor_api_key_id: caller.apiKeyId ?? null,
  };
}

export interface TimelineEntry {
  contactId: string;
  kind: Activity["kind"];
  body?: string | null;
  data?: Record<string, unknown>;
}

export async function addToTimeline(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  entry: TimelineEntry,
): Promise<string> {
  const row = timelineRow(ctx, caller, entry);
  await insertActivity(trx, row);
  return row.id;
}

/** A timeline entry's row, for a caller that writes it later (src/db/deferred-inserts.ts). */
export function timelineRow(ctx: Context, caller: Caller, entry: TimelineEntry): ActivitiesTable {
  return {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    contact_id: entry.contactId,
    kind: entry.kind,
    body: entry.body ?? null,
    data: JSON.stringify(entry.data ?? {}),
    actor_user_id: caller.userId || null,
    created_at: ctx.clock.now().toISOString(),
  };
}

/** The fields that differ between two versions of a record, as {before, after}. */
export function diff<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
