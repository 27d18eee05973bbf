import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_REASONS, STATUSES, type Status } from "../lifecycle/states.js";
import {
  answerIssues,
  CALL_OUTCOMES,
  CALLABLE_STATUSES,
  callbackDueAt,
  campaignOfKey,
  mergeAnswers,
  objectionSearchText,
  planCall,
  ScriptInputSchema,
  type ScriptStep,
  searchWords,
} from "./scripts.js";

const STEPS: ScriptStep[] = [
  { id: "hello", kind: "say", text: "Hello, this is Anna from Handoff." },
  { id: "city", kind: "question", text: "Where do you live?" },
  { id: "meet", kind: "question", text: "Would you like to meet?", options: ["yes", "maybe", "no"] },
];

describe("scripts", () => {
  it("reads _default in a path as the default script", () => {
    expect(campaignOfKey("_default")).toBe("");
    expect(campaignOfKey("spring")).toBe("spring");
  });

  it("refuses a script whose step ids repeat, naming the second", () => {
    const parsed = ScriptInputSchema.safeParse({
      name: "Intro",
      steps: [
        { id: "a", kind: "say", text: "Hi" },
        { id: "a", kind: "question", text: "Why?" },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["steps.1.id"]);
  });

  it("refuses options on a line to say", () => {
    const parsed = ScriptInputSchema.safeParse({
      name: "Intro",
      steps: [{ id: "a", kind: "say", text: "Hi", options: ["x"] }],
    });
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["steps.0.options"]);
  });

  it("accepts answers to questions and choices among their options", () => {
    expect(answerIssues(STEPS, { city: "Roma", meet: "maybe" })).toEqual([]);
  });

  it("names each answer that is no question of the script or no option of it", () => {
    expect(answerIssues(STEPS, { hello: "hi", nope: "x", meet: "perhaps" }).map((i) => i.path)).toEqual([
      "answers.hello",
      "answers.nope",
      "answers.meet",
    ]);
    expect(answerIssues(null, { city: "Roma" })).toEqual([
      { path: "answers.city", message: "the contact has no script" },
    ]);
  });

  it("lets an empty answer clear a saved one", () => {
    expect(answerIssues(STEPS, { meet: "" })).toEqual([]);
    expect(mergeAnswers({ city: "Roma", meet: "yes" }, { meet: "", city: "Milano" })).toEqual({
      city: "Milano",
    });
  });
});

describe("objection search", () => {
  it("folds case, accents and scripts in the text and in the words looked for", () => {
    const text = objectionSearchText({ objection: "Perché dovrei?", answers: ["Ίσως αύριο"] });
    expect(text).toContain("perche");
    expect(text).toContain("isos ayrio");
    expect(searchWords("  PERCHÉ   Dovrei ")).toEqual(["perche", "dovrei"]);
  });
});

describe("planCall", () => {
  const plan = (status: Status, call: Parameters<typeof planCall>[1]) =>
    planCall({ status }, call, DEFAULT_REASONS);

  it("moves a qualified contact to ready, and leaves one already ready", () => {
    for (const status of ["new", "qualifying", "nurture"] as const) {
      expect(plan(status, { outcome: "qualified", callback: false })).toEqual({
        ok: true,
        value: { move: { to: "ready", reason: null }, closeCallbacks: true },
      });
    }
    expect(plan("ready", { outcome: "qualified", callback: false })).toEqual({
      ok: true,
      value: { move: null, closeCallbacks: true },
    });
  });

  it("moves a new contact to qualifying when they ask to be called later, and needs the callback", () => {
    expect(plan("new", { outcome: "not_now", callback: true })).toEqual({
      ok: true,
      value: { move: { to: "qualifying", reason: null }, closeCallbacks: false },
    });
    expect(plan("qualifying", { outcome: "not_now", callback: true })).toMatchObject({
      ok: true,
      value: { move: null },
    });
    const missing = plan("new", { outcome: "not_now", callback: false });
    expect(missing.ok ? null : missing.error.errors?.map((e) => e.path)).toEqual(["callback"]);
  });

  it("sends a disqualified contact to nurture with one of the organisation's reasons", () => {
    expect(plan("qualifying", { outcome: "disqualified", reason: "only curious", callback: false })).toEqual({
      ok: true,
      value: { move: { to: "nurture", reason: "only curious" }, closeCallbacks: true },
    });
    for (const reason of [undefined, "bored"]) {
      const refused = plan("new", { outcome: "disqualified", reason, callback: false });
      expect(refused.ok ? null : refused.error).toMatchObject({
        code: "invalid",
        errors: [{ path: "reason" }],
      });
    }
  });

  it("counts an unanswered call and nothing else, with or without a callback", () => {
    for (const callback of [true, false]) {
      expect(plan("new", { outcome: "no_answer", callback })).toEqual({
        ok: true,
        value: { move: null, closeCallbacks: false },
      });
    }
  });

  it("refuses a reason on any outcome but disqualified, and a callback on a settled call", () => {
    const reasoned = plan("new", { outcome: "qualified", reason: "only curious", callback: true });
    expect(reasoned.ok ? null : reasoned.error.errors?.map((e) => e.path)).toEqual(["reason", "callback"]);
  });

  it("refuses every outcome on a contact handed to the field or closed, as a conflict", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STATUSES.filter((s) => !CALLABLE_STATUSES.includes(s))),
        fc.constantFrom(...CALL_OUTCOMES),
        (status, outcome) => {
          const result = plan(status, { outcome, reason: "only curious", callback: true });
          expect(result.ok ? null : result.error.code).toBe("conflict");
        },
      ),
    );
  });

  it("only ever moves a contact to ready, qualifying or nurture", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CALLABLE_STATUSES),
        fc.constantFrom(...CALL_OUTCOMES),
        fc.boolean(),
        (status, outcome, callback) => {
          const reason = outcome === "disqualified" ? "wrong timing" : undefined;
          const result = plan(status, { outcome, reason, callback });
          if (result.ok && result.value.move) {
            expect(["ready", "qualifying", "nurture"]).toContain(result.value.move.to);
            expect(result.value.move.to).not.toBe(status);
          }
        },
      ),
    );
  });
});

