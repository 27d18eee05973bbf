/** Who may see or do what, as pure predicates over the actor and the record. */
import type { Status } from "../lifecycle/states.js";

export const ROLES = ["admin", "dispatcher", "setter", "worker", "marketer"] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  userId: string;
  organisationId: string;
  role: Role;
  /** The worker record linked to this user, when the user works in the field. */
  workerId: string | null;
}

/**
 * Which contacts an actor may see. Dispatchers and admins see all of their organisation's;
 * setters see the ones not yet handed to a worker; workers only their own; marketers none.
 */
export type ContactScope =
  | { kind: "all" }
  | { kind: "unassigned" }
  | { kind: "worker"; workerId: string }
  | { kind: "none" };

export function contactScope(actor: Actor): ContactScope {
  switch (actor.role) {
    case "admin":
    case "dispatcher":
      return { kind: "all" };
    case "setter":
      return { kind: "unassigned" };
    case "worker":
      return actor.workerId ? { kind: "worker", workerId: actor.workerId } : { kind: "none" };
    case "marketer":
      return { kind: "none" };
  }
}

export function canSeeContact(actor: Actor, contact: { assignedWorkerId: string | null }): boolean {
  const scope = contactScope(actor);
  switch (scope.kind) {
    case "all":
      return true;
    case "unassigned":
      return contact.assignedWorkerId === null;
    case "worker":
      return contact.assignedWorkerId === scope.workerId;
    case "none":
      return false;
  }
}

export function canCreateContact(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher" || actor.role === "setter";
}

/** Workers answer their own offers and report on their own contacts; they never hand contacts out. */
const WORKER_MOVES: ReadonlyArray<readonly [Status, Status]> = [
  ["offered", "active"],
  ["offered", "ready"],
  ["active", "paused"],
  ["paused", "active"],
  ["active", "closed"],
  ["paused", "closed"],
];

/** Setters qualify, park and close; offering and accepting belong to dispatch and the field. */
const SETTER_TARGETS: ReadonlySet<Status> = new Set([
  "qualifying",
  "ready",
  "nurture",
  "paused",
  "closed",
  "new",
]);

export function canChangeStatus(actor: Actor, from: Status, to: Status): boolean {
  switch (actor.role) {
    case "admin":
    case "dispatcher":
      return true;
    case "setter":
      return SETTER_TARGETS.has(to);
    case "worker":
      return WORKER_MOVES.some(([a, b]) => a === from && b === to);
    case "marketer":
      return false;
  }
}

export function canEditContact(actor: Actor): boolean {
  return actor.role !== "marketer";
}

export function canManageWorkers(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher";
}

/** Setters need the roster to book meetings; workers see only their own record. */
export function canListWorkers(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher" || actor.role === "setter";
}

export function canSeeWorker(actor: Actor, workerId: string): boolean {
  return canListWorkers(actor) || actor.workerId === workerId;
}

export function canManageUsers(actor: Actor): boolean {
  return actor.role === "admin";
}

export function canReadAudit(actor: Actor): boolean {
  return actor.role === "admin";
}

export function canEditOrganisation(actor: Actor): boolean {
  return actor.role === "admin";
}

/** Exporting everything about a person, or erasing them, is for admins: it answers a data-subject request. */
export function canHandlePersonalData(actor: Actor): boolean {
  return actor.role === "admin";
}

/** Supply and demand reports hold aggregates only: for those who dispatch, and for marketing (suppressed). */
export function canReadReports(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher" || actor.role === "marketer";
}

/** Marketers see small counts as "<5", so that no group points at a person. */
export function seesSuppressedCounts(actor: Actor): boolean {
  return actor.role === "marketer";
}

/** Reviewing duplicates shows both records side by side: for those who see every contact. */
export function canMergeContacts(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "dispatcher";
}
