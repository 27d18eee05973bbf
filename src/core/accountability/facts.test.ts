import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PATHS } from "../lifecycle/progress.js";
import { factsAfter, MEETING_STEPS, NO_FACTS, type ProgressFacts, type WorkerDeed } from "./facts.js";

const ACCEPTED = "2026-05-04T09:00:00.000Z";
const AT = "2026-05-05T10:00:00.000Z";
const LATER = "2026-05-09T15:30:00.000Z";

const accepted: ProgressFacts = { ...NO_FACTS, acceptedAt: ACCEPTED };

const DEED_NAMES: Array<[string, WorkerDeed]> = [
  ["comment", { kind: "comment" }],
  ["call", { kind: "call" }],
  ["meeting", { kind: "meeting" }],
  ["update answer", { kind: "update_answer" }],
  ["progress step", { kind: "progress", to: "attempted" }],
  ["progress to a meeting step", { kind: "progress", to: "met" }],
];
const DEEDS = DEED_NAMES.map(([, deed]) => deed);

describe("factsAfter", () => {
  it("moves nothing before the worker accepts", () => {
    for (const deed of DEEDS) expect(factsAfter(NO_FACTS, deed, AT)).toEqual(NO_FACTS);
  });

  it.each(DEED_NAMES)("counts a %s as an update", (_, deed) => {
    expect(factsAfter(accepted, deed, AT).lastUpdateAt).toBe(AT);
  });

  it("counts a call as the first attempt but not as a meeting", () => {
    expect(factsAfter(accepted, { kind: "call" }, AT)).toEqual({
      acceptedAt: ACCEPTED,
      firstAttemptAt: AT,
      firstMeetingAt: null,
      lastUpdateAt: AT,
    });
  });

  it("counts neither a comment nor an update answer as an attempt", () => {
    for (const kind of ["comment", "update_answer"] as const) {
      expect(factsAfter(accepted, { kind }, AT)).toEqual({ ...accepted, lastUpdateAt: AT });
    }
  });

  it("counts a meeting as both the first attempt and the first meeting", () => {
    expect(factsAfter(accepted, { kind: "meeting" }, AT)).toEqual({
      acceptedAt: ACCEPTED,
      firstAttemptAt: AT,
      firstMeetingAt: AT,
      lastUpdateAt: AT,
    });
  });

  it("counts progress as an attempt", () => {
    expect(factsAfter(accepted, { kind: "progress", to: "attempted" }, AT).firstAttemptAt).toBe(AT);
  });

  it.each([...MEETING_STEPS])("counts progress to %s as the first meeting", (to) => {
    expect(factsAfter(accepted, { kind: "progress", to }, AT).firstMeetingAt).toBe(AT);
  });

  it.each(["attempted", "established", "scheduled", "connected", "qualified", "meeting_set"])(
    "does not count progress to %s as a meeting",
    (to) => {
      expect(factsAfter(accepted, { kind: "progress", to }, AT).firstMeetingAt).toBeNull();
    },
  );

  it("keeps the first attempt and the first meeting once set, and moves the last update", () => {
    const met = factsAfter(accepted, { kind: "meeting" }, AT);
    expect(factsAfter(met, { kind: "meeting" }, LATER)).toEqual({
      acceptedAt: ACCEPTED,
      firstAttemptAt: AT,
      firstMeetingAt: AT,
      lastUpdateAt: LATER,
    });
  });

  it("never sees a first meeting without a first attempt before it", () => {
    const arbDeeds = fc.array(fc.constantFrom(...DEEDS), { maxLength: 12 });
    fc.assert(
      fc.property(arbDeeds, (deeds) => {
        let facts = accepted;
        deeds.forEach((deed, i) => {
          facts = factsAfter(facts, deed, new Date(Date.parse(ACCEPTED) + (i + 1) * 60_000).toISOString());
        });
        expect(facts.acceptedAt).toBe(ACCEPTED);
        if (facts.firstMeetingAt !== null) {
          expect(facts.firstAttemptAt).not.toBeNull();
          expect(facts.firstAttemptAt! <= facts.firstMeetingAt).toBe(true);
        }
        if (facts.firstAttemptAt !== null)
          expect(facts.firstAttemptAt <= (facts.lastUpdateAt ?? "")).toBe(true);
        expect(facts.lastUpdateAt === null).toBe(deeds.length === 0);
      }),
    );
  });
});

describe("MEETING_STEPS", () => {
  it("names every step from met onwards, on both paths, and nothing else", () => {
    const fromMet = Object.values(PATHS).flatMap((steps) => steps.slice(steps.indexOf("met")));
    expect(new Set(fromMet)).toEqual(MEETING_STEPS);
  });
});
