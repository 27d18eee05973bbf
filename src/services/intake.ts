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
import { type Db, isUniqueViolation } from "../db/dialect.js";
import type { SeenKey } from "../db/filed-blocks.js";
import { type GroupCommit, groupCommit } from "../db/group-commit.js";
import { recentOrganisation } from "../db/organisations.js";
import { createContactOnce } from "./create-contact.js";
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

/** The contact an earlier request with this Idempotency-Key created, or a conflict if its body differed. */
async function replayed(ctx: Context, caller: Caller, key: string, hash: string, seen: SeenKey) {
  if (seen.request_hash !== hash) {
    return fail<Intake>("conflict", `the Idempotency-Key "${key}" was used for a different request`, {
      errors: [{ path: "Idempotency-Key", message: "already used with another body" }],
    });
  }
  const row = await findContact(ctx.db.kysely, caller.organisationId, seen.contact_id);
  if (!row) return fail<Intake>("not_found", `the contact created for "${key}" is gone`);
  return ok<Intake>({ contact: toContact(row), replayed: true });
}

async function replay(
  ctx: Context,
  caller: Caller,
  key: string,
  hash: string,
): Promise<Result<Intake> | null> {
  const seen = await ctx.db.kysely
    .selectFrom("idempotency_keys")
    .select(["request_hash", "contact_id"])
    .where("organisation_id", "=", caller.organisationId)
    .where("key", "=", key)
    .executeTakeFirst();
  return seen ? replayed(ctx, caller, key, hash, seen) : null;
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

/**
 * Intakes arriving together share a transaction (src/db/group-commit.ts): one writer at a time on
 * SQLite, which has one; on PostgreSQL several, as each transaction waits on the network between
 * its statements, leaving pool connections for the reads before them.
 */
const commits = new WeakMap<Db, GroupCommit>();
const INTAKE_BATCH = 32;
const POSTGRES_INTAKE_WRITERS = 8;

function intakeCommits(ctx: Context): GroupCommit {
  let commit = commits.get(ctx.db);
  if (!commit) {
    commit = groupCommit(ctx.db, {
      maxBatch: INTAKE_BATCH,
      concurrency: ctx.db.dialect === "sqlite" ? 1 : POSTGRES_INTAKE_WRITERS,
    });
    commits.set(ctx.db, commit);
  }
  return commit;
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
  // No read of its own: the organisation is kept for a moment, and the Idempotency-Key is read in
  // the transaction that would store it (with the duplicate blocks of every intake stored with it).
  const organisation = await recentOrganisation(ctx.db, caller.organisationId, ctx.clock.now().getTime());
  const { contact, attribution, message } = read.value;
  const { settings } = organisation;
  await locateContact(contact, async () => settings.defaultCountry);
  try {
    const created = await createContactOnce(ctx, caller, contact, {
      attribution,
      message,
      organisation,
      duplicates: { settings: settings.duplicates, foundBy: "intake" },
      groupCommit: intakeCommits(ctx),
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: hash } } : {}),
    });
    if (!created.ok) return created;
    const { contact: stored, seen } = created.value;
    if (stored) return ok({ contact: stored, replayed: false });
    return replayed(ctx, caller, idempotencyKey ?? "", hash, seen);
  } catch (error) {
    // Two requests with one key at once: the second loses the race on the key's primary key.
    if (idempotencyKey && isUniqueViolation(error)) {
      const earlier = await replay(ctx, caller, idempotencyKey, hash);
      if (earlier) return earlier;
    }
    throw error;
  }
}
