/**
 * Duplicates of a contact as it is stored: file it under its match keys, compare it with the
 * stored contacts that share one, and link each likely twin for review.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { lookupKeys, lookupLimit, matchKeys, scoreArrival, worthReview } from "../core/dedupe/arrival.js";
import type { DedupeRecord } from "../core/dedupe/records.js";
import type { DuplicateSettings } from "../core/model.js";
import type { DeferredInserts } from "../db/deferred-inserts.js";
import {
  filedUnderKeys,
  insertPair,
  liveContactCount,
  liveContactsAmong,
  matchKeyCounts,
  replaceMatchKeys,
} from "../db/duplicates.js";
import type { BlockLookup, FiledBlocks } from "../db/filed-blocks.js";
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
 *
 * The contact's own rows may still wait in `deferred` (a group-commit batch writes them at its
 * end), and so may those of the contacts stored before it in the same transaction: they are
 * written first whenever this arrival shares a block with one of them or has candidates to score,
 * so every read sees what a one-by-one arrival would. The arrival's match keys are deferred too.
 * With `blocks` (read for a whole batch when it began, arrivalBlocks) the blocks are read from it
 * instead, without a round trip and without writing the waiting rows first.
 * On PostgreSQL the caller has locked arrivalLocks(row) since the start of its transaction.
 */
