/** The timeline of a contact: comments, calls, meetings and every change of state. */
import type { Kysely } from "kysely";
import type { Activity } from "../core/model.js";
import type { ActivitiesTable, Database } from "./schema.js";

export async function insertActivity(trx: Kysely<Database>, row: ActivitiesTable): Promise<void> {
  await trx.insertInto("activities").values(row).execute();
}

export async function listActivities(
  db: Kysely<Database>,
  organisationId: string,
  contactId: string,
  page: { limit: number; before?: string | undefined },
): Promise<Activity[]> {
  let query = db
    .selectFrom("activities")
    .leftJoin("users", "users.id", "activities.actor_user_id")
    .selectAll("activities")
    .select("users.name as actor_name")
    .where("activities.organisation_id", "=", organisationId)
    .where("activities.contact_id", "=", contactId);
  if (page.before) query = query.where("activities.id", "<", page.before);
  const rows = await query.orderBy("activities.id", "desc").limit(page.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    kind: r.kind as Activity["kind"],
    body: r.body,
    data: JSON.parse(r.data),
    actorUserId: r.actor_user_id,
    actorName: r.actor_name,
    createdAt: r.created_at,
  }));
}
