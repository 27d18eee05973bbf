/** Moves a contact to another status, within the lifecycle rules and the caller's role. */
import type { Context } from "../context.js";
import { canChangeStatus } from "../core/access/roles.js";
import { planStatusChange, type Status, type StatusChangeRequest } from "../core/lifecycle/states.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { updateContact } from "../db/contacts.js";
import { loadSettings } from "../db/organisations.js";
import { lockVisibleContact } from "./load-contact.js";
import { addToTimeline, audit, type Caller } from "./record.js";

export async function changeContactStatus(
  ctx: Context,
  caller: Caller,
  id: string,
  request: StatusChangeRequest,
): Promise<Result<Contact>> {
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, id);
    if (!loaded.ok) return loaded;
    const before = loaded.value;
    const mayMove = (from: Status, to: Status) => canChangeStatus(caller, from, to);
    const planned = planStatusChange(before, request, organisation.settings.reasons, mayMove);
    if (!planned.ok) return planned;
    const change = planned.value;
    let workerName = change.assignedWorkerId === before.assignedWorkerId ? before.assignedWorkerName : null;
    if (change.status === "offered" && change.assignedWorkerId) {
      const worker = await trx
        .selectFrom("workers")
        .select(["id", "name"])
        .where("organisation_id", "=", caller.organisationId)
        .where("id", "=", change.assignedWorkerId)
        .executeTakeFirst();
      if (!worker) {
        return fail("not_found", `no worker ${change.assignedWorkerId}`, {
          errors: [{ path: "workerId", message: "no such worker in this organisation" }],
        });
      }
      workerName = worker.name;
    }
    const now = ctx.clock.now().toISOString();
    const workerChanged = change.assignedWorkerId !== before.assignedWorkerId;
    const after: Contact = {
      ...before,
      status: change.status,
      statusReason: change.statusReason,
      assignedWorkerId: change.assignedWorkerId,
      assignedWorkerName: workerName,
      assignedAt: workerChanged ? (change.assignedWorkerId ? now : null) : before.assignedAt,
      statusChangedAt: now,
      updatedAt: now,
      lastActivityAt: now,
    };
    await updateContact(trx, caller.organisationId, id, {
      status: after.status,
      status_reason: after.statusReason,
      assigned_worker_id: after.assignedWorkerId,
      assigned_at: after.assignedAt,
      status_changed_at: now,
      updated_at: now,
      last_activity_at: now,
    });
    const data = {
      from: change.from,
      to: change.status,
      reason: change.statusReason,
      workerId: after.assignedWorkerId,
      previousWorkerId: before.assignedWorkerId,
    };
    await addToTimeline(trx, ctx, caller, {
      contactId: id,
      kind: "status",
      body: request.note ?? null,
      data,
    });
    await audit(trx, ctx, caller, {
      action: "contact.status",
      entity: "contact",
      entityId: id,
      before: {
        status: before.status,
        statusReason: before.statusReason,
        assignedWorkerId: before.assignedWorkerId,
      },
      after: {
        status: after.status,
        statusReason: after.statusReason,
        assignedWorkerId: after.assignedWorkerId,
      },
    });
    return ok(after);
  });
}
