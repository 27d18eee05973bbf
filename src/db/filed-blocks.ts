/**
 * A transaction's view of what its arrivals read before writing: the duplicate blocks they look up
 * (the contacts filed under a match key, src/db/duplicates.ts), the Idempotency-Keys they claim and
 * their organisations' active webhooks. Read for every arrival of a group-commit batch in one query
 * when the batch begins (one statement on PostgreSQL), then kept up to date with what the batch's
 * own arrivals file, so each arrival reads without a round trip and sees what a fresh read would.
 */
import { type Kysely, sql } from "kysely";
import type { DialectName } from "./dialect.js";
import { filedUnder } from "./duplicates.js";
import type { Database } from "./schema.js";
import { activeWebhooks, type WebhookRow } from "./webhooks.js";

/** A block to read: at most `limit` of the contacts filed under `key` in the organisation. */
export interface BlockLookup {
  organisationId: string;
  key: string;
  limit: number;
}

/** An Idempotency-Key an arrival claims. */
export interface KeyLookup {
  organisationId: string;
  key: string;
}

/** What an Idempotency-Key was stored with: the request's hash and the contact it created. */
export interface SeenKey {
  request_hash: string;
  contact_id: string;
}

export interface FiledBlocks {
  /**
   * The contacts filed under each key, at most its limit (fewer: the whole block), as a read by
   * this transaction would find them now; null when the view cannot tell (a key not read when the
   * batch began, or blocks changed otherwise than by filing: a merge).
   */
  read(
    organisationId: string,
    lookups: readonly { key: string; limit: number }[],
  ): Map<string, string[]> | null;
  /** This transaction filed `contactId` under `key` (written now or later: the view counts it at once). */
  file(organisationId: string, key: string, contactId: string): void;
  /** This transaction changed blocks otherwise (a merge moves keys): later reads go to the database. */
  forget(): void;
  /**
   * What the key was stored with, as this transaction read it when it began (null: not stored);
   * undefined when the key was not read. A key stored by another transaction since makes the
   * insert of the arrival's key fail (its primary key), and the arrival runs again.
   */
  seenKey(organisationId: string, key: string): SeenKey | null | undefined;
  /** The organisation's active webhooks as read when the transaction began; null when not read. */
  webhooks(organisationId: string): readonly WebhookRow[] | null;
}

/** Besides blocks, what a transaction's arrivals read first: their keys and their organisations' webhooks. */
export interface FirstReads {
  keys?: readonly KeyLookup[];
  /** Organisations whose active webhooks to read. */
  webhooksOf?: readonly string[];
}

function blockId(organisationId: string, key: string): string {
  return `${organisationId}\u0000${key}`;
}

/**
 * Reads the blocks of `lookups` in one query. Call it once the transaction holds the locks of
 * those blocks (arrivalLocks), so that no other transaction adds to them while this one runs; a
 * block not locked is one already at its limit, which no addition changes.
 */
export async function readFiledBlocks(
  trx: Kysely<Database>,
  dialect: DialectName,
  lookups: readonly BlockLookup[],
  first: FirstReads = {},
): Promise<FiledBlocks> {
  const limits = new Map<string, number>();
  for (const { organisationId, key, limit } of lookups) {
    if (limit <= 0) continue;
    const id = blockId(organisationId, key);
    limits.set(id, Math.max(limit, limits.get(id) ?? 0));
  }
  const wanted = [...limits].map(([id, limit]) => {
    const [organisationId = "", key = ""] = id.split("\u0000");
    return { organisationId, key, limit };
  });
  const keys = [...new Map((first.keys ?? []).map((k) => [blockId(k.organisationId, k.key), k])).values()];
  const webhooksOf = [...new Set(first.webhooksOf ?? [])];
  const { blocks, seen, hooks } =
    dialect === "postgres"
      ? await readTogether(trx, wanted, keys, webhooksOf)
      : await readApart(trx, wanted, keys, webhooksOf);
  const keysRead = new Set(keys.map((k) => blockId(k.organisationId, k.key)));
  let valid = true;
  return {
    read(organisationId, wantedNow) {
      if (!valid) return null;
      const found = new Map<string, string[]>();
      for (const { key, limit } of wantedNow) {
        if (limit <= 0) continue;
        const id = blockId(organisationId, key);
        const readLimit = limits.get(id);
        if (readLimit === undefined || readLimit < limit) return null;
        const ids = (blocks.get(id) ?? []).slice(0, limit);
        if (ids.length > 0) found.set(key, ids);
      }
      return found;
    },
    file(organisationId, key, contactId) {
      const id = blockId(organisationId, key);
      const limit = limits.get(id);
      if (limit === undefined) return;
      const ids = blocks.get(id) ?? [];
      // Past its limit a block says only "at least the limit", which one more entry does not change.
      if (ids.length < limit && !ids.includes(contactId)) blocks.set(id, [...ids, contactId]);
    },
    forget() {
      valid = false;
    },
    seenKey(organisationId, key) {
      const id = blockId(organisationId, key);
      return keysRead.has(id) ? (seen.get(id) ?? null) : undefined;
    },
    webhooks(organisationId) {
      return hooks.get(organisationId) ?? null;
    },
  };
}

