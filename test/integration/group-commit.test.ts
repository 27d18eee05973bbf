/** Group commit: units of work stored together in one transaction, each settled only once committed. */
import { sql } from "kysely";
import { expect, it } from "vitest";
import { insertTogether, lockedTransaction, lockNames } from "../../src/db/dialect.js";
import { type GroupCommitBatch, groupCommit, groupCommitBatches } from "../../src/db/group-commit.js";
import { describeEachDatabase, type TestEnv } from "../support/databases.js";
import { send } from "../support/http.js";
import { seedOrganisation } from "../support/seed.js";

async function intakeKeyOf(app: Parameters<typeof send>[0], cookie: string): Promise<string> {
  const response = await send(app, cookie, {
    method: "POST",
    url: "/api/v1/api-keys",
    payload: { name: "Web form", scopes: ["intake"] },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ key: string }>().key;
}

/** The ids of the audit entries the tests' units stored, in order. */
async function storedUnits(e: TestEnv): Promise<string[]> {
  const rows = await e.ctx.db.kysely
    .selectFrom("audit_log")
    .select("id")
    .where("action", "=", "test.unit")
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

describeEachDatabase("group commit", (env) => {
  it("stores units sent at once and settles each only after its transaction committed", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const other = await e.openSecond();
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const ids = Array.from({ length: 12 }, (_, i) => `unit-${i}`);
    const seenByOther = await Promise.all(
      ids.map((id) =>
        commits
          .run(async (trx) => {
            await trx
              .insertInto("audit_log")
              .values({
                id,
                organisation_id: org.id,
                actor_user_id: null,
                action: "test.unit",
                entity: "test",
                entity_id: id,
                before: null,
                after: null,
                ip: null,
                created_at: e.clock.now().toISOString(),
              })
              .execute();
            return id;
          })
          // Another process sees the row as soon as the unit is settled.
          .then(async (stored) =>
            other.db.kysely.selectFrom("audit_log").select("id").where("id", "=", stored).executeTakeFirst(),
          ),
      ),
    );
    expect(seenByOther.map((row) => row?.id)).toEqual(ids);
  });

  it("publishes each settled batch with its size and every unit's wait, while someone listens", async () => {
    const e = env();
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const published: GroupCommitBatch[] = [];
    const listen = (message: unknown) => published.push(message as GroupCommitBatch);
    groupCommitBatches.subscribe(listen);
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => commits.run(async () => i)));
    } finally {
      groupCommitBatches.unsubscribe(listen);
    }
    expect(published.map((batch) => [batch.size, batch.waitedMs.length])).toEqual([
      [8, 8],
      [4, 4],
    ]);
    await commits.run(async () => 0);
    expect(published).toHaveLength(2);
  });

  it("runs the units of a batch one after another: each sees what those before it wrote", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const unit = (id: string) =>
      commits.run(async (trx) => {
        const before = await trx
          .selectFrom("audit_log")
          .select("id")
          .where("action", "=", "test.unit")
          .execute();
        await trx
          .insertInto("audit_log")
          .values({
            id,
            organisation_id: org.id,
            actor_user_id: null,
            action: "test.unit",
            entity: "test",
            entity_id: id,
            before: null,
            after: null,
            ip: null,
            created_at: e.clock.now().toISOString(),
          })
          .execute();
        return before.map((row) => row.id).sort();
      });
    expect(await Promise.all([unit("a"), unit("b"), unit("c")])).toEqual([[], ["a"], ["a", "b"]]);
  });

  it("fails a failing unit alone: the others of its batch are stored", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const insert = (id: string) =>
      commits.run(async (trx) => {
        await trx
          .insertInto("audit_log")
          .values({
            id,
            organisation_id: org.id,
            actor_user_id: null,
            action: "test.unit",
            entity: "test",
            entity_id: id,
            before: null,
            after: null,
            ip: null,
            created_at: e.clock.now().toISOString(),
          })
          .execute();
        return id;
      });
    // "twice" is inserted by two units: the second breaks the primary key, after the first.
    const outcomes = await Promise.allSettled([
      insert("one"),
      insert("twice"),
      insert("twice"),
      insert("two"),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const stored = await storedUnits(e);
    expect(stored).toEqual(["one", "twice", "two"]);
  });

  it("writes the rows units deferred before the commit, and fails a unit whose deferred row breaks a key", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const auditRow = (id: string) => ({
      id,
      organisation_id: org.id,
      actor_user_id: null,
      action: "test.deferred",
      entity: "test",
      entity_id: id,
      before: null,
      after: null,
      ip: null,
      created_at: e.clock.now().toISOString(),
    });
    const stored = () =>
      e.ctx.db.kysely
        .selectFrom("audit_log")
        .select("id")
        .where("action", "=", "test.deferred")
        .orderBy("id")
        .execute()
        .then((rows) => rows.map((row) => row.id));
    // Each unit sees the rows deferred before it only once it flushes them.
    const unit = (id: string) =>
      commits.run(async (trx, deferred) => {
        const seenBefore = deferred.pending("audit_log").map((row) => row.id);
        await deferred.flush(trx);
        const seen = await trx
          .selectFrom("audit_log")
          .select("id")
          .where("action", "=", "test.deferred")
          .execute();
        deferred.add("audit_log", [auditRow(id)]);
        return { seenBefore, seen: seen.map((row) => row.id).sort() };
      });
    const outcomes = await Promise.allSettled([unit("a"), unit("b"), unit("b"), unit("c")]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await stored()).toEqual(["a", "b", "c"]);
    // Left queued by the last unit, written at the end of its transaction all the same.
    const last = await commits.run(async (_trx, deferred) => {
      deferred.add("audit_log", [auditRow("d"), auditRow("e")]);
      return deferred.pending("audit_log").length;
    });
    expect(last).toBe(2);
    expect(await stored()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("reads the blocks its units name once, and shows each unit what those before it filed", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const stored = await send(e.app, org.cookies.admin, {
      method: "POST",
      url: "/api/v1/contacts",
      payload: { displayName: "Stored Person", phones: ["+39 333 555 0101"], country: "IT" },
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const storedId = stored.json<{ id: string }>().id;
    const { key } = await e.ctx.db.kysely
      .selectFrom("contact_match_keys")
      .select("key")
      .where("contact_id", "=", storedId)
      .where("key", "like", "p%")
      .executeTakeFirstOrThrow();
    const block = [{ key, limit: 3 }];
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const unit = (id: string) =>
      commits.run(
        async (_trx, _deferred, blocks) => {
          const seen = blocks.read(org.id, block)?.get(key) ?? null;
          blocks.file(org.id, key, id);
          return seen;
        },
        { blocks: [{ organisationId: org.id, ...block[0]! }] },
      );
    // The third unit finds the block at its limit (3): "at least that many", the fourth unit not added.
    expect(await Promise.all([unit("a"), unit("b"), unit("c"), unit("d")])).toEqual([
      [storedId],
      [storedId, "a"],
      [storedId, "a", "b"],
      [storedId, "a", "b"],
    ]);
    // A key the batch did not read, a larger limit than it read, or blocks changed by other means: no answer.
    const other = await commits.run(
      async (_trx, _deferred, blocks) => {
        const answers = [
          blocks.read(org.id, [{ key: "tnobody", limit: 3 }]),
          blocks.read(org.id, [{ key, limit: 4 }]),
        ];
        blocks.forget();
        answers.push(blocks.read(org.id, block));
        return answers;
      },
      { blocks: [{ organisationId: org.id, ...block[0]! }] },
    );
    expect(other).toEqual([null, null, null]);
  });

  it("reads the Idempotency-Keys and the active webhooks its units name with the blocks", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const hook = await send(e.app, org.cookies.admin, {
      method: "POST",
      url: "/api/v1/webhooks",
      payload: { url: "https://hooks.example.org/handoff", events: ["contact.created"], active: true },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const first = await e.app.inject({
      method: "POST",
      url: "/api/v1/intake",
      headers: {
        authorization: `Bearer ${await intakeKeyOf(e.app, org.cookies.admin)}`,
        "idempotency-key": "k-1",
      },
      payload: { name: "Keyed Person" },
    });
    expect(first.statusCode, first.body).toBe(201);
    // The intake queued its event for the webhook it read with its batch, in its own transaction.
    const queued = await e.ctx.db.kysely.selectFrom("outbox").select(["target_id", "payload"]).execute();
    expect(queued.map((row) => row.target_id)).toEqual([hook.json().id]);
    expect(JSON.parse(queued[0]!.payload).data.contactId).toBe(first.json().id);
    const commits = groupCommit(e.ctx.db, { maxBatch: 8, concurrency: 1 });
    const unit = (key: string) =>
      commits.run(
        async (_trx, _deferred, blocks) => ({
          seen: blocks.seenKey(org.id, key) ?? null,
          unread: blocks.seenKey(org.id, "never-named"),
          hooks: blocks.webhooks(org.id)?.map((row) => row.id) ?? null,
          otherHooks: blocks.webhooks("another-organisation"),
        }),
        { key: { organisationId: org.id, key }, organisationId: org.id },
      );
    const [stored, fresh] = await Promise.all([unit("k-1"), unit("k-2")]);
    expect(stored).toEqual({
      seen: { request_hash: expect.any(String), contact_id: first.json().id },
      unread: undefined,
      hooks: [hook.json().id],
      otherHooks: null,
    });
    expect(fresh).toMatchObject({ seen: null, unread: undefined, hooks: [hook.json().id] });
  });

  it("runs a transaction's inserts as statements prepared once per connection, and its reads unprepared", async () => {
    const e = env();
    const org = await seedOrganisation(e.ctx, e.app, "alpha");
    const entry = (id: string) => ({
      table: "audit_log",
      columns: ["id", "organisation_id", "action", "entity", "entity_id", "created_at"],
      rows: [
        {
          id,
          organisation_id: org.id,
          action: "test.unit",
          entity: "test",
          entity_id: id,
          created_at: "2026-12-04",
        },
      ],
      skipConflicts: false,
    });
    const prepared = await lockedTransaction(e.ctx.db, [], async (trx) => {
      for (const id of ["a", "b", "c"]) {
        await insertTogether(trx, e.ctx.db.dialect, [entry(`prepared-${id}`)]);
        await sql`select count(*) from audit_log where entity = ${"test"}`.execute(trx);
      }
      if (e.dialect !== "postgres") return [];
      // This connection's prepared statements (PostgreSQL lists them per session).
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        trx,
      );
      return rows.map((row) => row.statement);
    });
    const stored = await storedUnits(e);
    expect(stored).toEqual(["prepared-a", "prepared-b", "prepared-c"]);
    if (e.dialect === "postgres") {
      expect(prepared).toHaveLength(1);
      expect(prepared[0]).toMatch(/^insert into "audit_log" /);
    }
  });

  it("makes a transaction that locks a name wait for another that holds it", async () => {
    const e = env();
    const other = await e.openSecond();
    const holder = await e.ctx.db.kysely.startTransaction().execute();
    await lockNames(holder, e.ctx.db.dialect, ["person-1", "person-2"]);
    const events: string[] = [];
    // Another process locks one of the names (in another order): it must wait for the holder's commit.
    const waiter = other.db.kysely.transaction().execute(async (trx) => {
      await lockNames(trx, other.db.dialect, ["person-3", "person-2"]);
      events.push("waiter locked");
    });
    if (e.dialect === "postgres") {
      // The waiter is queued on the lock (PostgreSQL shows it) before the holder lets go.
      for (;;) {
        const { rows } = await sql<{
          n: number;
        }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(
          e.ctx.db.kysely,
        );
        if (Number(rows[0]?.n) > 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // SQLite: the waiter cannot begin while the holder's transaction runs (one writer at a time).
    await sql`select 1`.execute(holder);
    events.push("holder commits");
    await holder.commit().execute();
    await waiter;
    expect(events).toEqual(["holder commits", "waiter locked"]);
  });
});
