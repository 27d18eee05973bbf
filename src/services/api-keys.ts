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
import type { Db } from "../db/dialect.js";
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
  const rotated = await ctx.db.kysely.transaction().execute(async (trx) => {
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
  if (rotated.ok) forgetApiKey(ctx.db, id);
  return rotated;
}

/** Revoking twice is harmless: the key stays revoked from the first time. */
export async function revokeApiKey(ctx: Context, caller: Caller, id: string): Promise<Result<null>> {
  if (!canManageIntegrations(caller)) return refused(caller);
  const revoked = await ctx.db.kysely.transaction().execute(async (trx) => {
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
  forgetApiKey(ctx.db, id);
  return revoked;
}

/**
 * Keys resolved lately, per database, by the hash of the whole key: a busy integration (an intake
 * form under load) would otherwise read its key on every request. Revoking or rotating a key in
 * this process forgets it at once; a revocation made by another process (another `handoff serve`
 * on the same PostgreSQL, the CLI) takes effect here within KEY_CACHE_MS. Unknown and revoked keys
 * are never kept, so made-up keys cannot fill the cache.
 */
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_SIZE = 10_000;

interface ResolvedKey {
  id: string;
  organisationId: string;
  scopes: ApiKeyScope[];
  /** When the row was read (clock milliseconds): the entry is trusted for KEY_CACHE_MS after. */
  readAt: number;
  /** The last use recorded, as far as this process knows. */
  lastUsedAt: number;
}

interface KeyCache {
  byHash: Map<string, ResolvedKey>;
  /** Bumped by every revocation, so a read that raced one is not kept. */
  generation: number;
}

const keyCaches = new WeakMap<Db, KeyCache>();

function keyCacheOf(db: Db): KeyCache {
  let cache = keyCaches.get(db);
  if (!cache) {
    cache = { byHash: new Map(), generation: 0 };
    keyCaches.set(db, cache);
  }
  return cache;
}

/** Forgets a key this process may have resolved: call once its revocation is committed. */
function forgetApiKey(db: Db, id: string): void {
  const cache = keyCacheOf(db);
  cache.generation += 1;
  for (const [hash, key] of cache.byHash) if (key.id === id) cache.byHash.delete(hash);
}

/** The key whose hash this is, from the cache while it is fresh, else read (and kept when valid). */
async function lookUpKey(ctx: Context, hash: string, now: number): Promise<ResolvedKey | null> {
  const cache = keyCacheOf(ctx.db);
  const known = cache.byHash.get(hash);
  if (known && now - known.readAt >= 0 && now - known.readAt < KEY_CACHE_MS) return known;
  const generation = cache.generation;
  const row = await findApiKeyByHash(ctx.db.kysely, hash);
  if (!row || row.revoked_at) {
    cache.byHash.delete(hash);
    return null;
  }
  const key: ResolvedKey = {
    id: row.id,
    organisationId: row.organisation_id,
    scopes: toApiKey(row).scopes,
    readAt: now,
    lastUsedAt: Math.max(
      known?.lastUsedAt ?? Number.NEGATIVE_INFINITY,
      row.last_used_at ? Date.parse(row.last_used_at) : Number.NEGATIVE_INFINITY,
    ),
  };
  if (cache.generation === generation) {
    cache.byHash.delete(hash);
    if (cache.byHash.size >= KEY_CACHE_SIZE) cache.byHash.delete(cache.byHash.keys().next().value ?? "");
    cache.byHash.set(hash, key);
  }
  return key;
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
  const now = ctx.clock.now();
  const key = await lookUpKey(ctx, hashKey(presented), now.getTime());
  if (!key) return null;
  if (now.getTime() - key.lastUsedAt >= TOUCH_EVERY_MS) {
    key.lastUsedAt = now.getTime();
    await touchApiKey(ctx.db.kysely, key.id, {
      at: now.toISOString(),
      ip,
      notBefore: new Date(now.getTime() - TOUCH_EVERY_MS).toISOString(),
    });
  }
  const actor = actorForScopes(key.organisationId, key.scopes);
  return { caller: { ...actor, ip, apiKeyId: key.id }, scopes: key.scopes };
}
