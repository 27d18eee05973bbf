/** Security: second factors, sign-in throttling, API keys, webhooks and the outbox. */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("users").addColumn("totp_secret", "text").execute();
  await db.schema.alterTable("users").addColumn("totp_enabled_at", "text").execute();
  // The last TOTP time step accepted: a code is never accepted twice.
  await db.schema.alterTable("users").addColumn("totp_last_step", "integer").execute();
  await db.schema.alterTable("users").addColumn("password_changed_at", "text").execute();

  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("recovery_codes_by_user").on("recovery_codes").column("user_id").execute();

  // Failed sign-ins, counted per e-mail (account lockout, the same for unknown addresses so a
  // lockout reveals nothing) and per client address (one address guessing across many accounts).
  await db.schema
    .createTable("sign_in_failures")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("sign_in_failures_by_ip")
    .on("sign_in_failures")
    .columns(["ip", "created_at"])
    .execute();
  await db.schema
    .createIndex("sign_in_failures_by_email")
    .on("sign_in_failures")
    .columns(["email", "created_at"])
    .execute();

  // When a contact's personal data was erased (on request, or by the retention rule).
  await db.schema.alterTable("contacts").addColumn("erased_at", "text").execute();

  // Changes made through an API key name the key, as changes by people name the user.
  await db.schema.alterTable("audit_log").addColumn("actor_api_key_id", "text").execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("last_used_ip", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema
    .createIndex("api_keys_by_organisation")
    .on("api_keys")
    .columns(["organisation_id", "id"])
    .execute();

  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhooks_by_organisation")
    .on("webhooks")
    .columns(["organisation_id", "id"])
    .execute();

  // Side effects written in the same transaction as the change, delivered at least once.
  await db.schema
    .createTable("outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "text")
    .addColumn("failed_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["delivered_at", "due_at"]).execute();
}
