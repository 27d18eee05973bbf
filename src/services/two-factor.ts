/** Second factors: TOTP enrolment with a QR code, single-use recovery codes, and checking either at sign-in. */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import type { Context } from "../context.js";
import { twoFactorRequired } from "../core/access/sign-in.js";
import { fail, ok, type Result } from "../core/result.js";
import { loadSettings } from "../db/organisations.js";
import type { Database, UserRow } from "../db/schema.js";
import { deleteUserSessions, findUser } from "../db/users.js";
import { verifyPassword } from "./passwords.js";
import { audit, type Caller } from "./record.js";

const ISSUER = "Handoff";
const RECOVERY_CODE_COUNT = 10;
/** Accept the code of the previous and the next 30-second step too: phones' clocks drift. */
const TOLERANCE_SECONDS = 30;

function hashCode(code: string): string {
  return createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex");
}

function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Ten codes like "k7m2q-x9t4w": 50 random bits each, easy to read aloud and type. */
function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

async function storeRecoveryCodes(trx: Kysely<Database>, ctx: Context, userId: string): Promise<string[]> {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  const codes = newRecoveryCodes();
  const now = ctx.clock.now().toISOString();
  await trx
    .insertInto("recovery_codes")
    .values(
      codes.map((code) => ({ id: ctx.newId(), user_id: userId, code_hash: hashCode(code), created_at: now })),
    )
    .execute();
  return codes;
}

