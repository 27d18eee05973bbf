import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterDuplicates } from "./cluster.js";
import { contact, randomRecords } from "./testing.js";

describe("clusterDuplicates", () => {
  it("puts a record alone in its own cluster", () => {
    const result = clusterDuplicates([contact("a", "Maria Rossi", { phones: ["333 123 4567"] })]);
    expect(result.clusters).toEqual([[0]]);
    expect([...result.clusterOf]).toEqual([0]);
    expect(clusterDuplicates([]).clusters).toEqual([]);
  });

  it("groups one person's records across scripts, formats and missing fields", () => {
    const result = clusterDuplicates([
      contact("a", "Γιώργος Παπαδόπουλος", { phones: ["694 123 4567"], country: "GR", city: "Αθήνα" }),
      contact("b", "Maria Rossi", { phones: ["333 123 4567"], city: "Roma" }),
      contact("c", "Papadopoulos Giorgos", { emails: ["g.papa@gmail.com"], phones: ["+30 6941234567"] }),
      contact("d", "", { emails: ["G.Papa+web@googlemail.com"], country: null }),
    ]);
    expect([...result.clusterOf]).toEqual([0, 1, 0, 0]);
  });

  it("does not chain two relatives together through a record that matches both", () => {
    const result = clusterDuplicates([
      contact("maria", "Maria Rossi", { phones: ["06 1234 5678"], emails: ["maria@libero.it"] }),
      contact("m", "M. Rossi", { phones: ["06 1234 5678"], emails: ["marco@libero.it"] }),
      contact("marco", "Marco Rossi", { phones: ["06 1234 5678"], emails: ["marco@libero.it"] }),
    ]);
    expect(result.clusterOf[0]).not.toBe(result.clusterOf[2]);
    expect(result.clusterOf[1]).toBe(result.clusterOf[2]);
  });

  it("keeps everyone apart at threshold 1", () => {
    const twice = contact("a", "Maria Rossi", { phones: ["333 123 4567"] });
    const result = clusterDuplicates([twice, { ...twice, id: "b" }], { threshold: 1 });
    expect(result.clusters).toEqual([[0], [1]]);
  });

  it("names every record exactly once, each cluster by its first record", () => {
    fc.assert(
      fc.property(randomRecords(20), fc.double({ min: 0, max: 1, noNaN: true }), (records, threshold) => {
        const result = clusterDuplicates(records, { threshold });
        const seen = result.clusters.flat().sort((a, b) => a - b);
        expect(seen).toEqual(records.map((_, i) => i));
        for (const members of result.clusters) {
          for (const i of members) expect(result.clusterOf[i]).toBe(members[0]);
          expect(members[0]).toBe(Math.min(...members));
        }
        for (const pair of result.pairs) {
          expect(pair.a).toBeLessThan(pair.b);
          expect(pair.score).toBeGreaterThan(threshold);
          expect(pair.sameCluster).toBe(result.clusterOf[pair.a] === result.clusterOf[pair.b]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("makes a record with no look-alike its own cluster", () => {
    fc.assert(
      fc.property(randomRecords(10), (records) => {
        const stranger = contact("z", "Zebedeo Quaglierini", {
          phones: ["+81 3 1234 5678"],
          emails: ["zq@zq.jp"],
        });
        const result = clusterDuplicates([...records, stranger]);
        expect(result.clusters).toContainEqual([records.length]);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same clusters for the same input", () => {
    fc.assert(
      fc.property(randomRecords(15), (records) => {
        expect([...clusterDuplicates(records).clusterOf]).toEqual([...clusterDuplicates(records).clusterOf]);
      }),
      { numRuns: 50 },
    );
  });
});
