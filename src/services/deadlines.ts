/**
 * Keeps a contact's deadlines in step with its facts, inside the transaction that changed them:
 * the core says which deadlines should be open, and this writes the difference.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { firstLookAt, reconcileDeadlines, wantedDeadlines } from "../core/accountability/deadlines.js";
import { factsAfter, type WorkerDeed } from "../core/accountability/facts.js";
import type { Organisation } from "../core/model.js";
import { closeDeadline, contactFacts, insertDeadline, openDeadlinesOf } from "../db/deadlines.js";
import type { Database } from "../db/schema.js";

export async function syncDeadlines(
  trx: Kysely<Database>,
  ctx: Context,
  organisation: Organisation,
  contactId: string,
): Promise<void> {
  const facts = await contactFacts(trx, organisation.id, contactId);
  if (!facts) return;
  const open = await openDeadlinesOf(trx, organisation.id, contactId);
  const wanted = wantedDeadlines(facts, organisation.settings.accountability);
  const changes = reconcileDeadlines(open, wanted, facts);
  const now = ctx.clock.now().toISOString();
  for (const close of changes.close) await closeDeadline(trx, close.id, { outcome: close.outcome, at: now });
  for (const move of changes.move) {
    const deadline = open.find((d) => d.id === move.id);
    if (!deadline) continue;
    await trx
      .updateTable("deadlines")
      .set({
        due_at: move.dueAt,
        level: 0,
        next_at: firstLookAt(deadline.kind, deadline.createdAt, move.dueAt),
      })
      .where("id", "=", move.id)
      .execute();
  }
  for (const wantedDeadline of changes.open) {
    await insertDeadline(trx, {
      id: ctx.newId(),
      organisation_id: organisation.id,
      contact_id: contactId,
      worker_id: wantedDeadline.workerId,
      kind: wantedDeadline.kind,
      due_at: wantedDeadline.dueAt,
      next_at: firstLookAt(wantedDeadline.kind, now, wantedDeadline.dueAt),
      requested_by: null,
      note: null,
      created_at: now,
      closed_at: null,
      outcome: null,
      answer: null,
    });
  }
}

/**
 * Records what a deed on an accepted contact tells the deadlines (an attempt, a meeting, an
 * update), then brings them in step. Deeds count when the contact's own worker does them, or when
 * anyone logs a call, a meeting or progress: those happened whoever types them in.
 */
export async function recordDeed(
  trx: Kysely<Database>,
  ctx: Context,
  organisation: Organisation,
  contact: { id: string; status: string; assignedWorkerId: string | null },
  deed: WorkerDeed & { byAssignedWorker: boolean },
): Promise<void> {
  if (contact.status !== "active" || !contact.assignedWorkerId) return;
  if (!deed.byAssignedWorker && deed.kind === "comment") return;
  const facts = await contactFacts(trx, organisation.id, contact.id);
  if (!facts?.acceptedAt) return;
  const after = factsAfter(facts, deed, ctx.clock.now().toISOString());
  await trx
    .updateTable("contacts")
    .set({
      first_attempt_at: after.firstAttemptAt,
      first_meeting_at: after.firstMeetingAt,
      last_update_at: after.lastUpdateAt,
    })
    .where("organisation_id", "=", organisation.id)
    .where("id", "=", contact.id)
    .execute();
  await syncDeadlines(trx, ctx, organisation, contact.id);
}
