/** A new contact: normalised, stored with its first timeline entry and audit record in one transaction. */

import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canCreateContact } from "../core/access/roles.js";
import { normalisePhones, searchText } from "../core/contacts/normalise.js";
import type { Contact, ContactCreate, DuplicateSettings, Organisation } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { contactEventData } from "../core/webhooks.js";
import { contactInsertRow, findContact, toContact } from "../db/contacts.js";
import { type DeferredInserts, withDeferredInserts } from "../db/deferred-inserts.js";
import { lockedTransaction } from "../db/dialect.js";
import { type FiledBlocks, readFiledBlocks, type SeenKey } from "../db/filed-blocks.js";
import type { GroupCommit, Work } from "../db/group-commit.js";
import { loadSettings } from "../db/organisations.js";
import type { ContactRow, Database } from "../db/schema.js";
import { autoDispatch } from "./auto-dispatch.js";
import {
  arrivalBlocks,
  arrivalLocks,
  fileAndLinkDuplicates,
  type LinkedDuplicate,
  matchKeysOf,
} from "./find-duplicates.js";
import { mergeInTransaction } from "./merge-contacts.js";
import { auditRow, type Caller, timelineRow } from "./record.js";
import { enqueueEvent } from "./webhooks.js";

export interface CreateOptions {
  /** utm_* fields and the page of a web form, stored beside source and campaign. */
  attribution?: Record<string, string>;
  /** What the person wrote: the first comment of the timeline. */
  message?: string | null;
  /**
   * Written in the contact's own transaction, so a retried request finds it, and a crash leaves
   * both or neither. createContactOnce reads it in that transaction first, and writes nothing when
   * it is stored already; storeNewContact's caller has checked that it is new.
   */
  idempotency?: { key: string; requestHash: string };
  /**
   * Look for stored records of the same person: link each for review, and merge into the most
   * certain at once when the organisation's settings say so. `foundBy`: intake, import, manual.
   */
  /** The caller's organisation, when the caller has loaded it already (saves a read per intake). */
  organisation?: Organisation;
  /** Store the contact in a transaction shared with others arriving at once (intake under load). */
  groupCommit?: GroupCommit;
  duplicates?: {
    settings: DuplicateSettings;
    foundBy: string;
    /** The contact's match keys, when the caller has made them already (for its locks). */
    keys?: readonly string[];
    /** Told what was found: the linked contacts, and whether the new one was merged into the first. */
    onFound?: (linked: LinkedDuplicate[], merged: boolean) => void;
  };
}

export async function createContact(
  ctx: Context,
  caller: Caller,
  input: ContactCreate,
  options: CreateOptions = {},
): Promise<Result<Contact>> {
  const created = await createContactOnce(ctx, caller, input, options);
  if (!created.ok) return created;
  const { contact, seen } = created.value;
  if (contact) return ok(contact);
  return fail("conflict", `the Idempotency-Key was used before, for contact ${seen.contact_id}`);
}

/** What createContactOnce did: created the contact, or found its Idempotency-Key stored and wrote nothing. */
export type Created = { contact: Contact; seen?: undefined } | { contact?: undefined; seen: SeenKey };

/**
 * createContact, checking options.idempotency in the contact's transaction: when the key is stored
 * already (a retry), nothing is written and the answer is what the key was stored with. Two
 * requests with one key at once: the later one's insert of the key fails on its primary key.
 */
export async function createContactOnce(
  ctx: Context,
  caller: Caller,
  input: ContactCreate,
  options: CreateOptions = {},
): Promise<Result<Created>> {
  if (!canCreateContact(caller)) return fail("forbidden", `a ${caller.role} cannot create contacts`);
  const organisation = options.organisation ?? (await loadSettings(ctx.db.kysely, caller.organisationId));
  const row = newContactRow(ctx, caller, input, {
    defaultCountry: organisation.settings.defaultCountry,
    attribution: options.attribution,
  });
  const keys = matchKeysOf(row);
  const idempotency = options.idempotency;
  const inTransaction: Work<Created> = async (trx, deferred, blocks) => {
    const seen = idempotency ? blocks.seenKey(row.organisation_id, idempotency.key) : null;
    if (seen) return { seen };
    const contact = await storeNewContact(trx, ctx, caller, row, {
      ...options,
      duplicates: {
        ...(options.duplicates ?? { settings: organisation.settings.duplicates, foundBy: "manual" }),
        keys,
      },
      action: "contact.create",
      deferred,
      blocks,
    });
    return { contact };
  };
  // Another arrival of the same person waits for this one (PostgreSQL), and then finds it.
  const locks = arrivalLocks(ctx.db.label, row.organisation_id, keys);
  const blocks = arrivalBlocks(ctx.db.label, row.organisation_id, keys);
  const key = idempotency ? { organisationId: row.organisation_id, key: idempotency.key } : undefined;
  const created = await (options.groupCommit
    ? options.groupCommit.run(inTransaction, {
        locks,
        blocks,
        organisationId: row.organisation_id,
        ...(key ? { key } : {}),
      })
    : lockedTransaction(ctx.db, locks, async (trx) => {
        const filed = await readFiledBlocks(trx, ctx.db.dialect, blocks, {
          keys: key ? [key] : [],
          webhooksOf: [row.organisation_id],
        });
        return withDeferredInserts(trx, ctx.db.dialect, (deferred) => inTransaction(trx, deferred, filed));
      }));
  const { contact } = created;
  if (!contact) return ok(created);
  if (organisation.settings.dispatch.mode === "auto" && contact.mergedIntoId === null) {
    const dispatched = await autoDispatch(ctx, organisation, contact);
    if (dispatched.ok) return ok({ contact: dispatched.value });
    ctx.log.warn(
      { contactId: contact.id, error: dispatched.error },
      "automatic dispatch failed; the contact waits",
    );
  }
  return ok({ contact });
}

