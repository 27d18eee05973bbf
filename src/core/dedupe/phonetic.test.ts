import { describe, expect, it } from "vitest";
import { phoneticKey, sameInitialSound } from "./phonetic.js";

describe("phoneticKey", () => {
  it("gives transliterations of one Arabic name one key", () => {
    const keys = ["mohammed", "muhammad", "mohamed", "mhmd"].map(phoneticKey);
    expect(new Set(keys).size).toBe(1);
  });

  it("gives Greek and Ukrainian spelling variants one key", () => {
    expect(phoneticKey("christos")).toBe(phoneticKey("hristos"));
    expect(phoneticKey("angelos")).toBe(phoneticKey("aggelos"));
    expect(phoneticKey("lambropoulos")).toBe(phoneticKey("lampropoulos"));
    expect(phoneticKey("hanna")).toBe(phoneticKey("ganna"));
    expect(phoneticKey("oleksandr")).toBe(phoneticKey("olexandr"));
  });

  it("keeps a consonant a vowel separates, and drops a doubled one", () => {
    expect(phoneticKey("papadopoulos")).toBe("BBDBLS");
    expect(phoneticKey("hassan")).toBe(phoneticKey("hasan"));
  });

  it("is empty for a word of vowels", () => {
    expect(phoneticKey("aio")).toBe("");
  });
});

describe("sameInitialSound", () => {
  it("compares first letters by sound class", () => {
    expect(sameInitialSound("f", "photis")).toBe(true);
    expect(sameInitialSound("c", "kostas")).toBe(true);
    expect(sameInitialSound("i", "abrahim")).toBe(true);
    expect(sameInitialSound("m", "nikos")).toBe(true);
    expect(sameInitialSound("j", "mercedes")).toBe(false);
  });
});
