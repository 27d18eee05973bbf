/** Edits a contact's own fields (not its status, progress or worker, which have their own use cases). */

import type { Context } from "../context.js";
import { canEditContact } from "../core/access/roles.js";
import { normalisePhones, searchText } from "../core/contacts/normalise.js";
import type { Contact, ContactPatch } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { updateContact } from "../db/contacts.js";
import { loadSettings } from "../db/organisations.js";
import { refileContact } from "./find-duplicates.js";
import { lockVisibleContact } from "./load-contact.js";
import { addToTimeline, audit, type Caller, diff } from "./record.js";

/** The fields duplicate detection files a contact by (src/core/dedupe/arrival.ts). */
const MATCHED_FIELDS = new Set(["displayName", "phones", "emails", "placeName", "country"]);

export async function editContact(
  ctx: Context,
  caller: Caller,
  id: string,
  patch: ContactPatch,
): Promise<Result<Contact>> {
  if (!canEditContact(caller)) return fail("forbidden", `a ${caller.role} cannot edit contacts`);
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const loaded = await lockVisibleContact(trx, ctx.db.dialect, caller, id);
    if (!loaded.ok) return loaded;
    const before = loaded.value;
    const now = ctx.clock.now().toISOString();
    const country = patch.country === undefined ? before.country : patch.country;
    const next: Contact = {
      ...before,
      ...patch,
      phones: patch.phones
        ? normalisePhones(patch.phones, country ?? organisation.settings.defaultCountry)
        : before.phones,
      emails: patch.emails ? [...new Set(patch.emails)] : before.emails,
      languages: patch.languages ? [...new Set(patch.languages)] : before.languages,
    };
    const changed = diff(before, next);
    const fields = Object.keys(changed.after);
    if (fields.length === 0) return ok(before);
    next.updatedAt = now;
    await updateContact(trx, caller.organisationId, id, {
      display_name: next.displayName,
      given_name: next.givenName,
      family_name: next.familyName,
      phones: JSON.stringify(next.phones),
      emails: JSON.stringify(next.emails),
      gender: next.gender,
      languages: JSON.stringify(next.languages),
      place_name: next.placeName,
      region: next.region,
      country: next.country,
      postal_code: next.postalCode,
      lat: next.lat,
      lon: next.lon,
      source: next.source,
      campaign: next.campaign,
      inbound: next.inbound ? 1 : 0,
      search_text: searchText(next),
      updated_at: now,
    });
    if (fields.some((f) => MATCHED_FIELDS.has(f))) {
      await refileContact(trx, {
        id,
        organisation_id: caller.organisationId,
        display_name: next.displayName,
        phones: JSON.stringify(next.phones),
        emails: JSON.stringify(next.emails),
        place_name: next.placeName,
        country: next.country,
      });
    }
    await addToTimeline(trx, ctx, caller, { contactId: id, kind: "updated", data: { fields } });
    await audit(trx, ctx, caller, { action: "contact.update", entity: "contact", entityId: id, ...changed });
    return ok(next);
  });
}