/** The row of a new contact: phones in E.164 (read in its country, else `defaultCountry`), lists without repeats. */
export function newContactRow(
  ctx: Context,
  caller: Caller,
  input: ContactCreate,
  options: { defaultCountry: string | null; attribution?: Record<string, string> | undefined },
): ContactRow {
  const now = ctx.clock.now().toISOString();
  const country = input.country ?? null;
  const phones = normalisePhones(input.phones, country ?? options.defaultCountry);
  const emails = [...new Set(input.emails)];
  return {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    display_name: input.displayName,
    given_name: input.givenName ?? null,
    family_name: input.familyName ?? null,
    phones: JSON.stringify(phones),
    emails: JSON.stringify(emails),
    gender: input.gender ?? null,
    languages: JSON.stringify([...new Set(input.languages)]),
    place_name: input.placeName ?? null,
    region: input.region ?? null,
    country,
    postal_code: input.postalCode ?? null,
    lat: input.lat ?? null,
    lon: input.lon ?? null,
    source: input.source ?? null,
    campaign: input.campaign ?? null,
    inbound: input.inbound ? 1 : 0,
    status: "new",
    status_reason: null,
    progress: "none",
    assigned_worker_id: null,
    search_text: searchText({ ...input, phones, emails }),
    created_at: now,
    updated_at: now,
    status_changed_at: now,
    assigned_at: null,
    last_activity_at: now,
    erased_at: null,
    attribution:
      options.attribution && Object.keys(options.attribution).length > 0
        ? JSON.stringify(options.attribution)
        : null,
    accepted_at: null,
    first_attempt_at: null,
    first_meeting_at: null,
    last_update_at: null,
    script_answers: null,
    call_attempts: 0,
    time_zone: null,
    merged_into_id: null,
  };
}

/**
 * Writes a new contact inside the caller's transaction: the row, its idempotency key, the first
 * timeline entries, the audit entry (`action`), the outbox event and its match keys. The rows are
 * written when `deferred` is flushed (by the caller, before its COMMIT: src/db/group-commit.ts does),
 * or, without `deferred`, before this returns; anything that reads them flushes them first.
 */
export async function storeNewContact(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  row: ContactRow,
  options: CreateOptions & {
    action: string;
    deferred?: DeferredInserts;
    /** The transaction's view of the duplicate blocks, read for all its arrivals at once (src/db/filed-blocks.ts). */
    blocks?: FiledBlocks;
  },
): Promise<Contact> {
  if (!options.deferred) {
    return withDeferredInserts(trx, ctx.db.dialect, (deferred) =>
      storeNewContact(trx, ctx, caller, row, { ...options, deferred }),
    );
  }
  const { deferred } = options;
  const contact = toContact({ ...row, assigned_worker_name: null });
  deferred.add("contacts", [contactInsertRow(row)]);
  deferred.add("contact_stage_changes", [
    {
      id: ctx.newId(),
      organisation_id: row.organisation_id,
      contact_id: row.id,
      status: row.status,
      worker_id: row.assigned_worker_id,
      entered_at: row.created_at,
    },
  ]);
  if (options.idempotency) {
    deferred.add("idempotency_keys", [
      {
        organisation_id: caller.organisationId,
        key: options.idempotency.key,
        request_hash: options.idempotency.requestHash,
        contact_id: row.id,
        created_at: row.created_at,
      },
    ]);
  }
  deferred.add("activities", [
    timelineRow(ctx, caller, {
      contactId: contact.id,
      kind: "created",
      data: {
        source: contact.source,
        campaign: contact.campaign,
        inbound: contact.inbound,
        ...(options.attribution ?? {}),
      },
    }),
    ...(options.message
      ? [timelineRow(ctx, caller, { contactId: contact.id, kind: "comment", body: options.message })]
      : []),
  ]);
  deferred.add("audit_log", [
    auditRow(ctx, caller, {
      action: options.action,
      entity: "contact",
      entityId: contact.id,
      after: contact,
    }),
  ]);
  await enqueueEvent(
    trx,
    ctx,
    caller.organisationId,
    "contact.created",
    contactEventData(contact),
    options.blocks?.webhooks(caller.organisationId),
  );
  if (options.duplicates) {
    const linked = await fileAndLinkDuplicates(
      trx,
      ctx,
      row,
      { ...options.duplicates, ...(options.blocks ? { blocks: options.blocks } : {}) },
      deferred,
    );
    const best = linked[0];
    const bar = options.duplicates.settings.autoMergeAbove;
    // A name alone never merges by itself, however rare: a phone or an e-mail must agree too.
    const merge =
      best !== undefined &&
      bar !== null &&
      best.score >= bar &&
      (best.fields.includes("phone") || best.fields.includes("email"));
    options.duplicates.onFound?.(linked, merge);
    if (best && merge) {
      // The merge moves the new contact's timeline and keys: they must be stored first, and the
      // transaction's view of the blocks no longer holds.
      await deferred.flush(trx);
      options.blocks?.forget();
      const merged = await mergeInTransaction(trx, ctx, caller, {
        survivorId: best.contactId,
        mergedId: row.id,
        automatic: true,
      });
      if (!merged.ok) throw new Error(`automatic merge of ${row.id} failed: ${merged.error.message}`);
      const after = await findContact(trx, caller.organisationId, row.id);
      if (after) return toContact(after);
    }
  }
  return contact;
}
