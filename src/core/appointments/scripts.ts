/**
 * The setter's side of appointment setting, as pure decisions: call scripts and their answers, the
 * objection library's search text, what a call's outcome does to a contact, and when a callback
 * agreed in the person's local time is due.
 */
import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import type { Actor } from "../access/roles.js";
import { foldText } from "../contacts/normalise.js";
import type { ReasonLists, Status } from "../lifecycle/states.js";
import { type FieldIssue, fail, ok, type Result } from "../result.js";

// ---------------------------------------------------------------------------------------------------------
// Who

/** Setters work from scripts and objections; dispatchers and admins also write them. */
export function canReadScripts(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher" || actor.role === "setter";
}

export function canEditScripts(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher";
}

/** Who records calls and keeps a callback queue: the people who qualify contacts. */
export function canWorkCalls(actor: Actor): boolean {
  return canReadScripts(actor);
}

// ---------------------------------------------------------------------------------------------------------
// Scripts

/** In a path, this names the organisation's default script (stored with campaign ""). */
export const DEFAULT_SCRIPT_KEY = "_default";

export function campaignOfKey(key: string): string {
  return key === DEFAULT_SCRIPT_KEY ? "" : key;
}

/** PostgreSQL cannot store the NUL character in text, so text that holds one is refused at the edge. */
export const NO_NUL = {
  check: (s: string) => !s.includes("\u0000"),
  message: "must not contain NUL characters",
};

/** Trimmed text of 1 to `max` characters that both databases store as given. */
export const line = (max: number) => z.string().trim().min(1).max(max).refine(NO_NUL.check, NO_NUL.message);

export const SCRIPT_STEP_KINDS = ["say", "question"] as const;

export const ScriptStepSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, _ and -, at most 64")
      .describe("unique within the script; answers are saved under a question's id"),
    kind: z.enum(SCRIPT_STEP_KINDS).describe("say: a line to read; question: something to ask and note"),
    text: line(4000),
    options: z
      .array(line(200))
      .min(1)
      .max(20)
      .optional()
      .describe("for a question: the answers to choose from; without them the answer is free text"),
  })
  .strict();
export type ScriptStep = z.infer<typeof ScriptStepSchema>;

export const ScriptInputSchema = z
  .object({
    name: line(200),
    steps: z.array(ScriptStepSchema).min(1).max(100),
  })
  .strict()
  .superRefine((script, ctx) => {
    const seen = new Set<string>();
    script.steps.forEach((step, i) => {
      if (seen.has(step.id)) {
        ctx.addIssue({ code: "custom", path: ["steps", i, "id"], message: `"${step.id}" is used twice` });
      }
      seen.add(step.id);
      if (step.kind === "say" && step.options) {
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "options"],
          message: "only a question has options",
        });
      }
    });
  });
export type ScriptInput = z.infer<typeof ScriptInputSchema>;

/** The answers saved on a contact: question id → answer. */
export type ScriptAnswers = Record<string, string>;

/**
 * What is wrong with answers given to a script: an id that is no question of it, or a choice that
 * is not among the question's options. An empty answer clears a saved one and is always allowed.
 */
export function answerIssues(steps: readonly ScriptStep[] | null, answers: ScriptAnswers): FieldIssue[] {
  const questions = new Map((steps ?? []).filter((s) => s.kind === "question").map((s) => [s.id, s]));
  const issues: FieldIssue[] = [];
  for (const [id, answer] of Object.entries(answers)) {
    const question = questions.get(id);
    if (!question) {
      issues.push({
        path: `answers.${id}`,
        message: steps ? "no question with this id in the contact's script" : "the contact has no script",
      });
    } else if (answer !== "" && question.options && !question.options.includes(answer)) {
      issues.push({ path: `answers.${id}`, message: `must be one of: ${question.options.join(", ")}` });
    }
  }
  return issues;
}

