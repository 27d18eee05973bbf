import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedProgress, PATHS, planProgress } from "./progress.js";

describe("planProgress", () => {
  it("moves forward on the ministry path", () => {
    expect(planProgress("ministry", "none", "attempted")).toEqual({
      ok: true,
      value: { from: "none", to: "attempted" },
    });
  });

  it("may skip steps ahead", () => {
    expect(planProgress("sales", "attempted", "meeting_set").ok).toBe(true);
  });

  it("refuses to move back, naming the allowed steps", () => {
    const result = planProgress("ministry", "met", "attempted");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("conflict");
    expect(result.error.details).toEqual({ current: "met", allowed: ["ongoing", "coaching"] });
  });

  it("refuses a step of the other path", () => {
    const result = planProgress("ministry", "none", "won");
    expect(result.ok || result.error.code).toBe("invalid");
  });

  it("never moves backward or stays put, on either path", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("ministry" as const, "sales" as const),
        fc.nat(6),
        fc.nat(6),
        (kind, a, b) => {
          const steps = PATHS[kind];
          const result = planProgress(kind, steps[a] as string, steps[b] as string);
          expect(result.ok).toBe(b > a);
          expect(allowedProgress(kind, steps[a] as string).length).toBe(steps.length - 1 - a);
        },
      ),
    );
  });
});