describe("callbackDueAt", () => {
  const now = new Date("2026-03-02T09:00:00Z");

  it("reads a local time in the person's zone, with the offset of that date", () => {
    const winter = callbackDueAt({ at: "2026-03-10T18:30", timeZone: "Europe/Athens" }, now);
    const summer = callbackDueAt({ at: "2026-07-10T18:30", timeZone: "Europe/Athens" }, now);
    expect(winter).toEqual({ ok: true, value: "2026-03-10T16:30:00.000Z" });
    expect(summer).toEqual({ ok: true, value: "2026-07-10T15:30:00.000Z" });
  });

  it("refuses a time the clocks skip, naming the field", () => {
    for (const [at, timeZone] of [
      ["2026-03-29T02:30", "Europe/Rome"],
      ["2026-03-29T03:30", "Europe/Athens"],
      ["2026-03-08T02:15", "America/New_York"],
    ] as const) {
      const result = callbackDueAt({ at, timeZone }, now);
      expect(result.ok ? null : result.error).toMatchObject({
        code: "invalid",
        errors: [{ path: "callback.at", message: expect.stringContaining("does not exist") }],
      });
    }
  });

  it("takes the first of a time that comes twice", () => {
    // 02:30 in Rome on 25 October 2026 is 00:30Z (summer time) and again 01:30Z.
    expect(callbackDueAt({ at: "2026-10-25T02:30", timeZone: "Europe/Rome" }, now)).toEqual({
      ok: true,
      value: "2026-10-25T00:30:00.000Z",
    });
  });

  it("refuses an unknown zone, an impossible date, a past time and one years away", () => {
    const cases = [
      [{ at: "2026-03-10T18:30", timeZone: "Mars/Olympus" }, "callback.timeZone"],
      [{ at: "2026-02-30T18:30", timeZone: "Europe/Rome" }, "callback.at"],
      [{ at: "2026-03-02T09:59", timeZone: "Europe/Rome" }, "callback.at"],
      [{ at: "2028-03-02T09:59", timeZone: "Europe/Rome" }, "callback.at"],
    ] as const;
    for (const [request, path] of cases) {
      const result = callbackDueAt(request, now);
      expect(result.ok ? null : result.error.errors?.[0]?.path, request.at).toBe(path);
    }
  });

  it("converts every existing local time to an instant that reads back as the same local time", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2026-03-03T00:00:00Z"),
          max: new Date("2026-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.constantFrom(
          "Europe/Rome",
          "Europe/Athens",
          "America/New_York",
          "Asia/Kolkata",
          "Australia/Sydney",
        ),
        (instant, zone) => {
          const local = new Intl.DateTimeFormat("sv-SE", {
            timeZone: zone,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
            hourCycle: "h23",
          })
            .format(instant)
            .replace(" ", "T");
          const result = callbackDueAt({ at: local, timeZone: zone }, now);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const back = new Intl.DateTimeFormat("sv-SE", {
            timeZone: zone,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
            hourCycle: "h23",
          })
            .format(new Date(result.value))
            .replace(" ", "T");
          expect(back).toBe(local);
        },
      ),
    );
  });
});