/** The saved answers with the new ones written over them; an empty answer removes one. */
export function mergeAnswers(saved: ScriptAnswers, given: ScriptAnswers): ScriptAnswers {
  const merged: ScriptAnswers = { ...saved };
  for (const [id, answer] of Object.entries(given)) {
    if (answer === "") delete merged[id];
    else merged[id] = answer;
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------------
// Objections

export const ObjectionInputSchema = z
  .object({
    objection: line(500).describe('what the person says, e.g. "I have no time"'),
    answers: z.array(line(4000)).min(1).max(20).describe("prepared answers, best first"),
  })
  .strict();
export type ObjectionInput = z.infer<typeof ObjectionInputSchema>;

/** What the library's search looks in: the objection and its answers, folded to plain lower-case Latin. */
export function objectionSearchText(objection: { objection: string; answers: readonly string[] }): string {
  return foldText([objection.objection, ...objection.answers].join(" "));
}

/** The words of a search, folded like the text they are looked for in ("Perché" → "perche"). */
export function searchWords(q: string): string[] {
  return foldText(q).split(" ").filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------
// Call outcomes

export const CALL_OUTCOMES = ["qualified", "not_now", "disqualified", "no_answer"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** The statuses a setter's call applies to: a contact still being qualified, not one handed to the field. */
export const CALLABLE_STATUSES: readonly Status[] = ["new", "qualifying", "ready", "nurture"];

export interface CallPlan {
  /** The status change to make, or null when the contact stays where it is. */
  move: { to: Status; reason: string | null } | null;
  /** Whether the contact's open callbacks are done: the call settled the question either way. */
  closeCallbacks: boolean;
}

/**
 * What a call's outcome does to the contact: qualified → ready; not now → qualifying (from new),
 * with a callback; disqualified → nurture with one of the organisation's reasons; no answer →
 * nothing but the counted attempt (and a callback when one was agreed).
 */
export function planCall(
  contact: { status: Status },
  call: { outcome: CallOutcome; reason?: string | null | undefined; callback: boolean },
  reasons: ReasonLists,
): Result<CallPlan> {
  const { status } = contact;
  if (!CALLABLE_STATUSES.includes(status)) {
    return fail("conflict", `a call is recorded on a contact being qualified; this one is "${status}"`, {
      details: { current: status, callable: CALLABLE_STATUSES },
    });
  }
  const issues: FieldIssue[] = [];
  if (call.outcome === "disqualified") {
    const list = reasons.nurture;
    if (!call.reason) issues.push({ path: "reason", message: `required; one of: ${list.join(", ")}` });
    else if (!list.includes(call.reason))
      issues.push({ path: "reason", message: `must be one of: ${list.join(", ")}` });
  } else if (call.reason) {
    issues.push({ path: "reason", message: "only a disqualified call has a reason" });
  }
  if (call.outcome === "not_now" && !call.callback) {
    issues.push({ path: "callback", message: "required when the person asks to be called another time" });
  }
  if ((call.outcome === "qualified" || call.outcome === "disqualified") && call.callback) {
    issues.push({ path: "callback", message: `not allowed when the call is ${call.outcome}` });
  }
  if (issues.length > 0) {
    return fail("invalid", `the ${call.outcome.replace("_", " ")} call is not complete`, { errors: issues });
  }
  switch (call.outcome) {
    case "qualified":
      return ok({ move: status === "ready" ? null : { to: "ready", reason: null }, closeCallbacks: true });
    case "not_now":
      return ok({
        move: status === "new" ? { to: "qualifying", reason: null } : null,
        closeCallbacks: false,
      });
    case "disqualified":
      return ok({
        move: status === "nurture" ? null : { to: "nurture", reason: call.reason ?? null },
        closeCallbacks: true,
      });
    case "no_answer":
      return ok({ move: null, closeCallbacks: false });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks

/** A callback as agreed on the phone: a local wall-clock time in the person's time zone. */
export const CallbackRequestSchema = z
  .object({
    at: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "a local time as YYYY-MM-DDTHH:MM")
      .describe("local wall-clock time in timeZone, YYYY-MM-DDTHH:MM"),
    timeZone: z.string().min(1).max(64).describe("IANA time zone, e.g. Europe/Athens"),
    note: line(2000).optional().describe("what to come back to on the call"),
  })
  .strict();
export type CallbackRequest = z.infer<typeof CallbackRequestSchema>;

const YEAR_MS = 366 * 24 * 3_600_000;

/**
 * The UTC instant of a local time in an IANA zone, by luxon's rules. A time the clocks skip (02:30 on
 * a spring-forward night in Rome) is refused: nobody can be called then, and guessing would move the
 * call by an hour. A time that comes twice (the autumn hour) is taken at its first occurrence, so a
 * reminder is never late. It must lie ahead of `now`, and within a year.
 */
export function callbackDueAt(request: { at: string; timeZone: string }, now: Date): Result<string> {
  const invalid = (path: "at" | "timeZone", message: string) =>
    fail<string>("invalid", `callback.${path}: ${message}`, {
      errors: [{ path: `callback.${path}`, message }],
    });
  if (!IANAZone.isValidZone(request.timeZone)) {
    return invalid("timeZone", `"${request.timeZone}" is not an IANA time zone`);
  }
  const local = DateTime.fromISO(request.at, { zone: request.timeZone });
  if (!local.isValid) return invalid("at", `"${request.at}" is not a date and time`);
  if (local.toFormat("yyyy-MM-dd'T'HH:mm") !== request.at) {
    return invalid(
      "at",
      `${request.at} does not exist in ${request.timeZone}: the clocks skip it that day (try ${local.toFormat("HH:mm")})`,
    );
  }
  const earliest = local
    .getPossibleOffsets()
    .reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), local)
    .toMillis();
  if (earliest <= now.getTime()) return invalid("at", `${request.at} in ${request.timeZone} has passed`);
  if (earliest - now.getTime() > YEAR_MS) return invalid("at", "more than a year ahead");
  return ok(new Date(earliest).toISOString());
}