export async function fileAndLinkDuplicates(
  trx: Kysely<Database>,
  ctx: Context,
  row: MatchableRow,
  options: {
    settings: DuplicateSettings;
    foundBy: string;
    /** matchKeysOf(row), when the caller has made them already (for its locks). */
    keys?: readonly string[];
    /** The transaction's view of the blocks, when it read them for all its arrivals at once. */
    blocks?: FiledBlocks;
  },
  deferred: DeferredInserts,
): Promise<LinkedDuplicate[]> {
  const organisationId = row.organisation_id;
  const record = dedupeRecordOf(row);
  const keys = options.keys ?? matchKeys(record);
  const { blocks } = options;
  const known = blocks?.read(organisationId, arrivalBlocks(ctx.db.label, organisationId, keys)) ?? null;
  if (!known) {
    const waiting = new Set(
      deferred
        .pending("contact_match_keys")
        .filter((filed) => filed.organisation_id === organisationId)
        .map((filed) => filed.key),
    );
    if (keys.some((key) => lookupLimit(key) > 0 && waiting.has(key))) await deferred.flush(trx);
  }
  const { candidates, counts } = await candidatesOf(trx, organisationId, keys, row.id, {
    beforeCounting: () => deferred.flush(trx),
    dbLabel: ctx.db.label,
    ...(known ? { filed: known } : {}),
  });
  deferred.add(
    "contact_match_keys",
    keys.map((key) => ({ organisation_id: organisationId, key, contact_id: row.id })),
  );
  for (const key of keys) blocks?.file(organisationId, key, row.id);
  if (candidates.length === 0) return [];
  // The pairs below name the arrival, whose row must be stored first.
  await deferred.flush(trx);
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
  options: {
    /** Called before the reads that only an arrival with candidates makes (they count every row). */
    beforeCounting?: () => Promise<void>;
    /** The database's label (Db.label): blocks found at their limit are remembered for it (commonKeys). */
    dbLabel?: string;
    /** The blocks as filedUnderKeys would read them now, when the caller knows them already. */
    filed?: ReadonlyMap<string, readonly string[]>;
  } = {},
): Promise<{ candidates: ContactRow[]; counts: Map<string, number> }> {
  const limits = new Map(keys.map((key) => [key, lookupLimit(key)]));
  const { dbLabel } = options;
  // Blocks already seen at their limit are not read again (arrivalBlocks): they stay at it.
  const common = new Set(
    dbLabel === undefined ? [] : keys.filter((key) => knownCommon(dbLabel, organisationId, key)),
  );
  const filed =
    options.filed ??
    (await filedUnderKeys(
      trx,
      organisationId,
      keys.filter((key) => !common.has(key)).map((key) => ({ key, limit: limits.get(key) ?? 0 })),
    ));
  // Exact below the limit; a block at its limit counts as that many, which already rules it out.
  const known = new Map<string, number>();
  for (const [key, ids] of filed) known.set(key, ids.length);
  for (const key of common) if (!known.has(key)) known.set(key, limits.get(key) ?? 0);
  if (dbLabel !== undefined) {
    for (const [key, n] of known)
      if (n >= (limits.get(key) ?? 0)) rememberCommon(dbLabel, organisationId, key);
  }
  const ids = new Set<string>();
  for (const key of lookupKeys(keys, known)) for (const id of filed.get(key) ?? []) ids.add(id);
  ids.delete(exceptId);
  if (ids.size === 0) return { candidates: [], counts: new Map() };
  await options.beforeCounting?.();
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

/**
 * Blocks seen at their lookup limit, per database and organisation: too common to look up, now and
 * later, as blocks only grow (a merge or an erasure takes a contact out of its blocks, which may let
 * a block fall back under its limit; its later arrivals are then compared again, but not locked
 * against each other until this process forgets it). Bounded: forgotten all at once when full.
 */
const commonKeys = new Set<string>();
const MAX_COMMON_KEYS = 100_000;

function commonKey(dbLabel: string, organisationId: string, key: string): string {
  return `${dbLabel}\u0000${organisationId}\u0000${key}`;
}

/** Whether the block of `key` was seen at its limit (rememberCommon): neither locked nor read again. */
function knownCommon(dbLabel: string, organisationId: string, key: string): boolean {
  return commonKeys.has(commonKey(dbLabel, organisationId, key));
}

function rememberCommon(dbLabel: string, organisationId: string, key: string): void {
  if (commonKeys.size >= MAX_COMMON_KEYS) commonKeys.clear();
  commonKeys.add(commonKey(dbLabel, organisationId, key));
}

/**
 * The lock names (lockNames in src/db/dialect.ts) that keep arrivals of one person apart: one per
 * block the arrival may be looked up by (its blocking keys, less those known to be too common).
 * Two transactions that hold none in common cannot find each other's contact as a candidate, so
 * they may run side by side; two that share one run one after the other, and the later sees the
 * earlier's rows (PostgreSQL's read committed takes a new snapshot per statement).
 */
export function arrivalLocks(dbLabel: string, organisationId: string, keys: readonly string[]): string[] {
  return keys
    .filter((key) => lookupLimit(key) > 0 && !knownCommon(dbLabel, organisationId, key))
    .map((key) => `match-key\u0000${organisationId}\u0000${key}`);
}

/**
 * The blocks an arrival with these match keys looks up, each as far as its lookup limit, less
 * those known to be too common (as arrivalLocks): a block seen at its limit is at it still, and
 * candidatesOf counts it as full without reading it. Reading them was most of the read: at 20,000
 * contacts sharing a name and a city, 271 µs for eleven blocks, 79 µs without their four common
 * ones (SQLite, in a scratch process).
 */
export function arrivalBlocks(
  dbLabel: string,
  organisationId: string,
  keys: readonly string[],
): BlockLookup[] {
  return keys
    .map((key) => ({ organisationId, key, limit: lookupLimit(key) }))
    .filter(({ key, limit }) => limit > 0 && !knownCommon(dbLabel, organisationId, key));
}

/** The keys a contact is filed under (src/core/dedupe/arrival.ts). */
export function matchKeysOf(row: MatchableRow): string[] {
  return matchKeys(dedupeRecordOf(row));
}

/** Files a contact again after its name, phones, e-mails or place changed. */
export async function refileContact(trx: Kysely<Database>, row: MatchableRow): Promise<void> {
  await replaceMatchKeys(trx, row.organisation_id, row.id, matchKeys(dedupeRecordOf(row)));
}
