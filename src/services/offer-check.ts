/**
 * Whether a worker may be offered a contact, checked inside the offering transaction with the
 * worker's row locked: two processes offering at once queue on that lock, so neither overfills them.
 */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Rule } from "../core/dispatch/model.js";
import { dispatchConfig, toDispatchContact, toDispatchWorker } from "../core/dispatch/records.js";
import { type ExcludedWorker, type RankedWorker, rankWorker, scoreWorker } from "../core/dispatch/suggest.js";
import type { Contact, OrganisationSettings } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { declinedBy, lockWorker, workerLoad } from "../db/dispatch.js";
import type { Database } from "../db/schema.js";
import { toWorker } from "../db/workers.js";

export type OfferMode = "manual" | "auto" | "batch";

export interface OfferCheck {
  workerName: string;
  rank: RankedWorker;
  /** For a dispatcher's own choice: the soft rule (distance, language, gender) they chose to override. */
  overridden: Rule | null;
}

/** Rules no one overrides: the worker must be available, have room, and not have declined this contact. */
const HARD: ReadonlySet<Rule> = new Set(["status", "capacity", "declined"]);

function refusal(rule: Rule, name: string, load: number, capacity: number): string {
  switch (rule) {
    case "status":
      return `${name} is paused or away and takes no new contacts`;
    case "capacity":
      return `${name} is full (${load} of ${capacity})`;
    case "declined":
      return `${name} declined this contact before`;
    case "language":
      return `${name} speaks none of the contact's languages`;
    case "gender":
      return `${name} is not of the contact's gender, which the organisation requires`;
    case "distance":
      return `the contact is beyond ${name}'s travel radius`;
  }
}

export async function checkOffer(
  trx: Kysely<Database>,
  ctx: Context,
  offer: {
    organisationId: string;
    settings: OrganisationSettings;
    contact: Contact;
    workerId: string;
    mode: OfferMode;
  },
): Promise<Result<OfferCheck>> {
  const row = await lockWorker(trx, ctx.db.dialect, offer.organisationId, offer.workerId);
  if (!row) {
    return fail("not_found", `no worker ${offer.workerId}`, {
      errors: [{ path: "workerId", message: "no such worker in this organisation" }],
    });
  }
  const load = await workerLoad(trx, offer.organisationId, offer.workerId);
  const declines = await declinedBy(trx, offer.organisationId, [offer.contact.id]);
  const worker = toDispatchWorker(toWorker({ ...row, load }), ctx.clock.now().toISOString());
  const config = dispatchConfig(offer.settings.dispatch);
  const rank = rankWorker(
    toDispatchContact(offer.contact, declines.get(offer.contact.id) ?? []),
    worker,
    config,
  );
  if (!("rule" in rank)) return ok({ workerName: row.name, rank, overridden: null });
  const excluded: ExcludedWorker = rank;
  const message = refusal(excluded.rule, row.name, load, row.capacity);
  if (HARD.has(excluded.rule) || offer.mode !== "manual") {
    return fail("conflict", message, {
      errors: [{ path: "workerId", message }],
      details: { rule: excluded.rule },
    });
  }
  // A dispatcher may know better than the radius or the gender rule; the trace keeps that they chose to.
  const scored = scoreWorker(toDispatchContact(offer.contact, []), worker, config);
  return ok({ workerName: row.name, rank: scored, overridden: excluded.rule });
}
