/** The contacts a caller may see, as CSV: the same filters as the list, every page, one audit entry. */
import { stringify } from "csv-stringify/sync";
import type { Context } from "../context.js";
import { contactScope } from "../core/access/roles.js";
import type { Contact } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { type ContactFilter, listContacts, sortValue, toContact } from "../db/contacts.js";
import { audit, type Caller } from "./record.js";

const PAGE = 1000;

/**
 * Columns named like the fields `handoff import contacts` and the intake read (name, phone, email,
 * language, placeName …), so an export imports back; lists are `;`-separated as in contract.md.
 */
const COLUMNS: Array<[string, (c: Contact) => string | number | boolean | null]> = [
  ["id", (c) => c.id],
  ["name", (c) => c.displayName],
  ["givenName", (c) => c.givenName],
  ["familyName", (c) => c.familyName],
  ["phone", (c) => c.phones.join(";")],
  ["email", (c) => c.emails.join(";")],
  ["gender", (c) => c.gender],
  ["language", (c) => c.languages.join(";")],
  ["placeName", (c) => c.placeName],
  ["region", (c) => c.region],
  ["country", (c) => c.country],
  ["postalCode", (c) => c.postalCode],
  ["lat", (c) => c.lat],
  ["lon", (c) => c.lon],
  ["source", (c) => c.source],
  ["campaign", (c) => c.campaign],
  ["inbound", (c) => c.inbound],
  ["status", (c) => c.status],
  ["statusReason", (c) => c.statusReason],
  ["progress", (c) => c.progress],
  ["workerId", (c) => c.assignedWorkerId],
  ["workerName", (c) => c.assignedWorkerName],
  ["createdAt", (c) => c.createdAt],
  ["updatedAt", (c) => c.updatedAt],
  ["lastActivityAt", (c) => c.lastActivityAt],
];

export async function exportContactsCsv(
  ctx: Context,
  caller: Caller,
  filter: ContactFilter,
): Promise<Result<{ csv: string; count: number }>> {
  const scope = contactScope(caller);
  if (scope.kind === "none") return fail("forbidden", `a ${caller.role} cannot see contacts`);
  const records: Array<Array<string | number | boolean | null>> = [COLUMNS.map(([name]) => name)];
  let after: { value: string; id: string } | undefined;
  for (;;) {
    const rows = await listContacts(ctx.db.kysely, caller.organisationId, scope, filter, {
      sort: "createdAt",
      order: "asc",
      limit: PAGE,
      after,
    });
    for (const row of rows) {
      const contact = toContact(row);
      records.push(COLUMNS.map(([, value]) => value(contact)));
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) break;
    after = { value: sortValue(last, "createdAt"), id: last.id };
  }
  const count = records.length - 1;
  // Taking personal data out in bulk is worth a line in the log: who, which filter, how many.
  await ctx.db.kysely.transaction().execute((trx) =>
    audit(trx, ctx, caller, {
      action: "contact.export_list",
      entity: "contact",
      entityId: "*",
      after: { filter, count },
    }),
  );
  return ok({ csv: stringify(records, { cast: { boolean: (v) => (v ? "true" : "false") } }), count });
}
