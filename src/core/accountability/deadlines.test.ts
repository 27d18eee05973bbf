import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STATUSES } from "../lifecycle/states.js";
import {
  type AccountabilitySettings,
  type ContactFacts,
  DEADLINE_KINDS,
  DEFAULT_ACCOUNTABILITY,
  type DeadlineKind,
  escalate,
  firstLookAt,
  hoursLate,
  latenessBucket,
  type OpenDeadline,
  reconcileDeadlines,
  updateEveryDays,
  type WantedDeadline,
  wantedDeadlines,
} from "./deadlines.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-05-04T09:00:00.000Z");
const at = (ms: number) => new Date(ms).toISOString();

const OFFERED_AT = at(T0);
const ACCEPTED_AT = at(T0 + 6 * HOUR);

function facts(overrides: Partial<ContactFacts> = {}): ContactFacts {
  return {
    status: "active",
    progress: "none",
    assignedWorkerId: "w1",
    assignedAt: OFFERED_AT,
    acceptedAt: ACCEPTED_AT,
    firstAttemptAt: null,
    firstMeetingAt: null,
    lastUpdateAt: null,
    ...overrides,
  };
}

function settings(overrides: Partial<AccountabilitySettings> = {}): AccountabilitySettings {
  return { ...DEFAULT_ACCOUNTABILITY, ...overrides };
}

function openDeadline(overrides: Partial<OpenDeadline> & Pick<OpenDeadline, "id" | "kind">): OpenDeadline {
  return { workerId: "w1", dueAt: at(T0 + 2 * DAY), createdAt: OFFERED_AT, ...overrides };
}

const NO_CHANGES = { close: [], open: [], move: [] };

// Generators: a contact's facts, the organisation's settings and its open deadlines, over a few
// weeks, two workers and a few progress steps, so that matches and mismatches both happen often.

const arbTime = fc.integer({ min: 0, max: 60 * 24 }).map((h) => at(T0 + h * HOUR));
const arbWorker = fc.constantFrom("w1", "w2");

const arbFacts: fc.Arbitrary<ContactFacts> = fc.record({
  status: fc.constantFrom(...STATUSES),
  progress: fc.constantFrom("none", "attempted", "met", "won"),
  assignedWorkerId: fc.option(arbWorker, { nil: null }),
  assignedAt: fc.option(arbTime, { nil: null }),
  acceptedAt: fc.option(arbTime, { nil: null }),
  firstAttemptAt: fc.option(arbTime, { nil: null }),
  firstMeetingAt: fc.option(arbTime, { nil: null }),
  lastUpdateAt: fc.option(arbTime, { nil: null }),
});

const arbSettings: fc.Arbitrary<AccountabilitySettings> = fc
  .record({
    acceptHours: fc.constantFrom(24, 48),
    firstAttemptHours: fc.constantFrom(null, 48),
    firstMeetingDays: fc.constantFrom(null, 14),
    updateEveryDays: fc.constantFrom<Record<string, number | null>>({}, { met: 3, won: null }),
    defaultUpdateEveryDays: fc.constantFrom(null, 7),
    escalateAfterHours: fc.constantFrom(12, 24, 96),
    takeBack: fc.boolean(),
    takeBackAfterHours: fc.constantFrom(0.25, 24, 72),
  })
  .map((s) => settings(s));

/** Open deadlines as the store holds them: at most one of each kind per worker, any update requests. */
const arbOpen: fc.Arbitrary<OpenDeadline[]> = fc
  .tuple(
    fc.uniqueArray(
      fc.record({
        kind: fc.constantFrom<WantedDeadline["kind"]>("accept", "first_attempt", "first_meeting", "update"),
        workerId: arbWorker,
      }),
      { selector: (d) => `${d.kind}/${d.workerId}`, maxLength: 8 },
    ),
    fc.array(fc.option(arbWorker, { nil: null }), { maxLength: 2 }),
    fc.array(fc.tuple(arbTime, arbTime), { minLength: 10, maxLength: 10 }),
  )
  .map(([deadlines, requests, times]) =>
    [...deadlines, ...requests.map((workerId) => ({ kind: "update_request" as const, workerId }))].map(
      (d, i) => {
        const [dueAt, createdAt] = times[i] ?? [at(T0), at(T0)];
        return { id: `d${i}`, ...d, dueAt, createdAt };
      },
    ),
  );

