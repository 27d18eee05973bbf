/**
 * Intake: a contact arriving from a web form, an ad platform or a chat responder through an API key.
 * Read leniently, placed on the map offline, created once per Idempotency-Key.
 */
import { createHash } from "node:crypto";
import type { Context } from "../context.js";
import { readIntake } from "../core/intake/intake.js";
import type { Contact, ContactCreate } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { findContact, toContact } from "../db/contacts.js";
import { isUniqueViolation } from "../db/dialect.js";
import { loadSettings } from "../db/organisations.js";
import { createContact } from "./create-contact.js";
import { locatePlace } from "./gazetteer.js";
import type { Caller } from "./record.js";

export interface Intake {
  contact: Contact;
  /** True when the Idempotency-Key was seen before: this is the contact that request created. */
  replayed: boolean;
}

/** Equal bodies hash equally whatever their key order, so a retry is recognised as the same request. */
export function requestHash(body: unknown): string {
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, stable(v)]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(stable(body) ?? null))
    .digest("hex");
}

async function replay(
  ctx: Context,
  caller: Caller,
  key: string,
  hash: string,
): Promise<Result<Intake> | null> {
  const seen = await ctx.db.kysely
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!seen) return null;
  if (seen.request_hash !== hash) {
    return fail("conflict", `the Idempotency-Key "${key}" was used for a different request`, {
      errors: [{ path: "Idempotency-Key", message: "already used with another body" }],
    });
  }
  const row = await findContact(ctx.db.kysely, caller.organisationId, seen.contact_id);
  if (!row) return fail("not_found", `the contact created for "${key}" is gone`);
  return ok({ contact: toContact(row), replayed: true });
}

/**
 * Gives a contact without coordinates those of its named place, when the offline gazetteer knows it
 * (in its country, else the organisation's, asked for only when needed).
 */
export async function locateContact(
  contact: ContactCreate,
  defaultCountry: () => Promise<string | null>,
): Promise<void> {
  if ((contact.lat !== undefined && contact.lat !== null) || !contact.placeName) return;
  const place = await locatePlace(contact.placeName, contact.country ?? (await defaultCountry()));
  if (place)
    Object.assign(contact, { lat: place.lat, lon: place.lon, country: contact.country ?? place.country });
}

export async function intakeContact(
  ctx: Context,
  caller: Caller,
  body: unknown,
  idempotencyKey: string | null,
): Promise<Result<Intake>> {
  const read = readIntake(body);
  if (!read.ok) {
    return fail("invalid", `invalid ${read.issues.map((i) => i.path).join(", ")}`, { errors: read.issues });
  }
  const hash = requestHash(body);
  if (idempotencyKey) {
    const earlier = await replay(ctx, caller, idempotencyKey, hash);
    if (earlier) return earlier;
  }
  const { contact, attribution, message } = read.value;
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const { settings } = organisation;
  await locateContact(contact, async () => settings.defaultCountry);
  try {
    const created = await createContact(ctx, caller, contact, {
      attribution,
      message,
      organisation,
      duplicates: { settings: settings.duplicates, foundBy: "intake" },
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: hash } } : {}),
    });
    return created.ok ? ok({ contact: created.value, replayed: false }) : created;
  } catch (error) {
    // Two requests with one key at once: the second loses the race on the key's primary key.
    if (idempotencyKey && isUniqueViolation(error)) {
      const earlier = await replay(ctx, caller, idempotencyKey, hash);
      if (earlier) return earlier;
    }
    throw error;
  }
}
