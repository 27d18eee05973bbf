import { expect, it } from "vitest";
import { lookupKeys, lookupLimit, matchKeys } from "../../src/core/dedupe/arrival.js";
import type { Contact } from "../../src/core/model.js";
import { matchKeyCounts } from "../../src/db/duplicates.js";
import { candidatesOf, dedupeRecordOf } from "../../src/services/find-duplicates.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { assignTo, type SeededOrganisation, seedOrganisation } from "../support/seed.js";

interface Pair {
  id: string;
  score: number;
  fields: string[];
  foundBy: string;
  a: Contact;
  b: Contact;
}
interface Merge {
  id: string;
  survivorId: string;
  mergedId: string;
  automatic: boolean;
  undoneAt: string | null;
}

async function create(e: TestEnv, org: SeededOrganisation, body: Record<string, unknown>): Promise<Contact> {
  const response = await send(e.app, org.cookies.dispatcher, {
    method: "POST",
    url: "/api/v1/contacts",
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Contact>();
}

async function contact(e: TestEnv, org: SeededOrganisation, id: string): Promise<Contact> {
  const response = await send(e.app, org.cookies.dispatcher, {
    method: "GET",
    url: `/api/v1/contacts/${id}`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Contact>();
}

async function queue(e: TestEnv, org: SeededOrganisation): Promise<Pair[]> {
  const response = await send(e.app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/duplicates" });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Pair[] }>().items;
}

async function reviewOnly(e: TestEnv, org: SeededOrganisation): Promise<void> {
  const response = await send(e.app, org.cookies.admin, {
    method: "PATCH",
    url: "/api/v1/organisation",
    payload: { settings: { duplicates: { reviewAbove: 0.5, autoMergeAbove: null } } },
  });
  expect(response.statusCode, response.body).toBe(200);
}

const maria = {
  displayName: "Maria Rossi",
  phones: ["333 123 4567"],
  emails: ["maria.rossi@example.org"],
  country: "IT",
  placeName: "Roma",
};
const mariaAgain = {
  displayName: "ROSSI Maria",
  phones: ["+39 333 123 4567"],
  emails: ["m.rossi@example.com"],
  gender: "f",
  country: "IT",
};

describeEachDatabase("duplicates", (env) => {
  it("finds the same candidates and counts as reading every block whole, with common blocks read only to their limit", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    // Fourteen Maria Rossi: past the limit of a name pair (12) and of a name word (8); three Giulia Bianchi under it.
    for (let i = 0; i < 14; i++) {
      await create(e, org, {
        displayName: "Maria Rossi",
        phones: [`333 100 00${10 + i}`],
        placeName: "Roma",
      });
    }
    for (let i = 0; i < 3; i++) {
      await create(e, org, {
        displayName: "Giulia Bianchi",
        phones: [`333 200 00${10 + i}`],
        placeName: "Roma",
      });
    }
    const arrival = dedupeRecordOf({
      id: "arrival",
      organisation_id: org.id,
      display_name: "Maria Bianchi",
      phones: JSON.stringify(["+393331000012"]),
      emails: "[]",
      place_name: "Roma",
      country: "IT",
    });
    const keys = matchKeys(arrival);
    const db = e.ctx.db.kysely;
    const counts = await matchKeyCounts(db, org.id, keys);
    const filed = await db
      .selectFrom("contact_match_keys")
      .select("contact_id")
      .distinct()
      .where("organisation_id", "=", org.id)
      .where("key", "in", lookupKeys(keys, counts))
      .execute();
    const found = await candidatesOf(db, org.id, keys, "arrival");
    expect(found.candidates.map((c) => c.id).sort()).toEqual(filed.map((f) => f.contact_id).sort());
    expect(found.candidates.length).toBe(4);
    expect(Object.fromEntries(found.counts)).toEqual(Object.fromEntries(counts));
    // Past a block's limit, the count read on to COUNT_CAP: the name word, and the city all seventeen share.
    expect([...found.counts.values()].sort((a, b) => a - b).slice(-2)).toEqual([14, 17]);

    // Once seen at their limit, the common blocks are not read again, with the same answer.
    const common = keys.filter((key) => lookupLimit(key) > 0 && (counts.get(key) ?? 0) >= lookupLimit(key));
    expect(common.length).toBeGreaterThan(0);
    const blockReads: string[] = [];
    const watched = db.withPlugin({
      transformQuery: (args) => {
        const text = JSON.stringify(args.node);
        // The block read (filedUnder), not the counting read (matchKeyCounts), which says "as capped".
        if (text.includes("contact_match_keys") && !text.includes("capped")) blockReads.push(text);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const label = { dbLabel: e.ctx.db.label };
    await candidatesOf(watched, org.id, keys, "arrival", label);
    blockReads.length = 0;
    const again = await candidatesOf(watched, org.id, keys, "arrival", label);
    expect(again.candidates.map((c) => c.id).sort()).toEqual(filed.map((f) => f.contact_id).sort());
    expect(Object.fromEntries(again.counts)).toEqual(Object.fromEntries(counts));
    expect(blockReads).toHaveLength(1);
    for (const key of keys) {
      expect(blockReads[0]!.includes(JSON.stringify(key)), key).toBe(
        lookupLimit(key) > 0 && !common.includes(key),
      );
    }
  });

  it("merges an arrival into the stored record of the same person at once, above the certainty bar", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    expect(second.status).toBe("closed");
    expect(second.statusReason).toBe("duplicate");
    expect(second.mergedIntoId).toBe(first.id);
    const survivor = await contact(e, org, first.id);
    expect(survivor.phones).toEqual(["+393331234567"]);
    expect(survivor.emails).toEqual(["maria.rossi@example.org", "m.rossi@example.com"]);
    expect(survivor.gender).toBe("f");
    expect(survivor.displayName).toBe("Maria Rossi");
    expect(await queue(e, org)).toEqual([]);
    const merges = (
      await send(e.app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/merges" })
    ).json<{
      items: Merge[];
    }>().items;
    expect(merges).toMatchObject([
      { survivorId: first.id, mergedId: second.id, automatic: true, undoneAt: null },
    ]);
  });

  it("links a likely duplicate for review, with the score and the fields that matched", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    expect(second.status).toBe("new");
    const pairs = await queue(e, org);
    expect(pairs).toHaveLength(1);
    expect([pairs[0]!.a.id, pairs[0]!.b.id].sort()).toEqual([first.id, second.id].sort());
    expect(pairs[0]!.fields).toEqual(expect.arrayContaining(["phone", "name"]));
    expect(pairs[0]!.score).toBeGreaterThan(0.5);
    expect(pairs[0]!.foundBy).toBe("manual");
  });

  it("calls a shared phone with another given name a household and links nothing", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await create(e, org, maria);
    const marco = await create(e, org, { ...maria, displayName: "Marco Rossi", emails: [] });
    expect(marco.status).toBe("new");
    expect(await queue(e, org)).toEqual([]);
  });

  it("merges with the reviewer's choice per field, moves the timeline, and undoes exactly", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/contacts/${second.id}/activities`,
      payload: { kind: "comment", body: "Asked for a call after six" },
    });
    const merged = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: "/api/v1/merges",
      payload: { survivorId: first.id, mergedId: second.id, choices: { name: "merged" } },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const merge = merged.json<Merge>();
    const survivor = await contact(e, org, first.id);
    expect(survivor.displayName).toBe("ROSSI Maria");
    expect(survivor.emails).toHaveLength(2);
    expect(survivor.placeName).toBe("Roma");
    const timeline = (
      await send(e.app, org.cookies.dispatcher, {
        method: "GET",
        url: `/api/v1/contacts/${first.id}/activities`,
      })
    ).json<{ items: Array<{ kind: string; body: string | null }> }>().items;
    expect(timeline.map((a) => a.body)).toContain("Asked for a call after six");
    expect(timeline.map((a) => a.kind)).toContain("merge");
    expect((await contact(e, org, second.id)).mergedIntoId).toBe(first.id);
    expect(await queue(e, org)).toEqual([]);

    const undone = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/merges/${merge.id}/undo`,
    });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json<Merge>().undoneAt).not.toBeNull();
    const back = await contact(e, org, first.id);
    expect(back).toMatchObject({
      displayName: "Maria Rossi",
      emails: ["maria.rossi@example.org"],
      gender: null,
    });
    const other = await contact(e, org, second.id);
    expect(other).toMatchObject({ status: "new", mergedIntoId: null, displayName: "ROSSI Maria" });
    const otherTimeline = (
      await send(e.app, org.cookies.dispatcher, {
        method: "GET",
        url: `/api/v1/contacts/${second.id}/activities`,
      })
    ).json<{ items: Array<{ body: string | null }> }>().items;
    expect(otherTimeline.map((a) => a.body)).toContain("Asked for a call after six");
    expect(await queue(e, org)).toHaveLength(1);
    expectProblem(
      await send(e.app, org.cookies.dispatcher, { method: "POST", url: `/api/v1/merges/${merge.id}/undo` }),
      409,
    );
  });

  it("tells each worker what a merge means for them, moves declines, and undoes both", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    const { worker, worker2 } = org.workers;
    await assignTo(e.app, org.cookies.dispatcher, org.cookies.worker, first.id, worker.id);
    await assignTo(e.app, org.cookies.dispatcher, org.cookies.worker2, second.id, worker2.id);
    // The first worker once turned the second record down: a decline belongs to the person.
    const declinedBy = async (id: string) =>
      (
        await e.ctx.db.kysely
          .selectFrom("declines")
          .select("worker_id")
          .where("contact_id", "=", id)
          .execute()
      ).map((r) => r.worker_id);
    await e.ctx.db.kysely
      .insertInto("declines")
      .values({
        organisation_id: org.id,
        contact_id: second.id,
        worker_id: worker.id,
        reason: "no time",
        created_at: "2026-03-01T09:00:00.000Z",
      })
      .execute();
    const inbox = async (cookie: string) =>
      (await send(e.app, cookie, { method: "GET", url: "/api/v1/notifications?limit=200" })).json<{
        items: Array<{
          kind: string;
          contactId: string | null;
          data: { keeper?: string; workerName?: string };
        }>;
      }>().items;
    const offersOfFirst = (await inbox(org.cookies.worker)).filter((n) => n.contactId === first.id);
    expect(offersOfFirst.length).toBeGreaterThan(0);

    // The reviewer keeps the second record's handling: the person stays with worker2.
    const merged = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: "/api/v1/merges",
      payload: { survivorId: first.id, mergedId: second.id, choices: { handling: "merged" } },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    expect((await contact(e, org, first.id)).assignedWorkerId).toBe(worker2.id);
    const lost = await inbox(org.cookies.worker);
    // Their offer and the rest about the record they held are gone; one line says why.
    expect(lost.filter((n) => n.contactId === first.id)).toEqual([
      expect.objectContaining({
        kind: "contact_merged",
        data: { keeper: "other", workerName: worker2.name },
      }),
    ]);
    expect((await inbox(org.cookies.worker2)).filter((n) => n.kind === "contact_merged")).toEqual([
      expect.objectContaining({ contactId: first.id, data: {} }),
    ]);
    expect(await declinedBy(first.id)).toEqual([worker.id]);
    expect(await declinedBy(second.id)).toEqual([]);

    const merge = merged.json<Merge>();
    const undone = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/merges/${merge.id}/undo`,
    });
    expect(undone.statusCode, undone.body).toBe(200);
    expect((await contact(e, org, first.id)).assignedWorkerId).toBe(worker.id);
    expect((await contact(e, org, second.id)).assignedWorkerId).toBe(worker2.id);
    expect(await declinedBy(second.id)).toEqual([worker.id]);
    expect(await declinedBy(first.id)).toEqual([]);
    const back = (await inbox(org.cookies.worker)).filter((n) => n.kind === "contact_merged");
    expect(back.map((n) => [n.contactId, n.data.keeper])).toEqual([
      [first.id, "restored"],
      [first.id, "other"],
    ]);
    const again = (await inbox(org.cookies.worker2)).filter((n) => n.kind === "contact_merged");
    expect(again.map((n) => [n.contactId, n.data.keeper])).toEqual([[second.id, "restored"]]);
  });

  it("keeps a change made to the survivor after the merge when the merge is undone", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    const merge = (
      await send(e.app, org.cookies.dispatcher, {
        method: "POST",
        url: "/api/v1/merges",
        payload: { survivorId: first.id, mergedId: second.id, choices: { name: "merged" } },
      })
    ).json<Merge>();
    const edited = await send(e.app, org.cookies.dispatcher, {
      method: "PATCH",
      url: `/api/v1/contacts/${first.id}`,
      payload: {
        displayName: "Maria Grazia Rossi",
        emails: ["maria.rossi@example.org", "m.rossi@example.com", "mg@example.net"],
      },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    await send(e.app, org.cookies.dispatcher, { method: "POST", url: `/api/v1/merges/${merge.id}/undo` });
    const back = await contact(e, org, first.id);
    expect(back.displayName).toBe("Maria Grazia Rossi");
    expect(back.emails).toEqual(["maria.rossi@example.org", "mg@example.net"]);
  });

  it("remembers 'not the same person': the pair leaves the queue and a scan does not bring it back", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    await create(e, org, maria);
    await create(e, org, mariaAgain);
    const [pair] = await queue(e, org);
    const distinct = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: `/api/v1/duplicates/${pair!.id}/distinct`,
    });
    expect(distinct.statusCode, distinct.body).toBe(200);
    expect(await queue(e, org)).toEqual([]);
    const scan = await send(e.app, org.cookies.dispatcher, {
      method: "POST",
      url: "/api/v1/duplicates/scan",
    });
    expect(scan.statusCode, scan.body).toBe(200);
    expect(scan.json()).toMatchObject({ contacts: 2, found: 1, added: 0 });
    expect(await queue(e, org)).toEqual([]);
    expectProblem(
      await send(e.app, org.cookies.dispatcher, {
        method: "POST",
        url: `/api/v1/duplicates/${pair!.id}/distinct`,
      }),
      409,
    );
  });

  it("scans contacts stored before duplicate detection: files them and queues the pairs", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    await reviewOnly(e, org);
    const a = await create(e, org, maria);
    const b = await create(e, org, {
      ...mariaAgain,
      phones: ["06 9876 5432"],
      emails: ["maria.rossi@example.org"],
    });
    // As if both had arrived before the match keys existed.
    await e.ctx.db.kysely.deleteFrom("contact_match_keys").execute();
    await e.ctx.db.kysely.deleteFrom("duplicate_pairs").execute();
    const scan = await send(e.app, org.cookies.admin, { method: "POST", url: "/api/v1/duplicates/scan" });
    expect(scan.json()).toMatchObject({ contacts: 2, filed: 2, found: 1, added: 1 });
    const pairs = await queue(e, org);
    expect(pairs).toHaveLength(1);
    expect([pairs[0]!.a.id, pairs[0]!.b.id].sort()).toEqual([a.id, b.id].sort());
    expect(pairs[0]!.foundBy).toBe("scan");
    const keys = await e.ctx.db.kysely.selectFrom("contact_match_keys").select("contact_id").execute();
    expect(new Set(keys.map((k) => k.contact_id))).toEqual(new Set([a.id, b.id]));
  });

  it("refuses to merge a contact with itself, an unknown one, or one merged already", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    const merge = (body: Record<string, unknown>) =>
      send(e.app, org.cookies.dispatcher, { method: "POST", url: "/api/v1/merges", payload: body });
    expectProblem(await merge({ survivorId: first.id, mergedId: first.id }), 409);
    expectProblem(await merge({ survivorId: first.id, mergedId: "nobody" }), 404);
    expectProblem(await merge({ survivorId: first.id, mergedId: second.id }), 409);
    expectProblem(
      await merge({ survivorId: first.id, mergedId: second.id, choices: { phones: "merged" } }),
      400,
      {
        paths: ["choices.phones"],
      },
    );
  });

  it("erases the merge's copies of an erased contact and refuses to undo that merge", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const first = await create(e, org, maria);
    const second = await create(e, org, mariaAgain);
    const merges = (await send(e.app, org.cookies.admin, { method: "GET", url: "/api/v1/merges" })).json<{
      items: Merge[];
    }>().items;
    const erased = await send(e.app, org.cookies.admin, {
      method: "POST",
      url: `/api/v1/contacts/${second.id}/erase`,
      payload: { reason: "asked to be forgotten" },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    const row = await e.ctx.db.kysely.selectFrom("merges").selectAll().executeTakeFirstOrThrow();
    expect(row.merged_before).not.toContain("Rossi");
    expect(row.survivor_before).not.toContain("Rossi");
    expectProblem(
      await send(e.app, org.cookies.admin, { method: "POST", url: `/api/v1/merges/${merges[0]!.id}/undo` }),
      409,
    );
    expect((await contact(e, org, first.id)).displayName).toBe("Maria Rossi");
  });

  it("lets only dispatchers and admins review, merge or undo", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    for (const role of ["setter", "worker", "marketer"] as const) {
      expectProblem(await send(e.app, org.cookies[role], { method: "GET", url: "/api/v1/duplicates" }), 403, {
        label: role,
      });
      expectProblem(await send(e.app, org.cookies[role], { method: "GET", url: "/api/v1/merges" }), 403, {
        label: role,
      });
      expectProblem(
        await send(e.app, org.cookies[role], { method: "POST", url: "/api/v1/duplicates/scan" }),
        403,
        { label: role },
      );
    }
  });
});
