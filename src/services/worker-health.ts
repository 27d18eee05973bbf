/** Every worker's health flags for the dispatchers, from their load, their offers and their deadlines. */
import type { Context } from "../context.js";
import { type WorkerHealth, workerHealth } from "../core/accountability/health.js";
import { fail, ok, type Result } from "../core/result.js";
import { answerMiddles } from "../db/deadlines.js";
import { loadSettings } from "../db/organisations.js";
import { workerRoster } from "../db/workers.js";
import { canDispatch } from "./offer-contact.js";
import type { Caller } from "./record.js";

/** Answers to offers older than this no longer say how a worker is doing. */
const ANSWER_WINDOW_DAYS = 30;

type WorkerRow = Awaited<ReturnType<typeof workerRoster>>[number];
export type WorkerHealthRow = WorkerHealth & { name: string; load: number; capacity: number };

export async function workersHealth(ctx: Context, caller: Caller): Promise<Result<WorkerHealthRow[]>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not see worker health`);
  const workers = workerRoster(ctx.db.kysely, caller.organisationId);
  return ok(await healthOfWorkers(ctx, caller.organisationId, workers));
}

/**
 * The health of these workers (an organisation's, as workerRoster reads them with their load), for a
 * caller already allowed to see it. The list may still be being read: the other reads start beside it
 * (the workers report passes the read of its own list instead of reading it twice).
 */
export async function healthOfWorkers(
  ctx: Context,
  organisationId: string,
  list: Promise<readonly WorkerRow[]> | readonly WorkerRow[],
): Promise<WorkerHealthRow[]> {
  const db = ctx.db.kysely;
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - ANSWER_WINDOW_DAYS * 86_400_000).toISOString();
  // Independent reads, side by side (on PostgreSQL each takes its own connection).
  const [workers, organisation, answered, overdue] = await Promise.all([
    list,
    loadSettings(db, organisationId),
    answerMiddles(db, ctx.db.dialect, organisationId, since),
    db
      .selectFrom("deadlines")
      .select("worker_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organisation_id", "=", organisationId)
      .where("closed_at", "is", null)
      .where("due_at", "<", now.toISOString())
      .groupBy("worker_id")
      .execute(),
  ]);
  const HOUR = 3_600_000;
  // The median of the hours each answer took: the middle one, or the mean of the two middle ones.
  const answers = new Map(
    answered.map((a) => [a.workerId, { n: a.n, medianHours: (a.lowMs / HOUR + a.highMs / HOUR) / 2 }]),
  );
  const late = new Map(overdue.map((r) => [r.worker_id, Number(r.n)]));
  const nowIso = now.toISOString();
  return workers.map((row) => {
    const health = workerHealth(
      {
        workerId: row.id,
        available:
          row.status === "active" ||
          (row.status === "away" && row.away_until !== null && row.away_until <= nowIso),
        capacity: row.capacity,
        load: Number(row.load ?? 0),
        lastOfferAt: row.last_offer_at,
        joinedAt: row.created_at,
        answers: answers.get(row.id) ?? { n: 0, medianHours: null },
        overdue: late.get(row.id) ?? 0,
      },
      organisation.settings.accountability,
      nowIso,
    );
    return {
      workerId: health.workerId,
      overloaded: health.overloaded,
      starved: health.starved,
      signals: health.signals,
      medianAnswerHours: health.medianAnswerHours,
      overdue: health.overdue,
      daysWithoutOffer: health.daysWithoutOffer,
      name: row.name,
      load: Number(row.load ?? 0),
      capacity: row.capacity,
    };
  });
}
