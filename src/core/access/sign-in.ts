/** Sign-in rules as pure decisions: password strength, throttling and lockout, who needs a second factor. */
import type { Role } from "./roles.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export interface PasswordContext {
  email: string;
  name: string;
  /** Whether a password is on the list of common (breached) passwords. */
  isCommon: (lowerCased: string) => boolean;
}

/** Why a new password is refused, or null when it is acceptable (NIST SP 800-63B: length and a blocklist). */
export function passwordProblem(password: string, context: PasswordContext): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const lower = password.toLowerCase();
  if (context.isCommon(lower) || /^(.)\1*$/u.test(password)) {
    return "is one of the most common passwords; choose another";
  }
  const local = context.email.toLowerCase().split("@")[0] ?? "";
  const name = context.name.toLowerCase().replace(/\s+/g, "");
  if (lower === context.email.toLowerCase() || (local.length >= 4 && lower.replace(/\d+$/, "") === local)) {
    return "must not be your e-mail address";
  }
  if (name.length >= 4 && lower.replace(/\s+/g, "").replace(/\d+$/, "") === name) {
    return "must not be your name";
  }
  return null;
}

/** Failed sign-ins are counted over this window. */
export const FAILURE_WINDOW_MINUTES = 15;
/** This many failures for one e-mail address lock it for the rest of the window. */
export const ACCOUNT_FAILURE_LIMIT = 5;
/** This many failures from one client address block it, whatever the accounts tried. */
export const ADDRESS_FAILURE_LIMIT = 30;

export interface SignInBlock {
  reason: "account" | "address";
  until: Date;
}

/**
 * Whether a sign-in may be tried now, given the times (ISO, any order) of recent failures for the
 * e-mail and for the client address. A block lasts until the oldest counted failure leaves the window.
 */
export function signInBlock(
  failures: { email: readonly string[]; address: readonly string[] },
  now: Date,
): SignInBlock | null {
  const windowMs = FAILURE_WINDOW_MINUTES * 60_000;
  const check = (
    times: readonly string[],
    limit: number,
    reason: SignInBlock["reason"],
  ): SignInBlock | null => {
    const recent = times
      .map((t) => Date.parse(t))
      .filter((t) => now.getTime() - t < windowMs)
      .sort((a, b) => b - a);
    if (recent.length < limit) return null;
    // The block ends when fewer than `limit` failures remain in the window.
    return { reason, until: new Date(recent[limit - 1]! + windowMs) };
  };
  return (
    check(failures.email, ACCOUNT_FAILURE_LIMIT, "account") ??
    check(failures.address, ADDRESS_FAILURE_LIMIT, "address")
  );
}

export const TWO_FACTOR_POLICIES = ["privileged", "everyone", "optional"] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

/** Admins and dispatchers see every contact: they need a second factor unless the organisation opts out. */
export function twoFactorRequired(role: Role, policy: TwoFactorPolicy): boolean {
  switch (policy) {
    case "everyone":
      return true;
    case "privileged":
      return role === "admin" || role === "dispatcher";
    case "optional":
      return false;
  }
}

export interface SessionTimes {
  expiresAt: string;
  lastSeenAt: string;
}

/** A session lives until its absolute expiry, and ends early after `idleMinutes` without a request. */
export function sessionAlive(session: SessionTimes, idleMinutes: number, now: Date): boolean {
  if (session.expiresAt <= now.toISOString()) return false;
  return now.getTime() - Date.parse(session.lastSeenAt) < idleMinutes * 60_000;
}
