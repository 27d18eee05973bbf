/** Group commit: units of work stored together in one transaction, each settled only once committed. */
import { expect, it } from "vitest";
import { groupCommit } from "../../src/db/group-commit.js";
import { describeEachDatabase } from "../support/databases.js";
import { seedOrganisation } from "../support/seed.js";

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
    const stored = await e.ctx.db.kysely
      .selectFrom("audit_log")
      .select("id")
      .where("action", "=", "test.unit")
      .orderBy("id")
      .execute();
    expect(stored.map((row) => row.id)).toEqual(["one", "twice", "two"]);
  });
});
