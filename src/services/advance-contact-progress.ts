/** Moves a contact forward on its organisation's progress path. */

import type { Context } from "../context.js";
import { planProgress } from "../core/lifecycle/progress.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { updateContact } from "../db/contacts.js";
import { loadSettings } from "../db/organisations.js";
import { recordDeed } from "./deadlines.js";
import { lockVisibleContact } from "./load-contact.js";
import { addToTimeline, audit, type Caller } from "./record.js";

export async function advanceContactProgress(
  ctx: Context,
  caller: Caller,
  id: string,
  request: { to: string; note?: string | undefined },
): Promise<Result<Contact>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer cannot change contacts");
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, id);
    if (!loaded.ok) return loaded;
    const before = loaded.value;
    const planned = planProgress(organisation.kind, before.progress, request.to);
    if (!planned.ok) return planned;
    const now = ctx.clock.now().toISOString();
    await updateContact(trx, caller.organisationId, id, {
      progress: request.to,
      updated_at: now,
      last_activity_at: now,
    });
    await addToTimeline(trx, ctx, caller, {
      contactId: id,
      kind: "progress",
      body: request.note ?? null,
      data: { from: before.progress, to: request.to },
    });
    await recordDeed(trx, ctx, organisation, before, {
      kind: "progress",
      to: request.to,
      byAssignedWorker: caller.workerId !== null && caller.workerId === before.assignedWorkerId,
    });
    await audit(trx, ctx, caller, {
      action: "contact.progress",
      entity: "contact",
      entityId: id,
      before: { progress: before.progress },
      after: { progress: request.to },
    });
    return ok({ ...before, progress: request.to, updatedAt: now, lastActivityAt: now });
  });
}
