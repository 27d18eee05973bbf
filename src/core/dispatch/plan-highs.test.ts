import { describe, expect, it } from "vitest";
import { generateDispatchInstance } from "../../../bench/dispatch-data.js";
import { highsObjective } from "../../../test/support/highs-lp.js";
import { DEFAULT_DISPATCH_CONFIG } from "./model.js";
import { planDispatch } from "./plan.js";

describe("planDispatch against HiGHS", () => {
  for (const [contacts, workers, seed, solver] of [
    [300, 40, 1, "paths"],
    [800, 60, 2, "scaling"],
    [1500, 120, 3, "paths"],
    [1500, 120, 3, "scaling"],
    [2500, 150, 4, "paths"],
    [2500, 150, 4, "scaling"],
  ] as const) {
    it(`reaches the LP optimum on ${contacts} contacts × ${workers} workers (seed ${seed}) by ${solver}`, async () => {
      const instance = generateDispatchInstance(contacts, workers, seed);
      const plan = planDispatch(instance.contacts, instance.workers, DEFAULT_DISPATCH_CONFIG, { solver });
      const lp = await highsObjective(instance.contacts, instance.workers, DEFAULT_DISPATCH_CONFIG);
      expect(Math.abs(plan.objective - lp)).toBeLessThanOrEqual(1e-6 * Math.max(1, plan.assigned));
    });
  }
});
