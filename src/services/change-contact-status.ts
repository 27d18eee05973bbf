/** Moves a contact to another status, within the lifecycle rules and the caller's role. */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { canChangeStatus } from "../core/access/roles.js";
import { planStatusChange, type Status, type StatusChangeRequest } from "../core/lifecycle/states.js";
import type { Contact, Organisation } from "../core/model.js";
import { ok, type Result } from "../core/result.js";
import { contactEventData, type WebhookEvent } from "../core/webhooks.js";
import { updateContact } from "../db/contacts.js";
import { recordDecline } from "../db/dispatch.js";
import { withdrawNotifications } from "../db/notifications.js";
import { loadSettings } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import { recordStageChange } from "../db/stage-changes.js";
import { syncDeadlines } from "./deadlines.js";
import { lockVisibleContact } from "./load-contact.js";
import { dispatcherUserIds, notify, workerUserId } from "./notify.js";
import { checkOffer, type OfferCheck, type OfferMode } from "./offer-check.js";
import { addToTimeline, audit, type Caller } from "./record.js";
import { enqueueEvent } from "./webhooks.js";

/**
 * The status changes integrations hear about. Every way a contact is handed to a worker (a manual
 * offer, auto-dispatch, an applied batch) and every disqualification passes through
 * applyStatusChange, so the events are raised here and nowhere else.
 */
const STATUS_EVENTS: Partial<Record<Status, WebhookEvent>> = {
  offered: "contact.assigned",
  nurture: "contact.disqualified",
};

const NO_FACT_COLUMNS = {
  accepted_at: null,
  first_attempt_at: null,
  first_meeting_at: null,
  last_update_at: null,
};

/**
 * Who hears of a status change: a worker of a new offer; a worker who loses a contact stops seeing
 * the notifications about it; the dispatchers of a worker's decline.
 */
async function notifyStatusChange(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  change: {
    organisation: Organisation;
    before: Contact;
    after: Contact;
    note: string | null;
    urgent: boolean;
  },
): Promise<void> {
  const { organisation, before, after } = change;
  const organisationId = organisation.id;
  if (before.assignedWorkerId && before.assignedWorkerId !== after.assignedWorkerId) {
    const previous = await workerUserId(trx, organisationId, before.assignedWorkerId);
    if (previous) await withdrawNotifications(trx, before.id, previous, ctx.clock.now().toISOString());
  }
  if (after.status === "offered" && after.assignedWorkerId && after.assignedAt) {
    const hours = organisation.settings.accountability.acceptHours;
    await notify(trx, ctx, {
      organisationId,
      userIds: [await workerUserId(trx, organisationId, after.assignedWorkerId)],
      kind: "offer_new",
      contactId: after.id,
      urgent: change.urgent,
      data: { dueAt: new Date(Date.parse(after.assignedAt) + hours * 3_600_000).toISOString() },
    });
  }
  const declined = before.status === "offered" && after.status === "ready";
  if (declined && caller.workerId !== null && caller.workerId === before.assignedWorkerId) {
    await notify(trx, ctx, {
      organisationId,
      userIds: await dispatcherUserIds(trx, organisationId),
      kind: "offer_declined",
      contactId: after.id,
      data: { workerName: before.assignedWorkerName, reason: change.note },
    });
  }
}

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
    const applied = await applyStatusChange(trx, ctx, caller, {
      organisation,
      before: loaded.value,
      request,
      mode: "manual",
    });
    return applied.ok ? ok(applied.value.contact) : applied;
  });
}

/**
 * Inside the caller's transaction, with the contact already locked: plans the change, checks an
 * offer against the worker's availability and room, writes the contact, its timeline and the audit.
 */
export async function applyStatusChange(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  input: {
    organisation: Organisation;
    before: Contact;
    request: StatusChangeRequest;
    mode: OfferMode;
    /** An offer the worker should hear about at once, even in their quiet hours. */
    urgent?: boolean;
  },
): Promise<Result<{ contact: Contact; offer: OfferCheck | null }>> {
  const { organisation, before, request } = input;
  const mayMove = (from: Status, to: Status) => canChangeStatus(caller, from, to);
  const planned = planStatusChange(before, request, organisation.settings.reasons, mayMove);
  if (!planned.ok) return planned;
  const change = planned.value;
  let workerName = change.assignedWorkerId === before.assignedWorkerId ? before.assignedWorkerName : null;
  let offer: OfferCheck | null = null;
  if (change.status === "offered" && change.assignedWorkerId) {
    const checked = await checkOffer(trx, ctx, {
      organisationId: caller.organisationId,
      settings: organisation.settings,
      contact: before,
      workerId: change.assignedWorkerId,
      mode: input.mode,
    });
    if (!checked.ok) return checked;
    offer = checked.value;
    workerName = offer.workerName;
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
  await updateContact(trx, caller.organisationId, before.id, {
    status: after.status,
    status_reason: after.statusReason,
    assigned_worker_id: after.assignedWorkerId,
    assigned_at: after.assignedAt,
    status_changed_at: now,
    updated_at: now,
    last_activity_at: now,
    // The deadline clocks start again with each worker, and run from their acceptance.
    ...(workerChanged ? NO_FACT_COLUMNS : {}),
    ...(before.status === "offered" && change.status === "active" ? { accepted_at: now } : {}),
  });
  if (change.status !== before.status || workerChanged) {
    // Time in each stage is measured from these rows (the reports' "stages").
    await recordStageChange(trx, {
      id: ctx.newId(),
      organisation_id: caller.organisationId,
      contact_id: before.id,
      status: after.status,
      worker_id: after.assignedWorkerId,
      entered_at: now,
    });
  }
  await syncDeadlines(trx, ctx, organisation, before.id);
  await notifyStatusChange(trx, ctx, caller, {
    organisation,
    before,
    after,
    note: request.note ?? null,
    urgent: input.urgent ?? false,
  });
  const event = change.status !== before.status ? STATUS_EVENTS[change.status] : undefined;
  if (event) await enqueueEvent(trx, ctx, caller.organisationId, event, contactEventData(after));
  const data = {
    from: change.from,
    to: change.status,
    reason: change.statusReason,
    workerId: after.assignedWorkerId,
    previousWorkerId: before.assignedWorkerId,
  };
  if (before.status === "offered" && change.status === "ready" && before.assignedWorkerId) {
    // A declined offer: that worker is never offered this contact again.
    await recordDecline(trx, {
      organisation_id: caller.organisationId,
      contact_id: before.id,
      worker_id: before.assignedWorkerId,
      reason: request.note ?? null,
      created_at: now,
    });
  }
  await addToTimeline(trx, ctx, caller, {
    contactId: before.id,
    kind: "status",
    body: request.note ?? null,
    data,
  });
  const fields = (c: Contact) => ({
    status: c.status,
    statusReason: c.statusReason,
    assignedWorkerId: c.assignedWorkerId,
  });
  await audit(trx, ctx, caller, {
    action: "contact.status",
    entity: "contact",
    entityId: before.id,
    before: fields(before),
    after: fields(after),
  });
  return ok({ contact: after, offer });
}
