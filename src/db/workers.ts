/** Query functions for workers, with the load each holds now. */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Worker } from "../core/model.js";
import { escapeLike, like } from "./dialect.js";
import type { Database, WorkerRow } from "./schema.js";

/** Statuses in which a contact occupies its worker's capacity. */
export const HOLDING_STATUSES = ["offered", "active", "paused"] as const;

export function toWorker(row: WorkerRow & { load: number | null }): Worker {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    gender: row.gender as Worker["gender"],
    languages: JSON.parse(row.languages),
    placeName: row.place_name,
    country: row.country,
    lat: row.lat,
    lon: row.lon,
    maxKm: row.max_km,
    capacity: row.capacity,
    load: Number(row.load ?? 0),
    trust: row.trust,
    status: row.status as Worker["status"],
    awayUntil: row.away_until,
    timeZone: row.time_zone,
    team: row.team ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The contacts a worker holds now, counted beside its row: its `load`. */
export function loadOf(eb: ExpressionBuilder<Database, "workers">, organisationId: string) {
  return eb
    .selectFrom("contacts")
    .select(sql<number>`count(*)`.as("n"))
    .whereRef("contacts.assigned_worker_id", "=", "workers.id")
    .where("contacts.organisation_id", "=", organisationId)
    .where("contacts.status", "in", HOLDING_STATUSES)
    .as("load");
}

function withLoad(db: Kysely<Database>, organisationId: string) {
  return db
    .selectFrom("workers")
    .selectAll("workers")
    .select((eb) => loadOf(eb, organisationId))
    .where("workers.organisation_id", "=", organisationId);
}

/**
 * Every worker of the organisation with only what worker health and the workers report use, their load
 * and their last offer: at 10^4 workers their whole rows (availability JSON and all) were most of what
 * those read.
 */
export function workerRoster(db: Kysely<Database>, organisationId: string) {
  return db
    .selectFrom("workers")
    .select([
      "workers.id",
      "workers.name",
      "workers.team",
      "workers.place_name",
      "workers.country",
      "workers.status",
      "workers.capacity",
      "workers.away_until",
      "workers.created_at",
      "workers.last_offer_at",
    ])
    .select((eb) => loadOf(eb, organisationId))
    .where("workers.organisation_id", "=", organisationId)
    .orderBy("workers.name")
    .orderBy("workers.id")
    .execute();
}

export async function findWorker(db: Kysely<Database>, organisationId: string, id: string) {
  return withLoad(db, organisationId).where("workers.id", "=", id).executeTakeFirst();
}

export async function findWorkerByUser(db: Kysely<Database>, organisationId: string, userId: string) {
  return db
    .selectFrom("workers")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export interface WorkerFilter {
  status?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
  team?: string | undefined;
}

export async function listWorkers(
  db: Kysely<Database>,
  organisationId: string,
  filter: WorkerFilter,
  page: { limit: number; after?: { name: string; id: string } | undefined },
) {
  let query = withLoad(db, organisationId);
  if (filter.status) query = query.where("workers.status", "=", filter.status);
  if (filter.team) query = query.where("workers.team", "=", filter.team);
  if (filter.language) query = query.where(like("workers.languages", `%"${escapeLike(filter.language)}"%`));
  if (filter.q)
    query = query.where(like("workers.name", `%${escapeLike(filter.q.toLowerCase())}%`, { lower: true }));
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple("workers.name", "workers.id"), ">", eb.tuple(after.name, after.id)),
    );
  }
  return query.orderBy("workers.name").orderBy("workers.id").limit(page.limit).execute();
}
