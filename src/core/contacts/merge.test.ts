import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MergeableContact, mergeContacts, mergeRefusal } from "./merge.js";

function contact(id: string, more: Partial<MergeableContact> = {}): MergeableContact {
  return {
    id,
    display_name: `Person ${id}`,
    given_name: null,
    family_name: null,
    phones: "[]",
    emails: "[]",
    gender: null,
    languages: "[]",
    place_name: null,
    region: null,
    country: null,
    postal_code: null,
    lat: null,
    lon: null,
    time_zone: null,
    source: null,
    campaign: null,
    attribution: null,
    inbound: 0,
    status: "new",
    status_reason: null,
    progress: "none",
    assigned_worker_id: null,
    assigned_at: null,
    status_changed_at: "2026-01-01T00:00:00.000Z",
    accepted_at: null,
    first_attempt_at: null,
    first_meeting_at: null,
    last_update_at: null,
    script_answers: null,
    call_attempts: 0,
    created_at: "2026-01-01T00:00:00.000Z",
    last_activity_at: "2026-01-01T00:00:00.000Z",
    merged_into_id: null,
    erased_at: null,
    ...more,
  };
}

const NOW = "2026-02-01T00:00:00.000Z";

describe("mergeContacts", () => {
  it("keeps every phone, e-mail and language of both records", () => {
    const list = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { maxLength: 4 });
    fc.assert(
      fc.property(list, list, list, list, (p1, p2, e1, e2) => {
        const plan = mergeContacts(
          contact("1", { phones: JSON.stringify(p1), emails: JSON.stringify(e1) }),
          contact("2", { phones: JSON.stringify(p2), emails: JSON.stringify(e2) }),
          {},
          NOW,
        );
        const after = { phones: JSON.stringify(p1), emails: JSON.stringify(e1), ...plan.survivor };
        expect(new Set(JSON.parse(after.phones))).toEqual(new Set([...p1, ...p2]));
        expect(new Set(JSON.parse(after.emails))).toEqual(new Set([...e1, ...e2]));
      }),
    );
  });

  it("closes the other record as a duplicate of the survivor and releases its worker", () => {
    const plan = mergeContacts(
      contact("1"),
      contact("2", { status: "active", assigned_worker_id: "w" }),
      {},
      NOW,
    );
    expect(plan.merged).toMatchObject({
      status: "closed",
      status_reason: "duplicate",
      merged_into_id: "1",
      assigned_worker_id: null,
    });
  });

  it("takes by default what the survivor lacks, and the further-along handling", () => {
    const plan = mergeContacts(
      contact("1", { created_at: "2026-01-05T00:00:00.000Z", source: "web" }),
      contact("2", {
        gender: "f",
        place_name: "Roma",
        lat: 41.9,
        lon: 12.5,
        source: "facebook",
        status: "active",
        assigned_worker_id: "w",
      }),
      {},
      NOW,
    );
    expect(plan.taken).toEqual({
      name: "survivor",
      gender: "merged",
      place: "merged",
      origin: "merged",
      handling: "merged",
    });
    expect(plan.survivor).toMatchObject({
      gender: "f",
      place_name: "Roma",
      source: "facebook",
      assigned_worker_id: "w",
    });
  });

  it("follows the reviewer's choice over the defaults", () => {
    const plan = mergeContacts(
      contact("1"),
      contact("2", { gender: "m" }),
      { gender: "survivor", name: "merged" },
      NOW,
    );
    expect(plan.survivor.gender).toBeUndefined();
    expect(plan.survivor.display_name).toBe("Person 2");
  });
});

describe("mergeRefusal", () => {
  it("refuses a record with itself, an erased one, and one merged already", () => {
    expect(mergeRefusal(contact("1"), contact("1"))).toMatch(/itself/);
    expect(mergeRefusal(contact("1"), contact("2", { erased_at: NOW }))).toMatch(/erased/);
    expect(mergeRefusal(contact("1"), contact("2", { merged_into_id: "3" }))).toMatch(/already/);
    expect(mergeRefusal(contact("1"), contact("2"))).toBeNull();
  });
});
