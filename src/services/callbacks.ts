/**
 * Callbacks: a time the person asked to be called again, owned by the setter who agreed it. The
 * setter's queue, marking one done, and the sweeper's reminder a set time before each is due.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { CALLABLE_STATUSES, canWorkCalls } from "../core/appointments/scripts.js";
import { isStatus } from "../core/lifecycle/states.js";
import { fail, ok, type Result } from "../core/result.js";
import { toOrganisation } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import { notify } from "./notify.js";
import { canDispatch } from "./offer-contact.js";
import { audit, type Caller } from "./record.js";

export interface Callback {
  id: string;
  contactId: string;
  contactName: string;
  setterId: string | null;
  setterName: string | null;
  dueAt: string;
  /** The time as agreed, YYYY-MM-DDTHH:MM in timeZone. */
  localTime: string;
  timeZone: string;
  note: string | null;
  overdue: boolean;
  remindedAt: string | null;
  doneAt: string | null;
  createdAt: string;
}

function callbacksWithNames(db: Kysely<Database>, organisationId: string) {
  return db
    .selectFrom("callbacks")
    .innerJoin("contacts", "contacts.id", "callbacks.contact_id")
    .leftJoin("users", "users.id", "callbacks.setter_id")
    .selectAll("callbacks")
    .select([
      "contacts.display_name",
      "contacts.assigned_worker_id",
      "contacts.status as contact_status",
      "users.name as setter_name",
    ])
    .where("callbacks.organisation_id", "=", organisationId)
    .where("contacts.organisation_id", "=", organisationId);
}

type CallbackRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof callbacksWithNames>["executeTakeFirst"]>>
>;

function toCallback(row: CallbackRow, now: string): Callback {
  return {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.display_name,
    setterId: row.setter_id,
    setterName: row.setter_name,
    dueAt: row.due_at,
    localTime: row.local_time,
    timeZone: row.time_zone,
    note: row.note,
    overdue: row.done_at === null && row.due_at < now,
    remindedAt: row.reminded_at,
    doneAt: row.done_at,
    createdAt: row.created_at,
  };
}

/** Inside the caller's transaction: the contact's open callbacks are done (a call settled them). */
export async function closeOpenCallbacks(
  trx: Kysely<Database>,
  ctx: Context,
  organisationId: string,
  contactId: string,
): Promise<void> {
  await trx
    .updateTable("callbacks")
    .set({ done_at: ctx.clock.now().toISOString() })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", contactId)
    .where("done_at", "is", null)
    .execute();
}

/**
 * Inside the caller's transaction, with the contact locked: a new callback for the caller, which
 * replaces the contact's open ones (the latest agreement is the one that holds).
 */
export async function scheduleCallback(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  input: { contactId: string; dueAt: string; localTime: string; timeZone: string; note: string | null },
): Promise<Callback> {
  await closeOpenCallbacks(trx, ctx, caller.organisationId, input.contactId);
  const now = ctx.clock.now().toISOString();
  const id = ctx.newId();
  await trx
    .insertInto("callbacks")
    .values({
      id,
      organisation_id: caller.organisationId,
      contact_id: input.contactId,
      setter_id: caller.userId || null,
      due_at: input.dueAt,
      time_zone: input.timeZone,
      local_time: input.localTime,
      note: input.note,
      created_at: now,
      reminded_at: null,
      done_at: null,
    })
    .execute();
  const row = await callbacksWithNames(trx, caller.organisationId)
    .where("callbacks.id", "=", id)
    .executeTakeFirst();
  if (!row) throw new Error(`callback ${id} was not stored`);
  return toCallback(row, now);
}

/**
 * A queue of open callbacks, soonest first: the caller's own; a dispatcher or admin may ask for one
 * setter's or everyone's. A setter never sees a callback on a contact a worker now holds.
 */
export async function listCallbacks(
  ctx: Context,
  caller: Caller,
  filter: { setterId?: string | undefined; all?: boolean | undefined; limit: number },
): Promise<Result<Callback[]>> {
  if (!canWorkCalls(caller)) return fail("forbidden", `a ${caller.role} has no callbacks`);
  const someoneElse = filter.all || (filter.setterId !== undefined && filter.setterId !== caller.userId);
  if (someoneElse && !canDispatch(caller)) {
    return fail("forbidden", "a setter sees only their own callbacks");
  }
  let query = callbacksWithNames(ctx.db.kysely, caller.organisationId).where("callbacks.done_at", "is", null);
  if (!filter.all) query = query.where("callbacks.setter_id", "=", filter.setterId ?? caller.userId);
  if (!canDispatch(caller)) query = query.where("contacts.assigned_worker_id", "is", null);
  const rows = await query.orderBy("callbacks.due_at").orderBy("callbacks.id").limit(filter.limit).execute();
  const now = ctx.clock.now().toISOString();
  return ok(rows.map((row) => toCallback(row, now)));
}

