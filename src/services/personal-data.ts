/**
 * Personal data of contacts: export everything about one person, erase a person (keeping only what
 * anonymous counts need), and the retention rule that erases closed contacts after N months.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canHandlePersonalData } from "../core/access/roles.js";
import { ERASED_NAME, retentionCutoff } from "../core/lifecycle/retention.js";
import type { Contact, ContactExport } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { listActivities } from "../db/activities.js";
import { toAuditEntry } from "../db/audit.js";
import { findContact, toContact } from "../db/contacts.js";
import { listDecisions } from "../db/dispatch.js";
import { deleteMatchKeys } from "../db/duplicates.js";
import type { Database } from "../db/schema.js";
import { eraseCallData } from "./callbacks.js";
import { audit, type Caller, systemCaller } from "./record.js";

export async function exportContact(
  ctx: Context,
  caller: Caller,
  id: string,
): Promise<Result<ContactExport>> {
  if (!canHandlePersonalData(caller))
    return fail("forbidden", `a ${caller.role} cannot export personal data`);
  const db = ctx.db.kysely;
  const row = await findContact(db, caller.organisationId, id);
  if (!row) return fail("not_found", `no contact ${id}`);
  const [activities, decisions, declines, auditRows] = await Promise.all([
    listActivities(db, caller.organisationId, id, { limit: 1_000_000 }),
    listDecisions(db, caller.organisationId, id),
    db
      .selectFrom("declines")
      .selectAll()
      .where("organisation_id", "=", caller.organisationId)
      .where("contact_id", "=", id)
      .execute(),
    db
      .selectFrom("audit_log")
      .selectAll()
      .where("organisation_id", "=", caller.organisationId)
      .where("entity_id", "=", id)
      .orderBy("id")
      .execute(),
  ]);
  const value: ContactExport = {
    exportedAt: ctx.clock.now().toISOString(),
    contact: toContact(row),
    activities: activities.reverse(),
    decisions: decisions.map((d) => ({
      id: d.id,
      workerId: d.worker_id,
      mode: d.mode,
      outcome: d.outcome,
      trace: JSON.parse(d.trace),
      createdAt: d.created_at,
    })),
    declines: declines.map((d) => ({ workerId: d.worker_id, reason: d.reason, createdAt: d.created_at })),
    audit: auditRows.map(toAuditEntry),
  };
  // Reading someone's whole file is itself worth a line in the log.
  await db
    .transaction()
    .execute((trx) => audit(trx, ctx, caller, { action: "contact.export", entity: "contact", entityId: id }));
  return ok(value);
}

/**
 * Erases what names or locates the person: names, phones, e-mails, address and coordinates, the
 * words of the timeline, the dispatch traces and the before/after of audit entries about them.
 * Kept: status, languages, gender, region, country, source, campaign and dates, for counts.
 */
async function eraseRows(
  trx: Kysely<Database>,
  organisationId: string,
  id: string,
  now: string,
): Promise<void> {
  await trx
    .updateTable("contacts")
    .set({
      display_name: ERASED_NAME,
      given_name: null,
      family_name: null,
      phones: "[]",
      emails: "[]",
      place_name: null,
      postal_code: null,
      lat: null,
      lon: null,
      h3_r4: null,
      h3_r5: null,
      h3_r6: null,
      h3_r7: null,
      status_reason: null,
      search_text: "",
      erased_at: now,
      updated_at: now,
    })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .execute();
  await trx
    .updateTable("activities")
    .set({ body: null, data: "{}" })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await trx
    .updateTable("dispatch_decisions")
    .set({ trace: '{"erased":true}' })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await trx
    .updateTable("declines")
    .set({ reason: null })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await eraseCallData(trx, organisationId, id);
  await trx
    .updateTable("appointments")
    .set({ note: null, cancel_reason: null, place_name: null, lat: null, lon: null })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await trx
    .updateTable("deadlines")
    .set({ note: null, answer: null })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await trx
    .updateTable("notifications")
    .set({ data: "{}" })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  await trx
    .updateTable("supply_shortages")
    .set({ place_name: null, lat: null, lon: null })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", id)
    .execute();
  // The audit log is append-only except for this: who did what and when stays, the personal
  // values in before/after go.
  await trx
    .updateTable("audit_log")
    .set({ before: null, after: null })
    .where("organisation_id", "=", organisationId)
    .where("entity_id", "=", id)
    .execute();
  await eraseMergeSnapshots(trx, organisationId, id);
}

/**
 * A merge keeps both records as they were (to be undone) and its audit entry names both: an
 * erased contact's copies go too, and such a merge can no longer be undone.
 */
async function eraseMergeSnapshots(trx: Kysely<Database>, organisationId: string, id: string): Promise<void> {
  await deleteMatchKeys(trx, id);
  const merges = await trx
    .selectFrom("merges")
    .select(["id", "survivor_id"])
    .where("organisation_id", "=", organisationId)
    .where((eb) => eb.or([eb("survivor_id", "=", id), eb("merged_id", "=", id)]))
    .execute();
  if (merges.length === 0) return;
  await trx
    .updateTable("merges")
    .set({
      survivor_before: '{"erased":true}',
      merged_before: '{"erased":true}',
      survivor_after: '{"erased":true}',
    })
    .where(
      "id",
      "in",
      merges.map((m) => m.id),
    )
    .execute();
  await trx
    .updateTable("audit_log")
    .set({ before: null, after: null })
    .where("organisation_id", "=", organisationId)
    .where("action", "in", ["contact.merge", "contact.merge.undo"])
    .where(
      "entity_id",
      "in",
      merges.map((m) => m.survivor_id),
    )
    .execute();
}

export async function eraseContact(
  ctx: Context,
  caller: Caller,
  id: string,
  reason: string,
): Promise<Result<Contact>> {
  if (!canHandlePersonalData(caller)) return fail("forbidden", `a ${caller.role} cannot erase personal data`);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findContact(trx, caller.organisationId, id);
    if (!row) return fail<Contact>("not_found", `no contact ${id}`);
    if (row.erased_at)
      return fail<Contact>("conflict", `contact ${id} was erased already, at ${row.erased_at}`);
    const now = ctx.clock.now().toISOString();
    await eraseRows(trx, caller.organisationId, id, now);
    await audit(trx, ctx, caller, {
      action: "contact.erase",
      entity: "contact",
      entityId: id,
      after: { reason },
    });
    const erased = await findContact(trx, caller.organisationId, id);
    return ok(toContact(erased!));
  });
}

/** The retention rule of one organisation: erases contacts closed more than `months` months ago. */
export async function applyRetention(ctx: Context, organisationId: string, months: number): Promise<number> {
  const cutoff = retentionCutoff(ctx.clock.now(), months).toISOString();
  const due = await ctx.db.kysely
    .selectFrom("contacts")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "closed")
    .where("status_changed_at", "<", cutoff)
    .where("erased_at", "is", null)
    .limit(1000)
    .execute();
  const caller = systemCaller(organisationId);
  const now = ctx.clock.now().toISOString();
  for (const { id } of due) {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await eraseRows(trx, organisationId, id, now);
      await audit(trx, ctx, caller, {
        action: "contact.erase",
        entity: "contact",
        entityId: id,
        after: { reason: `retention: closed more than ${months} months ago` },
      });
    });
  }
  return due.length;
}
