/** Call scripts per campaign and the objection library: read by setters, written by dispatchers and admins. */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import {
  canEditScripts,
  canReadScripts,
  type ObjectionInput,
  objectionSearchText,
  type ScriptAnswers,
  type ScriptInput,
  type ScriptStep,
  searchWords,
} from "../core/appointments/scripts.js";
import { fail, ok, type Result } from "../core/result.js";
import { escapeLike, like } from "../db/dialect.js";
import type { Database } from "../db/schema.js";
import { readContact } from "./load-contact.js";
import { audit, type Caller, diff } from "./record.js";

export interface Script {
  /** "" for the organisation's default script. */
  campaign: string;
  name: string;
  steps: ScriptStep[];
  createdAt: string;
  updatedAt: string;
}

export interface Objection {
  id: string;
  objection: string;
  answers: string[];
  createdAt: string;
  updatedAt: string;
}

const refusedToRead = (caller: Caller) =>
  fail<never>("forbidden", `a ${caller.role} does not work from scripts`);
const refusedToEdit = (caller: Caller) =>
  fail<never>("forbidden", `a ${caller.role} cannot change scripts or objections`);
const nameOf = (campaign: string) => (campaign === "" ? "the default script" : `the script of "${campaign}"`);

function toScript(row: {
  campaign: string;
  name: string;
  steps: string;
  created_at: string;
  updated_at: string;
}): Script {
  return {
    campaign: row.campaign,
    name: row.name,
    steps: JSON.parse(row.steps),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function findScript(db: Kysely<Database>, organisationId: string, campaign: string) {
  return db
    .selectFrom("scripts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("campaign", "=", campaign)
    .executeTakeFirst();
}

/** The script a contact of this campaign is called with: the campaign's own, else the default. */
export async function scriptFor(
  db: Kysely<Database>,
  organisationId: string,
  campaign: string | null,
): Promise<Script | null> {
  const rows = await db
    .selectFrom("scripts")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("campaign", "in", campaign ? [campaign, ""] : [""])
    .execute();
  const row = rows.find((r) => r.campaign !== "") ?? rows[0];
  return row ? toScript(row) : null;
}

export async function listScripts(ctx: Context, caller: Caller): Promise<Result<Script[]>> {
  if (!canReadScripts(caller)) return refusedToRead(caller);
  const rows = await ctx.db.kysely
    .selectFrom("scripts")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId)
    .orderBy("campaign")
    .execute();
  return ok(rows.map(toScript));
}

/** Creates or replaces the script of a campaign ("" = the default). */
export async function saveScript(
  ctx: Context,
  caller: Caller,
  campaign: string,
  input: ScriptInput,
): Promise<Result<Script>> {
  if (!canEditScripts(caller)) return refusedToEdit(caller);
  const now = ctx.clock.now().toISOString();
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const before = await findScript(trx, caller.organisationId, campaign);
    const steps = JSON.stringify(input.steps);
    // An upsert: two editors saving the same campaign at once both succeed, the later one wins.
    await trx
      .insertInto("scripts")
      .values({
        id: ctx.newId(),
        organisation_id: caller.organisationId,
        campaign,
        name: input.name,
        steps,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(["organisation_id", "campaign"]).doUpdateSet({ name: input.name, steps, updated_at: now }),
      )
      .execute();
    const saved = await findScript(trx, caller.organisationId, campaign);
    if (!saved) throw new Error(`the script of "${campaign}" was not stored`);
    const script = toScript(saved);
    await audit(trx, ctx, caller, {
      action: before ? "script.update" : "script.create",
      entity: "script",
      entityId: saved.id,
      before: before ? { name: before.name, steps: JSON.parse(before.steps) } : undefined,
      after: { campaign, name: script.name, steps: script.steps },
    });
    return ok(script);
  });
}

export async function deleteScript(ctx: Context, caller: Caller, campaign: string): Promise<Result<null>> {
  if (!canEditScripts(caller)) return refusedToEdit(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findScript(trx, caller.organisationId, campaign);
    if (!row) return fail("not_found", `there is no ${nameOf(campaign)}`);
    await trx.deleteFrom("scripts").where("id", "=", row.id).execute();
    await audit(trx, ctx, caller, {
      action: "script.delete",
      entity: "script",
      entityId: row.id,
      before: toScript(row),
    });
    return ok(null);
  });
}

