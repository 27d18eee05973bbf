/** The append-only audit log: who changed what, when, from where, before and after. */
import type { Kysely } from "kysely";
import type { AuditLogTable, Database } from "./schema.js";

export async function insertAudit(trx: Kysely<Database>, row: AuditLogTable): Promise<void> {
  await trx.insertInto("audit_log").values(row).execute();
}

export interface AuditFilter {
  entity?: string | undefined;
  entityId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
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
  if (page.before) query = query.where("id", "<", page.before);
  return query.orderBy("id", "desc").limit(page.limit).execute();
}
