/**
 * Batch dispatch: an exactly optimal plan for the whole backlog, stored as a preview a dispatcher
 * reads before applying it. Applying offers each planned contact through the same checked path as
 * a manual assignment, so a plan that went stale (a worker filled up meanwhile) never overfills anyone.
 */
import type { Context } from "../context.js";
import { contactScope } from "../core/access/roles.js";
import { planDispatch } from "../core/dispatch/plan.js";
import { dispatchConfig, toDispatchContact } from "../core/dispatch/records.js";
import { suggestWorkers, unassignableRule } from "../core/dispatch/suggest.js";
import type { Contact, Organisation } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { listContacts, toContact } from "../db/contacts.js";
import { declinedBy, insertDecision } from "../db/dispatch.js";
import { loadSettings } from "../db/organisations.js";
import { applyStatusChange } from "./change-contact-status.js";
import { lockVisibleContact } from "./load-contact.js";
import { canDispatch, offerContact } from "./offer-contact.js";
import { audit, type Caller } from "./record.js";
import { loadDispatchWorkers } from "./suggest-workers.js";

export interface PlannedContact {
  contactId: string;
  displayName: string;
  placeName: string | null;
  status: string;
  workerId: string | null;
  workerName: string | null;
  distanceKm: number | null;
  /** Why the contact stays without a worker: nobody can serve it, or everyone who can is full. */
  reason: "no_eligible_worker" | "no_capacity" | null;
  /** For no_eligible_worker: the rule that kept the nearest candidates out. */
  rule: string | null;
}

export interface RunSummary {
  contacts: number;
  workers: number;
  assigned: number;
  noEligibleWorker: number;
  noCapacity: number;
  objective: number;
  millis: number;
}

export interface DispatchRun {
  id: string;
  status: "preview" | "applied" | "discarded";
  createdAt: string;
  appliedAt: string | null;
  summary: RunSummary;
  plan: PlannedContact[];
  /** After applying: what could not be done because the world changed since the preview. */
  skipped?: Array<{ contactId: string; message: string }>;
}

/** The backlog a batch plans: contacts ready for dispatch, and those no one could serve before. */
const BACKLOG = ["ready", "unassignable"] as const;

async function loadBacklog(ctx: Context, caller: Caller): Promise<Contact[]> {
  const out: Contact[] = [];
  let after: { value: string; id: string } | undefined;
  for (;;) {
    const rows = await listContacts(
      ctx.db.kysely,
      caller.organisationId,
      contactScope(caller),
      { status: [...BACKLOG] },
      { sort: "createdAt", order: "asc", limit: 2000, after },
    );
    out.push(...rows.map(toContact));
    const last = rows.at(-1);
    if (!last || rows.length < 2000) return out;
    after = { value: last.created_at, id: last.id };
  }
}

export async function previewRun(ctx: Context, caller: Caller): Promise<Result<DispatchRun>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not dispatch`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const now = ctx.clock.now().toISOString();
  const [contacts, workers] = await Promise.all([
    loadBacklog(ctx, caller),
    loadDispatchWorkers(ctx.db.kysely, caller.organisationId, now),
  ]);
  const declines = await declinedBy(
    ctx.db.kysely,
    caller.organisationId,
    contacts.map((c) => c.id),
  );
  const config = dispatchConfig(organisation.settings.dispatch);
  const modelContacts = contacts.map((c) => toDispatchContact(c, declines.get(c.id) ?? []));
  const started = performance.now();
  const plan = planDispatch(modelContacts, workers, config);
  const millis = performance.now() - started;
  const planned: PlannedContact[] = plan.assignments.map((a) => {
    const contact = contacts[a.contactIndex]!;
    const worker = a.workerIndex >= 0 ? workers[a.workerIndex]! : null;
    const rule =
      a.reason === "no_eligible_worker"
        ? unassignableRule(suggestWorkers(modelContacts[a.contactIndex]!, workers, config).excluded)
        : null;
    return {
      contactId: contact.id,
      displayName: contact.displayName,
      placeName: contact.placeName,
      status: contact.status,
      workerId: worker?.id ?? null,
      workerName: worker?.name ?? null,
      distanceKm: a.distanceKm,
      reason: a.reason,
      rule,
    };
  });
  const run: DispatchRun = {
    id: ctx.newId(),
    status: "preview",
    createdAt: now,
    appliedAt: null,
    summary: {
      contacts: contacts.length,
      workers: workers.length,
      assigned: plan.assigned,
      noEligibleWorker: plan.counts.no_eligible_worker,
      noCapacity: plan.counts.no_capacity,
      objective: plan.objective,
      millis,
    },
    plan: planned,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto("dispatch_runs")
      .values({
        id: run.id,
        organisation_id: caller.organisationId,
        status: run.status,
        plan: JSON.stringify(run.plan),
        summary: JSON.stringify(run.summary),
        created_by: caller.userId || null,
        created_at: now,
        applied_at: null,
      })
      .execute();
    await audit(trx, ctx, caller, {
      action: "dispatch.preview",
      entity: "dispatch_run",
      entityId: run.id,
      after: run.summary,
    });
  });
  return ok(run);
}

export async function readRun(ctx: Context, caller: Caller, id: string): Promise<Result<DispatchRun>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not dispatch`);
  const row = await ctx.db.kysely
    .selectFrom("dispatch_runs")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return fail("not_found", `no dispatch run ${id}`);
  return ok({
    id: row.id,
    status: row.status as DispatchRun["status"],
    createdAt: row.created_at,
    appliedAt: row.applied_at,
    summary: JSON.parse(row.summary),
    plan: JSON.parse(row.plan),
  });
}

