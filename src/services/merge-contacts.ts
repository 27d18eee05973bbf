/**
 * Merging two records of one person, and undoing a merge: the survivor takes the chosen values,
 * every phone and e-mail, the timeline, appointments and callbacks; the other record is closed as
 * a duplicate and kept, with everything needed to put both back as they were.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canMergeContacts } from "../core/access/roles.js";
import { type MergeChoices, mergeContacts, mergeRefusal } from "../core/contacts/merge.js";
import { searchText } from "../core/contacts/normalise.js";
import { fail, ok, type Result } from "../core/result.js";
import { lockContact, toContact, updateContact } from "../db/contacts.js";
import {
  decidePair,
  deleteMatchKeys,
  findMerge,
  findPairOf,
  insertMerge,
  markMergeUndone,
} from "../db/duplicates.js";
import { withdrawNotifications } from "../db/notifications.js";
import { loadSettings } from "../db/organisations.js";
import type { ContactRow, ContactUpdate, Database, MergeRow } from "../db/schema.js";
import { recordStageChange } from "../db/stage-changes.js";
import { syncDeadlines } from "./deadlines.js";
import { refileContact } from "./find-duplicates.js";
import { notify, workerUserId } from "./notify.js";
import { addToTimeline, audit, type Caller } from "./record.js";

/** The rows a merge moves to the survivor, by table: what belongs to the person, not the record. */
const MOVED_TABLES = ["activities", "appointments", "callbacks"] as const;
type MovedTable = (typeof MOVED_TABLES)[number];
/**
 * Declines move too (a worker who turned the person down is not offered them again), keyed by
 * worker: a worker who declined both records keeps the survivor's decline and the other stays.
 * Merges made before declines moved have no `declines` list.
 */
type Moved = Record<MovedTable, string[]> & { declines?: string[] };

export interface MergeRequest {
  survivorId: string;
  mergedId: string;
  choices?: MergeChoices;
}

/** Merges two contacts for a person reviewing duplicates (a dispatcher or an admin). */
export async function mergeContactPair(
  ctx: Context,
  caller: Caller,
  request: MergeRequest,
): Promise<Result<MergeRow>> {
  if (!canMergeContacts(caller)) return fail("forbidden", `a ${caller.role} cannot merge contacts`);
  return ctx.db.kysely
    .transaction()
    .execute((trx) => mergeInTransaction(trx, ctx, caller, { ...request, automatic: false }));
}

type ContactRowWithWorker = ContactRow & { assigned_worker_name: string | null };

/** Locks both contacts, in id order so two merges of the same pair never wait on each other. */
async function lockBoth(
  trx: Kysely<Database>,
  ctx: Context,
  organisationId: string,
  ids: [string, string],
): Promise<[ContactRowWithWorker | undefined, ContactRowWithWorker | undefined]> {
  const rows = new Map<string, ContactRowWithWorker | undefined>();
  for (const id of [...ids].sort()) rows.set(id, await lockContact(trx, ctx.db.dialect, organisationId, id));
  return [rows.get(ids[0]), rows.get(ids[1])];
}

