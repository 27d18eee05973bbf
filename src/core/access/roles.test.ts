import { describe, expect, it } from "vitest";
import { STATUSES } from "../lifecycle/states.js";
import { type Actor, canChangeStatus, canSeeContact, contactScope, ROLES, type Role } from "./roles.js";

const actor = (role: Role, workerId: string | null = null): Actor => ({
  userId: "u",
  organisationId: "o",
  role,
  workerId,
});

describe("contact visibility", () => {
  it("shows a worker only their own contacts", () => {
    const worker = actor("worker", "w1");
    expect(canSeeContact(worker, { assignedWorkerId: "w1" })).toBe(true);
    expect(canSeeContact(worker, { assignedWorkerId: "w2" })).toBe(false);
    expect(canSeeContact(worker, { assignedWorkerId: null })).toBe(false);
  });

  it("shows a marketer no contact at all", () => {
    expect(contactScope(actor("marketer"))).toEqual({ kind: "none" });
    expect(canSeeContact(actor("marketer"), { assignedWorkerId: null })).toBe(false);
  });

  it("shows a worker user without a worker record nothing", () => {
    expect(contactScope(actor("worker", null))).toEqual({ kind: "none" });
  });

  it("shows a setter only contacts not yet handed to a worker", () => {
    expect(canSeeContact(actor("setter"), { assignedWorkerId: null })).toBe(true);
    expect(canSeeContact(actor("setter"), { assignedWorkerId: "w1" })).toBe(false);
  });
});

describe("status changes by role", () => {
  it("lets a worker accept or decline an offer but never make one", () => {
    const worker = actor("worker", "w1");
    expect(canChangeStatus(worker, "offered", "active")).toBe(true);
    expect(canChangeStatus(worker, "offered", "ready")).toBe(true);
    expect(canChangeStatus(worker, "ready", "offered")).toBe(false);
  });

  it("lets no marketer change any status, and every dispatcher change all", () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        expect(canChangeStatus(actor("marketer"), from, to)).toBe(false);
        expect(canChangeStatus(actor("dispatcher"), from, to)).toBe(true);
      }
    }
  });

  it("keeps setters out of offering and accepting", () => {
    expect(canChangeStatus(actor("setter"), "ready", "offered")).toBe(false);
    expect(canChangeStatus(actor("setter"), "offered", "active")).toBe(false);
    expect(canChangeStatus(actor("setter"), "new", "qualifying")).toBe(true);
  });

  it("knows every role", () => {
    expect([...ROLES].sort()).toEqual(["admin", "dispatcher", "marketer", "setter", "worker"]);
  });
});
