import { describe, expect, it } from "vitest";
import { SMALL } from "./figures.js";
import {
  backlogMeasures,
  combineBacklog,
  combineDemand,
  combineFlow,
  demandMeasures,
  EMPTY_DEMAND,
  EMPTY_FLOW,
  flowMeasures,
  rollUp,
  supplyMeasures,
  totalOf,
} from "./measures.js";

describe("report measures", () => {
  it("merges the figures of one period from several queries, in the order of the periods", () => {
    const rows = [
      { key: "2026-W11", country: "2026-W11", figures: { ...EMPTY_DEMAND, newContacts: 4 } },
      { key: "2026-W10", country: "2026-W10", figures: { ...EMPTY_DEMAND, newContacts: 2 } },
      { key: "2026-W10", country: "2026-W10", figures: { ...EMPTY_DEMAND, shortages: 3 } },
    ];
    expect(
      rollUp(rows, "week", combineDemand).map((r) => [
        r.key,
        r.country,
        r.figures.newContacts,
        r.figures.shortages,
      ]),
    ).toEqual([
      ["2026-W10", null, 2, 3],
      ["2026-W11", null, 4, 0],
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
      { ...EMPTY_FLOW, toAssignment: { n: 6, hours: 3.5 }, toFirstContact: { n: 2, hours: 1.5 } },
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
    const backlog = combineBacklog([
      { waiting: { n: 2, hours: 2 }, oldestHours: null },
      { waiting: { n: 0, hours: null }, oldestHours: 3 },
    ]);
    expect(backlogMeasures(backlog, true)).toEqual({
      waiting: SMALL,
      oldestHours: null,
      medianHours: null,
    });
    expect(backlogMeasures(backlog, false)).toEqual({
      waiting: 2,
      oldestHours: 3,
      medianHours: 2,
    });
  });

  it("rounds the medians the database took to two decimals, and leaves out a median over nothing", () => {
    const flow = { ...EMPTY_FLOW, toAssignment: { n: 3, hours: 1.23456 } };
    expect(flowMeasures(flow, false)).toMatchObject({
      medianHoursToAssignment: 1.23,
      medianHoursToFirstContact: null,
    });
  });
});
