/** Sign-in, sign-out and resolving a session cookie to the caller it belongs to. */
import { createHash, randomBytes } from "node:crypto";
import type { Context } from "../context.js";
import type { Role } from "../core/access/roles.js";
import type { User } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { deleteSession, findSession, findUserByEmail, toUser } from "../db/users.js";
import { decoyHash, verifyPassword } from "./passwords.js";
import { audit, type Caller } from "./record.js";

export function tokenId(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface SignIn {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export async function signIn(
  ctx: Context,
  request: SignIn,
): Promise<Result<{ token: string; user: User; organisationId: string; expiresAt: string }>> {
  const row = await findUserByEmail(ctx.db.kysely, request.email);
  const valid = await verifyPassword(row?.password_hash ?? (await decoyHash()), request.password);
  if (!row || !valid || row.disabled === 1) return fail("unauthorized", "e-mail or password is wrong");
  const token = randomBytes(32).toString("base64url");
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionHours * 3600_000).toISOString();
  const user = toUser(row);
  const caller: Caller = {
    userId: user.id,
    organisationId: row.organisation_id,
    role: user.role,
    workerId: user.workerId,
    ip: request.ip,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto("sessions")
      .values({
        id: tokenId(token),
        user_id: user.id,
        organisation_id: row.organisation_id,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt,
        ip: request.ip,
        user_agent: request.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await audit(trx, ctx, caller, { action: "session.create", entity: "user", entityId: user.id });
  });
  return ok({ token, user, organisationId: row.organisation_id, expiresAt });
}

/** The caller behind a session token, or nothing when the session is unknown, expired or its user disabled. */
export async function resolveSession(
  ctx: Context,
  token: string,
  ip: string | null,
): Promise<{ caller: Caller; user: User } | null> {
  const session = await findSession(ctx.db.kysely, tokenId(token));
  const now = ctx.clock.now().toISOString();
  if (!session || session.expires_at <= now) return null;
  const row = await ctx.db.kysely
    .selectFrom("users")
    .leftJoin("workers", "workers.user_id", "users.id")
    .selectAll("users")
    .select("workers.id as worker_id")
    .where("users.id", "=", session.user_id)
    .executeTakeFirst();
  if (!row || row.disabled === 1) return null;
  const user = toUser(row);
  return {
    user,
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