describe("updateEveryDays", () => {
  it("takes the interval of the progress step before the default", () => {
    const s = settings({ updateEveryDays: { met: 3 }, defaultUpdateEveryDays: 7 });
    expect(updateEveryDays(s, "met")).toBe(3);
    expect(updateEveryDays(s, "attempted")).toBe(7);
  });

  it("lets a step turn updates off although a default is set", () => {
    expect(
      updateEveryDays(settings({ updateEveryDays: { won: null }, defaultUpdateEveryDays: 7 }), "won"),
    ).toBe(null);
  });
});

describe("wantedDeadlines", () => {
  it("asks an offered worker to answer within acceptHours of the offer", () => {
    const offered = facts({ status: "offered", acceptedAt: null });
    expect(wantedDeadlines(offered, settings({ acceptHours: 36 }))).toEqual([
      { kind: "accept", workerId: "w1", dueAt: at(T0 + 36 * HOUR) },
    ]);
  });

  it("wants nothing of an offer without an offer time", () => {
    expect(
      wantedDeadlines(facts({ status: "offered", assignedAt: null, acceptedAt: null }), settings()),
    ).toEqual([]);
  });

  it("wants the first attempt, the first meeting and an update once the offer is accepted", () => {
    const s = settings({ firstAttemptHours: 24, firstMeetingDays: 10, defaultUpdateEveryDays: 5 });
    const accepted = Date.parse(ACCEPTED_AT);
    expect(wantedDeadlines(facts(), s)).toEqual([
      { kind: "first_attempt", workerId: "w1", dueAt: at(accepted + 24 * HOUR) },
      { kind: "first_meeting", workerId: "w1", dueAt: at(accepted + 10 * DAY) },
      { kind: "update", workerId: "w1", dueAt: at(accepted + 5 * DAY) },
    ]);
  });

  it("counts the next update from the last one", () => {
    const lastUpdateAt = at(T0 + 3 * DAY);
    const update = wantedDeadlines(facts({ lastUpdateAt }), settings()).find((d) => d.kind === "update");
    expect(update?.dueAt).toBe(at(T0 + 3 * DAY + 7 * DAY));
  });

  it("takes the update interval of the contact's progress step", () => {
    const s = settings({ updateEveryDays: { met: 3, ongoing: 14 }, defaultUpdateEveryDays: 7 });
    const due = (progress: string) =>
      wantedDeadlines(facts({ progress }), s).find((d) => d.kind === "update")?.dueAt;
    const accepted = Date.parse(ACCEPTED_AT);
    expect(due("met")).toBe(at(accepted + 3 * DAY));
    expect(due("ongoing")).toBe(at(accepted + 14 * DAY));
    expect(due("attempted")).toBe(at(accepted + 7 * DAY));
  });

  it("wants no update in a step whose interval is null", () => {
    const s = settings({ updateEveryDays: { coaching: null }, defaultUpdateEveryDays: 7 });
    expect(wantedDeadlines(facts({ progress: "coaching" }), s).map((d) => d.kind)).not.toContain("update");
  });

  it("wants no update when neither the step nor the default sets one", () => {
    const s = settings({ defaultUpdateEveryDays: null });
    expect(wantedDeadlines(facts(), s).map((d) => d.kind)).toEqual(["first_attempt", "first_meeting"]);
  });

  it("drops the first attempt once it happened", () => {
    const kinds = wantedDeadlines(facts({ firstAttemptAt: at(T0 + DAY) }), settings()).map((d) => d.kind);
    expect(kinds).toEqual(["first_meeting", "update"]);
  });

  it("drops the first meeting once it happened", () => {
    const done = facts({ firstAttemptAt: at(T0 + DAY), firstMeetingAt: at(T0 + 2 * DAY) });
    expect(wantedDeadlines(done, settings()).map((d) => d.kind)).toEqual(["update"]);
  });

  it("wants no first attempt or first meeting when the organisation sets none", () => {
    const s = settings({ firstAttemptHours: null, firstMeetingDays: null });
    expect(wantedDeadlines(facts(), s).map((d) => d.kind)).toEqual(["update"]);
  });

  it("wants nothing of an active contact not yet accepted", () => {
    expect(wantedDeadlines(facts({ acceptedAt: null }), settings())).toEqual([]);
  });

  it.each(["paused", "closed", "nurture", "ready"])("wants nothing of a %s contact", (status) => {
    expect(wantedDeadlines(facts({ status }), settings())).toEqual([]);
  });

  it("wants nothing of a contact without a worker", () => {
    expect(wantedDeadlines(facts({ assignedWorkerId: null }), settings())).toEqual([]);
    expect(wantedDeadlines(facts({ status: "offered", assignedWorkerId: null }), settings())).toEqual([]);
  });

  it("wants deadlines only of the assigned worker, each kind once, never before the clock started", () => {
    fc.assert(
      fc.property(arbFacts, arbSettings, (f, s) => {
        const wanted = wantedDeadlines(f, s);
        const kinds = wanted.map((d) => d.kind);
        expect(new Set(kinds).size).toBe(kinds.length);
        for (const d of wanted) {
          expect(d.workerId).toBe(f.assignedWorkerId);
          const start =
            d.kind === "accept"
              ? f.assignedAt
              : d.kind === "update"
                ? (f.lastUpdateAt ?? f.acceptedAt)
                : f.acceptedAt;
          expect(start).not.toBeNull();
          expect(Date.parse(d.dueAt)).toBeGreaterThan(Date.parse(start ?? ""));
        }
      }),
    );
  });
});

