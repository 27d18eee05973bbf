/** Adds a comment, a call attempt or a meeting to a contact's timeline. */

import type { Context } from "../context.js";
import type { Activity } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { listActivities } from "../db/activities.js";
import { updateContact } from "../db/contacts.js";
import { loadSettings } from "../db/organisations.js";
import { recordDeed } from "./deadlines.js";
import { lockVisibleContact } from "./load-contact.js";
import { addToTimeline, audit, type Caller } from "./record.js";

export async function logActivity(
  ctx: Context,
  caller: Caller,
  contactId: string,
  entry: { kind: "comment" | "call" | "meeting"; body: string; data?: Record<string, unknown> | undefined },
): Promise<Result<Activity>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer cannot change contacts");
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
    if (!loaded.ok) return loaded;
    const now = ctx.clock.now().toISOString();
    const id = await addToTimeline(trx, ctx, caller, { contactId, ...entry });
    await updateContact(trx, caller.organisationId, contactId, { last_activity_at: now });
    await recordDeed(trx, ctx, organisation, loaded.value, {
      kind: entry.kind,
      byAssignedWorker: caller.workerId !== null && caller.workerId === loaded.value.assignedWorkerId,
    });
    await audit(trx, ctx, caller, {
      action: `contact.${entry.kind}`,
      entity: "contact",
      entityId: contactId,
      after: { activityId: id, kind: entry.kind, body: entry.body },
    });
    const [activity] = await listActivities(trx, caller.organisationId, contactId, { limit: 1 });
    return activity ? ok(activity) : fail("not_found", "the activity was not stored");
  });
}
