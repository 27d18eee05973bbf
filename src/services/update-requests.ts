/**
 * Update requests: a dispatcher asks the worker holding a contact how it is going; the worker is
 * told, the request is a deadline like any other (reminded, escalated when late), and answering
 * it closes it, counts as an update, and tells whoever asked.
 */
import type { Context } from "../context.js";
import { fail, ok, type Result } from "../core/result.js";
import { closeDeadline, insertDeadline, openDeadlinesOf } from "../db/deadlines.js";
import { loadSettings } from "../db/organisations.js";
import { recordDeed } from "./deadlines.js";
import { lockVisibleContact } from "./load-contact.js";
import { notify, workerUserId } from "./notify.js";
import { canDispatch } from "./offer-contact.js";
import { addToTimeline, audit, type Caller } from "./record.js";

export interface UpdateRequest {
  id: string;
  contactId: string;
  workerId: string;
  dueAt: string;
  note: string | null;
}

const HELD = new Set(["offered", "active", "paused"]);

export async function requestUpdate(
  ctx: Context,
  caller: Caller,
  contactId: string,
  input: { note?: string | undefined; dueHours?: number | undefined },
): Promise<Result<UpdateRequest>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not ask workers for updates`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
    if (!loaded.ok) return loaded;
    const contact = loaded.value;
    if (!contact.assignedWorkerId || !HELD.has(contact.status)) {
      return fail<UpdateRequest>("conflict", "no worker holds this contact, so there is no one to ask");
    }
    const now = ctx.clock.now();
    const hours = input.dueHours ?? organisation.settings.accountability.updateRequestHours;
    const request: UpdateRequest = {
      id: ctx.newId(),
      contactId,
      workerId: contact.assignedWorkerId,
      dueAt: new Date(now.getTime() + hours * 3_600_000).toISOString(),
      note: input.note ?? null,
    };
    await insertDeadline(trx, {
      id: request.id,
      organisation_id: caller.organisationId,
      contact_id: contactId,
      worker_id: request.workerId,
      kind: "update_request",
      due_at: request.dueAt,
      next_at: request.dueAt,
      requested_by: caller.userId || null,
      note: request.note,
      created_at: now.toISOString(),
      closed_at: null,
      outcome: null,
      answer: null,
    });
    await addToTimeline(trx, ctx, caller, {
      contactId,
      kind: "update_request",
      body: request.note,
      data: { requestId: request.id, workerId: request.workerId, dueAt: request.dueAt },
    });
    const requester = caller.userId
      ? await trx.selectFrom("users").select("name").where("id", "=", caller.userId).executeTakeFirst()
      : undefined;
    await notify(trx, ctx, {
      organisationId: caller.organisationId,
      userIds: [await workerUserId(trx, caller.organisationId, request.workerId)],
      kind: "update_requested",
      contactId,
      deadlineId: request.id,
      data: { dueAt: request.dueAt, note: request.note, requesterName: requester?.name ?? null },
    });
    await audit(trx, ctx, caller, {
      action: "contact.update_request",
      entity: "contact",
      entityId: contactId,
      after: request,
    });
    return ok(request);
  });
}

/**
 * The worker who holds the contact answers one open update request, or all of them at once; an
 * admin may answer on their behalf.
 */
export async function answerUpdate(
  ctx: Context,
  caller: Caller,
  contactId: string,
  input: { answer: string; requestId?: string | undefined },
): Promise<Result<{ answered: string[]; answeredAt: string }>> {
  type Answered = { answered: string[]; answeredAt: string };
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, contactId);
    if (!loaded.ok) return loaded;
    const contact = loaded.value;
    const ownWorker = caller.workerId !== null && caller.workerId === contact.assignedWorkerId;
    if (!ownWorker && caller.role !== "admin") {
      return fail<Answered>("forbidden", "only the worker holding the contact answers its update requests");
    }
    const open = (await openDeadlinesOf(trx, caller.organisationId, contactId)).filter(
      (d) => d.kind === "update_request" && (!input.requestId || d.id === input.requestId),
    );
    if (open.length === 0) {
      return fail<Answered>(
        "conflict",
        input.requestId
          ? `update request ${input.requestId} is not open on this contact`
          : "no update request is open on this contact",
      );
    }
    const now = ctx.clock.now().toISOString();
    const requesters = await trx
      .selectFrom("deadlines")
      .select(["id", "requested_by"])
      .where(
        "id",
        "in",
        open.map((d) => d.id),
      )
      .execute();
    for (const request of open)
      await closeDeadline(trx, request.id, { outcome: "met", at: now, answer: input.answer });
    const answered = open.map((d) => d.id);
    await addToTimeline(trx, ctx, caller, {
      contactId,
      kind: "update",
      body: input.answer,
      data: { requestIds: answered },
    });
    await trx
      .updateTable("contacts")
      .set({ last_activity_at: now, updated_at: now })
      .where("id", "=", contactId)
      .execute();
    await recordDeed(trx, ctx, organisation, contact, { kind: "update_answer", byAssignedWorker: true });
    await notify(trx, ctx, {
      organisationId: caller.organisationId,
      userIds: requesters.map((r) => r.requested_by),
      kind: "update_answered",
      contactId,
      data: { answer: input.answer, workerName: contact.assignedWorkerName },
    });
    await audit(trx, ctx, caller, {
      action: "contact.update_answer",
      entity: "contact",
      entityId: contactId,
      after: { requestIds: answered, answer: input.answer },
    });
    return ok({ answered, answeredAt: now });
  });
}
