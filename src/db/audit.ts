/** The append-only audit log: who changed what, when, from where, before and after. */
import type { Kysely } from "kysely";
import type { AuditEntry } from "../core/model.js";
import type { AuditLogTable, Database } from "./schema.js";

export function toAuditEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    actorUserId: row.actor_user_id,
    actorApiKeyId: row.actor_api_key_id ?? null,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    ip: row.ip,
    createdAt: row.created_at,
  };
}

export async function insertAudit(trx: Kysely<Database>, row: AuditLogTable): Promise<void> {
  await trx.insertInto("audit_log").values(row).execute();
}

export interface AuditFilter {
  entity?: string | undefined;
  entityId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
  /** Entries at or after this instant (ISO). */
  from?: string | undefined;
  /** Entries before this instant (ISO). */
  to?: string | undefined;
}

export async function listAudit(
  db: Kysely<Database>,
  organisationId: string,
  filter: AuditFilter,
  page: { limit: number; before?: string | undefined },
) {
  let query = db.selectFrom("audit_log").selectAll().where("organisation_id", "=", organisationId);
  if (filter.entity) query = query.where("entity", "=", filter.entity);
  if (filter.entityId) query = query.where("entity_id", "=", filter.entityId);
  if (filter.actorUserId) query = query.where("actor_user_id", "=", filter.actorUserId);
  if (filter.action) query = query.where("action", "=", filter.action);
  if (filter.from) query = query.where("created_at", ">=", filter.from);
  if (filter.to) query = query.where("created_at", "<", filter.to);
  if (page.before) query = query.where("id", "<", page.before);
  return query.orderBy("id", "desc").limit(page.limit).execute();
}
