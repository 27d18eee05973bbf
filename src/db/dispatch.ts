/** Query functions for dispatch: workers as the planner sees them, declines, decisions and runs. */
import { type Kysely, sql } from "kysely";
import { type DialectName, forUpdate } from "./dialect.js";
import type { Database, DeclinesTable, DispatchDecisionsTable } from "./schema.js";
import { HOLDING_STATUSES } from "./workers.js";

/** Locks a worker row until the transaction ends: offers to one worker queue here, so none overfills them. */
export async function lockWorker(
  trx: Kysely<Database>,
  dialect: DialectName,
  organisationId: string,
  id: string,
) {
  const query = trx
    .selectFrom("workers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id);
  return forUpdate(dialect, query).executeTakeFirst();
}

/** Contacts a worker holds now (offered, active or paused), counted inside the caller's transaction. */
export async function workerLoad(
  trx: Kysely<Database>,
  organisationId: string,
  workerId: string,
): Promise<number> {
  const row = await trx
    .selectFrom("contacts")
    .select(sql<number>`count(*)`.as("n"))
    .where("organisation_id", "=", organisationId)
    .where("assigned_worker_id", "=", workerId)
    .where("status", "in", HOLDING_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function declinedBy(
  db: Kysely<Database>,
  organisationId: string,
  contactIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < contactIds.length; i += 500) {
    const rows = await db
      .selectFrom("declines")
      .select(["contact_id", "worker_id"])
      .where("organisation_id", "=", organisationId)
      .where("contact_id", "in", contactIds.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const list = out.get(row.contact_id) ?? [];
      list.push(row.worker_id);
      out.set(row.contact_id, list);
    }
  }
  return out;
}

export async function recordDecline(trx: Kysely<Database>, row: DeclinesTable): Promise<void> {
  await trx
    .insertInto("declines")
    .values(row)
    .onConflict((oc) => oc.columns(["contact_id", "worker_id"]).doNothing())
    .execute();
}

/** Records a decision; an offer also becomes its worker's last offer (unless a later one is there already). */
export async function insertDecision(trx: Kysely<Database>, row: DispatchDecisionsTable): Promise<void> {
  await trx.insertInto("dispatch_decisions").values(row).execute();
  const workerId = row.worker_id;
  if (row.outcome !== "offered" || !workerId) return;
  await trx
    .updateTable("workers")
    .set({ last_offer_at: row.created_at })
    .where("organisation_id", "=", row.organisation_id)
    .where("id", "=", workerId)
    .where((eb) => eb.or([eb("last_offer_at", "is", null), eb("last_offer_at", "<", row.created_at)]))
    .execute();
}

export async function listDecisions(db: Kysely<Database>, organisationId: string, contactId: string) {
  return db
    .selectFrom("dispatch_decisions")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", contactId)
    .orderBy("id", "desc")
    .execute();
}

/** Coverage gaps: per place, the contacts no worker can serve and those still waiting for one. */
export async function coverageGaps(db: Kysely<Database>, organisationId: string) {
  const rows = await db
    .selectFrom("contacts")
    .select(["country", "place_name", "status", "status_reason"])
    .select((eb) => [
      eb.fn.countAll<number>().as("n"),
      eb.fn.avg<number>("lat").as("lat"),
      eb.fn.avg<number>("lon").as("lon"),
    ])
    .where("organisation_id", "=", organisationId)
    .where("status", "in", ["unassignable", "ready"])
    .groupBy(["country", "place_name", "status", "status_reason"])
    .execute();
  const places = new Map<
    string,
    {
      country: string | null;
      placeName: string | null;
      unassignable: number;
      waiting: number;
      reasons: Record<string, number>;
      lat: number | null;
      lon: number | null;
    }
  >();
  for (const row of rows) {
    const key = `${row.country ?? ""}\u0000${row.place_name ?? ""}`;
    const place = places.get(key) ?? {
      country: row.country,
      placeName: row.place_name,
      unassignable: 0,
      waiting: 0,
      reasons: {},
      lat: row.lat === null ? null : Number(row.lat),
      lon: row.lon === null ? null : Number(row.lon),
    };
    const n = Number(row.n);
    if (row.status === "unassignable") {
      place.unassignable += n;
      const reason = row.status_reason ?? "unknown";
      place.reasons[reason] = (place.reasons[reason] ?? 0) + n;
    } else {
      place.waiting += n;
    }
    places.set(key, place);
  }
  return [...places.values()].sort((a, b) => b.unassignable - a.unassignable || b.waiting - a.waiting);
}
