/**
 * Keeps the report rollups up to date: the sweeper's step for every organisation, and the check a
 * report makes before it reads them (a few changes are counted there and then; many, and the report
 * reads the contacts instead), so that no report ever shows figures older than the request.
 */
import type { Context } from "../context.js";
import {
  contactsUpTo,
  pendingChanges,
  type RefreshResult,
  refreshRollups,
  rollupsBuilt,
} from "../db/report-rollups.js";
import { staysAt } from "../db/report-stage-rollups.js";

/**
 * Changed contacts a report counts itself before reading the rollups (about a second's work); past
 * this (a large import, a batch run), it reads the contacts until the sweeper has counted them.
 */
export const REFRESH_ON_READ_LIMIT = 5_000;
/** How long a report may spend counting changes before it reads the contacts instead. */
const REFRESH_ON_READ_MS = 5_000;
/** An organisation this small is built on its first report; a larger one by the sweeper. */
const BUILD_ON_READ_LIMIT = 10_000;
/**
 * Changes counted per transaction, with a pause between two (a turn of the event loop for a report,
 * SWEEP_REFRESH_SHARE for the sweeper): on SQLite a transaction blocks the whole process (synchronous
 * calls), so a refresh must come in steps a request can wait for (a few milliseconds each at 10^5
 * contacts; BENCHMARKS.md, "intake").
 */
export const REFRESH_BATCH = 50;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/**
 * The share of the process's time the sweeper's counting may take: after each step it waits three times
 * as long as the step took. Requests arriving during a sweep then meet a step one time in four instead
 * of nearly always, and never two in a row; a report that counts changes itself (rollupsReady) does not
 * wait, as its user is waiting for it.
 */
export const SWEEP_REFRESH_SHARE = 0.25;
const paced = (stepMs: number) =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, (stepMs * (1 - SWEEP_REFRESH_SHARE)) / SWEEP_REFRESH_SHARE),
  );
/**
 * How far behind the clock the open stays' buckets may fall before the sweeper moves them on without any
 * change noted: a stages report moves those that crossed a bucket's edge since, so this only bounds that
 * work (about 16,000 stays an hour at 10^6 contacts).
 */
const STAYS_BEHIND_MS = 5 * 60_000;

export function refreshReports(
  ctx: Context,
  organisationId: string,
  budgetMs = 30_000,
  pause: (stepMs: number) => Promise<void> = nextTurn,
): Promise<RefreshResult> {
  return refreshRollups(ctx.db.kysely, ctx.db.dialect, {
    organisationId,
    now: ctx.clock.now().toISOString(),
    batch: REFRESH_BATCH,
    budgetMs,
    pause,
  });
}

/**
 * Whether a report of this organisation may read the rollups now: true once they count every change
 * made before this call (counting the few left first); false while there are too many to count within
 * a request (a first build, a large import), and the report reads the contacts.
 */
export async function rollupsReady(ctx: Context, organisationId: string): Promise<boolean> {
  const db = ctx.db.kysely;
  if (!(await rollupsBuilt(db, organisationId))) {
    if ((await contactsUpTo(db, organisationId, BUILD_ON_READ_LIMIT + 1)) > BUILD_ON_READ_LIMIT) return false;
    return !(await refreshReports(ctx, organisationId, REFRESH_ON_READ_MS)).pending;
  }
  const pending = await pendingChanges(db, organisationId, REFRESH_ON_READ_LIMIT + 1);
  if (pending === 0) return true;
  if (pending > REFRESH_ON_READ_LIMIT) return false;
  return !(await refreshReports(ctx, organisationId, REFRESH_ON_READ_MS)).pending;
}

export interface RollupSweep {
  /** Organisations whose rollups were built for the first time. */
  built: number;
  /** Changed contacts counted. */
  applied: number;
}

/**
 * The sweeper's step: builds the rollups of organisations that have none, and counts the changes noted
 * since the last sweep, for every organisation (a refresh's work is proportional to the changes); the
 * open stays' buckets are moved on too when they lag the clock by a few minutes.
 */
export async function refreshAllReports(ctx: Context, budgetMs = 30_000): Promise<RollupSweep> {
  const db = ctx.db.kysely;
  const out: RollupSweep = { built: 0, applied: 0 };
  const started = Date.now();
  const due = await db
    .selectFrom("organisations")
    .leftJoin("report_refreshes", "report_refreshes.organisation_id", "organisations.id")
    .select(["organisations.id", "report_refreshes.built_at"])
    .execute();
  const nowMs = ctx.clock.now().getTime();
  const staysFresh = async (id: string) => {
    const at = await staysAt(db, id);
    return at !== null && Math.abs(nowMs - Date.parse(at)) < STAYS_BEHIND_MS;
  };
  for (const org of due) {
    if (org.built_at !== null && (await pendingChanges(db, org.id, 1)) === 0 && (await staysFresh(org.id)))
      continue;
    const left = budgetMs - (Date.now() - started);
    if (left <= 0) break;
    const result = await refreshReports(ctx, org.id, left, paced);
    if (result.built) out.built += 1;
    out.applied += result.applied;
  }
  return out;
}
