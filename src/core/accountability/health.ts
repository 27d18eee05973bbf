/**
 * Worker health, for dispatchers: who is overloaded (over capacity, slow to answer offers, or
 * piling up overdue deadlines) and who is starved (room to spare and no offer for a long time).
 */
import type { AccountabilitySettings } from "./deadlines.js";

export interface WorkerActivity {
  workerId: string;
  /** active, paused or away: only an active worker can be starved. */
  available: boolean;
  capacity: number;
  load: number;
  /** The latest offer made to them, or when they joined if never. */
  lastOfferAt: string | null;
  joinedAt: string;
  /**
   * Their recent offers answered (accepted, declined or let lapse: a lapsed offer counts as its full
   * time), and the median of the hours each took (null when none).
   */
  answers: { n: number; medianHours: number | null };
  /** Their open deadlines already past due. */
  overdue: number;
}

export type HealthSignal = "over_capacity" | "slow_answers" | "overdue_pileup" | "idle_capacity";

export interface WorkerHealth {
  workerId: string;
  overloaded: boolean;
  starved: boolean;
  signals: HealthSignal[];
  medianAnswerHours: number | null;
  overdue: number;
  /** Whole days since their last offer (or since they joined). */
  daysWithoutOffer: number;
}

/** Below this many answers a median says little: no "slow" flag yet. */
const MIN_ANSWERS = 3;
/** Open overdue deadlines that make a worker count as overloaded. */
export const OVERDUE_PILEUP = 3;

export function workerHealth(
  worker: WorkerActivity,
  settings: Pick<AccountabilitySettings, "starvedDays" | "slowResponseHours">,
  now: string,
): WorkerHealth {
  const signals: HealthSignal[] = [];
  if (worker.load > worker.capacity) signals.push("over_capacity");
  const answer = worker.answers.medianHours;
  if (answer !== null && worker.answers.n >= MIN_ANSWERS && answer > settings.slowResponseHours) {
    signals.push("slow_answers");
  }
  if (worker.overdue >= OVERDUE_PILEUP) signals.push("overdue_pileup");
  const since = worker.lastOfferAt ?? worker.joinedAt;
  const daysWithoutOffer = Math.max(0, Math.floor((Date.parse(now) - Date.parse(since)) / 86_400_000));
  const idle = worker.available && worker.load < worker.capacity && daysWithoutOffer >= settings.starvedDays;
  if (idle) signals.push("idle_capacity");
  return {
    workerId: worker.workerId,
    overloaded: signals.some((s) => s !== "idle_capacity"),
    starved: idle,
    signals,
    medianAnswerHours: answer === null ? null : Math.round(answer * 10) / 10,
    overdue: worker.overdue,
    daysWithoutOffer,
  };
}
