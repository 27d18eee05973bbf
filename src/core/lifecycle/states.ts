/** Contact lifecycle: a status that moves by explicit transitions, and a progress path that only moves forward. */
import { fail, ok, type Result } from "../result.js";

export const STATUSES = [
  "new",
  "qualifying",
  "ready",
  "offered",
  "active",
  "paused",
  "nurture",
  "unassignable",
  "closed",
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses that are only entered with a reason from the organisation's list. */
export const REASONED_STATUSES = ["paused", "nurture", "unassignable", "closed"] as const;
export type ReasonedStatus = (typeof REASONED_STATUSES)[number];

export type ReasonLists = Record<ReasonedStatus, string[]>;

export const DEFAULT_REASONS: ReasonLists = {
  paused: ["contact asked to wait", "travelling", "worker unavailable"],
  nurture: ["not ready yet", "only curious", "wrong timing"],
  unassignable: ["no worker in reach", "no worker speaks the language", "no worker of the right gender"],
  closed: ["not interested", "unreachable", "duplicate", "moved away", "goal reached"],
};

const NEXT: Record<Status, readonly Status[]> = {
  new: ["qualifying", "ready", "nurture", "unassignable", "paused", "closed"],
  qualifying: ["ready", "nurture", "paused", "closed"],
  ready: ["offered", "qualifying", "unassignable", "nurture", "paused", "closed"],
  offered: ["active", "ready", "paused", "closed"],
  active: ["ready", "paused", "nurture", "closed"],
  paused: ["qualifying", "ready", "active", "nurture", "closed"],
  nurture: ["new", "qualifying", "ready", "closed"],
  unassignable: ["ready", "nurture", "closed"],
  closed: ["new"],
};

/** Statuses in which a contact has no worker: entering one releases the worker. */
const UNASSIGNED: ReadonlySet<Status> = new Set(["new", "qualifying", "ready", "nurture", "unassignable"]);

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

export function isReasoned(status: Status): status is ReasonedStatus {
  return (REASONED_STATUSES as readonly string[]).includes(status);
}

/** The statuses a contact may move to next, given what it holds now. */
export function allowedStatuses(contact: { status: Status; assignedWorkerId: string | null }): Status[] {
  return NEXT[contact.status].filter((to) => to !== "active" || contact.assignedWorkerId !== null);
}

export interface StatusChangeRequest {
  to: string;
  reason?: string | null | undefined;
  /** Required when the change is an offer: the worker the contact is offered to. */
  workerId?: string | null | undefined;
  /** Free text kept on the timeline beside the change. */
  note?: string | null | undefined;
}

export interface StatusChange {
  from: Status;
  status: Status;
  statusReason: string | null;
  assignedWorkerId: string | null;
}

/**
 * Decides a status change, or says why it is refused and what is allowed instead.
 * `mayMove` is the caller's own limit (their role): moves it forbids are neither offered nor made.
 */
export function planStatusChange(
  contact: { status: Status; assignedWorkerId: string | null },
  request: StatusChangeRequest,
  reasons: ReasonLists,
  mayMove: (from: Status, to: Status) => boolean = () => true,
): Result<StatusChange> {
  const allowed = allowedStatuses(contact).filter((to) => mayMove(contact.status, to));
  if (!isStatus(request.to)) {
    return fail("invalid", `"${request.to}" is not a status; statuses are ${STATUSES.join(", ")}`, {
      errors: [{ path: "to", message: `unknown status "${request.to}"` }],
    });
  }
  const to = request.to;
  if (!mayMove(contact.status, to)) {
    return fail("forbidden", `you may not move a contact from "${contact.status}" to "${to}"`, {
      details: { current: contact.status, allowed },
    });
  }
  if (!allowed.includes(to)) {
    const next = allowed.length > 0 ? allowed.join(", ") : "none";
    return fail("conflict", `cannot move from "${contact.status}" to "${to}"; allowed next: ${next}`, {
      details: { current: contact.status, allowed },
    });
  }
  let statusReason: string | null = null;
  if (isReasoned(to)) {
    const list = reasons[to];
    if (!request.reason) {
      return fail("invalid", `moving to "${to}" needs a reason`, {
        errors: [{ path: "reason", message: `required; one of: ${list.join(", ")}` }],
      });
    }
    if (!list.includes(request.reason)) {
      return fail("invalid", `"${request.reason}" is not a reason for "${to}"`, {
        errors: [{ path: "reason", message: `must be one of: ${list.join(", ")}` }],
      });
    }
    statusReason = request.reason;
  }
  let assignedWorkerId = UNASSIGNED.has(to) ? null : contact.assignedWorkerId;
  if (to === "offered") {
    if (!request.workerId) {
      return fail("invalid", "an offer needs the worker it is made to", {
        errors: [{ path: "workerId", message: "required when moving to offered" }],
      });
    }
    assignedWorkerId = request.workerId;
  } else if (request.workerId) {
    return fail("invalid", "a worker is only named when the contact is offered", {
      errors: [{ path: "workerId", message: `not allowed when moving to "${to}"` }],
    });
  }
  return ok({ from: contact.status, status: to, statusReason, assignedWorkerId });
}
