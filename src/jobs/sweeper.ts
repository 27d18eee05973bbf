/**
 * The sweeper: acts on what is due: each worker's trust, recomputed daily from their history; the
 * retention rule that anonymises long-closed contacts; and the batch dispatch of every
 * organisation that dispatches in batches, every N minutes. Safe to run in several processes at
 * once: a run is claimed atomically when applied, every offer is checked under the worker's row
 * lock, and erasing a contact twice changes nothing.
 */
import type { Context } from "../context.js";
import { toOrganisation } from "../db/organisations.js";
import { dispatcherSystem } from "../services/auto-dispatch.js";
import { applyRun, previewRun } from "../services/dispatch-run.js";
import { applyRetention } from "../services/personal-data.js";
import { refreshTrust } from "../services/refresh-trust.js";

export interface SweepReport {
  batches: Array<{ organisationId: string; runId: string; offered: number; skipped: number }>;
  trustRefreshed: string[];
  /** Contacts anonymised by each organisation's retention rule. */
  erased: number;
}

const DAY = 24 * 3_600_000;

export async function sweep(ctx: Context): Promise<SweepReport> {
  const report: SweepReport = { batches: [], trustRefreshed: [], erased: 0 };
  const now = ctx.clock.now();
  for (const row of await ctx.db.kysely.selectFrom("organisations").selectAll().execute()) {
    const organisation = toOrganisation(row);
    const dispatch = organisation.settings.dispatch;
    const lastTrust = await ctx.db.kysely
      .selectFrom("audit_log")
      .select("created_at")
      .where("organisation_id", "=", organisation.id)
      .where("action", "=", "trust.refresh")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!lastTrust || now.getTime() - Date.parse(lastTrust.created_at) >= DAY) {
      const refreshed = await refreshTrust(ctx, dispatcherSystem(organisation.id));
      if (refreshed.ok) report.trustRefreshed.push(organisation.id);
    }
    const months = organisation.settings.security.retentionMonths;
    if (months !== null) report.erased += await applyRetention(ctx, organisation.id, months);
    if (dispatch.mode !== "batch") continue;
    const last = await ctx.db.kysely
      .selectFrom("dispatch_runs")
      .select("created_at")
      .where("organisation_id", "=", organisation.id)
      .where("created_by", "is", null)
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    const due = !last || now.getTime() - Date.parse(last.created_at) >= dispatch.batchEveryMinutes * 60_000;
    if (!due) continue;
    const caller = dispatcherSystem(organisation.id);
    const preview = await previewRun(ctx, caller);
    if (!preview.ok) continue;
    const applied = await applyRun(ctx, caller, preview.value.id);
    if (!applied.ok) continue;
    report.batches.push({
      organisationId: organisation.id,
      runId: preview.value.id,
      offered: preview.value.summary.assigned - (applied.value.skipped?.length ?? 0),
      skipped: applied.value.skipped?.length ?? 0,
    });
  }
  return report;
}

/** Runs the sweeper every `everyMs` until stopped; one sweep at a time. */
export function startSweeper(ctx: Context, everyMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep(ctx)
      .catch((error: unknown) => ctx.log.error({ err: error }, "sweep failed"))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
