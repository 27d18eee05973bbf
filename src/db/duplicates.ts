/** Query functions for duplicate detection: contacts' match keys, the pairs found, and merges. */
import { type Kysely, sql } from "kysely";
import type { Database, DuplicatePairRow, MergeRow } from "./schema.js";

/** Files a contact under its match keys, in place of any it had. */
export async function replaceMatchKeys(
  trx: Kysely<Database>,
  organisationId: string,
  contactId: string,
  keys: readonly string[],
): Promise<void> {
  await trx.deleteFrom("contact_match_keys").where("contact_id", "=", contactId).execute();
  await insertMatchKeys(
    trx,
    organisationId,
    keys.map((key) => ({ key, contactId })),
  );
}

/** Adds match keys in chunks small enough for either database's parameter limit. */
export async function insertMatchKeys(
  trx: Kysely<Database>,
  organisationId: string,
  rows: ReadonlyArray<{ key: string; contactId: string }>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += 2000) {
    const chunk = rows.slice(start, start + 2000);
    await trx
      .insertInto("contact_match_keys")
      .values(chunk.map((r) => ({ organisation_id: organisationId, key: r.key, contact_id: r.contactId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function deleteMatchKeys(trx: Kysely<Database>, contactId: string): Promise<void> {
  await trx.deleteFrom("contact_match_keys").where("contact_id", "=", contactId).execute();
}

/** Counts stop here: past it a value is common, and how common hardly changes a score. */
export const COUNT_CAP = 2000;

/**
 * How many contacts are filed under each of `keys`, up to COUNT_CAP (keys nobody holds are absent).
 * Each count reads at most COUNT_CAP index entries, so a common city or name word costs the same
 * at a million contacts as at a thousand.
 */
export async function matchKeyCounts(
  db: Kysely<Database>,
  organisationId: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const unique = [...new Set(keys)];
  const parts = unique.map(
    (key) =>
      sql<{
        key: string;
        n: number | string;
      }>`select ${key} as key, (select count(*) from (select 1 from contact_match_keys where organisation_id = ${organisationId} and key = ${key} limit ${COUNT_CAP}) as capped) as n`,
  );
  const { rows } = await sql<{
    key: string;
    n: number | string;
  }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return new Map(rows.filter((row) => Number(row.n) > 0).map((row) => [row.key, Number(row.n)]));
}

/**
 * The stored contacts filed under each key, at most `limit` of them a key, in one round trip:
 * fewer than the limit is the whole block (and its exact size), the limit itself means "at least
 * this many". Each block reads at most `limit` index entries, however common its value.
 */
export async function filedUnderKeys(
  db: Kysely<Database>,
  organisationId: string,
  keys: ReadonlyArray<{ key: string; limit: number }>,
): Promise<Map<string, string[]>> {
  const blocks = await filedUnder(
    db,
    keys.map(({ key, limit }) => ({ organisationId, key, limit })),
  );
  const filed = new Map<string, string[]>();
  for (const { key } of keys) {
    const ids = blocks.get(`${organisationId}\u0000${key}`);
    if (ids) filed.set(key, ids);
  }
  return filed;
}

/**
 * filedUnderKeys for blocks of any organisations at once (a group-commit batch's arrivals), keyed
 * by organisation id and key joined with a NUL character.
 */
export async function filedUnder(
  db: Kysely<Database>,
  blocks: ReadonlyArray<{ organisationId: string; key: string; limit: number }>,
): Promise<Map<string, string[]>> {
  const filed = new Map<string, string[]>();
  const wanted = [
    ...new Map(
      blocks
        .filter(({ limit }) => limit > 0)
        .map((block) => [`${block.organisationId}\u0000${block.key}`, block]),
    ).values(),
  ];
  for (let start = 0; start < wanted.length; start += BLOCKS_PER_QUERY) {
    const parts = wanted
      .slice(start, start + BLOCKS_PER_QUERY)
      .map(
        ({ organisationId, key, limit }, i) =>
          sql`select * from (select organisation_id, key, contact_id from contact_match_keys where organisation_id = ${organisationId} and key = ${key} limit ${limit}) as ${sql.raw(`b${i}`)}`,
      );
    const { rows } = await sql<{
      organisation_id: string;
      key: string;
      contact_id: string;
    }>`${sql.join(parts, sql` union all `)}`.execute(db);
    for (const row of rows) {
      const id = `${row.organisation_id}\u0000${row.key}`;
      const ids = filed.get(id);
      if (ids) ids.push(row.contact_id);
      else filed.set(id, [row.contact_id]);
    }
  }
  return filed;
}

/** Blocks a query: SQLite joins at most 500 selects with UNION ALL (SQLITE_MAX_COMPOUND_SELECT). */
const BLOCKS_PER_QUERY = 400;

/** The live contacts (neither merged away nor erased) among `ids`: the candidates to compare. */
export async function liveContactsAmong(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("contacts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "in", ids)
    .where("merged_into_id", "is", null)
    .where("erased_at", "is", null)
    .execute();
}

/** Stored contacts that count in the population: neither merged away nor erased. */
export async function liveContactCount(db: Kysely<Database>, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("organisation_id", "=", organisationId)
    .where("merged_into_id", "is", null)
    .where("erased_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records a pair unless it was found before (then its decision, if any, stands). Returns whether it was new. */
export async function insertPair(trx: Kysely<Database>, row: DuplicatePairRow): Promise<boolean> {
  const result = await trx
    .insertInto("duplicate_pairs")
    .values(row)
    .onConflict((oc) => oc.columns(["organisation_id", "contact_a", "contact_b"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findPair(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<DuplicatePairRow | undefined> {
  return db
    .selectFrom("duplicate_pairs")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function findPairOf(
  db: Kysely<Database>,
  organisationId: string,
  one: string,
  other: string,
): Promise<DuplicatePairRow | undefined> {
  const [a, b] = one < other ? [one, other] : [other, one];
  return db
    .selectFrom("duplicate_pairs")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("contact_a", "=", a)
    .where("contact_b", "=", b)
    .executeTakeFirst();
}

export async function decidePair(
  trx: Kysely<Database>,
  id: string,
  decision: { status: "open" | "merged" | "distinct"; at: string | null; by: string | null },
): Promise<void> {
  await trx
    .updateTable("duplicate_pairs")
    .set({ status: decision.status, decided_at: decision.at, decided_by: decision.by })
    .where("id", "=", id)
    .execute();
}

/**
 * Open pairs whose two contacts are both still live, most certain first, with the total. A pair
 * one of whose contacts was merged away waits for the merge to be undone.
 */
export async function openPairs(
  db: Kysely<Database>,
  organisationId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: DuplicatePairRow[]; total: number }> {
  const base = db
    .selectFrom("duplicate_pairs as p")
    .innerJoin("contacts as a", "a.id", "p.contact_a")
    .innerJoin("contacts as b", "b.id", "p.contact_b")
    .where("p.organisation_id", "=", organisationId)
    .where("p.status", "=", "open")
    .where("a.merged_into_id", "is", null)
    .where("b.merged_into_id", "is", null)
    .where("a.erased_at", "is", null)
    .where("b.erased_at", "is", null);
  const rows = await base
    .selectAll("p")
    .orderBy("p.score", "desc")
    .orderBy("p.id")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = await base
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

export async function insertMerge(trx: Kysely<Database>, row: MergeRow): Promise<void> {
  await trx.insertInto("merges").values(row).execute();
}

export async function findMerge(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<MergeRow | undefined> {
  return db
    .selectFrom("merges")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function recentMerges(
  db: Kysely<Database>,
  organisationId: string,
  limit: number,
): Promise<MergeRow[]> {
  return db
    .selectFrom("merges")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function markMergeUndone(
  trx: Kysely<Database>,
  id: string,
  undo: { at: string; by: string },
): Promise<void> {
  await trx
    .updateTable("merges")
    .set({ undone_at: undo.at, undone_by: undo.by })
    .where("id", "=", id)
    .execute();
}
