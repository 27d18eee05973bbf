/** /api/v1/auth and /api/v1/me: signing in and out, and who the caller is. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { MeSchema, type User } from "../../core/model.js";
import { nounsFor } from "../../core/vocabulary.js";
import { loadSettings } from "../../db/organisations.js";
import { signIn, signOut } from "../../services/sessions.js";
import { callerOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";

const LoginBody = z
  .object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) })
  .strict();

export function sessionRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["session"];

  async function me(user: User, organisationId: string): Promise<z.infer<typeof MeSchema>> {
    const organisation = await loadSettings(ctx.db.kysely, organisationId);
    const v = organisation.vocabulary;
    return {
      user,
      organisation,
      nouns: { en: nounsFor(v, "en"), it: nounsFor(v, "it"), el: nounsFor(v, "el") },
    };
  }

  r.post(
    "/api/v1/auth/login",
    {
      schema: {
        tags,
        summary: "Sign in with e-mail and password; sets the session cookie",
        body: LoginBody,
        response: { 200: MeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await signIn(ctx, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
      });
      if (!result.ok) return sendFailure(reply, result.error);
      setSessionCookie(reply, ctx, result.value.token, result.value.expiresAt);
      return me(result.value.user, result.value.organisationId);
    },
  );

  r.post(
    "/api/v1/auth/logout",
    {
      schema: {
        tags,
        summary: "Sign out: ends this session",
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(ctx, callerOf(request), token);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    "/api/v1/me",
    {
      schema: {
        tags,
        summary: "The signed-in user, their organisation and its vocabulary",
        response: { 200: MeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!request.user) return sendFailure(reply, { code: "unauthorized", message: "sign in first" });
      return me(request.user, caller.organisationId);
    },
  );
}
