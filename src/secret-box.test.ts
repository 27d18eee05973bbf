/** Sealing stored secrets: round trips, tampering and wrong keys refused, the key file beside SQLite. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { isSealed, keyFromPassphrase, secretBox, secretKeyOf } from "./secret-box.js";

const box = secretBox(keyFromPassphrase("a passphrase of thirty-two characters!"));

describe("secretBox", () => {
  it("opens what it sealed, and seals the same text differently each time", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(box.open(sealed)).toBe("JBSWY3DPEHPK3PXP");
    expect(box.seal("JBSWY3DPEHPK3PXP")).not.toBe(sealed);
  });

  it("refuses a sealed value that was changed, or sealed with another key", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP");
    const [version, iv, tag, body = ""] = sealed.split(".");
    const flipped = `${body[0] === "A" ? "B" : "A"}${body.slice(1)}`;
    expect(() => box.open([version, iv, tag, flipped].join("."))).toThrow();
    const other = secretBox(keyFromPassphrase("another passphrase of thirty-two chars"));
    expect(() => other.open(sealed)).toThrow();
  });

  it("returns a value stored in clear as it is, and without a key neither seals nor opens", () => {
    expect(box.open("JBSWY3DPEHPK3PXP")).toBe("JBSWY3DPEHPK3PXP");
    const none = secretBox(null);
    expect(none.sealing).toBe(false);
    expect(none.seal("JBSWY3DPEHPK3PXP")).toBe("JBSWY3DPEHPK3PXP");
    expect(() => none.open(box.seal("x"))).toThrow(/HANDOFF_SECRET_KEY/);
  });
});

describe("secretKeyOf", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("creates a key file beside a SQLite file, readable by its owner only, and reads it back", () => {
    const dir = mkdtempSync(join(tmpdir(), "handoff-key-"));
    dirs.push(dir);
    const config = { ...loadConfig({}, {}), databaseUrl: join(dir, "handoff.db") };
    const first = secretKeyOf(config);
    expect(first.source).toBe(join(dir, "handoff.db.key"));
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    expect(first.key).toHaveLength(32);
    expect(secretKeyOf(config).key).toEqual(first.key);
    expect(readFileSync(first.source, "utf8").trim()).toBe(first.key?.toString("base64url"));
  });

  it("takes HANDOFF_SECRET_KEY over any file, and has no key on PostgreSQL without it", () => {
    const env = { HANDOFF_SECRET_KEY: "a passphrase of thirty-two characters!" };
    expect(secretKeyOf(loadConfig({ db: "/nonexistent/x.db" }, env))).toEqual({
      key: keyFromPassphrase(env.HANDOFF_SECRET_KEY),
      source: "HANDOFF_SECRET_KEY",
    });
    expect(secretKeyOf(loadConfig({ db: "postgres://127.0.0.1/test" }, {}))).toEqual({
      key: null,
      source: "none",
    });
    expect(() => loadConfig({}, { HANDOFF_SECRET_KEY: "short" })).toThrow(
      /HANDOFF_SECRET_KEY: must be at least 32/,
    );
  });
});
