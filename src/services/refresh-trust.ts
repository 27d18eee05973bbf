/** Recomputes every worker's trust from their history (the formula is in core/dispatch/track-record.ts). */
import type { Context } from "../context.js";
import {
  EMPTY_HISTORY,
  type TrackRecord,
  trackRecord,
  type WorkerHistory,
} from "../core/dispatch/track-record.js";
import { fail, ok, type Result } from "../core/result.js";
import { loadSettings } from "../db/organisations.js";
import { audit, type Caller } from "./record.js";

const MET = ["met", "ongoing", "coaching", "won"];

/** Each worker's history, read from the timeline, the declines and the contacts' progress. */
export async function workerHistories(
  ctx: Context,
  organisationId: string,
): Promise<Map<string, WorkerHistory>> {
  const db = ctx.db.kysely;
  const histories = new Map<string, WorkerHistory>();
  const of = (id: string) => {
    let h = histories.get(id);
    if (!h) {
      h = { ...EMPTY_HISTORY };
      histories.set(id, h);
    }
    return h;
  };
  const acceptances = await db
    .selectFrom("activities")
    .select(["contact_id", "data", "created_at"])
    .where("organisation_id", "=", organisationId)
    .where("kind", "=", "status")
    .where("data", "like", '%"to":"active"%')
    .execute();
  const acceptedAt = new Map<string, { workerId: string; at: number }>();
  for (const row of acceptances) {
    const data = JSON.parse(row.data) as { from?: string; workerId?: string | null };
    if (data.from !== "offered" || !data.workerId) continue;
    of(data.workerId).accepted += 1;
    acceptedAt.set(`${row.contact_id}:${data.workerId}`, {
      workerId: data.workerId,
      at: Date.parse(row.created_at),
    });
  }
  for (const row of await db
    .selectFrom("declines")
    .select(["worker_id"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organisation_id", "=", organisationId)
    .groupBy("worker_id")
    .execute()) {
    of(row.worker_id).declined += Number(row.n);
  }
  const settings = (await loadSettings(db, organisationId)).settings.dispatch.trackRecord;
  const firstReach = await db
    .selectFrom("activities")
    .innerJoin("workers", "workers.user_id", "activities.actor_user_id")
    .select(["activities.contact_id", "workers.id as worker_id"])
    .select((eb) => eb.fn.min("activities.created_at").as("first"))
    .where("activities.organisation_id", "=", organisationId)
    .where("activities.kind", "in", ["call", "meeting"])
    .groupBy(["activities.contact_id", "workers.id"])
    .execute();
  for (const row of firstReach) {
    const accepted = acceptedAt.get(`${row.contact_id}:${row.worker_id}`);
    if (accepted && Date.parse(String(row.first)) - accepted.at <= settings.speedTargetHours * 3_600_000) {
      of(row.worker_id).reachedInTime += 1;
    }
  }
  for (const row of await db
    .selectFrom("contacts")
    .select(["assigned_worker_id"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organisation_id", "=", organisationId)
    .where("progress", "in", MET)
    .where("assigned_worker_id", "is not", null)
    .groupBy("assigned_worker_id")
    .execute()) {
    if (row.assigned_worker_id) of(row.assigned_worker_id).met += Number(row.n);
  }
  return histories;
}

export async function refreshTrust(ctx: Context, caller: Caller): Promise<Result<{ changed: number }>> {
  if (caller.role !== "admin" && caller.role !== "dispatcher")
    return fail("forbidden", `a ${caller.role} does not dispatch`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const histories = await workerHistories(ctx, caller.organisationId);
  const workers = await ctx.db.kysely
    .selectFrom("workers")
    .select(["id", "trust"])
    .where("organisation_id", "=", caller.organisationId)
    .execute();
  let changed = 0;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const worker of workers) {
      const record = trackRecord(
        histories.get(worker.id) ?? EMPTY_HISTORY,
        organisation.settings.dispatch.trackRecord,
      );
      if (Math.abs(record.trust - worker.trust) < 1e-9) continue;
      changed += 1;
      await trx.updateTable("workers").set({ trust: record.trust }).where("id", "=", worker.id).execute();
      await audit(trx, ctx, caller, {
        action: "worker.trust",
        entity: "worker",
        entityId: worker.id,
        before: { trust: worker.trust },
        after: { trust: record.trust },
      });
    }
    await audit(trx, ctx, caller, {
      action: "trust.refresh",
      entity: "organisation",
      entityId: caller.organisationId,
      after: { workers: workers.length, changed },
    });
  });
  return ok({ changed });
}

export async function workerTrackRecord(
  ctx: Context,
  organisationId: string,
  workerId: string,
): Promise<{ history: WorkerHistory; record: TrackRecord }> {
  const organisation = await loadSettings(ctx.db.kysely, organisationId);
  const history = (await workerHistories(ctx, organisationId)).get(workerId) ?? { ...EMPTY_HISTORY };
  return { history, record: trackRecord(history, organisation.settings.dispatch.trackRecord) };
}
