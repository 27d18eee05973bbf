/** Loading a contact the caller may see: others' contacts are reported as missing, never as forbidden. */
import type { Kysely } from "kysely";
import { canSeeContact, contactScope } from "../core/access/roles.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { type ContactWithWorker, findContact, lockContact, toContact } from "../db/contacts.js";
import type { DialectName } from "../db/dialect.js";
import type { Database } from "../db/schema.js";
import type { Caller } from "./record.js";

function visible(caller: Caller, id: string, row: ContactWithWorker | undefined): Result<Contact> {
  if (contactScope(caller).kind === "none") return fail("forbidden", `a ${caller.role} cannot see contacts`);
  if (!row) return fail("not_found", `no contact ${id}`);
  const contact = toContact(row);
  if (!canSeeContact(caller, contact)) return fail("not_found", `no contact ${id}`);
  return ok(contact);
}

export async function readContact(
  db: Kysely<Database>,
  caller: Caller,
  id: string,
): Promise<Result<Contact>> {
  return visible(caller, id, await findContact(db, caller.organisationId, id));
}

/** Inside a transaction: the contact, locked until the transaction ends. */
export async function lockVisibleContact(
  trx: Kysely<Database>,
  dialect: DialectName,
  caller: Caller,
  id: string,
): Promise<Result<Contact>> {
  return visible(caller, id, await lockContact(trx, dialect, caller.organisationId, id));
}
