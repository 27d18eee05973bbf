import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockingHash, blockingKeys } from "./blocking.js";
import {
  type DedupeColumns,
  type NormalisedSlice,
  normaliseSlice,
  packedString,
  sliceJoiner,
} from "./columns.js";
import { normaliseCaches, normaliseRecord } from "./normalise.js";
import type { DedupeRecord } from "./records.js";
import { fullNameKey } from "./score.js";
import { contact, randomRecords } from "./testing.js";

/** Record r of a slice, back as strings. */
function recordOf(slice: NormalisedSlice, r: number) {
  const range = (start: Int32Array, ids: Int32Array) => [...ids.subarray(start[r]!, start[r + 1]!)];
  return {
    tokens: range(slice.tokenStart, slice.tokenIds).map((id) => slice.tokens[id]),
    keys: range(slice.tokenStart, slice.tokenIds).map((id) => slice.keys[id]),
    first: slice.firstIds[r]! < 0 ? "" : slice.tokens[slice.firstIds[r]!],
    name: slice.nameIds[r]! < 0 ? null : packedString(slice.names, slice.nameIds[r]!),
    phones: range(slice.phoneStart, slice.phoneIds).map((id) => packedString(slice.phones, id)),
    nationals: range(slice.phoneStart, slice.phoneIds).map((id) => packedString(slice.nationals, id)),
    emails: range(slice.emailStart, slice.emailIds).map((id) => packedString(slice.emails, id)),
    city: slice.cityIds[r]! < 0 ? "" : packedString(slice.cities, slice.cityIds[r]!),
    blocks: range(slice.blockStart, slice.blockHashes),
  };
}

/**
 * Columns with every id renamed to the order of its first use, record by record: two columns
 * hold the same records when these are equal, whatever ids they gave.
 */
function canonical(columns: DedupeColumns) {
  const renamer = () => {
    const names = new Map<number, number>();
    return (id: number) => {
      if (id < 0) return id;
      if (!names.has(id)) names.set(id, names.size);
      return names.get(id)!;
    };
  };
  const [name, phone, national, email, city] = [renamer(), renamer(), renamer(), renamer(), renamer()];
  return Array.from({ length: columns.count }, (_, r) => {
    const range = (start: Int32Array, ids: Int32Array) => [...ids.subarray(start[r]!, start[r + 1]!)];
    const phones = range(columns.phoneStart, columns.phoneIds);
    return {
      tokens: range(columns.tokenStart, columns.tokenIds).map((id) => [columns.tokens[id], columns.keys[id]]),
      first: columns.firstIds[r]! < 0 ? "" : columns.tokens[columns.firstIds[r]!],
      name: name(columns.nameIds[r]!),
      phones: phones.map((id) => [phone(id), national(columns.phoneNationals[id]!), columns.phonePlus[id]]),
      emails: range(columns.emailStart, columns.emailIds).map(email),
      city: city(columns.cityIds[r]!),
      blocks: range(columns.blockStart, columns.blockHashes),
    };
  });
}

// Names with particles, initials, repeated sounds and scripts; cities with spaces.
const MORE_NAMES = [
  "Maria De Luca Rossi",
  "G. G. Rossi",
  "Rossi Rosi Rossi",
  "Ana Ana",
  "Ευαγγελία Ιωάννου",
  "A",
];
const records = randomRecords(30).chain((base) =>
  fc
    .array(fc.constantFrom(...MORE_NAMES), { maxLength: 5 })
    .map((names) => [
      ...base,
      ...names.map((name, i) => contact(`m${i}`, name, { city: i % 2 ? "New York" : "", phones: ["12345"] })),
    ]),
);

describe("normaliseSlice", () => {
  it("holds each record as normaliseRecord gives it, with the hashes of its blocking keys", () => {
    fc.assert(
      fc.property(records, (list: DedupeRecord[]) => {
        const slice = normaliseSlice(list, normaliseCaches());
        expect(slice.count).toBe(list.length);
        list.forEach((record, r) => {
          const normalised = normaliseRecord(record);
          const got = recordOf(slice, r);
          expect(got.tokens).toEqual(normalised.tokens);
          expect(got.keys).toEqual(normalised.keys);
          expect(got.first).toBe(normalised.first);
          expect(got.phones).toEqual(normalised.phones);
          expect(got.nationals).toEqual(normalised.nationals);
          expect(got.name).toBe(normalised.tokens.length === 0 ? null : fullNameKey(normalised.keys));
          expect(got.emails).toEqual(normalised.emails);
          expect(got.city).toBe(normalised.city);
          expect(got.blocks).toEqual(blockingKeys(normalised).map(blockingHash));
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("sliceJoiner", () => {
  it("gives the same records whatever the slices and the order they arrive in", () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 7 }), fc.boolean(), (list, size, reversed) => {
        const whole = sliceJoiner();
        whole.add(0, normaliseSlice(list));
        const parts = sliceJoiner();
        const positions = Array.from({ length: Math.ceil(list.length / size) }, (_, p) => p);
        if (reversed) positions.reverse();
        for (const p of positions) parts.add(p, normaliseSlice(list.slice(p * size, (p + 1) * size)));
        if (list.length === 0) parts.add(0, normaliseSlice([]));
        const b = parts.columns();
        expect(b.count).toBe(list.length);
        expect(canonical(b)).toEqual(canonical(whole.columns()));
      }),
      { numRuns: 200 },
    );
  });

  it("gives equal values one id and different values different ids", () => {
    fc.assert(
      fc.property(records, (list) => {
        const joiner = sliceJoiner();
        list.forEach((record, r) => {
          joiner.add(r, normaliseSlice([record]));
        });
        if (list.length === 0) joiner.add(0, normaliseSlice([]));
        const columns = joiner.columns();
        const slice = normaliseSlice(list);
        const emailIds = new Map<string, number>();
        const phoneIds = new Map<string, number>();
        list.forEach((_, r) => {
          const own = recordOf(slice, r);
          own.emails.forEach((value, k) => {
            const id = columns.emailIds[columns.emailStart[r]! + k]!;
            expect(emailIds.get(value) ?? id).toBe(id);
            emailIds.set(value, id);
          });
          own.phones.forEach((value, k) => {
            const id = columns.phoneIds[columns.phoneStart[r]! + k]!;
            expect(phoneIds.get(value) ?? id).toBe(id);
            phoneIds.set(value, id);
            expect(columns.phonePlus[id]).toBe(value.startsWith("+") ? 1 : 0);
          });
        });
        expect(new Set(emailIds.values()).size).toBe(emailIds.size);
        expect(new Set(phoneIds.values()).size).toBe(phoneIds.size);
      }),
      { numRuns: 200 },
    );
  });
});
