import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterDuplicates } from "../core/dedupe/cluster.js";
import { contact, randomRecords } from "../core/dedupe/testing.js";
import { clusterInThreads } from "./dedupe.js";

describe("clusterInThreads", () => {
  it("gives what clusterDuplicates gives, slices normalised in two threads", async () => {
    const odd = [
      contact("s", "Maria \ud800 Rossi", { phones: ["333 123 4567"], country: null }),
      contact("e", "", { emails: ["m.rossi@gmail.com"], city: "Roma" }),
    ];
    const samples = fc
      .sample(randomRecords(60), { numRuns: 1, seed: 7 })
      .map((records) => [...records, ...odd]);
    for (const records of samples) {
      const threaded = await clusterInThreads(records, { threads: 2, sliceSize: 5 });
      const direct = clusterDuplicates(records);
      expect([...threaded.clusterOf]).toEqual([...direct.clusterOf]);
      expect(threaded.pairs).toEqual(direct.pairs);
      expect(threaded.compared).toBe(direct.compared);
    }
  }, 60_000);
});
