import { describe, expect, it } from "vitest";
import {
  lookupKeys,
  lookupLimit,
  matchKeys,
  NAME_ONLY_REVIEW,
  scoreArrival,
  worthReview,
} from "./arrival.js";
import { DEFAULT_BLOCKING } from "./blocking.js";
import { contact } from "./testing.js";

const none = { records: 1000, counts: new Map<string, number>() };

describe("matchKeys", () => {
  it("files a record under its phone, e-mail and name keys, plus whole-name and city counting keys", () => {
    const keys = matchKeys(
      contact("1", "Maria Rossi", {
        phones: ["333 123 4567"],
        emails: ["Maria.Rossi@Gmail.com"],
        city: "Roma",
      }),
    );
    expect(keys).toContain("p3331234567");
    expect(keys.some((k) => k.startsWith("e"))).toBe(true);
    expect(keys.some((k) => k.startsWith("f"))).toBe(true);
    expect(keys).toContain("yroma");
  });

  it("files the same person typed in Greek and in Latin letters under a shared name key", () => {
    const greek = matchKeys(contact("1", "Γιώργος Παπαδόπουλος")).filter((k) => k.startsWith("n"));
    const latin = matchKeys(contact("2", "Giorgos Papadopoulos")).filter((k) => k.startsWith("n"));
    expect(greek.some((k) => latin.includes(k))).toBe(true);
  });
});

describe("lookupKeys", () => {
  it("drops blocks too common to compare and never looks up counting keys", () => {
    const keys = ["p3331234567", "tross", "nmar ross", "fmar ross", "yroma"];
    const counts = new Map([
      ["tross", DEFAULT_BLOCKING.maxWordBlock],
      ["nmar ross", 2],
    ]);
    expect(lookupKeys(keys, counts)).toEqual(["p3331234567", "nmar ross"]);
  });
});

describe("lookupLimit", () => {
  it("is the block size at which lookupKeys stops looking a key up, and 0 for counting keys", () => {
    for (const key of ["p3331234567", "emaria@example.org", "tross", "nmar ross", "croma mar ross"]) {
      const limit = lookupLimit(key);
      expect(limit).toBeGreaterThan(0);
      expect(lookupKeys([key], new Map([[key, limit - 1]]))).toEqual([key]);
      expect(lookupKeys([key], new Map([[key, limit]]))).toEqual([]);
    }
    expect(lookupLimit("fmar ross")).toBe(0);
    expect(lookupLimit("yroma")).toBe(0);
  });
});

describe("scoreArrival", () => {
  it("finds the stored contact with the same phone and name typed another way", () => {
    const arrival = contact("new", "ROSSI Maria", { phones: ["+39 333 123 4567"] });
    const stored = [
      contact("a", "Maria Rossi", { phones: ["333 123 4567"] }),
      contact("b", "Giulia Bianchi", { phones: ["06 1234 5678"] }),
    ];
    const matches = scoreArrival(arrival, stored, none, 0.5);
    expect(matches.map((m) => m.index)).toEqual([0]);
    expect(matches[0]!.fields).toEqual(expect.arrayContaining(["phone", "name"]));
    expect(matches[0]!.score).toBeGreaterThan(0.9);
  });

  it("calls a shared phone with another given name a household, not the same person", () => {
    const arrival = contact("new", "Marco Rossi", { phones: ["333 123 4567"] });
    const stored = [contact("a", "Maria Rossi", { phones: ["333 123 4567"] })];
    expect(scoreArrival(arrival, stored, none, 0.5)).toEqual([]);
  });

  it("weighs a name alone by how many stored contacts share it", () => {
    const arrival = contact("new", "Eleftheria Zachariadou", { city: "Athens" });
    const stored = [contact("a", "Eleftheria Zachariadou", { city: "Athens" })];
    const rare = scoreArrival(arrival, stored, { records: 100_000, counts: new Map() }, 0);
    const keys = matchKeys(arrival);
    const common = new Map(keys.map((k) => [k, 5000]));
    const shared = scoreArrival(arrival, stored, { records: 100_000, counts: common }, 0);
    expect(shared[0]!.score).toBeLessThan(rare[0]!.score);
    expect(shared[0]!.score).toBeLessThan(0.5);
  });
});

describe("worthReview", () => {
  it("queues a pair sharing a phone or an e-mail above the bar, and a pair on names alone only near-certain", () => {
    expect(worthReview(0.6, ["phone", "name"], 0.5)).toBe(true);
    expect(worthReview(0.6, ["email"], 0.5)).toBe(true);
    expect(worthReview(0.4, ["phone"], 0.5)).toBe(false);
    expect(worthReview(0.8, ["name", "city"], 0.5)).toBe(false);
    expect(worthReview(NAME_ONLY_REVIEW, ["name"], 0.5)).toBe(true);
    expect(worthReview(0.95, ["name_conflict", "city"], 0.5)).toBe(false);
  });
});
