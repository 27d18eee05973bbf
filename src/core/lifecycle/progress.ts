/** The progress path: how far the relationship has come. It only moves forward. */
import { fail, ok, type Result } from "../result.js";

export const PATHS = {
  ministry: ["none", "attempted", "established", "scheduled", "met", "ongoing", "coaching"],
  sales: ["none", "attempted", "connected", "qualified", "meeting_set", "met", "won"],
} as const;
export type PathKind = keyof typeof PATHS;

export function progressSteps(kind: PathKind): readonly string[] {
  return PATHS[kind];
}

/** The steps after `current` on the path: the only ones a contact may move to. */
export function allowedProgress(kind: PathKind, current: string): string[] {
  const steps = PATHS[kind] as readonly string[];
  return steps.slice(steps.indexOf(current) + 1);
}

export function planProgress(
  kind: PathKind,
  current: string,
  to: string,
): Result<{ from: string; to: string }> {
  const steps = PATHS[kind] as readonly string[];
  if (!steps.includes(to)) {
    return fail("invalid", `"${to}" is not a step of the ${kind} path; steps are ${steps.join(", ")}`, {
      errors: [{ path: "to", message: `unknown step "${to}"` }],
    });
  }
  const allowed = allowedProgress(kind, current);
  if (!allowed.includes(to)) {
    const next = allowed.length > 0 ? allowed.join(", ") : "none (the path is complete)";
    return fail(
      "conflict",
      `progress only moves forward: "${current}" cannot become "${to}"; allowed next: ${next}`,
      {
        details: { current, allowed },
      },
    );
  }
  return ok({ from: current, to });
}