/** The merge inside the caller's transaction (intake merges an arrival this way, automatically). */
export async function mergeInTransaction(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  request: MergeRequest & { automatic: boolean },
): Promise<Result<MergeRow>> {
  const organisationId = caller.organisationId;
  const [survivor, merged] = await lockBoth(trx, ctx, organisationId, [request.survivorId, request.mergedId]);
  if (!survivor) return fail("not_found", `no contact ${request.survivorId}`);
  if (!merged) return fail("not_found", `no contact ${request.mergedId}`);
  const refusal = mergeRefusal(survivor, merged);
  if (refusal) return fail("conflict", refusal);

  const now = ctx.clock.now().toISOString();
  const plan = mergeContacts(survivor, merged, request.choices ?? {}, now);
  await updateContact(trx, organisationId, survivor.id, plan.survivor as ContactUpdate);
  await updateContact(trx, organisationId, merged.id, plan.merged as ContactUpdate);
  await noteStageChanges(trx, ctx, [
    [survivor, { ...survivor, ...plan.survivor }],
    [merged, { ...merged, ...plan.merged }],
  ]);
  const moved = await moveRows(trx, merged.id, survivor.id);
  const survivorAfter = { ...survivor, ...plan.survivor };
  await refileContact(trx, survivorAfter);
  await deleteMatchKeys(trx, merged.id);

  const mergeId = ctx.newId();
  const actor = caller.userId || (caller.apiKeyId ? `api_key:${caller.apiKeyId}` : "system");
  const pair = await findPairOf(trx, organisationId, survivor.id, merged.id);
  if (pair) await decidePair(trx, pair.id, { status: "merged", at: now, by: actor });
  const { assigned_worker_name: _s, ...survivorBefore } = survivor;
  const { assigned_worker_name: _m, ...mergedBefore } = merged;
  const row: MergeRow = {
    id: mergeId,
    organisation_id: organisationId,
    survivor_id: survivor.id,
    merged_id: merged.id,
    pair_id: pair?.id ?? null,
    survivor_before: JSON.stringify(survivorBefore),
    merged_before: JSON.stringify(mergedBefore),
    survivor_after: JSON.stringify({ ...survivorBefore, ...plan.survivor }),
    moved: JSON.stringify(moved),
    automatic: request.automatic ? 1 : 0,
    created_at: now,
    created_by: actor,
    undone_at: null,
    undone_by: null,
  };
  await insertMerge(trx, row);
  await tellWorkers(trx, ctx, organisationId, [survivor, merged], plan.survivor.assigned_worker_id);
  await noteOnBoth(trx, ctx, caller, [survivor, merged], {
    mergeId,
    survivorId: survivor.id,
    mergedId: merged.id,
    automatic: request.automatic,
    taken: plan.taken,
  });
  await audit(trx, ctx, caller, {
    action: "contact.merge",
    entity: "contact",
    entityId: survivor.id,
    before: { survivor: toContact(survivor), merged: toContact(merged) },
    after: {
      mergeId,
      survivor: toContact({ ...survivor, ...plan.survivor }),
      mergedId: merged.id,
      taken: plan.taken,
    },
  });
  const organisation = await loadSettings(trx, organisationId);
  await syncDeadlines(trx, ctx, organisation, merged.id);
  await syncDeadlines(trx, ctx, organisation, survivor.id);
  return ok(row);
}

/**
 * Tells each worker who held either record what the merge means for them: they keep the one
 * record left, or it went to another worker or back to dispatch (then their notifications about
 * the record they held are withdrawn, as when any contact leaves a worker).
 */
async function tellWorkers(
  trx: Kysely<Database>,
  ctx: Context,
  organisationId: string,
  [survivor, merged]: [ContactRowWithWorker, ContactRowWithWorker],
  keeperId: string | null | undefined,
): Promise<void> {
  const keeper = keeperId === undefined ? survivor.assigned_worker_id : keeperId;
  const keeperName =
    keeper === survivor.assigned_worker_id ? survivor.assigned_worker_name : merged.assigned_worker_name;
  const told = new Set<string>();
  for (const held of [survivor, merged]) {
    const workerId = held.assigned_worker_id;
    if (!workerId || told.has(workerId)) continue;
    told.add(workerId);
    const userId = await workerUserId(trx, organisationId, workerId);
    if (!userId) continue;
    if (workerId === keeper) {
      await notify(trx, ctx, {
        organisationId,
        userIds: [userId],
        kind: "contact_merged",
        contactId: survivor.id,
      });
      continue;
    }
    await withdrawNotifications(trx, held.id, userId, ctx.clock.now().toISOString());
    await notify(trx, ctx, {
      organisationId,
      userIds: [userId],
      kind: "contact_merged",
      contactId: held.id,
      data: keeper ? { keeper: "other", workerName: keeperName } : { keeper: "dispatch" },
    });
  }
}

/**
 * After an undo: each worker who gets a record back is told, and the worker who kept the merged
 * record, when it goes back to someone else, loses their notifications about it.
 */
async function tellWorkersOfUndo(
  trx: Kysely<Database>,
  ctx: Context,
  organisationId: string,
  w: {
    survivorId: string;
    mergedId: string;
    /** Who held the survivor before the merge, who held it after, and who holds it now. */
    survivorWorker: string | null;
    keeper: string | null;
    restoredWorker: string | null;
    /** Who held the merged record before the merge (and holds it again now). */
    mergedWorker: string | null;
  },
): Promise<void> {
  const tell = async (workerId: string, contactId: string) =>
    notify(trx, ctx, {
      organisationId,
      userIds: [await workerUserId(trx, organisationId, workerId)],
      kind: "contact_merged",
      contactId,
      data: { keeper: "restored" },
    });
  if (w.keeper && w.keeper !== w.restoredWorker) {
    const userId = await workerUserId(trx, organisationId, w.keeper);
    if (userId) await withdrawNotifications(trx, w.survivorId, userId, ctx.clock.now().toISOString());
  }
  if (w.survivorWorker && w.survivorWorker !== w.keeper && w.survivorWorker === w.restoredWorker)
    await tell(w.survivorWorker, w.survivorId);
  if (w.mergedWorker && w.mergedWorker !== w.restoredWorker) await tell(w.mergedWorker, w.mergedId);
}

