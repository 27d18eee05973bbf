/** Intake: idempotency keys of intake requests, and where each contact came from (utm_* and the like). */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  // Written in the transaction that creates the contact: a retried request finds it and gets the
  // same contact back, and a crash leaves both or neither.
  await db.schema
    .createTable("idempotency_keys")
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["organisation_id", "key"])
    .execute();
  await db.schema.alterTable("contacts").addColumn("attribution", "text").execute();
}
