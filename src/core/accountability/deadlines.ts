/**
 * Deadlines: what a worker owes on each contact and by when, derived from the contact's facts, and
 * the escalation ladder that acts when one passes. Pure: the shell stores the deadlines as rows
 * with a `next_at` and the sweeper calls `escalate` when it comes.
 */
import { z } from "zod";

export const DEADLINE_KINDS = [
  "accept",
  "first_attempt",
  "first_meeting",
  "update",
  "update_request",
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** How a deadline ended: kept, missed past the end of its ladder, or made moot by a change. */
export const DEADLINE_OUTCOMES = ["met", "expired", "taken_back", "declined", "cancelled"] as const;
export type DeadlineOutcome = (typeof DEADLINE_OUTCOMES)[number];

const hours = z
  .number()
  .finite()
  .min(0.25)
  .max(24 * 90);
const days = z.number().finite().min(0.5).max(365);

export const AccountabilitySettingsSchema = z.object({
  acceptHours: hours.describe("time a worker has to accept or decline an offer"),
  firstAttemptHours: hours.nullable().describe("from acceptance to the first call or message; null: none"),
  firstMeetingDays: days.nullable().describe("from acceptance to the first meeting in person; null: none"),
  updateEveryDays: z
    .record(z.string(), days.nullable())
    .describe("per progress step: an update is due this many days after the last; null: none"),
  defaultUpdateEveryDays: days.nullable().describe("for steps not listed in updateEveryDays"),
  updateRequestHours: hours.describe("time a worker has to answer a dispatcher's update request"),
  escalateAfterHours: hours.describe("after the reminder, how long until the dispatchers are told"),
  takeBack: z.boolean().describe("whether a contact still overdue is taken back and dispatched again"),
  takeBackAfterHours: hours.describe("from the deadline to taking the contact back, when takeBack is on"),
  starvedDays: days.describe("a worker with room and no offer for this long is flagged as starved"),
  slowResponseHours: hours.describe("a worker whose typical answer to offers takes longer is flagged"),
});
export type AccountabilitySettings = z.infer<typeof AccountabilitySettingsSchema>;

export const DEFAULT_ACCOUNTABILITY: AccountabilitySettings = {
  acceptHours: 48,
  firstAttemptHours: 48,
  firstMeetingDays: 14,
  updateEveryDays: {},
  defaultUpdateEveryDays: 7,
  updateRequestHours: 48,
  escalateAfterHours: 24,
  takeBack: false,
  takeBackAfterHours: 72,
  starvedDays: 14,
  slowResponseHours: 24,
};

/** What the deadlines of a contact depend on; times are UTC ISO strings. */
export interface ContactFacts {
  status: string;
  progress: string;
  assignedWorkerId: string | null;
  /** When the current worker was offered the contact. */
  assignedAt: string | null;
  acceptedAt: string | null;
  firstAttemptAt: string | null;
  firstMeetingAt: string | null;
  lastUpdateAt: string | null;
}

export interface WantedDeadline {
  kind: Exclude<DeadlineKind, "update_request">;
  workerId: string;
  dueAt: string;
}

export interface OpenDeadline {
  id: string;
  kind: DeadlineKind;
  workerId: string | null;
  dueAt: string;
  createdAt: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function plus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** The days between updates in a progress step, or null when none are due there. */
export function updateEveryDays(settings: AccountabilitySettings, progress: string): number | null {
  const own = settings.updateEveryDays[progress];
  return own === undefined ? settings.defaultUpdateEveryDays : own;
}

/**
 * The deadlines a contact should have open now. An offer is answered within acceptHours; once
 * accepted, the first attempt and the first meeting are due from the acceptance, and an update
 * every N days of the progress step, counted from the last update.
 */
export function wantedDeadlines(facts: ContactFacts, settings: AccountabilitySettings): WantedDeadline[] {
  const workerId = facts.assignedWorkerId;
  if (!workerId) return [];
  if (facts.status === "offered" && facts.assignedAt) {
    return [{ kind: "accept", workerId, dueAt: plus(facts.assignedAt, settings.acceptHours * HOUR) }];
  }
  if (facts.status !== "active" || !facts.acceptedAt) return [];
  const wanted: WantedDeadline[] = [];
  if (!facts.firstAttemptAt && settings.firstAttemptHours !== null) {
    wanted.push({
      kind: "first_attempt",
      workerId,
      dueAt: plus(facts.acceptedAt, settings.firstAttemptHours * HOUR),
    });
  }
  if (!facts.firstMeetingAt && settings.firstMeetingDays !== null) {
    wanted.push({
      kind: "first_meeting",
      workerId,
      dueAt: plus(facts.acceptedAt, settings.firstMeetingDays * DAY),
    });
  }
  const every = updateEveryDays(settings, facts.progress);
  if (every !== null) {
    wanted.push({
      kind: "update",
      workerId,
      dueAt: plus(facts.lastUpdateAt ?? facts.acceptedAt, every * DAY),
    });
  }
  return wanted;
}

export interface DeadlineChanges {
  close: Array<{ id: string; outcome: DeadlineOutcome }>;
  open: WantedDeadline[];
  /** A deadline whose due time moved with the settings: its ladder starts again. */
  move: Array<{ id: string; dueAt: string }>;
}

/**
 * Turns the open deadlines into the wanted ones. A deadline no longer wanted was met when the fact
 * it waited for is now there, declined when an offer went back unanswered, and cancelled otherwise
 * (the contact moved to someone else, was paused or closed). Update requests are opened by hand and
 * only close here when the contact leaves their worker.
 */
export function reconcileDeadlines(
  open: readonly OpenDeadline[],
  wanted: readonly WantedDeadline[],
  facts: ContactFacts,
): DeadlineChanges {
  const changes: DeadlineChanges = { close: [], open: [], move: [] };
  const sameWorker = (d: OpenDeadline) => d.workerId !== null && d.workerId === facts.assignedWorkerId;
  const held = facts.status === "offered" || facts.status === "active" || facts.status === "paused";
  for (const deadline of open) {
    if (deadline.kind === "update_request") {
      if (!sameWorker(deadline) || !held) changes.close.push({ id: deadline.id, outcome: "cancelled" });
      continue;
    }
    const match = wanted.find((w) => w.kind === deadline.kind && w.workerId === deadline.workerId);
    if (match && match.dueAt !== deadline.dueAt && updateGiven(deadline, facts)) {
      // An update was given: this one is met (on time or late, as history), and the next one opens.
      changes.close.push({ id: deadline.id, outcome: "met" });
      changes.open.push(match);
    } else if (match) {
      if (match.dueAt !== deadline.dueAt) changes.move.push({ id: deadline.id, dueAt: match.dueAt });
    } else {
      changes.close.push({ id: deadline.id, outcome: closingOutcome(deadline, facts, sameWorker(deadline)) });
    }
  }
  for (const w of wanted) {
    if (!open.some((d) => d.kind === w.kind && d.workerId === w.workerId)) changes.open.push(w);
  }
  return changes;
}

/**
 * Whether an update came after this deadline opened. Strictly after: the update that opened it
 * carries the same instant, and counting that one would close it as met on a mere settings change.
 */
function updateGiven(deadline: OpenDeadline, facts: ContactFacts): boolean {
  return deadline.kind === "update" && facts.lastUpdateAt !== null && facts.lastUpdateAt > deadline.createdAt;
}

function closingOutcome(deadline: OpenDeadline, facts: ContactFacts, sameWorker: boolean): DeadlineOutcome {
  if (!sameWorker) return deadline.kind === "accept" ? "declined" : "cancelled";
  switch (deadline.kind) {
    case "accept":
      return facts.acceptedAt ? "met" : "declined";
    case "first_attempt":
      return facts.firstAttemptAt ? "met" : "cancelled";
    case "first_meeting":
      return facts.firstMeetingAt ? "met" : "cancelled";
    default:
      return "cancelled";
  }
}

/** When the sweeper should first look at a new deadline: an offer is reminded half-way. */
export function firstLookAt(kind: DeadlineKind, createdAt: string, dueAt: string): string {
  if (kind !== "accept") return dueAt;
  return new Date((Date.parse(createdAt) + Date.parse(dueAt)) / 2).toISOString();
}

export type EscalationAction =
  /** Tell the worker: an offer waits for an answer, or a deadline has passed. */
  | "remind"
  /** Tell the dispatchers (and whoever asked for an update) that the worker is late. */
  | "escalate"
  /** The offer lapsed: the contact goes back to dispatch, the worker counted as declining. */
  | "expire"
  /** Still overdue at the end of the ladder: the contact is taken back and dispatched again. */
  | "take_back"
  /** Nothing more to do (the organisation turned taking back off meanwhile): the deadline stays overdue. */
  | "hold";

export interface EscalationStep {
  action: EscalationAction;
  level: number;
  /** When to look again; null when the ladder has ended (the deadline stays open, and overdue). */
  nextAt: string | null;
  /** Set when this step closes the deadline. */
  outcome: DeadlineOutcome | null;
}

/**
 * The next rung of the ladder for a deadline whose `next_at` has come. Offers: a reminder half-way,
 * then expiry at the deadline. Everything else: a reminder to the worker at the deadline, the
 * dispatchers told escalateAfterHours later, and, when the organisation wants it, the contact taken
 * back takeBackAfterHours after the deadline. An update request is never taken back.
 */
export function escalate(
  deadline: { kind: DeadlineKind; dueAt: string; level: number },
  settings: AccountabilitySettings,
  now: string,
): EscalationStep {
  if (deadline.kind === "accept") {
    if (deadline.level === 0 && now < deadline.dueAt) {
      return { action: "remind", level: 1, nextAt: deadline.dueAt, outcome: null };
    }
    return { action: "expire", level: 2, nextAt: null, outcome: "expired" };
  }
  const takeBackAt = plus(deadline.dueAt, settings.takeBackAfterHours * HOUR);
  const mayTakeBack = settings.takeBack && deadline.kind !== "update_request";
  if (deadline.level === 0) {
    const escalateAt = plus(deadline.dueAt, settings.escalateAfterHours * HOUR);
    return { action: "remind", level: 1, nextAt: escalateAt, outcome: null };
  }
  if (deadline.level === 1) {
    const nextAt = mayTakeBack ? (takeBackAt > now ? takeBackAt : now) : null;
    return { action: "escalate", level: 2, nextAt, outcome: null };
  }
  if (!mayTakeBack) return { action: "hold", level: deadline.level, nextAt: null, outcome: null };
  return { action: "take_back", level: 3, nextAt: null, outcome: "taken_back" };
}

/** How late an open deadline is, in whole hours (0 when not yet due). */
export function hoursLate(dueAt: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(dueAt)) / HOUR));
}

export const LATENESS_BUCKETS = ["due", "under_1d", "1_3d", "3_7d", "over_7d"] as const;
export type LatenessBucket = (typeof LATENESS_BUCKETS)[number];

/** The overdue board's columns: how late a deadline is, in buckets a dispatcher can act on. */
export function latenessBucket(dueAt: string, now: string): LatenessBucket {
  const late = Date.parse(now) - Date.parse(dueAt);
  if (late < 0) return "due";
  if (late < DAY) return "under_1d";
  if (late < 3 * DAY) return "1_3d";
  if (late < 7 * DAY) return "3_7d";
  return "over_7d";
}
