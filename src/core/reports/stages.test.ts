import { describe, expect, it } from "vitest";
import { stageEntriesOf } from "./stage-history.js";
import { stageRows, stageTotals } from "./stages.js";

describe("the stages report", () => {
  it("puts the stages in lifecycle order within each group, unknown groups last", () => {
    const rows = stageRows(
      [
        { k: null, c: null, stage: "new", n: 2 },
        { k: "Roma", c: "IT", stage: "ready", n: 6 },
        { k: "Roma", c: "IT", stage: "new", n: 1 },
      ],
      [{ k: "Roma", c: "IT", stage: "ready", n: 7, medianHours: 12.345, p90Hours: 40 }],
      { qualified: true, marketer: false },
    );
    expect(rows.map((r) => [r.key, r.stage])).toEqual([
      ["Roma", "new"],
      ["Roma", "ready"],
      [null, "new"],
    ]);
    expect(rows[1]).toMatchObject({ country: "IT", now: 6, stays: 7, medianHours: 12.35, p90Hours: 40 });
  });

  it("shows a marketer small counts as <5 and no time over fewer than five stays", () => {
    const [total] = stageTotals(
      [{ stage: "offered", n: 3 }],
      [{ stage: "offered", n: 4, medianHours: 5, p90Hours: 9 }],
      true,
    );
    expect(total).toEqual({ stage: "offered", now: "<5", stays: "<5", medianHours: null, p90Hours: null });
  });

  it("derives a contact's stages from its timeline: new at arrival, then each status entered", () => {
    const contact = { id: "c1", organisation_id: "o1", created_at: "2026-03-01T09:00:00.000Z" };
    const entries = stageEntriesOf(contact, [
      { contact_id: "c1", created_at: "2026-03-02T09:00:00.000Z", data: '{"to":"offered","workerId":"w1"}' },
      { contact_id: "c1", created_at: "2026-03-01T10:00:00.000Z", data: '{"to":"ready","workerId":null}' },
      { contact_id: "c1", created_at: "2026-03-03T09:00:00.000Z", data: "not json" },
    ]);
    expect(entries.map((e) => [e.status, e.workerId, e.enteredAt])).toEqual([
      ["new", null, "2026-03-01T09:00:00.000Z"],
      ["ready", null, "2026-03-01T10:00:00.000Z"],
      ["offered", "w1", "2026-03-02T09:00:00.000Z"],
    ]);
  });
});
