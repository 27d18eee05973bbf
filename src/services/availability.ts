/** A worker's availability: weekly hours in their own zone, dated exceptions, and a daily cap. */
import type { Context } from "../context.js";
import { canManageWorkers, canSeeWorker } from "../core/access/roles.js";
import { fail, ok, type Result } from "../core/result.js";
import type { Availability } from "../core/schedule/availability.js";
import { audit, type Caller } from "./record.js";
import { availabilityOf } from "./slots.js";

export interface WorkerAvailability {
  workerId: string;
  timeZone: string;
  availability: Availability;
}

export async function readAvailability(
  ctx: Context,
  caller: Caller,
  workerId: string,
): Promise<Result<WorkerAvailability>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer does not see workers");
  if (!canSeeWorker(caller, workerId)) return fail("not_found", `no worker ${workerId}`);
  const row = await ctx.db.kysely
    .selectFrom("workers")
    .select(["id", "time_zone", "availability"])
    .where("organisation_id", "=", caller.organisationId)
    .where("id", "=", workerId)
    .executeTakeFirst();
  if (!row) return fail("not_found", `no worker ${workerId}`);
  return ok({ workerId: row.id, timeZone: row.time_zone, availability: availabilityOf(row) });
}

/** The worker keeps their own; dispatchers and admins keep everyone's. Meetings already booked stay. */
export async function saveAvailability(
  ctx: Context,
  caller: Caller,
  workerId: string,
  availability: Availability,
): Promise<Result<WorkerAvailability>> {
  if (caller.role === "marketer") return fail("forbidden", "a marketer does not see workers");
  const own = caller.workerId === workerId;
  if (!own && !canManageWorkers(caller)) {
    return canSeeWorker(caller, workerId)
      ? fail("forbidden", `a ${caller.role} does not change workers' availability`)
      : fail("not_found", `no worker ${workerId}`);
  }
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("workers")
      .select(["id", "time_zone", "availability"])
      .where("organisation_id", "=", caller.organisationId)
      .where("id", "=", workerId)
      .executeTakeFirst();
    if (!row) return fail<WorkerAvailability>("not_found", `no worker ${workerId}`);
    const now = ctx.clock.now().toISOString();
    await trx
      .updateTable("workers")
      .set({ availability: JSON.stringify(availability), updated_at: now })
      .where("id", "=", workerId)
      .execute();
    await audit(trx, ctx, caller, {
      action: "worker.availability",
      entity: "worker",
      entityId: workerId,
      before: availabilityOf(row),
      after: availability,
    });
    return ok({ workerId, timeZone: row.time_zone, availability });
  });
}
