/** Password hashes: argon2id at OWASP's cost wherever the configuration comes from the environment. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { hashPassword, verifyPassword } from "./passwords.js";

describe("hashPassword", () => {
  it("hashes with argon2id at 19 MiB and two passes, the cost every loaded configuration asks for", async () => {
    expect(loadConfig({}, {}).passwordCost).toBe("owasp");
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery stapler")).toBe(false);
  });

  it("uses argon2id at a smaller cost for the test suite, verified by the same code", async () => {
    const hash = await hashPassword("correct horse battery staple", "fast");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
  });
});
