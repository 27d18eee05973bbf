/** Password hashing with argon2id (OWASP's recommended parameters), and what makes a new password acceptable. */
import { dictionary } from "@zxcvbn-ts/language-common";
import argon2 from "argon2";
import { passwordProblem } from "../core/access/sign-in.js";

/**
 * argon2id always. "owasp" (19 MiB, 2 passes) everywhere but the in-process test suite, which hashes
 * thousands of seeded users' passwords and uses "fast" (1 MiB, 1 pass): the same algorithm and code
 * path, a smaller cost. No setting reaches "fast" from the environment.
 */
export type PasswordCost = "owasp" | "fast";
const OPTIONS = {
  owasp: { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 },
  fast: { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 },
} as const;

export function hashPassword(password: string, cost: PasswordCost = "owasp"): Promise<string> {
  return argon2.hash(password, OPTIONS[cost]);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash matches nothing; it is not the caller's fault.
    return false;
  }
}

/** Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword("decoy password that matches nothing");
  return decoy;
}

/** The ~49,000 most common passwords from breach corpora, as zxcvbn-ts ships them. */
let common: Set<string> | undefined;
function isCommonPassword(lowerCased: string): boolean {
  common ??= new Set(dictionary["passwords-common"]?.map((p) => p.toLowerCase()) ?? []);
  return common.has(lowerCased);
}

/** Why a new password is refused (length, a common password, the user's own e-mail or name), or null. */
export function newPasswordProblem(password: string, who: { email: string; name: string }): string | null {
  return passwordProblem(password, { ...who, isCommon: isCommonPassword });
}