/** A stage change for each contact whose status or worker the merge (or its undoing) changed. */
async function noteStageChanges(
  trx: Kysely<Database>,
  ctx: Context,
  changes: Array<[before: ContactRow, after: Pick<ContactRow, "status" | "assigned_worker_id">]>,
): Promise<void> {
  for (const [before, after] of changes) {
    if (before.status === after.status && before.assigned_worker_id === after.assigned_worker_id) continue;
    await recordStageChange(trx, {
      id: ctx.newId(),
      organisation_id: before.organisation_id,
      contact_id: before.id,
      status: after.status,
      worker_id: after.assigned_worker_id,
      entered_at: ctx.clock.now().toISOString(),
    });
  }
}

/** The timeline entry of a merge or its undoing, on both contacts, each naming the other. */
async function noteOnBoth(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  [survivor, merged]: [ContactRow, ContactRow],
  data: Record<string, unknown>,
): Promise<void> {
  for (const [contact, other] of [
    [survivor, merged],
    [merged, survivor],
  ] as const) {
    await addToTimeline(trx, ctx, caller, {
      contactId: contact.id,
      kind: "merge",
      data: { ...data, otherName: other.display_name },
    });
  }
}

async function moveRows(trx: Kysely<Database>, from: string, to: string): Promise<Moved> {
  const moved = {} as Moved;
  for (const table of MOVED_TABLES) {
    const rows = await trx.selectFrom(table).select("id").where("contact_id", "=", from).execute();
    moved[table] = rows.map((r) => r.id);
    await reassign(trx, table, moved[table], to);
  }
  const theirs = await trx
    .selectFrom("declines")
    .select("worker_id")
    .where("contact_id", "=", from)
    .execute();
  const already = new Set(
    (await trx.selectFrom("declines").select("worker_id").where("contact_id", "=", to).execute()).map(
      (r) => r.worker_id,
    ),
  );
  moved.declines = theirs.map((r) => r.worker_id).filter((w) => !already.has(w));
  await moveDeclines(trx, moved.declines, from, to);
  return moved;
}

async function moveDeclines(trx: Kysely<Database>, workerIds: readonly string[], from: string, to: string) {
  for (let start = 0; start < workerIds.length; start += 500) {
    await trx
      .updateTable("declines")
      .set({ contact_id: to })
      .where("contact_id", "=", from)
      .where("worker_id", "in", workerIds.slice(start, start + 500))
      .execute();
  }
}

async function reassign(trx: Kysely<Database>, table: MovedTable, ids: readonly string[], to: string) {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await trx.updateTable(table).set({ contact_id: to }).where("id", "in", chunk).execute();
  }
}

/** List columns a merge unites: undoing takes away what the merge added and keeps what came since. */
const LIST_COLUMNS = new Set(["phones", "emails", "languages"]);
/** Columns recomputed or bookkeeping, never restored by value. */
const DERIVED_COLUMNS = new Set(["updated_at", "search_text"]);

/**
 * Undoes a merge: both contacts get back what they had, except where someone has changed a field
 * of the survivor since (that change stands); the moved rows go back; the pair is open again.
 */
