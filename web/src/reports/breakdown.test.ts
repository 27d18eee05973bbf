import { describe, expect, it } from "vitest";
import { backlogLines } from "./backlog-table.js";
import { busiest, type DemandRow, type FlowRow, mergeBreakdown } from "./breakdown.js";
import { boundsOf, HIDDEN_PRESSURE, pressureOf, withoutRoom } from "./place-map.js";

const place = { lat: null, lon: null };

function demand(
  key: string | null,
  newContacts: DemandRow["newContacts"],
  country: string | null = null,
): DemandRow {
  return { key, country, ...place, newContacts, unassignable: 0, unassignableReasons: {}, shortages: 0 };
}

function flow(key: string | null, contacts: FlowRow["contacts"], country: string | null = null): FlowRow {
  return {
    key,
    country,
    ...place,
    contacts,
    assigned: 0,
    medianHoursToAssignment: null,
    offersAnswered: 0,
    offersAccepted: 0,
    acceptanceRate: null,
    accepted: 0,
    medianHoursToFirstContact: null,
    met: 0,
    meetingRate: null,
  };
}

describe("the reports screen's rows", () => {
  it("puts the demand and flow of one key side by side, keeping two cities of one name apart", () => {
    const rows = mergeBreakdown(
      [demand("Paris", 6, "FR"), demand("Paris", 2, "US"), demand(null, 1)],
      [flow("Paris", 6, "FR"), flow(null, 1)],
    );
    expect(rows.map((r) => [r.key, r.country, r.demand?.newContacts, r.flow?.contacts])).toEqual([
      ["Paris", "FR", 6, 6],
      [null, null, 1, 1],
      ["Paris", "US", 2, undefined],
    ]);
  });

  it("draws the busiest first, a suppressed count between 0 and 5", () => {
    const rows = mergeBreakdown([demand("a", 0), demand("b", "<5"), demand("c", 9)], []);
    expect(busiest(rows, 2).map((r) => r.key)).toEqual(["c", "b"]);
  });

  it("lists the places where someone waits, the most waiting first", () => {
    const backlog = [
      { key: "Roma", country: "IT", ...place, waiting: 3, oldestHours: 10, medianHours: 5 },
      { key: "Milano", country: "IT", ...place, waiting: 0, oldestHours: null, medianHours: null },
      { key: "Athina", country: "GR", ...place, waiting: 8, oldestHours: 2, medianHours: 1 },
    ];
    const supply = [
      {
        key: "Roma",
        country: "IT",
        ...place,
        availableWorkers: 2,
        freeCapacity: 4,
        contacts: 9,
        contactsPerWorker: 4.5,
      },
    ];
    expect(backlogLines(backlog, supply).map((l) => [l.row.key, l.supply?.freeCapacity])).toEqual([
      ["Athina", undefined],
      ["Roma", 4],
    ]);
  });
});

describe("the map", () => {
  const row = { key: "Roma", country: "IT", lat: 41.9, lon: 12.5, freeCapacity: 0 };
  it("presses a place with contacts and no worker as hard as the hardest, and greys a suppressed ratio", () => {
    expect(pressureOf({ ...row, availableWorkers: 2, contacts: 30, contactsPerWorker: 15 }, 27)).toBe(15);
    expect(pressureOf({ ...row, availableWorkers: 0, contacts: 30, contactsPerWorker: null }, 27)).toBe(27);
    expect(pressureOf({ ...row, availableWorkers: 0, contacts: 0, contactsPerWorker: null }, 27)).toBe(0);
    expect(pressureOf({ ...row, availableWorkers: "<5", contacts: 30, contactsPerWorker: null }, 27)).toBe(
      HIDDEN_PRESSURE,
    );
  });

  it("pulses where workers are, every one of them full, and contacts arrive", () => {
    const full = { ...row, availableWorkers: 3, contacts: 8, contactsPerWorker: 2.67 };
    const empty = { ...row, key: "Rieti", availableWorkers: 0, contacts: 8, contactsPerWorker: null };
    const room = {
      ...row,
      key: "Latina",
      availableWorkers: 3,
      contacts: 8,
      contactsPerWorker: 2.67,
      freeCapacity: 1,
    };
    expect(withoutRoom([full, empty, room]).map((r) => r.key)).toEqual(["Roma"]);
  });

  it("frames the places with a margin, a few degrees at least", () => {
    expect(boundsOf([{ lat: 41.9, lon: 12.5 }])).toEqual([
      [12.5 - 2.8, 41.9 + 2.8],
      [12.5 + 2.8, 41.9 - 2.8],
    ]);
    const [[west, north], [east, south]] = boundsOf([
      { lat: 35, lon: 19 },
      { lat: 46, lon: 34 },
    ]);
    expect(west).toBeLessThan(19);
    expect(east).toBeGreaterThan(34);
    expect(north).toBeGreaterThan(46);
    expect(south).toBeLessThan(35);
  });
});
