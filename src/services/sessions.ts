/** Sign-in (throttled, with a second factor), sessions resolved per request, listed and revoked, and password changes. */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Role } from "../core/access/roles.js";
import {
  FAILURE_WINDOW_MINUTES,
  sessionAlive,
  signInBlock,
  twoFactorRequired,
} from "../core/access/sign-in.js";
import type { Session, User } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { settingsOfRow } from "../db/organisations.js";
import type { Database } from "../db/schema.js";
import { deleteSession, deleteUserSessions, findUser, findUserByEmail, toUser } from "../db/users.js";
import { decoyHash, hashPassword, newPasswordProblem, verifyPassword } from "./passwords.js";
import { audit, type Caller } from "./record.js";
import { verifySecondFactor } from "./two-factor.js";

export function tokenId(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface SignIn {
  email: string;
  password: string;
  /** A TOTP code or a recovery code, when the user has a second factor. */
  code?: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export interface NewSession {
  token: string;
  user: User;
  organisationId: string;
  expiresAt: string;
}

const WRONG = "e-mail or password is wrong";

/**
 * Signs in: refused while the e-mail or the address is locked out (unknown e-mails are counted
 * the same, so a lockout reveals nothing), then the password, then the second factor if the user
 * has one. Every failure is recorded; success forgets the e-mail's failures.
 */
export async function signIn(ctx: Context, request: SignIn): Promise<Result<NewSession>> {
  const email = request.email.trim().toLowerCase();
  const ip = request.ip ?? "unknown";
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - FAILURE_WINDOW_MINUTES * 60_000).toISOString();
  const [byEmail, byAddress] = await Promise.all([
    ctx.db.kysely
      .selectFrom("sign_in_failures")
      .select("created_at")
      .where("email", "=", email)
      .where("created_at", ">", since)
      .execute(),
    ctx.db.kysely
      .selectFrom("sign_in_failures")
      .select("created_at")
      .where("ip", "=", ip)
      .where("created_at", ">", since)
      .execute(),
  ]);
  const block = signInBlock(
    { email: byEmail.map((r) => r.created_at), address: byAddress.map((r) => r.created_at) },
    now,
  );
  if (block) {
    const minutes = Math.max(1, Math.ceil((block.until.getTime() - now.getTime()) / 60_000));
    return fail(
      "rate_limited",
      block.reason === "account"
        ? `too many failed sign-ins for this e-mail; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`
        : `too many failed sign-ins from this address; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
      { details: { retryAfterSeconds: Math.ceil((block.until.getTime() - now.getTime()) / 1000) } },
    );
  }

  const row = await findUserByEmail(ctx.db.kysely, email);
  const valid = await verifyPassword(row?.password_hash ?? (await decoyHash()), request.password);
  const recordFailure = () =>
    ctx.db.kysely
      .insertInto("sign_in_failures")
      .values({ id: ctx.newId(), ip, email, created_at: now.toISOString() })
      .execute();
  if (!row || !valid || row.disabled === 1) {
    await recordFailure();
    return fail("unauthorized", WRONG);
  }
  if (row.totp_enabled_at && !request.code) {
    // The password was right: no failure is counted, the client asks for the code.
    return fail("unauthorized", "enter the code from your authenticator app, or a recovery code", {
      details: { secondFactor: "required" },
      errors: [{ path: "code", message: "required" }],
    });
  }

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ctx.config.sessionHours * 3600_000).toISOString();
  const user = toUser(row);
  const caller: Caller = {
    userId: user.id,
    organisationId: row.organisation_id,
    role: user.role,
    workerId: user.workerId,
    ip: request.ip,
  };
  const outcome = await ctx.db.kysely.transaction().execute(async (trx) => {
    let method: "password" | "totp" | "recovery" = "password";
    if (row.totp_enabled_at) {
      const second = await verifySecondFactor(trx, ctx, row, request.code ?? "");
      if (!second) return "bad_code" as const;
      method = second;
    }
    await insertSession(trx, {
      token,
      userId: user.id,
      organisationId: row.organisation_id,
      now,
      expiresAt,
      ip: request.ip,
      userAgent: request.userAgent,
    });
    await trx.deleteFrom("sign_in_failures").where("email", "=", email).execute();
    await audit(trx, ctx, caller, {
      action: "session.create",
      entity: "user",
      entityId: user.id,
      after: { method },
    });
    return "ok" as const;
  });
  if (outcome === "bad_code") {
    await recordFailure();
    return fail("unauthorized", "the code is wrong or was used already", {
      details: { secondFactor: "required" },
      errors: [{ path: "code", message: "does not match" }],
    });
  }
  return ok({ token, user, organisationId: row.organisation_id, expiresAt });
}

export interface ResolvedSession {
  caller: Caller;
  user: User;
  sessionId: string;
  /** The organisation requires a second factor the user has not set up: only enrolment is open. */
  mustEnrolTwoFactor: boolean;
  twoFactorEnabled: boolean;
  twoFactorRequired: boolean;
}

/** Last-seen is written at most this often, so reading pages does not write a row per request. */
const TOUCH_EVERY_MS = 60_000;

/** The caller behind a session token, or nothing when it is unknown, expired, idle too long, or its user disabled. */
export async function resolveSession(
  ctx: Context,
  token: string,
  ip: string | null,
): Promise<ResolvedSession | null> {
  const id = tokenId(token);
  const row = await ctx.db.kysely
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .leftJoin("workers", "workers.user_id", "users.id")
    .selectAll("users")
    .select([
      "sessions.expires_at as session_expires_at",
      "sessions.last_seen_at as session_last_seen_at",
      "workers.id as worker_id",
      "organisations.settings as organisation_settings",
      "organisations.vocabulary as organisation_vocabulary",
      "organisations.updated_at as organisation_version",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row || row.disabled === 1) return null;
  const { settings } = settingsOfRow({
    id: row.organisation_id,
    updated_at: row.organisation_version,
    settings: row.organisation_settings,
    vocabulary: row.organisation_vocabulary,
  });
  const now = ctx.clock.now();
  const times = { expiresAt: row.session_expires_at, lastSeenAt: row.session_last_seen_at };
  if (!sessionAlive(times, settings.security.sessionIdleMinutes, now)) {
    await deleteSession(ctx.db.kysely, id);
    return null;
  }
  if (now.getTime() - Date.parse(row.session_last_seen_at) >= TOUCH_EVERY_MS) {
    await ctx.db.kysely
      .updateTable("sessions")
      .set({ last_seen_at: now.toISOString(), ip })
      .where("id", "=", id)
      .execute();
  }
  const user = toUser(row);
  const required = twoFactorRequired(user.role, settings.security.twoFactor);
  const enabled = row.totp_enabled_at !== null;
  return {
    user,
    sessionId: id,
    twoFactorEnabled: enabled,
    twoFactorRequired: required,
    mustEnrolTwoFactor: required && !enabled,
    caller: {
      userId: user.id,
      organisationId: row.organisation_id,
      role: user.role as Role,
      workerId: user.workerId,
      ip,
    },
  };
}

export async function signOut(ctx: Context, caller: Caller, token: string): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await deleteSession(trx, tokenId(token));
    await audit(trx, ctx, caller, { action: "session.delete", entity: "user", entityId: caller.userId });
  });
}

function toSession(row: Database["sessions"], currentId: string | null): Session {
  return {
    id: row.id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    current: row.id === currentId,
  };
}

/** A user's live sessions, newest first: their own, or anyone's in the organisation for an admin. */
export async function listSessions(
  ctx: Context,
  caller: Caller,
  userId: string,
  currentId: string | null,
): Promise<Result<Session[]>> {
  if (userId !== caller.userId && caller.role !== "admin") {
    return fail("forbidden", `a ${caller.role} sees only their own sessions`);
  }
  const rows = await ctx.db.kysely
    .selectFrom("sessions")
    .selectAll()
    .where("organisation_id", "=", caller.organisationId)
    .where("user_id", "=", userId)
    .where("expires_at", ">", ctx.clock.now().toISOString())
    .orderBy("created_at", "desc")
    .execute();
  if (
    rows.length === 0 &&
    userId !== caller.userId &&
    !(await findUser(ctx.db.kysely, caller.organisationId, userId))
  ) {
    return fail("not_found", `no user ${userId}`);
  }
  return ok(rows.map((row) => toSession(row, currentId)));
}

/** Ends one session (sessionId) or every session of a user (sessionId null). */
export async function revokeSessions(
  ctx: Context,
  caller: Caller,
  target: { userId: string; sessionId: string | null },
): Promise<Result<{ ended: number }>> {
  if (target.userId !== caller.userId && caller.role !== "admin") {
    return fail("forbidden", `a ${caller.role} ends only their own sessions`);
  }
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const user = await findUser(trx, caller.organisationId, target.userId);
    if (!user) return fail<{ ended: number }>("not_found", `no user ${target.userId}`);
    let query = trx
      .deleteFrom("sessions")
      .where("organisation_id", "=", caller.organisationId)
      .where("user_id", "=", target.userId);
    if (target.sessionId) query = query.where("id", "=", target.sessionId);
    const ended = Number((await query.executeTakeFirst()).numDeletedRows);
    if (target.sessionId && ended === 0)
      return fail<{ ended: number }>("not_found", `no session ${target.sessionId}`);
    await audit(trx, ctx, caller, {
      action: "session.revoke",
      entity: "user",
      entityId: target.userId,
      after: { sessions: target.sessionId ? [target.sessionId] : "all", ended },
    });
    return ok({ ended });
  });
}

/**
 * Changes the caller's own password, with the current one: every session of theirs ends (a thief
 * holding one is out), and a fresh session is answered for the device that made the change.
 */
export async function changePassword(
  ctx: Context,
  caller: Caller,
  input: { currentPassword: string; newPassword: string; userAgent: string | null },
): Promise<Result<NewSession>> {
  const row = await findUser(ctx.db.kysely, caller.organisationId, caller.userId);
  if (!row) return fail("not_found", "your user record is gone");
  if (!(await verifyPassword(row.password_hash, input.currentPassword))) {
    return fail("invalid", "the current password is wrong", {
      errors: [{ path: "currentPassword", message: "is wrong" }],
    });
  }
  const problem = newPasswordProblem(input.newPassword, { email: row.email, name: row.name });
  if (problem)
    return fail("invalid", `the new password ${problem}`, {
      errors: [{ path: "newPassword", message: problem }],
    });
  const hash = await hashPassword(input.newPassword, ctx.config.passwordCost);
  const now = ctx.clock.now();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ctx.config.sessionHours * 3600_000).toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: now.toISOString(), updated_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute();
    await deleteUserSessions(trx, row.id);
    await insertSession(trx, {
      token,
      userId: row.id,
      organisationId: row.organisation_id,
      now,
      expiresAt,
      ip: caller.ip,
      userAgent: input.userAgent,
    });
    await audit(trx, ctx, caller, {
      action: "user.password",
      entity: "user",
      entityId: row.id,
      after: { password: "(changed)", sessions: "ended" },
    });
  });
  return ok({ token, user: toUser(row), organisationId: row.organisation_id, expiresAt });
}

async function insertSession(
  trx: Kysely<Database>,
  s: {
    token: string;
    userId: string;
    organisationId: string;
    now: Date;
    expiresAt: string;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await trx
    .insertInto("sessions")
    .values({
      id: tokenId(s.token),
      user_id: s.userId,
      organisation_id: s.organisationId,
      created_at: s.now.toISOString(),
      last_seen_at: s.now.toISOString(),
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
}
