/** How a report refresh sizes its steps on SQLite (refreshRollups with stepMs). */
import { describe, expect, it } from "vitest";
import { nextStepSize } from "./report-rollups.js";

describe("nextStepSize", () => {
  it("scales the step to the time it should take", () => {
    // 20 changes took 4 ms; 2 ms wanted: 10.
    expect(nextStepSize(20, 4, 2, 50)).toBe(10);
    // 20 changes took 2.5 ms: 16.
    expect(nextStepSize(20, 2.5, 2, 50)).toBe(16);
    expect(nextStepSize(20, 2, 2, 50)).toBe(20);
  });

  it("at most doubles and at most halves at a time, so one odd step does not swing it", () => {
    expect(nextStepSize(20, 0.1, 2, 50)).toBe(40);
    expect(nextStepSize(20, 0, 2, 50)).toBe(40);
    expect(nextStepSize(20, 400, 2, 50)).toBe(10);
  });

  it("stays between one change and the batch", () => {
    expect(nextStepSize(40, 0.5, 2, 50)).toBe(50);
    expect(nextStepSize(1, 30, 2, 50)).toBe(1);
    expect(nextStepSize(3, 30, 2, 50)).toBe(1);
  });
});