interface Read {
  /** Contact ids by block id. */
  blocks: Map<string, string[]>;
  /** Stored keys by block id (organisation and key). */
  seen: Map<string, SeenKey>;
  /** Active webhooks of each organisation read (an empty list when it has none). */
  hooks: Map<string, WebhookRow[]>;
}

/**
 * PostgreSQL: everything in one statement (one round trip), its lists passed as arrays so that its
 * text is the same for every batch.
 */
async function readTogether(
  trx: Kysely<Database>,
  blocks: readonly BlockLookup[],
  keys: readonly KeyLookup[],
  webhooksOf: readonly string[],
): Promise<Read> {
  const read: Read = { blocks: new Map(), seen: new Map(), hooks: new Map() };
  if (blocks.length === 0 && keys.length === 0 && webhooksOf.length === 0) return read;
  const { rows } = await sql<{ kind: "b" | "i" | "w"; organisation_id: string; key: string; value: string }>`
    select 'b' as kind, b.o as organisation_id, b.k as key, m.contact_id as value
    from unnest(cast(${blocks.map((b) => b.organisationId)} as text[]), cast(${blocks.map((b) => b.key)} as text[]),
      cast(${blocks.map((b) => b.limit)} as int[])) as b(o, k, l)
    cross join lateral (select contact_id from contact_match_keys
      where organisation_id = b.o and key = b.k limit b.l) as m
    union all
    select 'i', i.organisation_id, i.key, json_build_array(i.request_hash, i.contact_id)::text
    from unnest(cast(${keys.map((k) => k.organisationId)} as text[]), cast(${keys.map((k) => k.key)} as text[])) as q(o, k)
    join idempotency_keys i on i.organisation_id = q.o and i.key = q.k
    union all
    select 'w', w.organisation_id, w.id, row_to_json(w)::text
    from webhooks w where w.organisation_id = any(cast(${webhooksOf} as text[])) and w.active = 1`.execute(
    trx,
  );
  for (const organisationId of webhooksOf) read.hooks.set(organisationId, []);
  for (const row of rows) {
    const id = blockId(row.organisation_id, row.key);
    if (row.kind === "b") {
      const ids = read.blocks.get(id);
      if (ids) ids.push(row.value);
      else read.blocks.set(id, [row.value]);
    } else if (row.kind === "i") {
      const [request_hash, contact_id] = JSON.parse(row.value) as [string, string];
      read.seen.set(id, { request_hash, contact_id });
    } else {
      read.hooks.get(row.organisation_id)?.push(JSON.parse(row.value) as WebhookRow);
    }
  }
  return read;
}

/** SQLite, in the process: no round trips to save, so each read is its own plain query. */
async function readApart(
  trx: Kysely<Database>,
  blocks: readonly BlockLookup[],
  keys: readonly KeyLookup[],
  webhooksOf: readonly string[],
): Promise<Read> {
  const read: Read = { blocks: await filedUnder(trx, blocks), seen: new Map(), hooks: new Map() };
  const byOrganisation = new Map<string, string[]>();
  for (const { organisationId, key } of keys) {
    byOrganisation.set(organisationId, [...(byOrganisation.get(organisationId) ?? []), key]);
  }
  for (const [organisationId, wanted] of byOrganisation) {
    const stored = await trx
      .selectFrom("idempotency_keys")
      .select(["key", "request_hash", "contact_id"])
      .where("organisation_id", "=", organisationId)
      .where("key", "in", wanted)
      .execute();
    for (const { key, request_hash, contact_id } of stored) {
      read.seen.set(blockId(organisationId, key), { request_hash, contact_id });
    }
  }
  for (const organisationId of webhooksOf) {
    read.hooks.set(organisationId, await activeWebhooks(trx, organisationId));
  }
  return read;
}
