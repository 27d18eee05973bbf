import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signatureHeader, verifySignature } from "./webhook-signature.js";
import { isWebhookUrl, MAX_ATTEMPTS, nextStep, retryDelayMs } from "./webhooks.js";

describe("webhook signatures", () => {
  it("sign t and the raw body with HMAC-SHA256 in hex", () => {
    const body = '{"id":"e1"}';
    const mac = createHmac("sha256", "whsec_x").update(`1700000000.${body}`).digest("hex");
    expect(signatureHeader("whsec_x", 1_700_000_000, body)).toBe(`t=1700000000,v1=${mac}`);
  });

  it("verify what they sign, and nothing changed", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.nat(2_000_000_000), (body, secret, t) => {
        const header = signatureHeader(secret, t, body);
        expect(verifySignature({ secret, header, body, nowSeconds: t })).toBe(true);
        expect(verifySignature({ secret, header, body: `${body} `, nowSeconds: t })).toBe(false);
        expect(verifySignature({ secret: `${secret}x`, header, body, nowSeconds: t })).toBe(false);
      }),
    );
  });

  it("refuse a signature older than the tolerance", () => {
    const header = signatureHeader("s", 1000, "{}");
    expect(verifySignature({ secret: "s", header, body: "{}", nowSeconds: 1300 })).toBe(true);
    expect(verifySignature({ secret: "s", header, body: "{}", nowSeconds: 1301 })).toBe(false);
  });
});

describe("webhook retries", () => {
  it("wait 1 minute, doubling, at most 6 hours", () => {
    expect([1, 2, 3, 4, 9, 10, 11].map(retryDelayMs).map((ms) => ms / 60_000)).toEqual([
      1, 2, 4, 8, 256, 360, 360,
    ]);
  });

  it("give up after the twelfth failed attempt", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(nextStep(MAX_ATTEMPTS - 2, { ok: false, error: "x" }, now).kind).toBe("retry");
    expect(nextStep(MAX_ATTEMPTS - 1, { ok: false, error: "x" }, now)).toEqual({
      kind: "failed",
      attempts: MAX_ATTEMPTS,
      error: "x",
    });
    expect(nextStep(0, { ok: true }, now)).toEqual({ kind: "delivered", attempts: 1 });
  });
});

describe("webhook URLs", () => {
  it("are http or https only", () => {
    expect(["https://x.example/h", "http://127.0.0.1:9/h"].every(isWebhookUrl)).toBe(true);
    expect(["ftp://x.example", "javascript:alert(1)", "file:///etc/passwd", "x"].some(isWebhookUrl)).toBe(
      false,
    );
  });
});
