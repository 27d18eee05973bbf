/**
 * Duplicates of a contact as it is stored: file it under its match keys, compare it with the
 * stored contacts that share one, and link each likely twin for review.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { lookupKeys, lookupLimit, matchKeys, scoreArrival, worthReview } from "../core/dedupe/arrival.js";
import type { DedupeRecord } from "../core/dedupe/records.js";
import type { DuplicateSettings } from "../core/model.js";
import {
  filedUnderKeys,
  insertMatchKeys,
  insertPair,
  liveContactCount,
  liveContactsAmong,
  matchKeyCounts,
  replaceMatchKeys,
} from "../db/duplicates.js";
import type { ContactRow, Database } from "../db/schema.js";

/** What duplicate detection reads of a contact: its name, phones, e-mails, place and country. */
export type MatchableRow = Pick<
  ContactRow,
  "id" | "organisation_id" | "display_name" | "phones" | "emails" | "place_name" | "country"
>;

export function dedupeRecordOf(row: MatchableRow): DedupeRecord {
  return {
    id: row.id,
    name: row.display_name,
    phones: JSON.parse(row.phones),
    emails: JSON.parse(row.emails),
    city: row.place_name ?? "",
    country: row.country,
  };
}

export interface LinkedDuplicate {
  contactId: string;
  pairId: string;
  score: number;
  fields: string[];
}

/**
 * Files a just-stored contact under its match keys and links it to every stored contact it is
 * likely the same person as (score above `reviewAbove`), most certain first. A pair decided
 * before (merged, or "not the same person") keeps its decision.
 */
export async function fileAndLinkDuplicates(
  trx: Kysely<Database>,
  ctx: Context,
  row: MatchableRow,
  options: { settings: DuplicateSettings; foundBy: string },
): Promise<LinkedDuplicate[]> {
  const organisationId = row.organisation_id;
  const record = dedupeRecordOf(row);
  const keys = matchKeys(record);
  const { candidates, counts } = await candidatesOf(trx, organisationId, keys, row.id);
  await insertMatchKeys(
    trx,
    organisationId,
    keys.map((key) => ({ key, contactId: row.id })),
  );
  if (candidates.length === 0) return [];
  const population = { records: await populationOf(trx, ctx, organisationId), counts };
  const matches = scoreArrival(
    record,
    candidates.map(dedupeRecordOf),
    population,
    options.settings.reviewAbove,
  );
  const now = ctx.clock.now().toISOString();
  const linked: LinkedDuplicate[] = [];
  for (const match of matches) {
    if (!worthReview(match.score, match.fields, options.settings.reviewAbove)) continue;
    const other = candidates[match.index]!.id;
    const [a, b] = row.id < other ? [row.id, other] : [other, row.id];
    const pairId = ctx.newId();
    const isNew = await insertPair(trx, {
      id: pairId,
      organisation_id: organisationId,
      contact_a: a,
      contact_b: b,
      score: match.score,
      fields: JSON.stringify(match.fields),
      status: "open",
      found_at: now,
      found_by: options.foundBy,
      decided_at: null,
      decided_by: null,
    });
    if (isNew) linked.push({ contactId: other, pairId, score: match.score, fields: match.fields });
  }
  return linked;
}

/** The most candidates compared with one arrival. */
const MAX_CANDIDATES = 200;

/**
 * The stored contacts that share a block small enough to compare with the arrival's keys, and,
 * when there are any, how many contacts hold each of its keys (up to COUNT_CAP) for the scoring.
 * Blocks are read only as far as their lookup limit (a few dozen entries at most): that alone
 * decides which are compared, and gives the exact size of every smaller block. Only an arrival
 * with candidates, whose scores need them, pays for counting its common values up to COUNT_CAP.
 */
export async function candidatesOf(
  trx: Kysely<Database>,
  organisationId: string,
  keys: readonly string[],
  exceptId: string,
): Promise<{ candidates: ContactRow[]; counts: Map<string, number> }> {
  const limits = new Map(keys.map((key) => [key, lookupLimit(key)]));
  const filed = await filedUnderKeys(
    trx,
    organisationId,
    keys.map((key) => ({ key, limit: limits.get(key) ?? 0 })),
  );
  // Exact below the limit; a block at its limit counts as that many, which already rules it out.
  const known = new Map<string, number>();
  for (const [key, ids] of filed) known.set(key, ids.length);
  const ids = new Set<string>();
  for (const key of lookupKeys(keys, known)) for (const id of filed.get(key) ?? []) ids.add(id);
  ids.delete(exceptId);
  const candidates = await liveContactsAmong(trx, organisationId, [...ids].sort().slice(0, MAX_CANDIDATES));
  if (candidates.length === 0) return { candidates, counts: new Map() };
  // A block read whole (fewer than its limit, none at all included) is counted already.
  const readWhole = (key: string) => (known.get(key) ?? 0) < (limits.get(key) ?? 0);
  const exact = [...known].filter(([key]) => readWhole(key));
  const uncounted = keys.filter((key) => !readWhole(key));
  const counts = new Map([...exact, ...(await matchKeyCounts(trx, organisationId, uncounted))]);
  return { candidates, counts };
}

/**
 * The organisation's live contacts, counted at most once a minute per process: the count only sets
 * the prior odds of a duplicate, which a minute's arrivals hardly move, and counting a large
 * organisation's rows on every arrival would cost more than the rest of the intake.
 */
const populations = new Map<string, { records: number; countedAt: number }>();
const POPULATION_TTL_MS = 60_000;

async function populationOf(trx: Kysely<Database>, ctx: Context, organisationId: string): Promise<number> {
  const now = ctx.clock.now().getTime();
  const key = `${ctx.db.label}\u0000${organisationId}`;
  const known = populations.get(key);
  if (known && now - known.countedAt < POPULATION_TTL_MS) return known.records;
  const records = await liveContactCount(trx, organisationId);
  populations.set(key, { records, countedAt: now });
  return records;
}

/** Files a contact again after its name, phones, e-mails or place changed. */
export async function refileContact(trx: Kysely<Database>, row: MatchableRow): Promise<void> {
  await replaceMatchKeys(trx, row.organisation_id, row.id, matchKeys(dedupeRecordOf(row)));
}
