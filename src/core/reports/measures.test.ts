import { describe, expect, it } from "vitest";
import { SMALL } from "./figures.js";
import {
  backlogMeasures,
  combineDemand,
  combineFlow,
  demandMeasures,
  EMPTY_DEMAND,
  EMPTY_FLOW,
  flowHours,
  flowMeasures,
  rollUp,
  supplyMeasures,
  totalOf,
} from "./measures.js";

describe("report measures", () => {
  it("rolls days up into ISO weeks and months, merging the figures of one period", () => {
    const rows = [
      { key: "2026-03-02", country: "2026-03-02", figures: { ...EMPTY_DEMAND, newContacts: 2 } },
      { key: "2026-03-08", country: "2026-03-08", figures: { ...EMPTY_DEMAND, newContacts: 3 } },
      { key: "2026-03-09", country: "2026-03-09", figures: { ...EMPTY_DEMAND, newContacts: 4 } },
    ];
    expect(rollUp(rows, "week", combineDemand).map((r) => [r.key, r.figures.newContacts])).toEqual([
      ["2026-W10", 5],
      ["2026-W11", 4],
    ]);
    expect(rollUp(rows, "month", combineDemand).map((r) => [r.key, r.figures.newContacts])).toEqual([
      ["2026-03", 9],
    ]);
  });

  it("keeps two cities of one name in different countries apart, and sorts the unknown place last", () => {
    const rows = [
      { key: null, country: "IT", figures: { ...EMPTY_DEMAND, newContacts: 1 } },
      { key: "Paris", country: "US", figures: { ...EMPTY_DEMAND, newContacts: 1 } },
      { key: "Paris", country: "FR", figures: { ...EMPTY_DEMAND, newContacts: 6 } },
    ];
    expect(rollUp(rows, "city", combineDemand).map((r) => [r.key, r.country])).toEqual([
      ["Paris", "FR"],
      ["Paris", "US"],
      [null, "IT"],
    ]);
  });

  it("adds up reasons and totals over every group", () => {
    const rows = rollUp(
      [
        { key: "IT", country: "IT", figures: { ...EMPTY_DEMAND, unassignable: 2, reasons: { far: 2 } } },
        { key: "GR", country: "GR", figures: { ...EMPTY_DEMAND, unassignable: 1, reasons: { far: 1 } } },
      ],
      "country",
      combineDemand,
    );
    expect(totalOf(rows, combineDemand)).toEqual({ ...EMPTY_DEMAND, unassignable: 3, reasons: { far: 3 } });
  });

  it("suppresses small counts for a marketer, and the rates and medians taken over them", () => {
    const flow = combineFlow([
      { ...EMPTY_FLOW, contacts: 9, accepted: 3, met: 2, offersAnswered: 6, offersAccepted: 3 },
      { ...EMPTY_FLOW, hoursToAssignment: [1, 2, 3, 4, 5, 6], hoursToFirstContact: [1, 2] },
    ]);
    expect(flowMeasures(flow, false)).toMatchObject({
      assigned: 6,
      medianHoursToAssignment: 3.5,
      acceptanceRate: 0.5,
      medianHoursToFirstContact: 1.5,
      meetingRate: 0.667,
    });
    expect(flowMeasures(flow, true)).toEqual({
      contacts: 9,
      assigned: 6,
      medianHoursToAssignment: 3.5,
      offersAnswered: 6,
      offersAccepted: SMALL,
      acceptanceRate: null,
      accepted: SMALL,
      medianHoursToFirstContact: null,
      met: SMALL,
      meetingRate: null,
    });
    expect(
      demandMeasures({ newContacts: 0, unassignable: 4, reasons: { far: 4 }, shortages: 5 }, true),
    ).toEqual({ newContacts: 0, unassignable: SMALL, unassignableReasons: { far: SMALL }, shortages: 5 });
    expect(
      supplyMeasures({ availableWorkers: 2, freeCapacity: 10, contacts: 30 }, true).contactsPerWorker,
    ).toBeNull();
    expect(
      supplyMeasures({ availableWorkers: 6, freeCapacity: 10, contacts: 30 }, true).contactsPerWorker,
    ).toBe(5);
    expect(backlogMeasures({ waitingHours: [3, 1] }, true)).toEqual({
      waiting: SMALL,
      oldestHours: null,
      medianHours: null,
    });
    expect(backlogMeasures({ waitingHours: [3, 1] }, false)).toEqual({
      waiting: 2,
      oldestHours: 3,
      medianHours: 2,
    });
  });

  it("measures only the steps a contact has taken", () => {
    expect(
      flowHours({
        createdAt: "2026-03-02T09:00:00Z",
        assignedAt: "2026-03-02T11:00:00Z",
        acceptedAt: null,
        firstAttemptAt: "2026-03-02T12:00:00Z",
      }),
    ).toEqual({ hoursToAssignment: [2], hoursToFirstContact: [] });
  });
});
