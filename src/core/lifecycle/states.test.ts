import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedStatuses, DEFAULT_REASONS, planStatusChange, STATUSES, type Status } from "./states.js";

const unassigned = (status: Status) => ({ status, assignedWorkerId: null });

describe("planStatusChange", () => {
  it("moves a new contact to qualifying", () => {
    const result = planStatusChange(unassigned("new"), { to: "qualifying" }, DEFAULT_REASONS);
    expect(result).toEqual({
      ok: true,
      value: { from: "new", status: "qualifying", statusReason: null, assignedWorkerId: null },
    });
  });

  it("refuses a move that skips the offer, naming current and allowed states", () => {
    const result = planStatusChange(unassigned("ready"), { to: "active" }, DEFAULT_REASONS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("conflict");
    expect(result.error.message).toContain('cannot move from "ready" to "active"');
    expect(result.error.details).toEqual({ current: "ready", allowed: allowedStatuses(unassigned("ready")) });
  });

  it("calls an unknown status invalid, not a conflict", () => {
    const result = planStatusChange(unassigned("new"), { to: "flying" }, DEFAULT_REASONS);
    expect(result.ok || result.error.code).toBe("invalid");
    expect(result.ok || result.error.errors?.[0]?.path).toBe("to");
  });

  it("needs a reason from the organisation's list to close", () => {
    const missing = planStatusChange(unassigned("new"), { to: "closed" }, DEFAULT_REASONS);
    expect(missing.ok || missing.error.errors?.[0]?.path).toBe("reason");
    const unknown = planStatusChange(unassigned("new"), { to: "closed", reason: "bored" }, DEFAULT_REASONS);
    expect(unknown.ok || unknown.error.code).toBe("invalid");
    const good = planStatusChange(
      unassigned("new"),
      { to: "closed", reason: "not interested" },
      DEFAULT_REASONS,
    );
    expect(good.ok && good.value.statusReason).toBe("not interested");
  });

  it("needs the worker an offer is made to", () => {
    const result = planStatusChange(unassigned("ready"), { to: "offered" }, DEFAULT_REASONS);
    expect(result.ok || result.error.errors?.[0]?.path).toBe("workerId");
    const offered = planStatusChange(unassigned("ready"), { to: "offered", workerId: "w1" }, DEFAULT_REASONS);
    expect(offered.ok && offered.value.assignedWorkerId).toBe("w1");
  });

  it("releases the worker when a declined offer goes back to ready", () => {
    const result = planStatusChange(
      { status: "offered", assignedWorkerId: "w1" },
      { to: "ready" },
      DEFAULT_REASONS,
    );
    expect(result.ok && result.value.assignedWorkerId).toBeNull();
  });

  it("keeps the worker on a closed contact", () => {
    const result = planStatusChange(
      { status: "active", assignedWorkerId: "w1" },
      { to: "closed", reason: "goal reached" },
      DEFAULT_REASONS,
    );
    expect(result.ok && result.value.assignedWorkerId).toBe("w1");
  });

  it("refuses a move the caller's role forbids, offering only the moves it allows", () => {
    const workerMoves = (from: Status, to: Status) =>
      from === "active" && (to === "paused" || to === "closed");
    const refused = planStatusChange(
      { status: "active", assignedWorkerId: "w1" },
      { to: "ready" },
      DEFAULT_REASONS,
      workerMoves,
    );
    expect(refused.ok || refused.error.code).toBe("forbidden");
    expect(refused.ok || refused.error.details).toEqual({ current: "active", allowed: ["paused", "closed"] });
  });

  it("never activates a contact without a worker", () => {
    expect(allowedStatuses({ status: "paused", assignedWorkerId: null })).not.toContain("active");
    expect(allowedStatuses({ status: "paused", assignedWorkerId: "w1" })).toContain("active");
  });

  it("holds its invariants for every state and request", () => {
    const status = fc.constantFrom(...STATUSES);
    const worker = fc.option(fc.constantFrom("w1", "w2"), { nil: null });
    const reason = fc.option(
      fc.constantFrom("not interested", "travelling", "not ready yet", "no worker in reach", "x"),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(status, worker, status, reason, worker, (from, assigned, to, why, offerTo) => {
        const contact = {
          status: from,
          assignedWorkerId: from === "offered" || from === "active" ? (assigned ?? "w1") : assigned,
        };
        const result = planStatusChange(contact, { to, reason: why, workerId: offerTo }, DEFAULT_REASONS);
        if (!result.ok) return;
        // Only allowed moves succeed.
        expect(allowedStatuses(contact)).toContain(to);
        // Offered and active contacts always have a worker; unassigned states never do.
        if (to === "offered" || to === "active") expect(result.value.assignedWorkerId).not.toBeNull();
        if (["new", "qualifying", "ready", "nurture", "unassignable"].includes(to)) {
          expect(result.value.assignedWorkerId).toBeNull();
        }
        // A reasoned status always carries a reason from its list; others carry none.
        if (to === "paused" || to === "nurture" || to === "unassignable" || to === "closed") {
          expect(DEFAULT_REASONS[to]).toContain(result.value.statusReason);
        } else {
          expect(result.value.statusReason).toBeNull();
        }
      }),
    );
  });
});
