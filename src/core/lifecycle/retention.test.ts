import { describe, expect, it } from "vitest";
import { retentionCutoff } from "./retention.js";

describe("retentionCutoff", () => {
  it("goes back whole calendar months", () => {
    expect(retentionCutoff(new Date("2026-12-02T10:00:00Z"), 6).toISOString()).toBe(
      "2026-06-02T10:00:00.000Z",
    );
    expect(retentionCutoff(new Date("2026-03-15T00:00:00Z"), 24).toISOString()).toBe(
      "2024-03-15T00:00:00.000Z",
    );
  });
  it("keeps to the last day of a shorter month", () => {
    expect(retentionCutoff(new Date("2026-03-31T08:00:00Z"), 1).toISOString()).toBe(
      "2026-02-28T08:00:00.000Z",
    );
  });
});
