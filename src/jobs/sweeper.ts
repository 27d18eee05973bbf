/**
 * The sweeper: acts on what is due: deadlines and their escalation ladder, the digests of
 * notifications at each person's set times, each worker's trust, recomputed daily from their history; the
 * retention rule that anonymises long-closed contacts; setters' reminders of their callbacks; and
 * the batch dispatch of every organisation that dispatches in batches, every N minutes. Safe to run in several processes at
 * once: a run is claimed atomically when applied, every offer is checked under the worker's row
 * lock, and erasing a contact twice changes nothing; the report rollups are kept up to date with the
 * contacts changed since the last sweep, one refresh of an organisation at a time.
 */
import type { Context } from "../context.js";
import { weeksOf } from "../core/reports/workers.js";
import { toOrganisation } from "../db/organisations.js";
import { keepHeldWeeks } from "../db/report-workers.js";
import { dispatcherSystem } from "../services/auto-dispatch.js";
import { remindAppointments } from "../services/calendar.js";
import { remindCallbacks } from "../services/callbacks.js";
import { checkDemandAlerts } from "../services/demand-alerts.js";
import { applyRun, previewRun } from "../services/dispatch-run.js";
import { type EscalationReport, escalateDue } from "../services/escalate-deadlines.js";
import { applyRetention } from "../services/personal-data.js";
import { type RollupSweep, refreshAllReports } from "../services/refresh-reports.js";
import { refreshTrust } from "../services/refresh-trust.js";
import { sendDigests } from "../services/send-digests.js";

export interface SweepReport {
  batches: Array<{ organisationId: string; runId: string; offered: number; skipped: number }>;
  trustRefreshed: string[];
  /** Contacts anonymised by each organisation's retention rule. */
  erased: number;
  /** The escalation ladder's rungs climbed: reminders, dispatchers told, offers lapsed, contacts taken back. */
  deadlines: Omit<EscalationReport, "seen">;
  /** Digests written to the outbox. */
  digests: number;
  /** Reminders sent before meetings. */
  appointmentReminders: number;
  /** Setters reminded of a callback coming due. */
  callbacks: number;
  /** The report rollups: organisations built for the first time, changed contacts counted. */
  reportRollups: RollupSweep;
  /** Past weeks' held counts newly kept for the workers report (src/db/report-workers.ts). */
  heldWeeks: number;
}

const DAY = 24 * 3_600_000;
const DEADLINES_PER_ROUND = 200;

export async function sweep(ctx: Context): Promise<SweepReport> {
  const report: SweepReport = {
    batches: [],
    trustRefreshed: [],
    erased: 0,
    deadlines: { reminded: 0, escalated: 0, expired: 0, takenBack: 0 },
    digests: 0,
    appointmentReminders: 0,
    callbacks: 0,
    reportRollups: { built: 0, applied: 0 },
    heldWeeks: 0,
  };
  // Deadlines first: a lapsed offer returns its contact in time for this sweep's batch.
  for (let round = 0; round < 50; round++) {
    const climbed = await escalateDue(ctx, DEADLINES_PER_ROUND);
    report.deadlines.reminded += climbed.reminded;
    report.deadlines.escalated += climbed.escalated;
    report.deadlines.expired += climbed.expired;
    report.deadlines.takenBack += climbed.takenBack;
    if (climbed.seen < DEADLINES_PER_ROUND) break;
  }
  const now = ctx.clock.now();
  for (const row of await ctx.db.kysely.selectFrom("organisations").selectAll().execute()) {
    const organisation = toOrganisation(row);
    const dispatch = organisation.settings.dispatch;
    // By its entity, the organisation (refreshTrust's audit entry): that index holds only the
    // organisation's own entries, where the organisation's index holds every audit entry of it and SQLite
    // read them all (110 ms in one synchronous call at 61,000 intakes, every sweep).
    const lastTrust = await ctx.db.kysely
      .selectFrom("audit_log")
      .select("created_at")
      .where("organisation_id", "=", organisation.id)
      .where("entity_id", "=", organisation.id)
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
  report.appointmentReminders = await remindAppointments(ctx);
  report.callbacks = await remindCallbacks(ctx);
  // Holds last minutes; the expired ones are only rows in the way.
  await ctx.db.kysely.deleteFrom("slot_holds").where("expires_at", "<=", now.toISOString()).execute();
  // Demand alerts before the digests, so an alert chosen for the digest can go in this sweep's.
  await checkDemandAlerts(ctx);
  report.digests = await sendDigests(ctx);
  // Last: it counts this sweep's own changes (offers lapsed, contacts taken back or erased) too.
  report.reportRollups = await refreshReportRollups(ctx);
  report.heldWeeks = await keepHeldWeeksOfAll(ctx);
  return report;
}

/**
 * Brings every organisation's report rollups up to date with the contacts changed since the last sweep
 * (the first sweep after migration 0010 builds them): within a time budget, so a large import is counted
 * over a few sweeps, its reports reading the contacts meanwhile.
 */
export function refreshReportRollups(ctx: Context): Promise<RollupSweep> {
  return refreshAllReports(ctx, ROLLUP_BUDGET_MS);
}

const ROLLUP_BUDGET_MS = 20_000;

/** Each organisation's past weeks of the workers report's default range, counted once they are over. */
async function keepHeldWeeksOfAll(ctx: Context): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const edges = weeksOf(now).map((w) => w.at);
  let kept = 0;
  for (const { id } of await ctx.db.kysely.selectFrom("organisations").select("id").execute()) {
    kept += await keepHeldWeeks(
      { db: ctx.db.kysely, dialect: ctx.db.dialect, organisationId: id },
      edges,
      now,
    );
  }
  return kept;
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
