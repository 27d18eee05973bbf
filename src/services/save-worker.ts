/** Creates and edits workers. Dispatchers and admins manage everyone; a worker edits their own availability. */

import type { Context } from "../context.js";
import { type Actor, canManageWorkers } from "../core/access/roles.js";
import type { Worker, WorkerCreate, WorkerPatch } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { isUniqueViolation } from "../db/dialect.js";
import type { WorkersTable } from "../db/schema.js";
import { findWorker, toWorker } from "../db/workers.js";
import { audit, type Caller, diff } from "./record.js";

/** What a worker may change on their own record: not their track record, nor who they are. */
const SELF_EDITABLE: ReadonlySet<keyof WorkerPatch> = new Set([
  "languages",
  "placeName",
  "country",
  "lat",
  "lon",
  "maxKm",
  "capacity",
  "status",
  "awayUntil",
  "timeZone",
]);

async function userInOrganisation(ctx: Context, actor: Actor, userId: string): Promise<boolean> {
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select("id")
    .where("organisation_id", "=", actor.organisationId)
    .where("id", "=", userId)
    .executeTakeFirst();
  return user !== undefined;
}

function linkedTwice(userId: string | null | undefined) {
  return fail<Worker>("conflict", `user ${userId} is already linked to another worker`, {
    errors: [{ path: "userId", message: "already linked to another worker" }],
  });
}

export async function createWorker(
  ctx: Context,
  caller: Caller,
  input: WorkerCreate,
): Promise<Result<Worker>> {
  if (!canManageWorkers(caller)) return fail("forbidden", `a ${caller.role} cannot create workers`);
  if (input.userId && !(await userInOrganisation(ctx, caller, input.userId))) {
    return fail("not_found", `no user ${input.userId}`, {
      errors: [{ path: "userId", message: "no such user" }],
    });
  }
  const now = ctx.clock.now().toISOString();
  const row: WorkersTable & { team: string | null } = {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    user_id: input.userId ?? null,
    name: input.name,
    gender: input.gender ?? null,
    languages: JSON.stringify([...new Set(input.languages)]),
    place_name: input.placeName ?? null,
    country: input.country ?? null,
    lat: input.lat,
    lon: input.lon,
    max_km: input.maxKm,
    capacity: input.capacity,
    trust: input.trust,
    status: input.status,
    away_until: input.awayUntil ?? null,
    last_offer_at: null,
    time_zone: input.timeZone,
    team: input.team ?? null,
    created_at: now,
    updated_at: now,
    availability: null,
    calendar_token_hash: null,
  };
  const worker = toWorker({ ...row, load: 0 });
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("workers").values(row).execute();
      await audit(trx, ctx, caller, {
        action: "worker.create",
        entity: "worker",
        entityId: row.id,
        after: worker,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return linkedTwice(input.userId);
    throw error;
  }
  return ok(worker);
}

export async function editWorker(
  ctx: Context,
  caller: Caller,
  id: string,
  patch: WorkerPatch,
): Promise<Result<Worker>> {
  const own = caller.workerId === id;
  if (!canManageWorkers(caller)) {
    if (!own) return fail(caller.role === "worker" ? "not_found" : "forbidden", `cannot edit worker ${id}`);
    const refused = Object.keys(patch).filter((k) => !SELF_EDITABLE.has(k as keyof WorkerPatch));
    if (refused.length > 0) {
      return fail("forbidden", "a worker cannot change these fields of their own record", {
        errors: refused.map((path) => ({ path, message: "only a dispatcher or admin may change this" })),
      });
    }
  }
  if (patch.userId && !(await userInOrganisation(ctx, caller, patch.userId))) {
    return fail("not_found", `no user ${patch.userId}`, {
      errors: [{ path: "userId", message: "no such user" }],
    });
  }
  try {
    return await ctx.db.kysely.transaction().execute(async (trx) => {
      const row = await findWorker(trx, caller.organisationId, id);
      if (!row) return fail<Worker>("not_found", `no worker ${id}`);
      const before = toWorker(row);
      const next: Worker = { ...before, ...patch };
      const changed = diff(before, next);
      if (Object.keys(changed.after).length === 0) return ok(before);
      next.updatedAt = ctx.clock.now().toISOString();
      await trx
        .updateTable("workers")
        .set({
          user_id: next.userId,
          name: next.name,
          gender: next.gender,
          languages: JSON.stringify([...new Set(next.languages)]),
          place_name: next.placeName,
          country: next.country,
          lat: next.lat,
          lon: next.lon,
          max_km: next.maxKm,
          capacity: next.capacity,
          trust: next.trust,
          status: next.status,
          away_until: next.awayUntil,
          time_zone: next.timeZone,
          team: next.team,
          updated_at: next.updatedAt,
        })
        .where("organisation_id", "=", caller.organisationId)
        .where("id", "=", id)
        .execute();
      await audit(trx, ctx, caller, { action: "worker.update", entity: "worker", entityId: id, ...changed });
      return ok(next);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return linkedTwice(patch.userId);
    throw error;
  }
}