describe("reconcileDeadlines", () => {
  it("leaves a deadline still wanted at the same time untouched", () => {
    const f = facts();
    const wanted = wantedDeadlines(f, settings());
    const open = wanted.map((w, i) => openDeadline({ id: `d${i}`, ...w, createdAt: ACCEPTED_AT }));
    expect(reconcileDeadlines(open, wanted, f)).toEqual(NO_CHANGES);
  });

  it("opens every wanted deadline that is not open yet", () => {
    const f = facts();
    const wanted = wantedDeadlines(f, settings());
    expect(reconcileDeadlines([], wanted, f)).toEqual({ close: [], open: wanted, move: [] });
  });

  it("closes the offer as met when the worker accepts, and opens the next deadlines", () => {
    const f = facts();
    const wanted = wantedDeadlines(f, settings());
    const changes = reconcileDeadlines([openDeadline({ id: "a", kind: "accept" })], wanted, f);
    expect(changes.close).toEqual([{ id: "a", outcome: "met" }]);
    expect(changes.open).toEqual(wanted);
  });

  it("closes the offer as declined when it goes back to dispatch unanswered", () => {
    const f = facts({ status: "ready", assignedWorkerId: null, assignedAt: null, acceptedAt: null });
    const changes = reconcileDeadlines([openDeadline({ id: "a", kind: "accept" })], [], f);
    expect(changes.close).toEqual([{ id: "a", outcome: "declined" }]);
  });

  it("closes the offer as declined when the contact is offered to another worker, and opens theirs", () => {
    const f = facts({
      status: "offered",
      assignedWorkerId: "w2",
      assignedAt: at(T0 + DAY),
      acceptedAt: null,
    });
    const wanted = wantedDeadlines(f, settings());
    const changes = reconcileDeadlines([openDeadline({ id: "a", kind: "accept" })], wanted, f);
    expect(changes.close).toEqual([{ id: "a", outcome: "declined" }]);
    expect(changes.open).toEqual([{ kind: "accept", workerId: "w2", dueAt: at(T0 + DAY + 48 * HOUR) }]);
  });

  it("closes the first attempt as met once it happened", () => {
    const f = facts({ firstAttemptAt: at(T0 + DAY) });
    const open = [openDeadline({ id: "fa", kind: "first_attempt" })];
    expect(reconcileDeadlines(open, wantedDeadlines(f, settings()), f).close).toEqual([
      { id: "fa", outcome: "met" },
    ]);
  });

  it("closes the first meeting as met once it happened", () => {
    const f = facts({ firstAttemptAt: at(T0 + DAY), firstMeetingAt: at(T0 + 2 * DAY) });
    const open = [openDeadline({ id: "fm", kind: "first_meeting" })];
    expect(reconcileDeadlines(open, wantedDeadlines(f, settings()), f).close).toEqual([
      { id: "fm", outcome: "met" },
    ]);
  });

  it("cancels the open deadlines of a contact that is paused", () => {
    const f = facts({ status: "paused" });
    const open = [
      openDeadline({ id: "fa", kind: "first_attempt" }),
      openDeadline({ id: "fm", kind: "first_meeting" }),
      openDeadline({ id: "u", kind: "update" }),
    ];
    expect(reconcileDeadlines(open, wantedDeadlines(f, settings()), f)).toEqual({
      close: [
        { id: "fa", outcome: "cancelled" },
        { id: "fm", outcome: "cancelled" },
        { id: "u", outcome: "cancelled" },
      ],
      open: [],
      move: [],
    });
  });

  it("cancels the open deadlines of a contact that is closed", () => {
    const f = facts({ status: "closed", assignedWorkerId: null });
    const open = [openDeadline({ id: "u", kind: "update" })];
    expect(reconcileDeadlines(open, [], f).close).toEqual([{ id: "u", outcome: "cancelled" }]);
  });

  it("cancels the old worker's deadlines when the contact moves to another worker", () => {
    // The facts are cleared on a change of hands: the new worker has not accepted yet.
    const f = facts({
      status: "offered",
      assignedWorkerId: "w2",
      assignedAt: at(T0 + DAY),
      acceptedAt: null,
    });
    const open = [
      openDeadline({ id: "fa", kind: "first_attempt" }),
      openDeadline({ id: "u", kind: "update" }),
    ];
    const changes = reconcileDeadlines(open, wantedDeadlines(f, settings()), f);
    expect(changes.close).toEqual([
      { id: "fa", outcome: "cancelled" },
      { id: "u", outcome: "cancelled" },
    ]);
    expect(changes.open.map((d) => [d.kind, d.workerId])).toEqual([["accept", "w2"]]);
  });

  it("cancels an update no longer due in the contact's new progress step", () => {
    const f = facts({ progress: "won", firstAttemptAt: ACCEPTED_AT, firstMeetingAt: ACCEPTED_AT });
    const s = settings({ updateEveryDays: { won: null } });
    const open = [openDeadline({ id: "u", kind: "update" })];
    expect(reconcileDeadlines(open, wantedDeadlines(f, s), f).close).toEqual([
      { id: "u", outcome: "cancelled" },
    ]);
  });

  it("closes the update as met and opens the next when an update is given", () => {
    const s = settings();
    const before = facts({ firstAttemptAt: ACCEPTED_AT, firstMeetingAt: ACCEPTED_AT });
    const [due] = wantedDeadlines(before, s);
    const open = [openDeadline({ id: "u", kind: "update", dueAt: due?.dueAt ?? "", createdAt: ACCEPTED_AT })];
    const after = { ...before, lastUpdateAt: at(T0 + 3 * DAY) };
    expect(reconcileDeadlines(open, wantedDeadlines(after, s), after)).toEqual({
      close: [{ id: "u", outcome: "met" }],
      open: [{ kind: "update", workerId: "w1", dueAt: at(T0 + 10 * DAY) }],
      move: [],
    });
  });

  it("closes an overdue update as met when the update comes late", () => {
    const before = facts({ firstAttemptAt: ACCEPTED_AT, firstMeetingAt: ACCEPTED_AT });
    const open = [openDeadline({ id: "u", kind: "update", dueAt: at(T0 + 2 * DAY), createdAt: ACCEPTED_AT })];
    const after = { ...before, lastUpdateAt: at(T0 + 20 * DAY) };
    expect(reconcileDeadlines(open, wantedDeadlines(after, settings()), after).close).toEqual([
      { id: "u", outcome: "met" },
    ]);
  });

  it("moves the update's due time when the settings change", () => {
    const f = facts({ firstAttemptAt: ACCEPTED_AT, firstMeetingAt: ACCEPTED_AT });
    const accepted = Date.parse(ACCEPTED_AT);
    const open = [
      openDeadline({ id: "u", kind: "update", dueAt: at(accepted + 7 * DAY), createdAt: ACCEPTED_AT }),
    ];
    const wanted = wantedDeadlines(f, settings({ defaultUpdateEveryDays: 3 }));
    expect(reconcileDeadlines(open, wanted, f)).toEqual({
      close: [],
      open: [],
      move: [{ id: "u", dueAt: at(accepted + 3 * DAY) }],
    });
  });

  it("moves, not meets, an update opened by the last update when the settings change", () => {
    // The update deadline is opened in the same step as the update it follows, at the same instant.
    const lastUpdateAt = at(T0 + 3 * DAY);
    const f = facts({ firstAttemptAt: ACCEPTED_AT, firstMeetingAt: ACCEPTED_AT, lastUpdateAt });
    const open = [
      openDeadline({ id: "u", kind: "update", dueAt: at(T0 + 10 * DAY), createdAt: lastUpdateAt }),
    ];
    const wanted = wantedDeadlines(f, settings({ defaultUpdateEveryDays: 14 }));
    expect(reconcileDeadlines(open, wanted, f)).toEqual({
      close: [],
      open: [],
      move: [{ id: "u", dueAt: at(T0 + 17 * DAY) }],
    });
  });

  it("moves the offer's due time when the accept hours change", () => {
    const f = facts({ status: "offered", acceptedAt: null });
    const open = [openDeadline({ id: "a", kind: "accept", dueAt: at(T0 + 48 * HOUR) })];
    expect(reconcileDeadlines(open, wantedDeadlines(f, settings({ acceptHours: 24 })), f).move).toEqual([
      { id: "a", dueAt: at(T0 + 24 * HOUR) },
    ]);
  });

  it("keeps an update request while its worker holds the contact", () => {
    const request = openDeadline({ id: "r", kind: "update_request" });
    for (const f of [facts(), facts({ status: "paused" }), facts({ status: "offered", acceptedAt: null })]) {
      expect(reconcileDeadlines([request], [], f)).toEqual(NO_CHANGES);
    }
  });

  it("cancels an update request when the contact goes to another worker", () => {
    const f = facts({ status: "offered", assignedWorkerId: "w2", acceptedAt: null });
    const changes = reconcileDeadlines([openDeadline({ id: "r", kind: "update_request" })], [], f);
    expect(changes.close).toEqual([{ id: "r", outcome: "cancelled" }]);
  });

  it("cancels an update request when the contact is no longer held", () => {
    for (const status of ["closed", "nurture", "ready"]) {
      const changes = reconcileDeadlines(
        [openDeadline({ id: "r", kind: "update_request" })],
        [],
        facts({ status }),
      );
      expect(changes.close).toEqual([{ id: "r", outcome: "cancelled" }]);
    }
  });

  it("cancels an update request whose worker is gone", () => {
    const request = openDeadline({ id: "r", kind: "update_request", workerId: null });
    expect(reconcileDeadlines([request], [], facts()).close).toEqual([{ id: "r", outcome: "cancelled" }]);
  });

  it("never both closes and keeps a deadline, and closes or moves each at most once", () => {
    fc.assert(
      fc.property(arbFacts, arbSettings, arbOpen, (f, s, open) => {
        const changes = reconcileDeadlines(open, wantedDeadlines(f, s), f);
        const closed = changes.close.map((c) => c.id);
        const moved = changes.move.map((m) => m.id);
        expect(new Set(closed).size).toBe(closed.length);
        expect(new Set(moved).size).toBe(moved.length);
        expect(closed.filter((id) => moved.includes(id))).toEqual([]);
        const ids = open.map((d) => d.id);
        for (const id of [...closed, ...moved]) expect(ids).toContain(id);
      }),
    );
  });

  it("leaves every wanted deadline either already open or opened, and only wanted ones open", () => {
    fc.assert(
      fc.property(arbFacts, arbSettings, arbOpen, (f, s, open) => {
        const wanted = wantedDeadlines(f, s);
        const changes = reconcileDeadlines(open, wanted, f);
        const closed = new Set(changes.close.map((c) => c.id));
        const kept = open.filter((d) => !closed.has(d.id));
        for (const w of wanted) {
          const stillOpen = kept.some((d) => d.kind === w.kind && d.workerId === w.workerId);
          const opened = changes.open.some((o) => o.kind === w.kind && o.workerId === w.workerId);
          expect(stillOpen !== opened).toBe(true);
        }
        for (const d of kept) {
          if (d.kind === "update_request") continue;
          expect(wanted.some((w) => w.kind === d.kind && w.workerId === d.workerId)).toBe(true);
        }
        for (const o of changes.open) expect(wanted).toContainEqual(o);
      }),
    );
  });

  it("changes nothing when run again on its own result", () => {
    fc.assert(
      fc.property(arbFacts, arbSettings, arbOpen, (f, s, open) => {
        const wanted = wantedDeadlines(f, s);
        const changes = reconcileDeadlines(open, wanted, f);
        const closed = new Set(changes.close.map((c) => c.id));
        const moved = new Map(changes.move.map((m) => [m.id, m.dueAt]));
        const createdAt = f.lastUpdateAt ?? f.acceptedAt ?? at(T0);
        const after: OpenDeadline[] = [
          ...open.filter((d) => !closed.has(d.id)).map((d) => ({ ...d, dueAt: moved.get(d.id) ?? d.dueAt })),
          ...changes.open.map((w, i) => ({ ...w, id: `new${i}`, createdAt })),
        ];
        expect(reconcileDeadlines(after, wanted, f)).toEqual(NO_CHANGES);
      }),
    );
  });
});

