/** Session cookies: who is calling. Every route under /api/v1 except sign-in requires a session. */
import "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Context } from "../context.js";
import type { User } from "../core/model.js";
import type { Caller } from "../services/record.js";
import { resolveSession } from "../services/sessions.js";
import { sendFailure } from "./problem.js";

export const SESSION_COOKIE = "handoff_session";

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
    user: User | null;
  }
}

/** Routes anyone may call. */
const PUBLIC = new Set(["/api/v1/auth/login"]);

export function registerAuth(app: FastifyInstance, ctx: Context): void {
  app.decorateRequest("caller", null);
  app.decorateRequest("user", null);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/v1/")) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await resolveSession(ctx, token, request.ip);
      if (session) {
        request.caller = session.caller;
        request.user = session.user;
      }
    }
    if (!request.caller && !PUBLIC.has(path)) {
      return sendFailure(reply, { code: "unauthorized", message: "sign in first" });
    }
  });
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
