/** /api/v1/auth and /api/v1/me: signing in and out, who the caller is, their sessions, password and second factor. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { twoFactorRequired } from "../../core/access/sign-in.js";
import {
  MeSchema,
  PasswordChangeSchema,
  RecoveryCodesSchema,
  SessionSchema,
  SignInSchema,
  TwoFactorSetupSchema,
  type User,
} from "../../core/model.js";
import { nounsFor } from "../../core/vocabulary.js";
import { loadSettings } from "../../db/organisations.js";
import { changePassword, listSessions, revokeSessions, signIn, signOut } from "../../services/sessions.js";
import {
  confirmTwoFactor,
  disableTwoFactor,
  renewRecoveryCodes,
  resetTwoFactor,
  startTwoFactor,
  unusedRecoveryCodes,
} from "../../services/two-factor.js";
import { callerOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParam = z.object({ id: z.string().min(1).max(100) }).strict();
const UserSessionParams = z
  .object({ id: z.string().min(1).max(100), sessionId: z.string().min(1).max(100) })
  .strict();
const PasswordBody = z.object({ password: z.string().min(1).max(200) }).strict();
const CodeBody = z.object({ code: z.string().trim().min(6).max(6) }).strict();
const Ended = z.object({ ended: z.number().int() });

export function sessionRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["session"];

  async function me(user: User, organisationId: string): Promise<z.infer<typeof MeSchema>> {
    const organisation = await loadSettings(ctx.db.kysely, organisationId);
    const v = organisation.vocabulary;
    const row = await ctx.db.kysely
      .selectFrom("users")
      .select("totp_enabled_at")
      .where("id", "=", user.id)
      .executeTakeFirst();
    const enabled = Boolean(row?.totp_enabled_at);
    const required = twoFactorRequired(user.role, organisation.settings.security.twoFactor);
    return {
      user,
      organisation,
      nouns: { en: nounsFor(v, "en"), it: nounsFor(v, "it"), el: nounsFor(v, "el") },
      security: {
        twoFactorEnabled: enabled,
        twoFactorRequired: required,
        mustEnrolTwoFactor: required && !enabled,
        unusedRecoveryCodes: enabled ? await unusedRecoveryCodes(ctx.db.kysely, user.id) : 0,
      },
    };
  }

  const currentSessionId = (request: FastifyRequest) => request.session?.sessionId ?? null;

  r.post(
    "/api/v1/auth/login",
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary:
          "Sign in with e-mail, password and (when set up) a second-factor code; sets the session cookie",
        description:
          'A user with two-factor authentication who sends no code gets 401 with details.secondFactor = "required". Five failures for one e-mail in 15 minutes lock it for the rest of the window (429); so do 30 from one address.',
        body: SignInSchema,
        response: { 200: MeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await signIn(ctx, {
        ...request.body,
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
      config: { duringEnrolment: true },
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
      config: { duringEnrolment: true },
      schema: {
        tags,
        summary: "The signed-in user, their organisation, its vocabulary and the user's sign-in security",
        response: { 200: MeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!request.user) return sendFailure(reply, { code: "unauthorized", message: "sign in first" });
      return me(request.user, caller.organisationId);
    },
  );

  r.post(
    "/api/v1/me/password",
    {
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "Change your password (with the current one); ends every session and starts a new one here",
        body: PasswordChangeSchema,
        response: { 200: MeSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await changePassword(ctx, callerOf(request), {
        ...request.body,
        userAgent: request.headers["user-agent"] ?? null,
      });
      if (!result.ok) return sendFailure(reply, result.error);
      setSessionCookie(reply, ctx, result.value.token, result.value.expiresAt);
      return me(result.value.user, result.value.organisationId);
    },
  );

  r.get(
    "/api/v1/me/sessions",
    {
      config: { duringEnrolment: true },
      schema: {
        tags,
        summary: "Your signed-in sessions, newest first",
        response: { 200: z.array(SessionSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return sendResult(reply, await listSessions(ctx, caller, caller.userId, currentSessionId(request)));
    },
  );

  r.delete(
    "/api/v1/me/sessions/:id",
    {
      schema: {
        tags,
        summary: "End one of your sessions (on a lost phone, say)",
        params: IdParam,
        response: { 200: Ended, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return sendResult(
        reply,
        await revokeSessions(ctx, caller, { userId: caller.userId, sessionId: request.params.id }),
      );
    },
  );

  r.post(
    "/api/v1/me/two-factor/setup",
    {
      config: { duringEnrolment: true },
      schema: {
        tags,
        summary: "Start two-factor set-up: a new secret and its QR code for an authenticator app",
        response: { 200: TwoFactorSetupSchema, ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await startTwoFactor(ctx, callerOf(request))),
  );

  r.post(
    "/api/v1/me/two-factor/confirm",
    {
      config: { duringEnrolment: true, rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "Finish set-up with a code from the app; answers the recovery codes, shown once",
        body: CodeBody,
        response: { 200: RecoveryCodesSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await confirmTwoFactor(ctx, callerOf(request), request.body.code)),
  );

  r.post(
    "/api/v1/me/two-factor/disable",
    {
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "Turn two-factor authentication off (with the password), where the organisation allows",
        body: PasswordBody,
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) =>
      noContent(reply, await disableTwoFactor(ctx, callerOf(request), request.body.password)),
  );

  r.post(
    "/api/v1/me/two-factor/recovery-codes",
    {
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "New recovery codes (with the password); the old ones stop working",
        body: PasswordBody,
        response: { 200: RecoveryCodesSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await renewRecoveryCodes(ctx, callerOf(request), request.body.password)),
  );

  r.get(
    "/api/v1/users/:id/sessions",
    {
      schema: {
        tags: ["users"],
        summary: "A user's signed-in sessions (admins)",
        params: IdParam,
        response: { 200: z.array(SessionSchema), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await listSessions(ctx, callerOf(request), request.params.id, currentSessionId(request)),
      ),
  );

  r.delete(
    "/api/v1/users/:id/sessions",
    {
      schema: {
        tags: ["users"],
        summary: "End every session of a user (admins)",
        params: IdParam,
        response: { 200: Ended, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await revokeSessions(ctx, callerOf(request), { userId: request.params.id, sessionId: null }),
      ),
  );

  r.delete(
    "/api/v1/users/:id/sessions/:sessionId",
    {
      schema: {
        tags: ["users"],
        summary: "End one session of a user (admins)",
        params: UserSessionParams,
        response: { 200: Ended, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await revokeSessions(ctx, callerOf(request), {
          userId: request.params.id,
          sessionId: request.params.sessionId,
        }),
      ),
  );

  r.delete(
    "/api/v1/users/:id/two-factor",
    {
      schema: {
        tags: ["users"],
        summary: "Clear a user's second factor after a lost phone (admins); their sessions end",
        params: IdParam,
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) =>
      noContent(reply, await resetTwoFactor(ctx, callerOf(request), request.params.id)),
  );
}

function noContent(reply: FastifyReply, result: Awaited<ReturnType<typeof disableTwoFactor>>): FastifyReply {
  if (!result.ok) return sendFailure(reply, result.error);
  return reply.code(204).send(null);
}
