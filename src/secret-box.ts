/**
 * Seals the secrets the server must read back (users' TOTP secrets) with a key kept outside the
 * database, so a copy of the database alone does not carry anyone's second factor. AES-256-GCM;
 * the key is HANDOFF_SECRET_KEY, or a key file created beside an embedded SQLite file.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import type { Config } from "./config.js";
import { isPostgresUrl } from "./db/dialect.js";

const VERSION = "v1";
/** Bound into every sealed value, so a value sealed for another purpose or program does not open. */
const PURPOSE = Buffer.from("handoff secret box v1");

export interface SecretBox {
  /** False when no key is configured: secrets are then stored as they are (PostgreSQL without HANDOFF_SECRET_KEY). */
  readonly sealing: boolean;
  seal(plain: string): string;
  /** Opens a sealed value; a value stored before sealing existed (no `v1.` prefix) is returned as it is. */
  open(stored: string): string;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`);
}

/** The 32-byte key from any passphrase of 32 characters or more (HKDF-SHA256). */
export function keyFromPassphrase(passphrase: string): Buffer {
  return Buffer.from(hkdfSync("sha256", passphrase, Buffer.alloc(0), PURPOSE, 32));
}

export function secretBox(key: Buffer | null): SecretBox {
  return {
    sealing: key !== null,
    seal(plain) {
      if (key === null) return plain;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(PURPOSE);
      const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64url")).join(".");
    },
    open(stored) {
      if (!isSealed(stored)) return stored;
      if (key === null) throw new Error("a sealed secret cannot be opened without HANDOFF_SECRET_KEY");
      const [, iv = "", tag = "", sealed = ""] = stored.split(".");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(PURPOSE);
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    },
  };
}

/**
 * The key: HANDOFF_SECRET_KEY when set; else, for an embedded SQLite file, `<file>.key` beside it
 * (created on first start, readable by its owner only: back it up with the database); else none.
 * Several processes on PostgreSQL must share one key, which only the operator can give them.
 */
export function secretKeyOf(config: Readonly<Config>): { key: Buffer | null; source: string } {
  if (config.secretKey !== null)
    return { key: keyFromPassphrase(config.secretKey), source: "HANDOFF_SECRET_KEY" };
  if (isPostgresUrl(config.databaseUrl)) return { key: null, source: "none" };
  if (config.databaseUrl === ":memory:") return { key: randomBytes(32), source: "memory" };
  const file = `${config.databaseUrl}.key`;
  if (!existsSync(file)) {
    // Written whole under another name, then linked: of two processes starting at once, one key wins
    // and neither reads a half-written file.
    const draft = `${file}.${process.pid}.tmp`;
    writeFileSync(draft, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const text = readFileSync(file, "utf8").trim();
  const key = Buffer.from(text, "base64url");
  if (key.length !== 32) throw new Error(`${file}: not a key this server wrote (32 bytes, base64url)`);
  return { key, source: file };
}