describe("firstLookAt", () => {
  it("looks at an offer half-way to its deadline", () => {
    expect(firstLookAt("accept", at(T0), at(T0 + 48 * HOUR))).toBe(at(T0 + 24 * HOUR));
  });

  it.each(["first_attempt", "first_meeting", "update", "update_request"] as const)(
    "looks at a %s deadline when it falls due",
    (kind) => {
      expect(firstLookAt(kind, at(T0), at(T0 + 48 * HOUR))).toBe(at(T0 + 48 * HOUR));
    },
  );
});

describe("escalate", () => {
  const due = at(T0 + 48 * HOUR);

  it("reminds the worker of an offer half-way and looks again at its deadline", () => {
    expect(escalate({ kind: "accept", dueAt: due, level: 0 }, settings(), at(T0 + 24 * HOUR))).toEqual({
      action: "remind",
      level: 1,
      nextAt: due,
      outcome: null,
    });
  });

  it("expires an offer at its deadline", () => {
    expect(escalate({ kind: "accept", dueAt: due, level: 1 }, settings(), due)).toEqual({
      action: "expire",
      level: 2,
      nextAt: null,
      outcome: "expired",
    });
  });

  it("expires an offer whose reminder came too late to be sent", () => {
    expect(escalate({ kind: "accept", dueAt: due, level: 0 }, settings(), at(T0 + 50 * HOUR)).action).toBe(
      "expire",
    );
  });

  it("never takes an offer back, even with take-back on", () => {
    const step = escalate({ kind: "accept", dueAt: due, level: 1 }, settings({ takeBack: true }), due);
    expect(step.action).toBe("expire");
  });

  it("reminds the worker when a deadline passes and looks again escalateAfterHours later", () => {
    const step = escalate(
      { kind: "first_attempt", dueAt: due, level: 0 },
      settings({ escalateAfterHours: 12 }),
      due,
    );
    expect(step).toEqual({ action: "remind", level: 1, nextAt: at(T0 + 60 * HOUR), outcome: null });
  });

  it("tells the dispatchers next and ends the ladder when take-back is off", () => {
    const now = at(T0 + 72 * HOUR);
    expect(escalate({ kind: "update", dueAt: due, level: 1 }, settings({ takeBack: false }), now)).toEqual({
      action: "escalate",
      level: 2,
      nextAt: null,
      outcome: null,
    });
  });

  it("schedules the take-back takeBackAfterHours after the deadline when take-back is on", () => {
    const s = settings({ takeBack: true, escalateAfterHours: 24, takeBackAfterHours: 72 });
    const step = escalate({ kind: "first_meeting", dueAt: due, level: 1 }, s, at(T0 + 72 * HOUR));
    expect(step).toEqual({ action: "escalate", level: 2, nextAt: at(T0 + 120 * HOUR), outcome: null });
  });

  it("schedules the take-back at once when its time passed before the escalation", () => {
    const s = settings({ takeBack: true, escalateAfterHours: 48, takeBackAfterHours: 12 });
    const now = at(T0 + 96 * HOUR);
    expect(escalate({ kind: "update", dueAt: due, level: 1 }, s, now).nextAt).toBe(now);
  });

  it("takes the contact back at the end of the ladder", () => {
    const s = settings({ takeBack: true });
    expect(escalate({ kind: "update", dueAt: due, level: 2 }, s, at(T0 + 120 * HOUR))).toEqual({
      action: "take_back",
      level: 3,
      nextAt: null,
      outcome: "taken_back",
    });
  });

  it("never schedules a take-back for an update request", () => {
    const s = settings({ takeBack: true });
    const step = escalate({ kind: "update_request", dueAt: due, level: 1 }, s, at(T0 + 72 * HOUR));
    expect(step).toEqual({ action: "escalate", level: 2, nextAt: null, outcome: null });
  });

  it("walks the ladder forward in time and takes back only what the organisation allows", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DEADLINE_KINDS),
        arbSettings,
        fc.integer({ min: 1, max: 30 * 24 }),
        fc.integer({ min: 0, max: 3 * 24 }),
        (kind, s, hoursToDue, sweeperDelayMinutes) => {
          const createdAt = at(T0);
          const dueAt = at(T0 + hoursToDue * HOUR);
          const actions = runLadder(kind, createdAt, dueAt, s, sweeperDelayMinutes);
          const takesBack = s.takeBack && kind !== "accept" && kind !== "update_request";
          if (kind === "accept") {
            expect(actions.at(-1)).toBe("expire");
          } else {
            expect(actions.slice(0, 2)).toEqual(["remind", "escalate"]);
            expect(actions.includes("take_back")).toBe(takesBack);
          }
        },
      ),
    );
  });
});

