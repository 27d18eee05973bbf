import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { profileRecords } from "./cluster.js";
import { normaliseRecord } from "./normalise.js";
import type { DedupeRecord } from "./records.js";
import { matchFields, scorePair, tokenSimilarity, withinOneEdit } from "./score.js";
import { contact, randomRecords } from "./testing.js";

function scoresOf(records: DedupeRecord[]) {
  const profiles = profileRecords(records.map((record) => normaliseRecord(record)));
  return (i: number, j: number) => {
    const { score, fields } = scorePair(profiles[i]!, profiles[j]!, { records: records.length });
    return { score, fields: matchFields(fields) };
  };
}

/** Strangers that make a data set of realistic size, so frequencies mean something. */
function crowd(count: number, name: (i: number) => string): DedupeRecord[] {
  return Array.from({ length: count }, (_, i) =>
    contact(`x${i}`, name(i), { phones: [`3${String(400000000 + i * 7)}`], city: "Milano" }),
  );
}

describe("scorePair", () => {
  it("matches a Greek name written in Latin letters with the same phone in another format", () => {
    const score = scoresOf([
      contact("a", "Γιώργος Παπαδόπουλος", { phones: ["694 123 4567"], country: "GR" }),
      contact("b", "Yiorgos Papadopoulos", { phones: ["+30 694-123-4567"], country: null }),
    ]);
    expect(score(0, 1).score).toBeGreaterThan(0.9);
    expect(score(0, 1).fields).toEqual(["phone", "name_similar"]);
  });

  it("matches an Arabic name with its Latin spelling and swapped order", () => {
    const score = scoresOf([
      contact("a", "محمد الأحمد", { emails: ["m.ahmad@gmail.com"] }),
      contact("b", "Al-Ahmad Mohammed", { emails: ["M.Ahmad@gmail.com"] }),
    ]);
    expect(score(0, 1).score).toBeGreaterThan(0.9);
    expect(score(0, 1).fields).toContain("name");
  });

  it("calls a shared phone with a different given name a household, not one person", () => {
    const score = scoresOf([
      contact("a", "Maria Rossi", { phones: ["06 1234 5678"], city: "Roma" }),
      contact("b", "Marco Rossi", { phones: ["+39 06 1234 5678"], city: "Roma" }),
    ]);
    expect(score(0, 1).score).toBeLessThan(0.05);
    expect(score(0, 1).fields).toContain("household");
  });

  it("forgives a typo in a word nobody else has", () => {
    const score = scoresOf([
      contact("a", "Giovanni Marini", { phones: ["324 224 9820"] }),
      contact("b", "Giovanni Maiini", { phones: ["3242249820"] }),
    ]);
    expect(score(0, 1).score).toBeGreaterThan(0.9);
    expect(score(0, 1).fields).not.toContain("name_conflict");
  });

  it("weighs a rare family name more than a common one", () => {
    const records = [
      ...crowd(3000, (i) => `${["Luca", "Paolo", "Anna"][i % 3]} ${i % 2 === 0 ? "Rossi" : `Name${i}`}`),
      contact("a", "Luca Rossi", { city: "Milano" }),
      contact("b", "Luca Rossi", { city: "Milano" }),
      contact("c", "Luca Zanzottera", { city: "Milano" }),
      contact("d", "Luca Zanzottera", { city: "Milano" }),
    ];
    const score = scoresOf(records);
    const common = score(3000, 3001).score;
    const rare = score(3002, 3003).score;
    expect(rare).toBeGreaterThan(0.5);
    expect(common).toBeLessThan(0.5);
  });

  it("is symmetric and within [0, 1] on random records", () => {
    fc.assert(
      fc.property(randomRecords(), (records) => {
        const profiles = profileRecords(records.map((record) => normaliseRecord(record)));
        const context = { records: records.length };
        for (let i = 0; i < profiles.length; i++) {
          for (let j = 0; j < profiles.length; j++) {
            const forward = scorePair(profiles[i]!, profiles[j]!, context);
            const backward = scorePair(profiles[j]!, profiles[i]!, context);
            expect(forward).toEqual(backward);
            expect(forward.score).toBeGreaterThanOrEqual(0);
            expect(forward.score).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("tokenSimilarity", () => {
  it("lets phonetic keys rescue a transliteration, but not two names that only share consonants", () => {
    expect(tokenSimilarity("mhmd", "NHND", "mohammed", "NHND")).toBeGreaterThanOrEqual(0.95);
    expect(tokenSimilarity("nicola", "NKL", "angela", "NKL")).toBeLessThan(0.86);
  });

  it("matches an initial by its sound", () => {
    expect(tokenSimilarity("f", "B", "photis", "BDS")).toBeGreaterThan(0.9);
    expect(tokenSimilarity("j", "", "mercedes", "NRSDS")).toBe(0);
  });
});

describe("withinOneEdit", () => {
  it("accepts one insertion, deletion, substitution or swap, and nothing more", () => {
    expect(withinOneEdit("marini", "maiini")).toBe(true);
    expect(withinOneEdit("marini", "mraini")).toBe(true);
    expect(withinOneEdit("marini", "marni")).toBe(true);
    expect(withinOneEdit("marini", "marinii")).toBe(true);
    expect(withinOneEdit("maria", "marco")).toBe(false);
  });
});