/** Marks a callback done; doing so twice changes nothing. A setter marks only their own. */
export async function completeCallback(ctx: Context, caller: Caller, id: string): Promise<Result<Callback>> {
  if (!canWorkCalls(caller)) return fail("forbidden", `a ${caller.role} has no callbacks`);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await callbacksWithNames(trx, caller.organisationId)
      .where("callbacks.id", "=", id)
      .executeTakeFirst();
    const mine = row && row.setter_id === caller.userId && row.assigned_worker_id === null;
    if (!row || (!canDispatch(caller) && !mine)) return fail("not_found", `no callback ${id}`);
    const now = ctx.clock.now().toISOString();
    if (row.done_at !== null) return ok(toCallback(row, now));
    await trx.updateTable("callbacks").set({ done_at: now }).where("id", "=", id).execute();
    await audit(trx, ctx, caller, {
      action: "callback.done",
      entity: "callback",
      entityId: id,
      after: { contactId: row.contact_id, dueAt: row.due_at },
    });
    return ok(toCallback({ ...row, done_at: now }, now));
  });
}

/**
 * Inside an erasure's transaction: what calls learnt about the person (answers, time zone, the
 * notes of callbacks) goes with the rest of their personal data.
 */
export async function eraseCallData(
  trx: Kysely<Database>,
  organisationId: string,
  contactId: string,
): Promise<void> {
  await trx
    .updateTable("contacts")
    .set({ script_answers: null, time_zone: null })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", contactId)
    .execute();
  await trx
    .updateTable("callbacks")
    .set({ note: null })
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", contactId)
    .execute();
}

const REMINDERS_PER_ROUND = 200;

/**
 * Reminds each setter of their callbacks due within their organisation's callbackReminderMinutes,
 * once: a callback is claimed by setting reminded_at, so two sweepers never remind it twice. A
 * callback on a contact no longer being qualified (a worker holds it, or it was closed or parked)
 * is claimed without a word: there is no call to make.
 */
export async function remindCallbacks(ctx: Context): Promise<number> {
  let reminded = 0;
  const now = ctx.clock.now();
  const organisations = await ctx.db.kysely.selectFrom("organisations").selectAll().execute();
  for (const organisation of organisations.map(toOrganisation)) {
    const lead = organisation.settings.appointments.callbackReminderMinutes * 60_000;
    const horizon = new Date(now.getTime() + lead).toISOString();
    for (let round = 0; round < 50; round++) {
      const due = await ctx.db.kysely
        .selectFrom("callbacks")
        .select("id")
        .where("organisation_id", "=", organisation.id)
        .where("done_at", "is", null)
        .where("reminded_at", "is", null)
        .where("due_at", "<=", horizon)
        .orderBy("due_at")
        .limit(REMINDERS_PER_ROUND)
        .execute();
      for (const { id } of due) {
        const told = await ctx.db.kysely.transaction().execute(async (trx) => {
          const claimed = await trx
            .updateTable("callbacks")
            .set({ reminded_at: now.toISOString() })
            .where("id", "=", id)
            .where("done_at", "is", null)
            .where("reminded_at", "is", null)
            .executeTakeFirst();
          if (Number(claimed.numUpdatedRows) !== 1) return false;
          const row = await callbacksWithNames(trx, organisation.id)
            .where("callbacks.id", "=", id)
            .executeTakeFirst();
          const callable =
            row && isStatus(row.contact_status) && CALLABLE_STATUSES.includes(row.contact_status);
          if (!row?.setter_id || row.assigned_worker_id !== null || !callable) return false;
          await notify(trx, ctx, {
            organisationId: organisation.id,
            userIds: [row.setter_id],
            kind: "callback_due",
            contactId: row.contact_id,
            data: { dueAt: row.due_at, note: row.note },
          });
          return true;
        });
        if (told) reminded += 1;
      }
      if (due.length < REMINDERS_PER_ROUND) break;
    }
  }
  return reminded;
}
