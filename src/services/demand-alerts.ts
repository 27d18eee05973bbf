/**
 * Demand alerts: checked by the sweeper for every organisation that set a threshold
 * (settings.alerts.contactsPerWorker). A place that crosses it raises one alert, and its dispatchers are
 * told in-app and by e-mail as they chose; the alert clears when the place drops back, and a new crossing
 * raises a new one. Dispatchers and admins list them.
 */
import type { Context } from "../context.js";
import {
  type DemandAlerts,
  type PlacePressure,
  placeKey,
  planAlerts,
  pressureOf,
} from "../core/reports/alerts.js";
import { fail, ok, type Result } from "../core/result.js";
import { clearAlerts, insertAlert, openAlerts, recentAlerts } from "../db/demand-alerts.js";
import { isUniqueViolation } from "../db/dialect.js";
import { toOrganisation } from "../db/organisations.js";
import { availableWorkers, contactCounts } from "../db/reports.js";
import { dispatcherUserIds, notify } from "./notify.js";
import { canDispatch } from "./offer-contact.js";
import type { Caller } from "./record.js";

const DAY = 86_400_000;

/** Each place's new contacts in the window and its available workers now. */
async function pressures(ctx: Context, organisationId: string, windowDays: number): Promise<PlacePressure[]> {
  const scope = { db: ctx.db.kysely, dialect: ctx.db.dialect, organisationId };
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - windowDays * DAY).toISOString();
  const places = new Map<string, PlacePressure>();
  const of = (city: string, country: string | null) => {
    const key = placeKey({ country, placeName: city });
    const place = places.get(key) ?? { country, placeName: city, contacts: 0, availableWorkers: 0 };
    places.set(key, place);
    return place;
  };
  for (const r of await contactCounts(scope, "city", { from: since })) {
    if (r.k !== null) of(r.k, r.c).contacts += r.contacts;
  }
  for (const r of await availableWorkers(scope, "city", {}, now.toISOString())) {
    if (r.k !== null) of(r.k, r.c).availableWorkers += r.workers;
  }
  return [...places.values()];
}

/** The sweeper's step: raise and clear every organisation's alerts; answers how many were raised. */
export async function checkDemandAlerts(ctx: Context): Promise<number> {
  let raised = 0;
  for (const row of await ctx.db.kysely.selectFrom("organisations").selectAll().execute()) {
    const organisation = toOrganisation(row);
    const { contactsPerWorker: threshold, windowDays } = organisation.settings.alerts;
    const open = await openAlerts(ctx.db.kysely, organisation.id);
    if (threshold === null) {
      // Alerts turned off: what was open is over.
      await clearAlerts(
        ctx.db.kysely,
        organisation.id,
        open.map((a) => a.id),
        ctx.clock.now().toISOString(),
      );
      continue;
    }
    const plan = planAlerts(
      await pressures(ctx, organisation.id, windowDays),
      open.map((a) => ({ id: a.id, placeKey: a.place_key })),
      threshold,
    );
    const now = ctx.clock.now().toISOString();
    await clearAlerts(ctx.db.kysely, organisation.id, plan.clear, now);
    for (const place of plan.raise) {
      try {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          await insertAlert(trx, {
            id: ctx.newId(),
            organisation_id: organisation.id,
            country: place.country,
            place_name: place.placeName,
            place_key: placeKey(place),
            contacts: place.contacts,
            workers: place.availableWorkers,
            ratio: pressureOf(place),
            threshold,
            raised_at: now,
            cleared_at: null,
          });
          await notify(trx, ctx, {
            organisationId: organisation.id,
            userIds: await dispatcherUserIds(trx, organisation.id),
            kind: "demand_alert",
            data: {
              placeName: place.placeName,
              country: place.country,
              contactsPerWorker: pressureOf(place),
              threshold,
            },
          });
        });
        raised += 1;
      } catch (error) {
        // Another sweeper raised it first: one alert per crossing.
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
  return raised;
}

export async function listDemandAlerts(ctx: Context, caller: Caller): Promise<Result<DemandAlerts>> {
  if (!canDispatch(caller)) return fail("forbidden", `a ${caller.role} does not see demand alerts`);
  const organisation = await ctx.db.kysely
    .selectFrom("organisations")
    .selectAll()
    .where("id", "=", caller.organisationId)
    .executeTakeFirstOrThrow();
  const { contactsPerWorker, windowDays } = toOrganisation(organisation).settings.alerts;
  const since = new Date(ctx.clock.now().getTime() - 30 * DAY).toISOString();
  const rows = await recentAlerts(ctx.db.kysely, caller.organisationId, since);
  return ok({
    threshold: contactsPerWorker,
    windowDays,
    items: rows.map((r) => ({
      id: r.id,
      placeName: r.place_name,
      country: r.country,
      contacts: Number(r.contacts),
      availableWorkers: Number(r.workers),
      contactsPerWorker: r.ratio === null ? null : Number(r.ratio),
      threshold: Number(r.threshold),
      raisedAt: r.raised_at,
      clearedAt: r.cleared_at,
    })),
  });
}
