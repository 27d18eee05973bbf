import { describe, expect, it } from "vitest";
import {
  changeScore,
  EMPTY_WINDOW,
  improversAndSlippers,
  trendOf,
  weekMeasures,
  weeksOf,
} from "./workers.js";

describe("the workers report", () => {
  it("spans whole ISO weeks, each measured at its end, the week under way at now", () => {
    const weeks = weeksOf("2026-04-22T10:00:00.000Z", "2026-04-08T00:00:00.000Z");
    expect(weeks).toEqual([
      { week: "2026-W15", at: "2026-04-13T00:00:00.000Z" },
      { week: "2026-W16", at: "2026-04-20T00:00:00.000Z" },
      { week: "2026-W17", at: "2026-04-22T10:00:00.000Z" },
    ]);
    expect(weeksOf("2026-04-22T10:00:00.000Z")).toHaveLength(12);
    expect(weeksOf("2026-04-22T10:00:00.000Z", "2026-05-01T00:00:00.000Z")).toEqual([]);
  });

  it("scores a change only over measures with enough behind them in both windows", () => {
    const before = { ...EMPTY_WINDOW, answered: 4, acceptedOffers: 1 };
    const recent = { ...EMPTY_WINDOW, answered: 4, acceptedOffers: 3 };
    expect(changeScore(before, recent)).toBe(0.5);
    expect(changeScore({ ...before, answered: 2, acceptedOffers: 0 }, recent)).toBeNull();
    // Faster first contact counts as improving: 10 h to 5 h is half as slow.
    const faster = changeScore(
      { ...EMPTY_WINDOW, firstContact: { n: 3, medianHours: 10 } },
      { ...EMPTY_WINDOW, firstContact: { n: 3, medianHours: 5 } },
    );
    expect(faster).toBe(0.5);
  });

  it("lists the best improvers and the worst slippers first, five at most", () => {
    const changes = [0.2, -0.4, 0.9, -0.1, 0, 0.3, 0.4, 0.5, 0.6].map((score, i) => ({
      workerId: `w${i}`,
      score,
    }));
    const { improvers, slippers } = improversAndSlippers(changes);
    expect(improvers.map((c) => c.score)).toEqual([0.9, 0.6, 0.5, 0.4, 0.3]);
    expect(slippers.map((c) => c.score)).toEqual([-0.4, -0.1]);
  });

  it("tells the way the load went, and hides a marketer's small counts", () => {
    expect(trendOf([1, 4, 2])).toBe("up");
    expect(trendOf([3, 1])).toBe("down");
    expect(trendOf([])).toBe("flat");
    expect(weekMeasures({ held: 3, capacity: 40, workers: 12 }, true)).toEqual({
      held: "<5",
      capacity: 40,
      workers: 12,
      loadRate: null,
    });
  });
});
