/** Query functions for contacts. Every one takes the organisation and never reads past it. */
import type { Insertable, Kysely } from "kysely";
import type { ContactScope } from "../core/access/roles.js";
import type { Status } from "../core/lifecycle/states.js";
import type { Contact } from "../core/model.js";
import { h3CellsOf } from "../core/reports/hexagons.js";
import { type DialectName, escapeLike, forUpdate, like } from "./dialect.js";
import type { ContactRow, ContactUpdate, Database, NewContactRow } from "./schema.js";

/** A contact row with its worker's name, as every read loads it. */
export type ContactWithWorker = ContactRow & { assigned_worker_name: string | null };

export function toContact(row: ContactWithWorker): Contact {
  return {
    id: row.id,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    phones: JSON.parse(row.phones),
    emails: JSON.parse(row.emails),
    gender: row.gender as Contact["gender"],
    languages: JSON.parse(row.languages),
    placeName: row.place_name,
    region: row.region,
    country: row.country,
    postalCode: row.postal_code,
    lat: row.lat,
    lon: row.lon,
    source: row.source,
    campaign: row.campaign,
    inbound: row.inbound === 1,
    status: row.status as Status,
    statusReason: row.status_reason,
    progress: row.progress,
    assignedWorkerId: row.assigned_worker_id,
    assignedWorkerName: row.assigned_worker_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    statusChangedAt: row.status_changed_at,
    assignedAt: row.assigned_at,
    lastActivityAt: row.last_activity_at,
    erasedAt: row.erased_at,
    mergedIntoId: row.merged_into_id,
  };
}

/** Contacts with the name of their worker (a subquery, so a row lock covers the contact alone). */
function contactsWithWorker(db: Kysely<Database>) {
  return db
    .selectFrom("contacts")
    .selectAll("contacts")
    .select((eb) =>
      eb
        .selectFrom("workers")
        .select("workers.name")
        .whereRef("workers.id", "=", "contacts.assigned_worker_id")
        .as("assigned_worker_name"),
    );
}

/** Several contacts by id, in no particular order (those of other organisations never). */
export async function findContacts(db: Kysely<Database>, organisationId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return contactsWithWorker(db)
    .where("organisation_id", "=", organisationId)
    .where("id", "in", ids)
    .execute();
}

export async function findContact(db: Kysely<Database>, organisationId: string, id: string) {
  return contactsWithWorker(db)
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Loads a contact and holds it until the transaction ends, so two writers never act on one state. */
export async function lockContact(
  trx: Kysely<Database>,
  dialect: DialectName,
  organisationId: string,
  id: string,
) {
  const query = contactsWithWorker(trx).where("organisation_id", "=", organisationId).where("id", "=", id);
  return forUpdate(dialect, query).executeTakeFirst();
}

/** Every write of a contact keeps its H3 cells (the hexagonal map) in step with its coordinates. */
export async function insertContact(trx: Kysely<Database>, row: NewContactRow): Promise<void> {
  await trx.insertInto("contacts").values(contactInsertRow(row)).execute();
}

/** A new contact's row as stored: with the hexagon cells of its coordinates. */
export function contactInsertRow(row: NewContactRow): Insertable<Database["contacts"]> {
  return { ...row, ...h3CellsOf(row.lat, row.lon) };
}

/** The cells for a change that moves the contact; none when the change leaves its coordinates alone. */
async function cellsFor(trx: Kysely<Database>, organisationId: string, id: string, changes: ContactUpdate) {
  if (!("lat" in changes) && !("lon" in changes)) return {};
  let { lat, lon } = changes;
  if (lat === undefined || lon === undefined) {
    const stored = await trx
      .selectFrom("contacts")
      .select(["lat", "lon"])
      .where("organisation_id", "=", organisationId)
      .where("id", "=", id)
      .executeTakeFirst();
    lat = lat === undefined ? stored?.lat : lat;
    lon = lon === undefined ? stored?.lon : lon;
  }
  return h3CellsOf(lat, lon);
}

export async function updateContact(
  trx: Kysely<Database>,
  organisationId: string,
  id: string,
  changes: ContactUpdate,
): Promise<void> {
  await trx
    .updateTable("contacts")
    .set({ ...changes, ...(await cellsFor(trx, organisationId, id, changes)) })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .execute();
}

export const CONTACT_SORTS = {
  createdAt: "created_at",
  updatedAt: "updated_at",
  displayName: "display_name",
  lastActivityAt: "last_activity_at",
} as const;
export type ContactSort = keyof typeof CONTACT_SORTS;

export interface ContactFilter {
  status?: Status[] | undefined;
  workerId?: string | undefined;
  /** Contacts with no worker at all. */
  unassigned?: boolean | undefined;
  place?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
  source?: string | undefined;
  campaign?: string | undefined;
}

export interface ContactPage {
  sort: ContactSort;
  order: "asc" | "desc";
  limit: number;
  /** The last row of the previous page: its sort value and id. */
  after?: { value: string; id: string } | undefined;
}

export async function listContacts(
  db: Kysely<Database>,
  organisationId: string,
  scope: ContactScope,
  filter: ContactFilter,
  page: ContactPage,
): Promise<ContactWithWorker[]> {
  const column = CONTACT_SORTS[page.sort];
  let query = contactsWithWorker(db).where("organisation_id", "=", organisationId);
  if (scope.kind === "none") return [];
  if (scope.kind === "unassigned") query = query.where("assigned_worker_id", "is", null);
  if (scope.kind === "worker") query = query.where("assigned_worker_id", "=", scope.workerId);
  if (filter.status && filter.status.length > 0) query = query.where("status", "in", filter.status);
  if (filter.workerId) query = query.where("assigned_worker_id", "=", filter.workerId);
  if (filter.unassigned) query = query.where("assigned_worker_id", "is", null);
  if (filter.source) query = query.where("source", "=", filter.source);
  if (filter.campaign) query = query.where("campaign", "=", filter.campaign);
  if (filter.language) query = query.where(like("languages", `%"${escapeLike(filter.language)}"%`));
  if (filter.place) {
    const place = filter.place.trim().toLowerCase();
    const prefix = `${escapeLike(place)}%`;
    query = query.where((eb) =>
      eb.or([
        like("place_name", prefix, { lower: true }),
        like("region", prefix, { lower: true }),
        like("postal_code", prefix),
        eb(eb.fn("lower", ["country"]), "=", place),
      ]),
    );
  }
  if (filter.q) {
    for (const word of filter.q.toLowerCase().split(/\s+/).filter(Boolean)) {
      query = query.where(like("search_text", `%${escapeLike(word)}%`));
    }
  }
  const after = page.after;
  if (after) {
    const op = page.order === "asc" ? ">" : "<";
    query = query.where((eb) => eb(eb.refTuple(column, "id"), op, eb.tuple(after.value, after.id)));
  }
  return query.orderBy(column, page.order).orderBy("id", page.order).limit(page.limit).execute();
}

/** Sort value of a row, for the next page's cursor. */
export function sortValue(row: ContactWithWorker, sort: ContactSort): string {
  return row[CONTACT_SORTS[sort]];
}
