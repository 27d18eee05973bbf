import { describe, expect, it } from "vitest";
import {
  ACCOUNT_FAILURE_LIMIT,
  ADDRESS_FAILURE_LIMIT,
  passwordProblem,
  sessionAlive,
  signInBlock,
  twoFactorRequired,
} from "./sign-in.js";

const context = {
  email: "maria.rossi@example.org",
  name: "Maria Rossi",
  isCommon: (p: string) => p === "password123",
};
const now = new Date("2026-12-02T10:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

describe("passwordProblem", () => {
  it("accepts a long uncommon passphrase", () => {
    expect(passwordProblem("correct horse battery", context)).toBeNull();
  });
  it("refuses a short password, naming the minimum", () => {
    expect(passwordProblem("abc12345", context)).toMatch(/at least 10/);
  });
  it("refuses a common password whatever its case", () => {
    expect(passwordProblem("PASSWORD123", context)).toMatch(/common/);
  });
  it("refuses one character repeated", () => {
    expect(passwordProblem("aaaaaaaaaaaa", context)).toMatch(/common/);
  });
  it("refuses the e-mail address and the name", () => {
    expect(passwordProblem("maria.rossi@example.org", context)).toMatch(/e-mail/);
    expect(passwordProblem("maria.rossi2026", context)).toMatch(/e-mail/);
    expect(passwordProblem("Maria Rossi 1", context)).toMatch(/name/);
  });
  it("counts characters, not UTF-16 units", () => {
    expect(passwordProblem("😀😀😀😀😀😀😀😀😀", context)).toMatch(/at least/);
  });
});

describe("signInBlock", () => {
  it("lets a sign-in through below the account limit", () => {
    const email = Array.from({ length: ACCOUNT_FAILURE_LIMIT - 1 }, (_, i) => minutesAgo(i));
    expect(signInBlock({ email, address: email }, now)).toBeNull();
  });
  it("locks the account at the limit until the oldest counted failure leaves the window", () => {
    const email = [minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4), minutesAgo(10)];
    const block = signInBlock({ email, address: [] }, now);
    expect(block?.reason).toBe("account");
    expect(block?.until.toISOString()).toBe(new Date(Date.parse(minutesAgo(10)) + 15 * 60_000).toISOString());
  });
  it("forgets failures older than the window", () => {
    const email = Array.from({ length: 10 }, () => minutesAgo(16));
    expect(signInBlock({ email, address: email }, now)).toBeNull();
  });
  it("blocks an address that fails across many accounts", () => {
    const address = Array.from({ length: ADDRESS_FAILURE_LIMIT }, (_, i) => minutesAgo(i % 14));
    expect(signInBlock({ email: [], address }, now)?.reason).toBe("address");
  });
});

describe("twoFactorRequired", () => {
  it("asks admins and dispatchers by default, everyone when the organisation says so", () => {
    expect(twoFactorRequired("admin", "privileged")).toBe(true);
    expect(twoFactorRequired("dispatcher", "privileged")).toBe(true);
    expect(twoFactorRequired("worker", "privileged")).toBe(false);
    expect(twoFactorRequired("worker", "everyone")).toBe(true);
    expect(twoFactorRequired("admin", "optional")).toBe(false);
  });
});

describe("sessionAlive", () => {
  it("ends a session after its idle time and at its absolute expiry", () => {
    const expiresAt = new Date(now.getTime() + 3600_000).toISOString();
    expect(sessionAlive({ expiresAt, lastSeenAt: minutesAgo(10) }, 30, now)).toBe(true);
    expect(sessionAlive({ expiresAt, lastSeenAt: minutesAgo(31) }, 30, now)).toBe(false);
    expect(sessionAlive({ expiresAt: minutesAgo(1), lastSeenAt: minutesAgo(0) }, 30, now)).toBe(false);
  });
});
