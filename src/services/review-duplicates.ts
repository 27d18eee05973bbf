/**
 * The review queue of likely duplicates: the open pairs with both contacts side by side, "not the
 * same person" remembered, and a scan of every stored contact that fills the queue.
 */
import type { Context } from "../context.js";
import { canMergeContacts } from "../core/access/roles.js";
import { matchKeys, worthReview } from "../core/dedupe/arrival.js";
import { clusterDuplicates, DEFAULT_THRESHOLD } from "../core/dedupe/cluster.js";
import { matchFields } from "../core/dedupe/score.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { findContacts, toContact } from "../db/contacts.js";
import { decidePair, findPair, insertMatchKeys, insertPair, openPairs } from "../db/duplicates.js";
import { loadSettings } from "../db/organisations.js";
import type { DuplicatePairRow } from "../db/schema.js";
import { dedupeRecordOf } from "./find-duplicates.js";
import { audit, type Caller } from "./record.js";

export interface DuplicatePair {
  id: string;
  score: number;
  fields: string[];
  status: string;
  foundAt: string;
  foundBy: string;
  a: Contact;
  b: Contact;
}

export async function listDuplicatePairs(
  ctx: Context,
  caller: Caller,
  page: { limit: number; offset: number },
): Promise<Result<{ items: DuplicatePair[]; total: number }>> {
  if (!canMergeContacts(caller)) return fail("forbidden", `a ${caller.role} does not review duplicates`);
  const { rows, total } = await openPairs(ctx.db.kysely, caller.organisationId, page);
  const ids = [...new Set(rows.flatMap((r) => [r.contact_a, r.contact_b]))];
  const found = await findContacts(ctx.db.kysely, caller.organisationId, ids);
  const contacts = new Map<string, Contact>(found.map((row) => [row.id, toContact(row)]));
  const items = rows.map((row) => ({
    ...pairOf(row),
    a: contacts.get(row.contact_a)!,
    b: contacts.get(row.contact_b)!,
  }));
  return ok({ items, total });
}

function pairOf(row: DuplicatePairRow) {
  return {
    id: row.id,
    score: row.score,
    fields: JSON.parse(row.fields) as string[],
    status: row.status,
    foundAt: row.found_at,
    foundBy: row.found_by,
  };
}

/** Remembers that the two contacts of a pair are different people: the pair never comes back. */
export async function markDistinct(
  ctx: Context,
  caller: Caller,
  pairId: string,
): Promise<Result<ReturnType<typeof pairOf>>> {
  if (!canMergeContacts(caller)) return fail("forbidden", `a ${caller.role} does not review duplicates`);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const pair = await findPair(trx, caller.organisationId, pairId);
    if (!pair) return fail("not_found", `no duplicate pair ${pairId}`);
    if (pair.status !== "open") return fail("conflict", `this pair was already decided (${pair.status})`);
    const now = ctx.clock.now().toISOString();
    await decidePair(trx, pair.id, { status: "distinct", at: now, by: caller.userId || "system" });
    await audit(trx, ctx, caller, {
      action: "duplicate.distinct",
      entity: "duplicate_pair",
      entityId: pair.id,
      before: { status: pair.status },
      after: { status: "distinct", contacts: [pair.contact_a, pair.contact_b] },
    });
    return ok({ ...pairOf(pair), status: "distinct" });
  });
}

export interface ScanSummary {
  /** Contacts compared. */
  contacts: number;
  /** Pairs judged the same person. */
  found: number;
  /** Of those, pairs not known before (now waiting for review). */
  added: number;
  /** Contacts filed under match keys for the first time (stored before duplicate detection). */
  filed: number;
}

/**
 * Compares every live contact of the organisation with every other (blocked, as `handoff dedupe`
 * does), files contacts that have no match keys yet, and queues each pair the clustering joins.
 */
export async function scanDuplicates(ctx: Context, caller: Caller): Promise<Result<ScanSummary>> {
  if (!canMergeContacts(caller)) return fail("forbidden", `a ${caller.role} does not review duplicates`);
  const organisationId = caller.organisationId;
  const settings = (await loadSettings(ctx.db.kysely, organisationId)).settings.duplicates;
  const rows = await ctx.db.kysely
    .selectFrom("contacts")
    .select(["id", "organisation_id", "display_name", "phones", "emails", "place_name", "country"])
    .select((eb) =>
      eb
        .exists(eb.selectFrom("contact_match_keys").select("key").whereRef("contact_id", "=", "contacts.id"))
        .as("filed"),
    )
    .where("organisation_id", "=", organisationId)
    .where("merged_into_id", "is", null)
    .where("erased_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const records = rows.map(dedupeRecordOf);
  const result = clusterDuplicates(records, { threshold: settings.reviewAbove ?? DEFAULT_THRESHOLD });
  const now = ctx.clock.now().toISOString();
  const summary: ScanSummary = { contacts: rows.length, found: 0, added: 0, filed: 0 };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // SQLite answers 0 or 1, PostgreSQL a boolean.
    const unfiled = rows.filter((row) => !row.filed);
    summary.filed = unfiled.length;
    await insertMatchKeys(
      trx,
      organisationId,
      unfiled.flatMap((row) => matchKeys(dedupeRecordOf(row)).map((key) => ({ key, contactId: row.id }))),
    );
    for (const pair of result.pairs) {
      const fields = matchFields(pair.fields);
      if (!pair.sameCluster || !worthReview(pair.score, fields, settings.reviewAbove)) continue;
      summary.found++;
      const one = rows[pair.a]!.id;
      const other = rows[pair.b]!.id;
      const [a, b] = one < other ? [one, other] : [other, one];
      const added = await insertPair(trx, {
        id: ctx.newId(),
        organisation_id: organisationId,
        contact_a: a,
        contact_b: b,
        score: pair.score,
        fields: JSON.stringify(fields),
        status: "open",
        found_at: now,
        found_by: "scan",
        decided_at: null,
        decided_by: null,
      });
      if (added) summary.added++;
    }
    await audit(trx, ctx, caller, {
      action: "duplicates.scan",
      entity: "organisation",
      entityId: organisationId,
      after: summary,
    });
  });
  return ok(summary);
}
