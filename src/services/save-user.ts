/** Admins add and edit the people who sign in. A new password ends every session of that user. */

import type { Context } from "../context.js";
import { canManageUsers } from "../core/access/roles.js";
import type { User, UserCreate, UserPatch } from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { isUniqueViolation } from "../db/dialect.js";
import { deleteUserSessions, findUser, toUser } from "../db/users.js";
import { hashPassword, newPasswordProblem } from "./passwords.js";
import { audit, type Caller, diff } from "./record.js";

function weakPassword(problem: string) {
  return fail<User>("invalid", `the password ${problem}`, {
    errors: [{ path: "password", message: problem }],
  });
}

function emailTaken(email: string) {
  return fail<User>("conflict", `a user with e-mail ${email} exists already`, {
    errors: [{ path: "email", message: "already in use" }],
  });
}

export async function createUser(ctx: Context, caller: Caller, input: UserCreate): Promise<Result<User>> {
  if (!canManageUsers(caller)) return fail("forbidden", `a ${caller.role} cannot manage users`);
  const weak = newPasswordProblem(input.password, input);
  if (weak) return weakPassword(weak);
  const now = ctx.clock.now().toISOString();
  const row = {
    id: ctx.newId(),
    organisation_id: caller.organisationId,
    email: input.email,
    name: input.name,
    role: input.role,
    password_hash: await hashPassword(input.password, ctx.config.passwordCost),
    locale: input.locale,
    time_zone: input.timeZone,
    disabled: 0,
    created_at: now,
    updated_at: now,
    totp_secret: null,
    totp_enabled_at: null,
    totp_last_step: null,
    password_changed_at: now,
  };
  const user = toUser(row);
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("users").values(row).execute();
      await audit(trx, ctx, caller, { action: "user.create", entity: "user", entityId: row.id, after: user });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return emailTaken(input.email);
    throw error;
  }
  return ok(user);
}

/** Admins edit anyone; every user may change their own name, password, language and time zone. */
export async function editUser(
  ctx: Context,
  caller: Caller,
  id: string,
  patch: UserPatch,
): Promise<Result<User>> {
  const self = caller.userId === id;
  if (!canManageUsers(caller)) {
    if (!self) return fail("forbidden", `a ${caller.role} cannot manage users`);
    const refused = Object.keys(patch).filter((k) => k === "role" || k === "disabled");
    if (refused.length > 0) {
      return fail("forbidden", "only an admin changes roles and disables accounts", {
        errors: refused.map((path) => ({ path, message: "only an admin may change this" })),
      });
    }
  }
  if (patch.password !== undefined && self) {
    // Changing one's own password needs the current one, so a borrowed session cannot take the account.
    return fail("invalid", "change your own password at POST /api/v1/me/password, with the current one", {
      errors: [{ path: "password", message: "use /api/v1/me/password" }],
    });
  }
  const target = await findUser(ctx.db.kysely, caller.organisationId, id);
  if (!target) return fail("not_found", `no user ${id}`);
  const weak = patch.password === undefined ? null : newPasswordProblem(patch.password, target);
  if (weak) return weakPassword(weak);
  const passwordHash = patch.password
    ? await hashPassword(patch.password, ctx.config.passwordCost)
    : undefined;
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findUser(trx, caller.organisationId, id);
    if (!row) return fail<User>("not_found", `no user ${id}`);
    const before = toUser(row);
    const { password: _password, ...fields } = patch;
    const next: User = { ...before, ...fields };
    const changed = diff(before, next);
    const now = ctx.clock.now().toISOString();
    await trx
      .updateTable("users")
      .set({
        name: next.name,
        role: next.role,
        locale: next.locale,
        time_zone: next.timeZone,
        disabled: next.disabled ? 1 : 0,
        updated_at: now,
        ...(passwordHash ? { password_hash: passwordHash } : {}),
      })
      .where("organisation_id", "=", caller.organisationId)
      .where("id", "=", id)
      .execute();
    if (passwordHash || next.disabled) await deleteUserSessions(trx, id);
    await audit(trx, ctx, caller, {
      action: "user.update",
      entity: "user",
      entityId: id,
      before: changed.before,
      after: passwordHash ? { ...changed.after, password: "(changed)" } : changed.after,
    });
    return ok(next);
  });
}
