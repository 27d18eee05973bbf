/**
 * Duplicates: each contact's matching keys (so an arrival finds its likely twins without a scan),
 * the pairs waiting for review or decided, and every merge with what it needs to be undone.
 */
import type { Kysely } from "kysely";
import { type DialectName, doubleType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  // The contact a merge folded this one into; the row stays (closed, "duplicate") so it can come back.
  await db.schema.alterTable("contacts").addColumn("merged_into_id", "text").execute();

  // Blocking keys (src/core/dedupe/blocking.ts) plus counting-only keys (whole name, city).
  await db.schema
    .createTable("contact_match_keys")
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    .addPrimaryKeyConstraint("contact_match_keys_pk", ["organisation_id", "key", "contact_id"])
    .execute();
  await db.schema
    .createIndex("contact_match_keys_contact")
    .on("contact_match_keys")
    .column("contact_id")
    .execute();

  // One row per pair of contacts ever found alike (contact_a < contact_b): open until a person
  // merges them or says they are different people, which is remembered.
  await db.schema
    .createTable("duplicate_pairs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_a", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("contact_b", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("score", doubleType(dialect), (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("found_at", "text", (c) => c.notNull())
    .addColumn("found_by", "text", (c) => c.notNull())
    .addColumn("decided_at", "text")
    .addColumn("decided_by", "text")
    .execute();
  await db.schema
    .createIndex("duplicate_pairs_contacts")
    .on("duplicate_pairs")
    .columns(["organisation_id", "contact_a", "contact_b"])
    .unique()
    .execute();
  await db.schema
    .createIndex("duplicate_pairs_open")
    .on("duplicate_pairs")
    .columns(["organisation_id", "status", "score"])
    .execute();

  // A merge keeps both rows as they were and the ids of every row it moved, so undo is exact.
  await db.schema
    .createTable("merges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("survivor_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("merged_id", "text", (c) => c.notNull().references("contacts.id"))
    .addColumn("pair_id", "text")
    .addColumn("survivor_before", "text", (c) => c.notNull())
    .addColumn("merged_before", "text", (c) => c.notNull())
    .addColumn("survivor_after", "text", (c) => c.notNull())
    .addColumn("moved", "text", (c) => c.notNull())
    .addColumn("automatic", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("undone_at", "text")
    .addColumn("undone_by", "text")
    .execute();
  await db.schema
    .createIndex("merges_recent")
    .on("merges")
    .columns(["organisation_id", "created_at"])
    .execute();
}
