/** How long until a deadline or how long past it, and whether it presses: under a quarter of its time left. */

export interface TimeLeft {
  overdue: boolean;
  /** Overdue, or less than a quarter of the time from its start to its due time remains. */
  pressing: boolean;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function timeLeft(deadline: { dueAt: string; createdAt: string }, now: number): TimeLeft {
  const due = Date.parse(deadline.dueAt);
  const span = due - Date.parse(deadline.createdAt);
  const left = due - now;
  const rest = Math.abs(left);
  return {
    overdue: left < 0,
    pressing: left < 0 || left < span / 4,
    days: Math.floor(rest / DAY),
    hours: Math.floor((rest % DAY) / HOUR),
    minutes: Math.floor((rest % HOUR) / MINUTE),
    seconds: Math.floor((rest % MINUTE) / SECOND),
  };
}
