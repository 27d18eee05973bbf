/**
 * Climbs the escalation ladder of every deadline that is due: reminds the worker, tells the
 * dispatchers, lets an unanswered offer lapse, takes an overdue contact back. Each deadline in its
 * own transaction, with its contact locked first (the order every change of a contact takes), so
 * two sweepers never climb the same rung twice.
 */
import type { Context } from "../context.js";
import { type DeadlineKind, escalate } from "../core/accountability/deadlines.js";
import type { Organisation } from "../core/model.js";
import { findContact, lockContact, toContact } from "../db/contacts.js";
import { closeDeadline } from "../db/deadlines.js";
import { recordDecline } from "../db/dispatch.js";
import { loadSettings } from "../db/organisations.js";
import { autoDispatch, dispatcherSystem } from "./auto-dispatch.js";
import { applyStatusChange } from "./change-contact-status.js";
import { dispatcherUserIds, notify, workerUserId } from "./notify.js";
import { audit } from "./record.js";

export interface EscalationReport {
  reminded: number;
  escalated: number;
  expired: number;
  takenBack: number;
  /** Due deadlines looked at; fewer than the limit means none are left. */
  seen: number;
}

/** Acts on up to `limit` due deadlines; call again while it reports work done. */
export async function escalateDue(ctx: Context, limit = 200): Promise<EscalationReport> {
  const report: EscalationReport = { reminded: 0, escalated: 0, expired: 0, takenBack: 0, seen: 0 };
  const now = ctx.clock.now().toISOString();
  const due = await ctx.db.kysely
    .selectFrom("deadlines")
    .select(["id", "organisation_id", "contact_id"])
    .where("next_at", "<=", now)
    .where("closed_at", "is", null)
    .orderBy("next_at")
    .limit(limit)
    .execute();
  report.seen = due.length;
  const redispatch: Array<{ organisation: Organisation; contactId: string }> = [];
  const organisations = new Map<string, Organisation>();
  for (const item of due) {
    let organisation = organisations.get(item.organisation_id);
    if (!organisation) {
      organisation = await loadSettings(ctx.db.kysely, item.organisation_id);
      organisations.set(item.organisation_id, organisation);
    }
    const acted = await ctx.db.kysely.transaction().execute(async (trx) => {
      const locked = await lockContact(trx, ctx.db.dialect, item.organisation_id, item.contact_id);
      const deadline = await trx
        .selectFrom("deadlines")
        .selectAll()
        .where("id", "=", item.id)
        .where("next_at", "<=", now)
        .where("closed_at", "is", null)
        .executeTakeFirst();
      if (!locked || !deadline) return null;
      const contact = toContact(locked);
      const step = escalate(
        { kind: deadline.kind as DeadlineKind, dueAt: deadline.due_at, level: deadline.level },
        organisation.settings.accountability,
        now,
      );
      const notice = {
        organisationId: organisation.id,
        contactId: contact.id,
        deadlineId: deadline.id,
        data: {
          dueAt: deadline.due_at,
          deadlineKind: deadline.kind as DeadlineKind,
          workerName: contact.assignedWorkerName,
        },
      };
      const holds = contact.assignedWorkerId === deadline.worker_id;
      if (step.outcome === null) {
        await trx
          .updateTable("deadlines")
          .set({ level: step.level, next_at: step.nextAt })
          .where("id", "=", deadline.id)
          .execute();
      } else {
        await closeDeadline(trx, deadline.id, { outcome: holds ? step.outcome : "cancelled", at: now });
        if (!holds) return null;
      }
      if (step.action === "hold") return null;
      if (step.action === "remind") {
        await notify(trx, ctx, {
          ...notice,
          userIds: [await workerUserId(trx, organisation.id, deadline.worker_id)],
          kind: deadline.kind === "accept" ? "offer_reminder" : "deadline_reminder",
        });
        return "reminded" as const;
      }
      if (step.action === "escalate") {
        await notify(trx, ctx, {
          ...notice,
          userIds: [...(await dispatcherUserIds(trx, organisation.id)), deadline.requested_by],
          kind: "deadline_escalated",
        });
        return "escalated" as const;
      }
      // The offer lapsed, or the contact is taken back: it returns to dispatch, never to this worker.
      const lapsed = step.action === "expire";
      const note = lapsed
        ? "the offer lapsed unanswered"
        : `taken back: ${deadline.kind.replace("_", " ")} overdue`;
      const caller = dispatcherSystem(organisation.id);
      const changed = await applyStatusChange(trx, ctx, caller, {
        organisation,
        before: contact,
        request: { to: "ready", note },
        mode: "auto",
      });
      if (!changed.ok) {
        ctx.log.warn(
          { deadlineId: deadline.id, error: changed.error },
          "could not return an overdue contact",
        );
        return null;
      }
      if (deadline.worker_id) {
        await recordDecline(trx, {
          organisation_id: organisation.id,
          contact_id: contact.id,
          worker_id: deadline.worker_id,
          reason: note,
          created_at: now,
        });
      }
      await notify(trx, ctx, {
        ...notice,
        userIds: await dispatcherUserIds(trx, organisation.id),
        kind: lapsed ? "offer_expired" : "contact_taken_back",
      });
      await audit(trx, ctx, caller, {
        action: lapsed ? "deadline.expire" : "deadline.take_back",
        entity: "contact",
        entityId: contact.id,
        after: { deadlineId: deadline.id, workerId: deadline.worker_id, kind: deadline.kind },
      });
      redispatch.push({ organisation, contactId: contact.id });
      return lapsed ? ("expired" as const) : ("takenBack" as const);
    });
    if (acted) report[acted] += 1;
  }
  for (const { organisation, contactId } of redispatch) {
    if (organisation.settings.dispatch.mode !== "auto") continue;
    await redispatchContact(ctx, organisation, contactId);
  }
  return report;
}

/** Automatic mode: the contact is offered to the next best worker at once. */
async function redispatchContact(ctx: Context, organisation: Organisation, contactId: string): Promise<void> {
  const found = await findContact(ctx.db.kysely, organisation.id, contactId);
  if (found?.status === "ready") await autoDispatch(ctx, organisation, toContact(found));
}
