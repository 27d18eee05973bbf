/** Query functions for API keys: stored by the SHA-256 of the key, never the key itself. */
import type { Kysely, Selectable } from "kysely";
import { parseScopes } from "../core/access/api-keys.js";
import type { ApiKey } from "../core/model.js";
import { type DialectName, forUpdate } from "./dialect.js";
import type { ApiKeysTable, Database } from "./schema.js";

export type ApiKeyRow = Selectable<ApiKeysTable>;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(JSON.parse(row.scopes) as unknown[]),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
  };
}

export async function insertApiKey(trx: Kysely<Database>, row: ApiKeyRow): Promise<void> {
  await trx.insertInto("api_keys").values(row).execute();
}

/** Every key of the organisation, revoked ones too (their history matters), newest first. */
export async function listApiKeys(db: Kysely<Database>, organisationId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("id", "desc")
    .execute();
}

export async function lockApiKey(
  trx: Kysely<Database>,
  dialect: DialectName,
  organisationId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return forUpdate(
    dialect,
    trx.selectFrom("api_keys").selectAll().where("organisation_id", "=", organisationId).where("id", "=", id),
  ).executeTakeFirst();
}

export async function revokeApiKey(
  trx: Kysely<Database>,
  organisationId: string,
  id: string,
  at: string,
): Promise<void> {
  await trx
    .updateTable("api_keys")
    .set({ revoked_at: at })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
}

/** The key whose whole value hashes to `secretHash`: a unique index lookup, whatever the organisation. */
export async function findApiKeyByHash(
  db: Kysely<Database>,
  secretHash: string,
): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("api_keys").selectAll().where("secret_hash", "=", secretHash).executeTakeFirst();
}

/**
 * Records a use unless one was recorded since `notBefore`: the condition sits in the UPDATE, so
 * concurrent requests of one key write at most once a minute between them.
 */
export async function touchApiKey(
  db: Kysely<Database>,
  id: string,
  use: { at: string; ip: string | null; notBefore: string },
): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: use.at, last_used_ip: use.ip })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", use.notBefore)]))
    .execute();
}
