/**
 * The facts deadlines hang on, and how each thing a worker does moves them: the first attempt, the
 * first meeting, the last update. A change of worker clears them all.
 */

/** Progress steps that mean the two have met in person, on either path. */
export const MEETING_STEPS: ReadonlySet<string> = new Set(["met", "ongoing", "coaching", "won"]);

export interface ProgressFacts {
  acceptedAt: string | null;
  firstAttemptAt: string | null;
  firstMeetingAt: string | null;
  lastUpdateAt: string | null;
}

export type WorkerDeed =
  | { kind: "comment" | "call" | "meeting" | "update_answer" }
  | { kind: "progress"; to: string };

/**
 * The facts after a deed on an accepted contact. Any deed is an update; a call or a meeting, or
 * progress past "none", is an attempt; a meeting, or progress to a meeting step, is the first
 * meeting. Before acceptance nothing moves: the clocks start when the worker says yes.
 */
export function factsAfter(facts: ProgressFacts, deed: WorkerDeed, at: string): ProgressFacts {
  if (!facts.acceptedAt) return facts;
  const attempt = deed.kind === "call" || deed.kind === "meeting" || deed.kind === "progress";
  const meeting = deed.kind === "meeting" || (deed.kind === "progress" && MEETING_STEPS.has(deed.to));
  return {
    acceptedAt: facts.acceptedAt,
    firstAttemptAt: facts.firstAttemptAt ?? (attempt ? at : null),
    firstMeetingAt: facts.firstMeetingAt ?? (meeting ? at : null),
    lastUpdateAt: at,
  };
}

export const NO_FACTS: ProgressFacts = {
  acceptedAt: null,
  firstAttemptAt: null,
  firstMeetingAt: null,
  lastUpdateAt: null,
};