/** The organisation's reason for "unassignable" that names the rule, or its first reason. */
export function unassignableReason(organisation: Organisation, rule: string | null): string {
  const list = organisation.settings.reasons.unassignable;
  const words: Record<string, string> = { distance: "reach", language: "language", gender: "gender" };
  const word = rule ? words[rule] : undefined;
  return (word && list.find((r) => r.toLowerCase().includes(word))) || list[0] || "no worker in reach";
}

export async function applyRun(ctx: Context, caller: Caller, id: string): Promise<Result<DispatchRun>> {
  const found = await readRun(ctx, caller, id);
  if (!found.ok) return found;
  const run = found.value;
  if (run.status !== "preview") return fail("conflict", `dispatch run ${id} is ${run.status} already`);
  const claimed = await ctx.db.kysely
    .updateTable("dispatch_runs")
    .set({ status: "applied", applied_at: ctx.clock.now().toISOString() })
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", id)
    .where("status", "=", "preview")
    .executeTakeFirst();
  // Two dispatchers pressing Apply at once: only one claims the run.
  if (Number(claimed.numUpdatedRows) !== 1)
    return fail("conflict", `dispatch run ${id} was applied by someone else`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const skipped: Array<{ contactId: string; message: string }> = [];
  for (const item of run.plan) {
    if (item.workerId) {
      const offered = await offerContact(ctx, caller, item.contactId, {
        workerId: item.workerId,
        mode: "batch",
        runId: id,
      });
      if (!offered.ok) skipped.push({ contactId: item.contactId, message: offered.error.message });
    } else if (item.reason === "no_eligible_worker" && item.status === "ready") {
      const marked = await markUnassignable(ctx, caller, organisation, item, id);
      if (!marked.ok) skipped.push({ contactId: item.contactId, message: marked.error.message });
    }
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await audit(trx, ctx, caller, {
      action: "dispatch.apply",
      entity: "dispatch_run",
      entityId: id,
      after: { ...run.summary, skipped: skipped.length },
    });
  });
  return ok({ ...run, status: "applied", appliedAt: ctx.clock.now().toISOString(), skipped });
}

/** A contact no worker can serve is never silently dropped: it becomes unassignable, with the reason. */
async function markUnassignable(
  ctx: Context,
  caller: Caller,
  organisation: Organisation,
  item: PlannedContact,
  runId: string,
): Promise<Result<Contact>> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, item.contactId);
    if (!loaded.ok) return loaded;
    if (loaded.value.status !== "ready") return fail<Contact>("conflict", "the contact is no longer ready");
    const changed = await applyStatusChange(trx, ctx, caller, {
      organisation,
      before: loaded.value,
      request: { to: "unassignable", reason: unassignableReason(organisation, item.rule) },
      mode: "batch",
    });
    if (!changed.ok) return changed;
    await insertDecision(trx, {
      id: ctx.newId(),
      organisation_id: caller.organisationId,
      contact_id: item.contactId,
      worker_id: null,
      mode: "batch",
      outcome: "unassignable",
      trace: JSON.stringify({ mode: "batch", reason: item.reason, rule: item.rule }),
      run_id: runId,
      actor_user_id: caller.userId || null,
      created_at: ctx.clock.now().toISOString(),
    });
    return ok(changed.value.contact);
  });
}
