/**
 * The Handoff-Signature header: how a delivery is signed and how a receiver checks it. HMAC is
 * deterministic, so this stays pure; node:crypto does no I/O.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Handoff-Signature";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as in the README. */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does: the signature matches and is recent. The timestamp is signed too, so a
 * captured request cannot be replayed past the tolerance.
 */
export function verifySignature(input: {
  secret: string;
  header: string;
  body: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const parts = new Map(
    input.header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const given = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(input.nowSeconds - t) > (input.toleranceSeconds ?? 300)) return false;
  const expected = createHmac("sha256", input.secret).update(`${t}.${input.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}