export interface ContactScript {
  contactId: string;
  campaign: string | null;
  /** The campaign's script, else the default; null when the organisation has neither. */
  script: Script | null;
  answers: ScriptAnswers;
  callAttempts: number;
  timeZone: string | null;
}

/** What the setter's call screen needs: the script for this contact and what is already known. */
export async function contactScript(
  ctx: Context,
  caller: Caller,
  contactId: string,
): Promise<Result<ContactScript>> {
  if (!canReadScripts(caller)) return refusedToRead(caller);
  const found = await readContact(ctx.db.kysely, caller, contactId);
  if (!found.ok) return found;
  const row = await ctx.db.kysely
    .selectFrom("contacts")
    .select(["script_answers", "call_attempts", "time_zone"])
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", contactId)
    .executeTakeFirstOrThrow();
  return ok({
    contactId,
    campaign: found.value.campaign,
    script: await scriptFor(ctx.db.kysely, caller.organisationId, found.value.campaign),
    answers: row.script_answers ? JSON.parse(row.script_answers) : {},
    callAttempts: row.call_attempts,
    timeZone: row.time_zone,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Objections

function toObjection(row: {
  id: string;
  objection: string;
  answers: string;
  created_at: string;
  updated_at: string;
}): Objection {
  return {
    id: row.id,
    objection: row.objection,
    answers: JSON.parse(row.answers),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function findObjection(db: Kysely<Database>, organisationId: string, id: string) {
  return db
    .selectFrom("objections")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The library, or the objections where every word of `q` appears (ignoring case and accents). */
export async function listObjections(
  ctx: Context,
  caller: Caller,
  filter: { q?: string | undefined; limit: number },
): Promise<Result<Objection[]>> {
  if (!canReadScripts(caller)) return refusedToRead(caller);
  let query = ctx.db.kysely
    .selectFrom("objections")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId);
  for (const word of searchWords(filter.q ?? "")) {
    query = query.where(like("search_text", `%${escapeLike(word)}%`));
  }
  const rows = await query.orderBy("objection").orderBy("id").limit(filter.limit).execute();
  return ok(rows.map(toObjection));
}

export async function createObjection(
  ctx: Context,
  caller: Caller,
  input: ObjectionInput,
): Promise<Result<Objection>> {
  if (!canEditScripts(caller)) return refusedToEdit(caller);
  const now = ctx.clock.now().toISOString();
  const row = {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    objection: input.objection,
    answers: JSON.stringify(input.answers),
    search_text: objectionSearchText(input),
    created_at: now,
    updated_at: now,
  };
  const objection = toObjection(row);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto("objections").values(row).execute();
    await audit(trx, ctx, caller, {
      action: "objection.create",
      entity: "objection",
      entityId: row.id,
      after: objection,
    });
  });
  return ok(objection);
}

export async function editObjection(
  ctx: Context,
  caller: Caller,
  id: string,
  patch: Partial<ObjectionInput>,
): Promise<Result<Objection>> {
  if (!canEditScripts(caller)) return refusedToEdit(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findObjection(trx, caller.organisationId, id);
    if (!row) return fail("not_found", `no objection ${id}`);
    const before = toObjection(row);
    const now = ctx.clock.now().toISOString();
    const next: Objection = {
      ...before,
      objection: patch.objection ?? before.objection,
      answers: patch.answers ?? before.answers,
      updatedAt: now,
    };
    await trx
      .updateTable("objections")
      .set({
        objection: next.objection,
        answers: JSON.stringify(next.answers),
        search_text: objectionSearchText(next),
        updated_at: now,
      })
      .where("organisation_id", "=", caller.organisationId)
      .where("id", "=", id)
      .execute();
    const changed = diff(
      { objection: before.objection, answers: before.answers },
      { objection: next.objection, answers: next.answers },
    );
    await audit(trx, ctx, caller, {
      action: "objection.update",
      entity: "objection",
      entityId: id,
      ...changed,
    });
    return ok(next);
  });
}

export async function deleteObjection(ctx: Context, caller: Caller, id: string): Promise<Result<null>> {
  if (!canEditScripts(caller)) return refusedToEdit(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findObjection(trx, caller.organisationId, id);
    if (!row) return fail("not_found", `no objection ${id}`);
    await trx.deleteFrom("objections").where("id", "=", id).execute();
    await audit(trx, ctx, caller, {
      action: "objection.delete",
      entity: "objection",
      entityId: id,
      before: toObjection(row),
    });
    return ok(null);
  });
}
