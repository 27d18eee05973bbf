/**
 * A bulk import of contacts (a spreadsheet, an old system's export): valid intake records stored in
 * batches, one transaction each, every row at most once however often the file is imported.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canCreateContact } from "../core/access/roles.js";
import type { IntakeRecord } from "../core/intake/intake.js";
import type { DuplicateSettings } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { isUniqueViolation } from "../db/dialect.js";
import { loadSettings } from "../db/organisations.js";
import type { ContactRow, Database } from "../db/schema.js";
import { newContactRow, storeNewContact } from "./create-contact.js";
import { locateContact, requestHash } from "./intake.js";
import type { Caller } from "./record.js";

export interface ImportOptions {
  /** Count what would be created, write nothing. */
  dryRun?: boolean;
  /** Rows per transaction (500). */
  batchSize?: number;
  /** After each batch: records handled so far, of all; the next batch waits for what it returns. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface ImportSummary {
  /** Contacts created now (or, in a dry run, that would be). */
  created: number;
  /** Records imported before, by an earlier run or earlier in this one. */
  alreadyImported: number;
  /** New contacts linked to a likely duplicate for review (not counted in a dry run). */
  linkedDuplicates: number;
  /** New contacts merged at once into a stored record of the same person. */
  mergedDuplicates: number;
}

/** `import:` + SHA-256 of the record's content, whatever its key order: the same row is the same key. */
export function importKey(record: IntakeRecord): { key: string; hash: string } {
  const hash = requestHash(record);
  return { key: `import:${hash}`, hash };
}

/**
 * Creates a contact for each record not imported before, in batches of one transaction each, with
 * the audit entry `contact.import`. Imported contacts wait as `new`: automatic dispatch is for
 * contacts arriving one by one, a batch plan serves a file better.
 */
export async function importContacts(
  ctx: Context,
  caller: Caller,
  records: readonly IntakeRecord[],
  options: ImportOptions = {},
): Promise<Result<ImportSummary>> {
  if (!canCreateContact(caller)) return fail("forbidden", `a ${caller.role} cannot create contacts`);
  const { defaultCountry, duplicates } = (await loadSettings(ctx.db.kysely, caller.organisationId)).settings;
  const size = options.batchSize ?? 500;
  const seen = new Set<string>();
  const summary: ImportSummary = { created: 0, alreadyImported: 0, linkedDuplicates: 0, mergedDuplicates: 0 };
  for (let start = 0; start < records.length; start += size) {
    const batch = records.slice(start, start + size).map((record) => ({ record, ...importKey(record) }));
    // A second import of the same file at the same time takes some keys first: look again, once.
    for (let attempt = 1; ; attempt += 1) {
      const known = await importedKeys(
        ctx.db.kysely,
        caller.organisationId,
        batch.map((b) => b.key),
      );
      const fresh = batch.filter((b) => !known.has(b.key) && !seen.has(b.key));
      const keys = new Set(fresh.map((b) => b.key));
      const unique = fresh.filter((b) => keys.delete(b.key));
      try {
        if (!options.dryRun && unique.length > 0)
          await storeBatch(ctx, caller, unique, { defaultCountry, duplicates }, summary);
      } catch (error) {
        if (attempt === 1 && isUniqueViolation(error)) continue;
        throw error;
      }
      for (const b of unique) seen.add(b.key);
      summary.created += unique.length;
      summary.alreadyImported += batch.length - unique.length;
      break;
    }
    await options.onProgress?.(Math.min(start + size, records.length), records.length);
  }
  return ok(summary);
}

async function storeBatch(
  ctx: Context,
  caller: Caller,
  batch: ReadonlyArray<{ record: IntakeRecord; key: string; hash: string }>,
  settings: { defaultCountry: string | null; duplicates: DuplicateSettings },
  summary: ImportSummary,
): Promise<void> {
  let linked = 0;
  let merged = 0;
  const { defaultCountry } = settings;
  const rows: Array<{ row: ContactRow; record: IntakeRecord; key: string; hash: string }> = [];
  for (const b of batch) {
    const contact = { ...b.record.contact };
    await locateContact(contact, async () => defaultCountry);
    const row = newContactRow(ctx, caller, contact, { defaultCountry, attribution: b.record.attribution });
    rows.push({ ...b, row });
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const { row, record, key, hash } of rows) {
      await storeNewContact(trx, ctx, caller, row, {
        attribution: record.attribution,
        message: record.message,
        idempotency: { key, requestHash: hash },
        action: "contact.import",
        duplicates: {
          settings: settings.duplicates,
          foundBy: "import",
          onFound: (found, wasMerged) => {
            if (wasMerged) merged++;
            else if (found.length > 0) linked++;
          },
        },
      });
    }
  });
  // Counted once the batch is stored: a batch that fails and is retried counts once.
  summary.linkedDuplicates += linked;
  summary.mergedDuplicates += merged;
}

async function importedKeys(
  db: Kysely<Database>,
  organisationId: string,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await db
    .selectFrom("idempotency_keys")
    .select("key")
    .where("organisation_id", "=", organisationId)
    .where("key", "in", keys)
    .execute();
  return new Set(found.map((row) => row.key));
}