export async function unusedRecoveryCodes(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Checks a code at sign-in: a 6-digit TOTP code (never the same time step twice: a code seen over
 * someone's shoulder cannot be replayed) or an unused recovery code, which is then spent.
 */
export async function verifySecondFactor(
  trx: Kysely<Database>,
  ctx: Context,
  user: Pick<UserRow, "id" | "totp_secret" | "totp_last_step">,
  code: string,
): Promise<"totp" | "recovery" | null> {
  if (/^\d{6}$/.test(code)) {
    if (!user.totp_secret) return null;
    const result = await verify({
      secret: ctx.secrets.open(user.totp_secret),
      token: code,
      epoch: Math.floor(ctx.clock.now().getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
    });
    // verify() answers for TOTP and HOTP alike; only the TOTP answer carries the time step.
    if (!result.valid || !("timeStep" in result)) return null;
    const step = result.timeStep;
    // Conditional update: of two requests racing with one code, only one moves the step on.
    const updated = await trx
      .updateTable("users")
      .set({ totp_last_step: step })
      .where("id", "=", user.id)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? "totp" : null;
  }
  const spent = await trx
    .updateTable("recovery_codes")
    .set({ used_at: ctx.clock.now().toISOString() })
    .where("user_id", "=", user.id)
    .where("code_hash", "=", hashCode(code))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) >= 1 ? "recovery" : null;
}

/** Starts enrolment: a new secret, not in force until a code from it is confirmed. */
export async function startTwoFactor(
  ctx: Context,
  caller: Caller,
): Promise<Result<{ secret: string; uri: string; qrCode: string }>> {
  const row = await findUser(ctx.db.kysely, caller.organisationId, caller.userId);
  if (!row) return fail("not_found", "your user record is gone");
  if (row.totp_enabled_at) {
    return fail(
      "conflict",
      "two-factor authentication is on already; turn it off first to set up a new device",
    );
  }
  const secret = generateSecret();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable("users")
      .set({ totp_secret: ctx.secrets.seal(secret), totp_last_step: null })
      .where("id", "=", row.id)
      .execute();
    await audit(trx, ctx, caller, { action: "two_factor.start", entity: "user", entityId: row.id });
  });
  const uri = generateURI({ issuer: ISSUER, label: row.email, secret });
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return ok({ secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` });
}

/** Confirms enrolment with a code from the app; answers the recovery codes, shown this once. */
export async function confirmTwoFactor(
  ctx: Context,
  caller: Caller,
  code: string,
): Promise<Result<{ recoveryCodes: string[] }>> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findUser(trx, caller.organisationId, caller.userId);
    if (!row) return fail<{ recoveryCodes: string[] }>("not_found", "your user record is gone");
    if (row.totp_enabled_at) return fail("conflict", "two-factor authentication is on already");
    if (!row.totp_secret) return fail("conflict", "start the set-up first: POST /api/v1/me/two-factor/setup");
    if (!/^\d{6}$/.test(code) || (await verifySecondFactor(trx, ctx, row, code)) !== "totp") {
      return fail("invalid", "the code does not match; check the phone's clock and try the next code", {
        errors: [{ path: "code", message: "does not match" }],
      });
    }
    await trx
      .updateTable("users")
      .set({ totp_enabled_at: ctx.clock.now().toISOString() })
      .where("id", "=", row.id)
      .execute();
    const recoveryCodes = await storeRecoveryCodes(trx, ctx, row.id);
    await audit(trx, ctx, caller, { action: "two_factor.enable", entity: "user", entityId: row.id });
    return ok({ recoveryCodes });
  });
}

async function checkPassword(row: UserRow, password: string): Promise<Result<null>> {
  if (!(await verifyPassword(row.password_hash, password))) {
    return fail("invalid", "the password is wrong", { errors: [{ path: "password", message: "is wrong" }] });
  }
  return ok(null);
}

/** Turns the second factor off, with the password; refused where the organisation requires it. */
export async function disableTwoFactor(
  ctx: Context,
  caller: Caller,
  password: string,
): Promise<Result<null>> {
  const row = await findUser(ctx.db.kysely, caller.organisationId, caller.userId);
  if (!row) return fail("not_found", "your user record is gone");
  const policy = (await loadSettings(ctx.db.kysely, caller.organisationId)).settings.security.twoFactor;
  if (twoFactorRequired(caller.role, policy)) {
    return fail("forbidden", `your organisation requires two-factor authentication for a ${caller.role}`);
  }
  const checked = await checkPassword(row, password);
  if (!checked.ok) return checked;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await clearTwoFactor(trx, row.id);
    await audit(trx, ctx, caller, { action: "two_factor.disable", entity: "user", entityId: row.id });
  });
  return ok(null);
}

/** New recovery codes (the old ones stop working), with the password. */
export async function renewRecoveryCodes(
  ctx: Context,
  caller: Caller,
  password: string,
): Promise<Result<{ recoveryCodes: string[] }>> {
  const row = await findUser(ctx.db.kysely, caller.organisationId, caller.userId);
  if (!row) return fail("not_found", "your user record is gone");
  if (!row.totp_enabled_at)
    return fail("conflict", "two-factor authentication is off: there is nothing to recover");
  const checked = await checkPassword(row, password);
  if (!checked.ok) return checked;
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const recoveryCodes = await storeRecoveryCodes(trx, ctx, row.id);
    await audit(trx, ctx, caller, { action: "two_factor.recovery_codes", entity: "user", entityId: row.id });
    return ok({ recoveryCodes });
  });
}

/** An admin clears the second factor of someone who lost their phone; their sessions end. */
export async function resetTwoFactor(ctx: Context, caller: Caller, userId: string): Promise<Result<null>> {
  if (caller.role !== "admin")
    return fail("forbidden", `a ${caller.role} cannot reset another user's second factor`);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findUser(trx, caller.organisationId, userId);
    if (!row) return fail<null>("not_found", `no user ${userId}`);
    await clearTwoFactor(trx, row.id);
    await deleteUserSessions(trx, row.id);
    await audit(trx, ctx, caller, { action: "two_factor.reset", entity: "user", entityId: row.id });
    return ok(null);
  });
}

async function clearTwoFactor(trx: Kysely<Database>, userId: string): Promise<void> {
  await trx
    .updateTable("users")
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where("id", "=", userId)
    .execute();
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
}