export async function undoMerge(ctx: Context, caller: Caller, mergeId: string): Promise<Result<MergeRow>> {
  if (!canMergeContacts(caller)) return fail("forbidden", `a ${caller.role} cannot undo merges`);
  const organisationId = caller.organisationId;
  return ctx.db.kysely.transaction().execute(async (trx): Promise<Result<MergeRow>> => {
    const merge = await findMerge(trx, organisationId, mergeId);
    if (!merge) return fail("not_found", `no merge ${mergeId}`);
    const [survivor, merged] = await lockBoth(trx, ctx, organisationId, [merge.survivor_id, merge.merged_id]);
    // Read again under the locks: two undos at once must not both pass.
    const current = await findMerge(trx, organisationId, mergeId);
    if (current?.undone_at) return fail("conflict", "this merge was already undone");
    if (!survivor || !merged) return fail("not_found", "a contact of this merge is gone");
    if (survivor.erased_at || merged.erased_at)
      return fail("conflict", "a contact of this merge was erased since");
    if (merged.merged_into_id !== survivor.id)
      return fail("conflict", "the merged contact has changed since");

    const now = ctx.clock.now().toISOString();
    const before = JSON.parse(merge.survivor_before) as Record<string, unknown>;
    const after = JSON.parse(merge.survivor_after) as Record<string, unknown>;
    const restore = survivorRestore(survivor as unknown as Record<string, unknown>, before, after);
    await updateContact(trx, organisationId, survivor.id, { ...restore, updated_at: now } as ContactUpdate);
    const { id: _id, ...mergedBefore } = JSON.parse(merge.merged_before) as ContactRow;
    await updateContact(trx, organisationId, merged.id, { ...mergedBefore, updated_at: now });
    await noteStageChanges(trx, ctx, [
      [survivor, { ...survivor, ...restore } as ContactRow],
      [merged, { ...merged, ...mergedBefore }],
    ]);
    const moved = JSON.parse(merge.moved) as Moved;
    for (const table of MOVED_TABLES) await reassign(trx, table, moved[table] ?? [], merged.id);
    await moveDeclines(trx, moved.declines ?? [], survivor.id, merged.id);

    const restoredSurvivor = { ...survivor, ...restore } as ContactRow;
    await tellWorkersOfUndo(trx, ctx, organisationId, {
      survivorId: survivor.id,
      mergedId: merged.id,
      survivorWorker: (before.assigned_worker_id as string | null) ?? null,
      keeper: (after.assigned_worker_id as string | null) ?? null,
      restoredWorker: restoredSurvivor.assigned_worker_id,
      mergedWorker: mergedBefore.assigned_worker_id,
    });
    await refileContact(trx, restoredSurvivor);
    await refileContact(trx, { ...merged, ...mergedBefore });
    if (merge.pair_id) await decidePair(trx, merge.pair_id, { status: "open", at: null, by: null });
    const actor = caller.userId || "system";
    await markMergeUndone(trx, merge.id, { at: now, by: actor });
    await noteOnBoth(trx, ctx, caller, [survivor, merged], {
      mergeId,
      survivorId: survivor.id,
      mergedId: merged.id,
      undone: true,
    });
    await audit(trx, ctx, caller, {
      action: "contact.merge.undo",
      entity: "contact",
      entityId: survivor.id,
      before: { mergeId, survivor: toContact(survivor) },
      after: { mergeId, survivor: toContact({ ...survivor, ...restore }), mergedId: merged.id },
    });
    const organisation = await loadSettings(trx, organisationId);
    await syncDeadlines(trx, ctx, organisation, merged.id);
    await syncDeadlines(trx, ctx, organisation, survivor.id);
    return ok({ ...merge, undone_at: now, undone_by: actor });
  });
}

/** The survivor's columns an undo writes back (see undoMerge). */
export function survivorRestore(
  current: Record<string, unknown>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const restore: Record<string, unknown> = {};
  for (const column of Object.keys(after)) {
    if (DERIVED_COLUMNS.has(column) || JSON.stringify(before[column]) === JSON.stringify(after[column]))
      continue;
    if (LIST_COLUMNS.has(column)) {
      const added = new Set(
        (JSON.parse(String(after[column])) as string[]).filter(
          (v) => !(JSON.parse(String(before[column])) as string[]).includes(v),
        ),
      );
      restore[column] = JSON.stringify(
        (JSON.parse(String(current[column])) as string[]).filter((v) => !added.has(v)),
      );
    } else if (JSON.stringify(current[column]) === JSON.stringify(after[column])) {
      restore[column] = before[column];
    }
  }
  const names = { ...current, ...restore };
  restore.search_text = searchTextOf(names);
  return restore;
}

function searchTextOf(row: Record<string, unknown>): string {
  return searchText({
    displayName: String(row.display_name),
    givenName: row.given_name as string | null,
    familyName: row.family_name as string | null,
    phones: JSON.parse(String(row.phones)),
    emails: JSON.parse(String(row.emails)),
    placeName: row.place_name as string | null,
    postalCode: row.postal_code as string | null,
  });
}
