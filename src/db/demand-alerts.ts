/** Query functions for demand_alerts: places whose contacts per available worker crossed the threshold. */
import type { Kysely } from "kysely";
import type { Database, DemandAlertsTable } from "./schema.js";

export async function openAlerts(db: Kysely<Database>, organisationId: string) {
  return db
    .selectFrom("demand_alerts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("cleared_at", "is", null)
    .execute();
}

export async function insertAlert(trx: Kysely<Database>, row: DemandAlertsTable): Promise<void> {
  await trx.insertInto("demand_alerts").values(row).execute();
}

export async function clearAlerts(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
  at: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("demand_alerts")
    .set({ cleared_at: at })
    .where("organisation_id", "=", organisationId)
    .where("id", "in", [...ids])
    .where("cleared_at", "is", null)
    .execute();
}

/** The open alerts and those raised since `since`, newest first. */
export async function recentAlerts(db: Kysely<Database>, organisationId: string, since: string) {
  return db
    .selectFrom("demand_alerts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where((eb) => eb.or([eb("cleared_at", "is", null), eb("raised_at", ">=", since)]))
    .orderBy("raised_at", "desc")
    .orderBy("id", "desc")
    .limit(200)
    .execute();
}
