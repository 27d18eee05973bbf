/** Which addresses a webhook may reach: private ranges refused, the operator's allow-list honoured. */
import { describe, expect, it } from "vitest";
import { addressPolicy, guardedLookup, urlRefusal } from "./webhook-address.js";

const strict = addressPolicy([]);

describe("addressPolicy", () => {
  it("refuses loopback, private, link-local, carrier NAT, multicast and reserved IPv4 addresses", () => {
    for (const address of [
      "127.0.0.1",
      "127.8.9.10",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
    ]) {
      expect(strict.refusal(address), address).toMatch(/private address/);
    }
  });

  it("refuses loopback, unique-local and link-local IPv6, and IPv4 private addresses written as IPv6", () => {
    for (const address of [
      "::1",
      "::",
      "fd12:3456::1",
      "fe80::1",
      "ff02::1",
      "::ffff:10.0.0.1",
      "::ffff:a00:1",
    ]) {
      expect(strict.refusal(address), address).toMatch(/private address/);
    }
    expect(strict.refusal("64:ff9b::192.168.0.1")).toMatch(/private address/);
  });

  it("lets public addresses through, including neighbours of the private ranges", () => {
    for (const address of [
      "8.8.8.8",
      "172.15.255.255",
      "172.32.0.1",
      "192.169.0.1",
      "100.128.0.1",
      "2606:4700::1111",
      "::ffff:8.8.8.8",
      "64:ff9b::8.8.8.8",
    ]) {
      expect(strict.refusal(address), address).toBeNull();
    }
  });

  it("lets through what the operator allows, as addresses or CIDR ranges, and nothing beside it", () => {
    const policy = addressPolicy(["10.20.0.0/16", "127.0.0.1", "fd00::/8"]);
    expect(policy.refusal("10.20.3.4")).toBeNull();
    expect(policy.refusal("::ffff:10.20.3.4")).toBeNull();
    expect(policy.refusal("127.0.0.1")).toBeNull();
    expect(policy.refusal("fd00::5")).toBeNull();
    expect(policy.refusal("10.21.0.1")).toMatch(/private address/);
    expect(policy.refusal("127.0.0.2")).toMatch(/private address/);
    expect(policy.refusal("fe80::1")).toMatch(/private address/);
  });
});

describe("urlRefusal", () => {
  it("refuses a URL naming a private address or localhost, and says so", () => {
    expect(urlRefusal("http://169.254.169.254/latest/meta-data", strict)).toBe(
      "points to 169.254.169.254, a private address (HANDOFF_WEBHOOK_ALLOW can allow it)",
    );
    expect(urlRefusal("http://[::1]:8080/h", strict)).toMatch(/^points to ::1, a private address/);
    expect(urlRefusal("http://[::ffff:192.168.1.1]/h", strict)).toMatch(/private address/);
    expect(urlRefusal("http://LOCALHOST.:3000/h", strict)).toBe("points to this machine (localhost)");
    expect(urlRefusal("http://api.localhost/h", strict)).toBe("points to this machine (localhost)");
  });

  it("leaves names to be checked when sent, and accepts public addresses", () => {
    expect(urlRefusal("https://crm.example/hook", strict)).toBeNull();
    expect(urlRefusal("https://8.8.8.8/hook", strict)).toBeNull();
    expect(urlRefusal("http://localhost:3000/h", addressPolicy(["127.0.0.1"]))).toBeNull();
  });
});

describe("guardedLookup", () => {
  it("fails a name that resolves to a refused address, and passes one that is allowed", async () => {
    const lookup = (policy: ReturnType<typeof addressPolicy>, all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(policy)("localhost", { all, family: 4 }, (error, address) =>
          resolve({ error, address }),
        ),
      );
    const refused = await lookup(strict, false);
    expect(refused.error?.message).toMatch(/^localhost resolves to 127\.0\.0\.1, a private address/);
    expect(refused.error?.code).toBe("EADDRNOTAVAIL");
    expect(await lookup(addressPolicy(["127.0.0.0/8"]), false)).toEqual({
      error: null,
      address: "127.0.0.1",
    });
    expect((await lookup(addressPolicy(["127.0.0.0/8"]), true)).address).toEqual([
      { address: "127.0.0.1", family: 4 },
    ]);
  });
});
