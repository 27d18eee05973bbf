/**
 * Who is calling, checked before every /api route: the session cookie (with the second-factor
 * enrolment gate and the cross-origin check that stops CSRF), or, on routes that declare a scope,
 * an API key sent as `Authorization: Bearer hk_…`.
 */
import "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Context } from "../context.js";
import { type ApiKeyScope, actorForScope, keyAllows } from "../core/access/api-keys.js";
import type { User } from "../core/model.js";
import { resolveApiKey } from "../services/api-keys.js";
import type { Caller } from "../services/record.js";
import { type ResolvedSession, resolveSession } from "../services/sessions.js";
import { sendFailure } from "./problem.js";

export const SESSION_COOKIE = "handoff_session";

/** What a route may declare in its `config`. */
export interface RouteSecurity {
  /** Anyone may call it (sign-in). */
  public?: boolean;
  /** Open while a second factor the organisation requires is not set up yet. */
  duringEnrolment?: boolean;
  /** An API key holding this scope may call the route (as the scope's least-privileged actor). */
  apiKeyScope?: ApiKeyScope;
  /** The key may also come as `?key=`, for HTML forms that cannot send a header. */
  keyInQuery?: boolean;
  /**
   * Other sites may post here: the route takes no session cookie (only an API key), so there is
   * no signed-in browser to forge a request for.
   */
  crossSite?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
    user: User | null;
    session: ResolvedSession | null;
  }
  interface FastifyContextConfig extends RouteSecurity {}
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request a browser sent from another site (cross-site request forgery),
 * the way Go's http.CrossOriginProtection does: by the Sec-Fetch-Site header every current browser
 * sends, else by Origin against Host. Requests with neither come from non-browser clients, which
 * cannot carry someone else's cookie. The session cookie is also SameSite=Lax.
 */
export function crossOriginProblem(request: FastifyRequest): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const site = request.headers["sec-fetch-site"];
  if (typeof site === "string") {
    return site === "same-origin" || site === "none"
      ? null
      : `a ${site} request may not change anything here`;
  }
  const origin = request.headers.origin;
  if (typeof origin !== "string" || origin === "") return null;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `the Origin header "${origin}" is not a URL`;
  }
  return host === request.headers.host ? null : `a request from ${origin} may not change anything here`;
}

export function registerAuth(app: FastifyInstance, ctx: Context): void {
  app.decorateRequest("caller", null);
  app.decorateRequest("user", null);
  app.decorateRequest("session", null);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/")) return;
    const config = request.routeOptions.config;
    const forged = config.crossSite ? null : crossOriginProblem(request);
    if (forged) return sendFailure(reply, { code: "forbidden", message: forged });
    if (!path.startsWith("/api/v1/")) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const inQuery = config.keyInQuery ? (request.query as { key?: unknown }).key : undefined;
    const key = bearer ?? (typeof inQuery === "string" ? inQuery : undefined);
    if (key) return authoriseApiKey(request, reply, key, config.apiKeyScope);
    if (config.crossSite) {
      return sendFailure(reply, {
        code: "unauthorized",
        message: "send an API key: Authorization: Bearer hk_…",
      });
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await resolveSession(ctx, token, request.ip);
      if (session) {
        request.session = session;
        request.caller = session.caller;
        request.user = session.user;
      }
    }
    if (config.public) return;
    if (!request.caller) return sendFailure(reply, { code: "unauthorized", message: "sign in first" });
    if (request.session?.mustEnrolTwoFactor && !config.duringEnrolment) {
      return sendFailure(reply, {
        code: "forbidden",
        message:
          "your organisation requires two-factor authentication: set it up first (Account → Two-factor)",
        details: { twoFactor: "enrolment_required" },
      });
    }
  });

  /** A key authenticates only routes that declare a scope it holds; it acts as that scope's actor. */
  async function authoriseApiKey(
    request: FastifyRequest,
    reply: FastifyReply,
    presented: string,
    required: ApiKeyScope | undefined,
  ): Promise<FastifyReply | undefined> {
    const key = await resolveApiKey(ctx, presented, request.ip);
    if (!key)
      return sendFailure(reply, { code: "unauthorized", message: "the API key is unknown or revoked" });
    if (!required || !keyAllows(key.scopes, required)) {
      return sendFailure(reply, {
        code: "forbidden",
        message: required
          ? `this API key lacks the scope "${required}" that ${request.method} ${request.routeOptions.url} needs`
          : `${request.method} ${request.routeOptions.url ?? request.url} cannot be called with an API key`,
      });
    }
    request.caller = { ...key.caller, ...actorForScope(key.caller.organisationId, required) };
    return undefined;
  }
}

/** The caller of an authenticated route (the hook above has already refused anonymous calls). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`route ${request.url} ran without a session`);
  return request.caller;
}

export function setSessionCookie(reply: FastifyReply, ctx: Context, token: string, expiresAt: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.config.secureCookies,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
}
