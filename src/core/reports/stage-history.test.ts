import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withLeftAt } from "./stage-history.js";

const row = (id: string, contact_id: string, entered_at: string) => ({ id, contact_id, entered_at });

describe("withLeftAt", () => {
  it("ends each stay where the same contact's next one starts, and leaves the last open", () => {
    const rows = withLeftAt([
      row("b", "c1", "2026-01-02T00:00:00.000Z"),
      row("x", "c2", "2026-01-01T00:00:00.000Z"),
      row("a", "c1", "2026-01-01T00:00:00.000Z"),
      row("c", "c1", "2026-01-03T00:00:00.000Z"),
    ]);
    expect(rows.map((r) => [r.id, r.left_at])).toEqual([
      ["a", "2026-01-02T00:00:00.000Z"],
      ["b", "2026-01-03T00:00:00.000Z"],
      ["c", null],
      ["x", null],
    ]);
  });

  it("leaves exactly one stay open per contact, and no stay ends before it starts", () => {
    const arbitraryRow = fc.record({
      id: fc.uuid(),
      contact_id: fc.constantFrom("c1", "c2", "c3"),
      entered_at: fc.integer({ min: 0, max: 1e9 }).map((ms) => new Date(ms).toISOString()),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryRow, { selector: (r) => r.id }), (rows) => {
        const ended = withLeftAt(rows);
        expect(ended).toHaveLength(rows.length);
        const contacts = new Set(rows.map((r) => r.contact_id));
        expect(ended.filter((r) => r.left_at === null)).toHaveLength(contacts.size);
        for (const r of ended) if (r.left_at !== null) expect(r.left_at >= r.entered_at).toBe(true);
      }),
    );
  });
});
