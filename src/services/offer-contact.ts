/**
 * Dispatch one contact to one worker: the contact becomes offered to them, and the decision keeps
 * its why (the rules passed, the score terms, the runner-up) for the dispatcher and the auditor.
 */
import type { Context } from "../context.js";
import { allowedStatuses } from "../core/lifecycle/states.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { insertDecision } from "../db/dispatch.js";
import { loadSettings } from "../db/organisations.js";
import { applyStatusChange } from "./change-contact-status.js";
import { lockVisibleContact } from "./load-contact.js";
import type { OfferMode } from "./offer-check.js";
import { audit, type Caller } from "./record.js";
import { suggestionsFor } from "./suggest-workers.js";

export interface OfferRequest {
  workerId: string;
  mode: OfferMode;
  runId?: string | null;
  note?: string | null;
  /** Tell the worker at once, even in their quiet hours. */
  urgent?: boolean | undefined;
}

export interface DecisionTrace {
  mode: OfferMode;
  rulesPassed: string[];
  overridden: string | null;
  score: {
    distanceKm: number;
    assignTerm: number;
    distanceTerm: number;
    trustTerm: number;
    loadTerm: number;
    marginal: number;
  };
  runnerUp: { workerId: string; name: string; marginal: number; distanceKm: number } | null;
}

export function canDispatch(caller: Caller): boolean {
  return caller.role === "admin" || caller.role === "dispatcher";
}

export async function offerContact(
  ctx: Context,
  caller: Caller,
  contactId: string,
  request: OfferRequest,
): Promise<Result<{ contact: Contact; trace: DecisionTrace }>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not dispatch`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
    if (!loaded.ok) return loaded;
    let contact = loaded.value;
    // One click from the queue: a new or qualifying contact is made ready, then offered.
    if (
      contact.status !== "ready" &&
      allowedStatuses(contact).includes("ready") &&
      contact.assignedWorkerId === null
    ) {
      const readied = await applyStatusChange(trx, ctx, caller, {
        organisation,
        before: contact,
        request: { to: "ready" },
        mode: request.mode,
      });
      if (!readied.ok) return readied;
      contact = readied.value.contact;
    }
    const offered = await applyStatusChange(trx, ctx, caller, {
      organisation,
      before: contact,
      request: { to: "offered", workerId: request.workerId, note: request.note ?? null },
      mode: request.mode,
      urgent: request.urgent ?? false,
    });
    if (!offered.ok) return offered;
    const check = offered.value.offer;
    if (!check) return fail("conflict", "the contact was not offered");
    const [others] = await suggestionsFor(ctx, { db: trx, organisation, contacts: [contact] });
    const runner = others?.suggestions.ranked.find((r) => r.workerId !== request.workerId) ?? null;
    const trace: DecisionTrace = {
      mode: request.mode,
      rulesPassed: ["status", "capacity", "language", "gender", "distance", "declined"].filter(
        (r) => r !== check.overridden,
      ),
      overridden: check.overridden,
      score: {
        distanceKm: check.rank.distanceKm,
        assignTerm: check.rank.assignTerm,
        distanceTerm: check.rank.distanceTerm,
        trustTerm: check.rank.trustTerm,
        loadTerm: check.rank.loadTerm,
        marginal: check.rank.marginal,
      },
      runnerUp: runner
        ? {
            workerId: runner.workerId,
            name: runner.name,
            marginal: runner.marginal,
            distanceKm: runner.distanceKm,
          }
        : null,
    };
    const decisionId = ctx.newId();
    await insertDecision(trx, {
      id: decisionId,
      organisation_id: caller.organisationId,
      contact_id: contactId,
      worker_id: request.workerId,
      mode: request.mode,
      outcome: "offered",
      trace: JSON.stringify(trace),
      run_id: request.runId ?? null,
      actor_user_id: caller.userId || null,
      created_at: ctx.clock.now().toISOString(),
    });
    await audit(trx, ctx, caller, {
      action: "dispatch.offer",
      entity: "contact",
      entityId: contactId,
      after: { decisionId, workerId: request.workerId, mode: request.mode },
    });
    return ok({ contact: offered.value.contact, trace });
  });
}
