/**
 * A transaction's view of the duplicate blocks its arrivals look up (the contacts filed under a
 * match key, src/db/duplicates.ts): read for every arrival of a group-commit batch in one query when
 * the batch begins, then kept up to date with what the batch's own arrivals file, so each arrival
 * reads its blocks without a round trip and sees what a fresh read would.
 */
import type { Kysely } from "kysely";
import { filedUnder } from "./duplicates.js";
import type { Database } from "./schema.js";

/** A block to read: at most `limit` of the contacts filed under `key` in the organisation. */
export interface BlockLookup {
  organisationId: string;
  key: string;
  limit: number;
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
  lookups: readonly BlockLookup[],
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
  const blocks = await filedUnder(trx, wanted);
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
  };
}
