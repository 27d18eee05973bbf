import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockingKeys, forEachCandidatePair } from "./blocking.js";
import { normaliseRecord } from "./normalise.js";
import { contact } from "./testing.js";

describe("forEachCandidatePair", () => {
  it("visits each pair that shares a key exactly once, i < j, and no other", () => {
    const keySets = fc.array(fc.subarray(["p1", "p2", "e1", "nA B", "nA C", "tA"], { maxLength: 3 }), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(keySets, (keys) => {
        const visited: string[] = [];
        forEachCandidatePair(
          keys.length,
          (i) => keys[i]!,
          { maxContactBlock: 99, maxNameBlock: 99, maxWordBlock: 99 },
          (i, j) => {
            expect(i).toBeLessThan(j);
            visited.push(`${i},${j}`);
          },
        );
        const expected: string[] = [];
        for (let i = 0; i < keys.length; i++) {
          for (let j = i + 1; j < keys.length; j++) {
            if (keys[i]!.some((key) => keys[j]!.includes(key))) expected.push(`${i},${j}`);
          }
        }
        expect(visited.sort()).toEqual(expected.sort());
      }),
      { numRuns: 300 },
    );
  });

  it("skips a name block past its size limit, but not a phone block of the same size", () => {
    const keys = Array.from({ length: 5 }, () => ["nA B", "p123456"]);
    let pairs = 0;
    const stats = forEachCandidatePair(
      5,
      (i) => keys[i]!,
      { maxContactBlock: 5, maxNameBlock: 4, maxWordBlock: 4 },
      () => {
        pairs++;
      },
    );
    expect(pairs).toBe(10);
    expect(stats.skippedBlocks).toBe(1);
  });
});

describe("blockingKeys", () => {
  it("files swapped and transliterated names under one key", () => {
    const a = blockingKeys(normaliseRecord(contact("a", "Γιώργος Παπαδόπουλος")));
    const b = blockingKeys(normaliseRecord(contact("b", "Papadopoulos Giorgos")));
    expect(a.some((key) => b.includes(key))).toBe(true);
  });

  it("files a phone by its national digits, whatever its format", () => {
    const a = blockingKeys(normaliseRecord(contact("a", "", { phones: ["333 123 4567"] })));
    const b = blockingKeys(
      normaliseRecord(contact("b", "", { phones: ["0039 333-1234567"], country: null })),
    );
    expect(a).toEqual(["p3331234567"]);
    expect(b).toEqual(a);
  });
});
