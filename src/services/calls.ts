/**
 * Records a setter's call and what came of it, in one transaction with the contact locked: the
 * call on the timeline, the answers and the attempt counted on the contact, then the status move
 * the outcome calls for (through applyStatusChange) and the callback agreed.
 */
import type { Context } from "../context.js";
import {
  answerIssues,
  type CallbackRequest,
  type CallOutcome,
  callbackDueAt,
  canWorkCalls,
  mergeAnswers,
  planCall,
  type ScriptAnswers,
} from "../core/appointments/scripts.js";
import type { Contact } from "../core/model.js";
import { type Failure, fail, ok, type Result } from "../core/result.js";
import { updateContact } from "../db/contacts.js";
import { loadSettings } from "../db/organisations.js";
import { type Callback, closeOpenCallbacks, scheduleCallback } from "./callbacks.js";
import { applyStatusChange } from "./change-contact-status.js";
import { lockVisibleContact } from "./load-contact.js";
import { addToTimeline, audit, type Caller } from "./record.js";
import { scriptFor } from "./scripts.js";

export interface CallRequest {
  outcome: CallOutcome;
  answers?: ScriptAnswers | undefined;
  note?: string | undefined;
  reason?: string | undefined;
  callback?: CallbackRequest | undefined;
}

export interface CallRecord {
  activityId: string;
  contact: Contact;
  /** Every answer now saved on the contact. */
  answers: ScriptAnswers;
  callAttempts: number;
  callback: Callback | null;
}

/** A refusal found after the first writes: thrown so the transaction rolls back, then returned. */
class CallRefused extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export async function recordCall(
  ctx: Context,
  caller: Caller,
  contactId: string,
  request: CallRequest,
): Promise<Result<CallRecord>> {
  if (!canWorkCalls(caller)) return fail("forbidden", `a ${caller.role} does not record calls`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const due = request.callback ? callbackDueAt(request.callback, ctx.clock.now()) : null;
  if (due && !due.ok) return due;
  try {
    return await ctx.db.kysely.transaction().execute(async (trx) => {
      const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
      if (!loaded.ok) return loaded;
      const before = loaded.value;
      const planned = planCall(
        before,
        { outcome: request.outcome, reason: request.reason, callback: request.callback !== undefined },
        organisation.settings.reasons,
      );
      if (!planned.ok) return planned;
      const given = request.answers ?? {};
      if (Object.keys(given).length > 0) {
        const script = await scriptFor(trx, caller.organisationId, before.campaign);
        const errors = answerIssues(script?.steps ?? null, given);
        if (errors.length > 0)
          return fail("invalid", "some answers fit no question of the script", { errors });
      }
      const saved = await trx
        .selectFrom("contacts")
        .select(["script_answers", "call_attempts"])
        .where("organisation_id", "=", caller.organisationId)
        .where("id", "=", contactId)
        .executeTakeFirstOrThrow();
      const answers = mergeAnswers(saved.script_answers ? JSON.parse(saved.script_answers) : {}, given);
      const callAttempts = saved.call_attempts + 1;
      const now = ctx.clock.now().toISOString();
      const callback = request.callback && due?.ok ? { ...request.callback, dueAt: due.value } : null;

      const activityId = await addToTimeline(trx, ctx, caller, {
        contactId,
        kind: "call",
        body: request.note ?? null,
        data: {
          outcome: request.outcome,
          answers: given,
          ...(request.reason ? { reason: request.reason } : {}),
          ...(callback
            ? { callback: { dueAt: callback.dueAt, at: callback.at, timeZone: callback.timeZone } }
            : {}),
        },
      });
      await updateContact(trx, caller.organisationId, contactId, {
        script_answers: JSON.stringify(answers),
        call_attempts: callAttempts,
        // The zone a callback was agreed in is the person's own, as far as anyone knows.
        ...(callback ? { time_zone: callback.timeZone } : {}),
        last_activity_at: now,
        updated_at: now,
      });
      let contact: Contact = { ...before, lastActivityAt: now, updatedAt: now };
      const { move, closeCallbacks } = planned.value;
      if (move) {
        const applied = await applyStatusChange(trx, ctx, caller, {
          organisation,
          before: contact,
          request: { to: move.to, reason: move.reason },
          mode: "manual",
        });
        if (!applied.ok) throw new CallRefused(applied.error);
        contact = applied.value.contact;
      }
      if (closeCallbacks) await closeOpenCallbacks(trx, ctx, caller.organisationId, contactId);
      const scheduled = callback
        ? await scheduleCallback(trx, ctx, caller, {
            contactId,
            dueAt: callback.dueAt,
            localTime: callback.at,
            timeZone: callback.timeZone,
            note: callback.note ?? null,
          })
        : null;
      await audit(trx, ctx, caller, {
        action: "contact.call",
        entity: "contact",
        entityId: contactId,
        after: {
          activityId,
          outcome: request.outcome,
          answers: given,
          reason: request.reason ?? null,
          callbackId: scheduled?.id ?? null,
        },
      });
      return ok({ activityId, contact, answers, callAttempts, callback: scheduled });
    });
  } catch (error) {
    if (error instanceof CallRefused) return { ok: false, error: error.failure };
    throw error;
  }
}