/** Runs the ladder as the sweeper would, each look `delay` minutes after its `next_at`. */
function runLadder(
  kind: DeadlineKind,
  createdAt: string,
  dueAt: string,
  s: AccountabilitySettings,
  delayMinutes: number,
): string[] {
  const actions: string[] = [];
  let level = 0;
  let nextAt: string | null = firstLookAt(kind, createdAt, dueAt);
  while (nextAt !== null) {
    const now = at(Date.parse(nextAt) + delayMinutes * 60_000);
    const step = escalate({ kind, dueAt, level }, s, now);
    expect(step.level).toBeGreaterThan(level);
    if (step.nextAt !== null) expect(step.nextAt >= nextAt).toBe(true);
    actions.push(step.action);
    level = step.level;
    nextAt = step.outcome === null ? step.nextAt : null;
  }
  return actions;
}

describe("hoursLate", () => {
  it("counts whole hours past the deadline", () => {
    expect(hoursLate(at(T0), at(T0 + 5 * HOUR + 59 * 60_000))).toBe(5);
  });

  it("is zero before the deadline", () => {
    expect(hoursLate(at(T0), at(T0 - 3 * HOUR))).toBe(0);
  });
});

describe("latenessBucket", () => {
  it.each([
    [-1, "due"],
    [0, "under_1d"],
    [DAY - 1, "under_1d"],
    [DAY, "1_3d"],
    [3 * DAY - 1, "1_3d"],
    [3 * DAY, "3_7d"],
    [7 * DAY - 1, "3_7d"],
    [7 * DAY, "over_7d"],
    [40 * DAY, "over_7d"],
  ] as const)("puts a deadline %i ms past due in %s", (lateMs, bucket) => {
    expect(latenessBucket(at(T0), at(T0 + lateMs))).toBe(bucket);
  });
});
