/**
 * Admins issue, rotate and revoke API keys; each request that presents one is resolved to the
 * caller it acts as. The key is shown once: only its SHA-256 is stored.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import { type ApiKeyScope, actorForScopes, canManageIntegrations } from "../core/access/api-keys.js";
import type { ApiKey, ApiKeyCreate, ApiKeyIssued } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import {
  type ApiKeyRow,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  lockApiKey,
  revokeApiKey as markRevoked,
  toApiKey,
  touchApiKey,
} from "../db/api-keys.js";
import type { Database } from "../db/schema.js";
import { audit, type Caller } from "./record.js";

const KEY_PREFIX = "hk_";
/** hk_ and 32 random bytes in base64url: 3 + 43 characters. */
const KEY_LENGTH = 46;
/** Enough to tell keys apart in a list, far too little to guess the rest. */
const SHOWN_PREFIX = 10;
/** A busy key writes its last use at most this often. */
const TOUCH_EVERY_MS = 60_000;

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function refused(caller: Caller) {
  return fail<never>("forbidden", `a ${caller.role} cannot manage API keys`);
}

/** Inserts a fresh key; the whole key leaves this function and is never stored. */
async function issue(
  trx: Kysely<Database>,
  ctx: Context,
  caller: Caller,
  input: { name: string; scopes: ApiKeyScope[] },
): Promise<ApiKeyIssued> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row: ApiKeyRow = {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    name: input.name,
    scopes: JSON.stringify(input.scopes),
    prefix: key.slice(0, SHOWN_PREFIX),
    secret_hash: hashKey(key),
    created_by: caller.userId || null,
    created_at: ctx.clock.now().toISOString(),
    last_used_at: null,
    last_used_ip: null,
    revoked_at: null,
  };
  await insertApiKey(trx, row);
  return { ...toApiKey(row), key };
}

export async function createApiKey(
  ctx: Context,
  caller: Caller,
  input: ApiKeyCreate,
): Promise<Result<ApiKeyIssued>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  const issued = await ctx.db.kysely.transaction().execute(async (trx) => {
    const created = await issue(trx, ctx, caller, input);
    const { key: _key, ...listed } = created;
    await audit(trx, ctx, caller, {
      action: "api_key.create",
      entity: "api_key",
      entityId: created.id,
      after: listed,
    });
    return created;
  });
  return ok(issued);
}

export async function listOrganisationApiKeys(ctx: Context, caller: Caller): Promise<Result<ApiKey[]>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ok((await listApiKeys(ctx.db.kysely, caller.organisationId)).map(toApiKey));
}

/** Revokes the key and issues its successor with the same name and scopes, in one transaction. */
export async function rotateApiKey(ctx: Context, caller: Caller, id: string): Promise<Result<ApiKeyIssued>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const old = await lockApiKey(trx, ctx.db.dialect, caller.organisationId, id);
    if (!old) return fail<ApiKeyIssued>("not_found", `no API key ${id}`);
    if (old.revoked_at)
      return fail<ApiKeyIssued>("conflict", "a revoked key cannot be rotated; create a new one");
    const before = toApiKey(old);
    await markRevoked(trx, caller.organisationId, id, ctx.clock.now().toISOString());
    const created = await issue(trx, ctx, caller, { name: before.name, scopes: before.scopes });
    await audit(trx, ctx, caller, {
      action: "api_key.rotate",
      entity: "api_key",
      entityId: id,
      before: { id, prefix: before.prefix },
      after: { id: created.id, prefix: created.prefix },
    });
    return ok(created);
  });
}

/** Revoking twice is harmless: the key stays revoked from the first time. */
export async function revokeApiKey(ctx: Context, caller: Caller, id: string): Promise<Result<null>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await lockApiKey(trx, ctx.db.dialect, caller.organisationId, id);
    if (!row) return fail<null>("not_found", `no API key ${id}`);
    if (row.revoked_at) return ok(null);
    const at = ctx.clock.now().toISOString();
    await markRevoked(trx, caller.organisationId, id, at);
    await audit(trx, ctx, caller, {
      action: "api_key.revoke",
      entity: "api_key",
      entityId: id,
      before: { revokedAt: null },
      after: { revokedAt: at },
    });
    return ok(null);
  });
}

/**
 * The caller a presented key acts as, or null for a key that is unknown or revoked. The lookup is
 * by the key's hash, so the comparison never runs over the secret itself.
 */
export async function resolveApiKey(
  ctx: Context,
  presented: string,
  ip: string | null,
): Promise<{ caller: Caller; scopes: ApiKeyScope[] } | null> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length !== KEY_LENGTH) return null;
  const row = await findApiKeyByHash(ctx.db.kysely, hashKey(presented));
  if (!row || row.revoked_at) return null;
  const key = toApiKey(row);
  const now = ctx.clock.now();
  const last = row.last_used_at ? Date.parse(row.last_used_at) : Number.NEGATIVE_INFINITY;
  if (now.getTime() - last >= TOUCH_EVERY_MS) {
    await touchApiKey(ctx.db.kysely, row.id, {
      at: now.toISOString(),
      ip,
      notBefore: new Date(now.getTime() - TOUCH_EVERY_MS).toISOString(),
    });
  }
  const actor = actorForScopes(row.organisation_id, key.scopes);
  return { caller: { ...actor, ip, apiKeyId: row.id }, scopes: key.scopes };
}
