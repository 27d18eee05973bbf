/** Ranked worker suggestions for contacts, from one snapshot of the organisation's workers. */
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Actor } from "../core/access/roles.js";
import type { DispatchWorker } from "../core/dispatch/model.js";
import { dispatchConfig, toDispatchContact, toDispatchWorker } from "../core/dispatch/records.js";
import { type Suggestions, suggestWorkers } from "../core/dispatch/suggest.js";
import type { Contact, Organisation } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { declinedBy } from "../db/dispatch.js";
import { loadSettings } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import { listWorkers, toWorker } from "../db/workers.js";
import { readContact } from "./load-contact.js";
import type { Caller } from "./record.js";

/** Dispatchers assign; setters look for the right worker when they book a meeting. */
export function canSeeSuggestions(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher" || actor.role === "setter";
}

/** Every worker of the organisation as the planner sees them now. */
export async function loadDispatchWorkers(
  db: Kysely<Database>,
  organisationId: string,
  nowIso: string,
): Promise<DispatchWorker[]> {
  const out: DispatchWorker[] = [];
  let after: { name: string; id: string } | undefined;
  for (;;) {
    const rows = await listWorkers(db, organisationId, {}, { limit: 2000, after });
    for (const row of rows) out.push(toDispatchWorker(toWorker(row), nowIso));
    const last = rows.at(-1);
    if (!last || rows.length < 2000) return out;
    after = { name: last.name, id: last.id };
  }
}

export interface ContactSuggestions {
  contact: Contact;
  suggestions: Suggestions;
}

/** Suggestions for many contacts against one worker snapshot, read through `db` (the transaction, when in one). */
export async function suggestionsFor(
  ctx: Context,
  input: {
    db: Kysely<Database>;
    organisation: Organisation;
    contacts: readonly Contact[];
    workers?: DispatchWorker[];
  },
): Promise<ContactSuggestions[]> {
  const { db, organisation, contacts } = input;
  const workers =
    input.workers ?? (await loadDispatchWorkers(db, organisation.id, ctx.clock.now().toISOString()));
  const declines = await declinedBy(
    db,
    organisation.id,
    contacts.map((c) => c.id),
  );
  const config = dispatchConfig(organisation.settings.dispatch);
  return contacts.map((contact) => ({
    contact,
    suggestions: suggestWorkers(toDispatchContact(contact, declines.get(contact.id) ?? []), workers, config),
  }));
}

export async function suggestForContact(
  ctx: Context,
  caller: Caller,
  contactId: string,
): Promise<Result<ContactSuggestions>> {
  if (!canSeeSuggestions(caller)) return fail("forbidden", `a ${caller.role} does not dispatch`);
  const found = await readContact(ctx.db.kysely, caller, contactId);
  if (!found.ok) return found;
  const organisation = await loadSettings(ctx.db.kysely, caller.organisationId);
  const [result] = await suggestionsFor(ctx, { db: ctx.db.kysely, organisation, contacts: [found.value] });
  return result ? ok(result) : fail("not_found", `no contact ${contactId}`);
}
