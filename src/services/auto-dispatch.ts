/**
 * Automatic dispatch on arrival: the best worker for a new contact is offered it at once; a
 * contact no worker can serve becomes unassignable with the reason, and one whose workers are
 * all full stays ready for the next batch or a dispatcher.
 */
import type { Context } from "../context.js";
import { unassignableRule } from "../core/dispatch/suggest.js";
import type { Contact, Organisation } from "../core/model.js";
import { ok, type Result } from "../core/result.js";
import { insertDecision } from "../db/dispatch.js";
import { applyStatusChange } from "./change-contact-status.js";
import { unassignableReason } from "./dispatch-run.js";
import { lockVisibleContact } from "./load-contact.js";
import { offerContact } from "./offer-contact.js";
import type { Caller } from "./record.js";
import { suggestionsFor } from "./suggest-workers.js";

/** The system acting as a dispatcher: audit entries show no user, and the decision says "auto". */
export function dispatcherSystem(organisationId: string): Caller {
  return { userId: "", organisationId, role: "dispatcher", workerId: null, ip: null };
}

export async function autoDispatch(
  ctx: Context,
  organisation: Organisation,
  contact: Contact,
): Promise<Result<Contact>> {
  const caller = dispatcherSystem(organisation.id);
  const [suggested] = await suggestionsFor(ctx, { db: ctx.db.kysely, organisation, contacts: [contact] });
  if (!suggested) return ok(contact);
  // Try the best first; if a race filled them meanwhile, the next.
  for (const worker of suggested.suggestions.ranked.slice(0, 3)) {
    const offered = await offerContact(ctx, caller, contact.id, {
      workerId: worker.workerId,
      mode: "auto",
      // Someone who reached out themselves is most ready to be met: their worker hears at once.
      urgent: contact.inbound,
    });
    if (offered.ok) return ok(offered.value.contact);
  }
  const excluded = suggested.suggestions.excluded;
  if (suggested.suggestions.ranked.length > 0 || excluded.some((e) => e.rule === "capacity"))
    return ok(contact);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contact.id);
    if (!loaded.ok) return loaded;
    let current = loaded.value;
    for (const request of [
      { to: "ready" },
      { to: "unassignable", reason: unassignableReason(organisation, unassignableRule(excluded)) },
    ]) {
      if (current.status === request.to) continue;
      const changed = await applyStatusChange(trx, ctx, caller, {
        organisation,
        before: current,
        request,
        mode: "auto",
      });
      if (!changed.ok) return changed;
      current = changed.value.contact;
    }
    await insertDecision(trx, {
      id: ctx.newId(),
      organisation_id: organisation.id,
      contact_id: contact.id,
      worker_id: null,
      mode: "auto",
      outcome: "unassignable",
      trace: JSON.stringify({ mode: "auto", reason: "no_eligible_worker", rule: unassignableRule(excluded) }),
      run_id: null,
      actor_user_id: null,
      created_at: ctx.clock.now().toISOString(),
    });
    return ok(current);
  });
}
