/** What an API key may do: its scopes, and the least-privileged actor each scope acts as. */
import type { Actor, Role } from "./roles.js";

export const API_KEY_SCOPES = ["intake", "contacts:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The role whose rights a scope borrows, chosen as the weakest that can do the job: intake only
 * creates contacts, which a setter may; reading every contact of the organisation is a dispatcher's
 * right. The routes a key may call are narrowed further by the route's declared scope.
 */
const SCOPE_ROLE: Record<ApiKeyScope, Role> = {
  intake: "setter",
  "contacts:read": "dispatcher",
};

/** Roles from weakest to strongest, for a key holding several scopes. */
const ROLE_ORDER: readonly Role[] = ["marketer", "worker", "setter", "dispatcher", "admin"];

/** The actor an API key acts as when a route requires `scope`. A key is never anyone's worker record. */
export function actorForScope(organisationId: string, scope: ApiKeyScope): Actor {
  return { userId: "", organisationId, role: SCOPE_ROLE[scope], workerId: null };
}

/** The actor for a key holding several scopes: the weakest role that covers every one of them. */
export function actorForScopes(organisationId: string, scopes: readonly ApiKeyScope[]): Actor {
  const rank = (role: Role) => ROLE_ORDER.indexOf(role);
  const role = scopes
    .map((scope) => SCOPE_ROLE[scope])
    .reduce<Role>((strongest, r) => (rank(r) > rank(strongest) ? r : strongest), "marketer");
  return { userId: "", organisationId, role, workerId: null };
}

/** Whether a key's scopes allow a route that declares `required`. */
export function keyAllows(scopes: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
  return scopes.includes(required);
}

/**
 * Only signed-in admins create, rotate and revoke API keys and webhooks: a key (userId "") never
 * mints keys, whatever role a future scope might borrow.
 */
export function canManageIntegrations(actor: Actor): boolean {
  return actor.role === "admin" && actor.userId !== "";
}

/** Turns the stored JSON list into known scopes, dropping any this version no longer knows. */
export function parseScopes(values: readonly unknown[]): ApiKeyScope[] {
  return values.filter((v): v is ApiKeyScope => (API_KEY_SCOPES as readonly unknown[]).includes(v));
}
