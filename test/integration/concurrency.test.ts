import { expect, it } from "vitest";
import { changeContactStatus } from "../../src/services/change-contact-status.js";
import type { Caller } from "../../src/services/record.js";
import { describeEachDatabase } from "../support/databases.js";
import { addContact, seedOrganisation } from "../support/seed.js";

describeEachDatabase("concurrent changes", (env) => {
  it("offers one contact to exactly one worker when two processes offer it at once", async () => {
    const { app, ctx } = env();
    const second = await env().openSecond();
    const org = await seedOrganisation(ctx, app, "alpha");
    const dispatcher: Caller = {
      userId: org.userIds.dispatcher,
      organisationId: org.id,
      role: "dispatcher",
      workerId: null,
      ip: null,
    };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await addContact(app, org.cookies.dispatcher, { phones: [] }));
    for (const id of ids) {
      const ready = await changeContactStatus(ctx, dispatcher, id, { to: "ready" });
      expect(ready.ok).toBe(true);
    }
    const results = await Promise.all(
      ids.flatMap((id) => [
        changeContactStatus(ctx, dispatcher, id, { to: "offered", workerId: org.workers.worker.id }),
        changeContactStatus(second, dispatcher, id, { to: "offered", workerId: org.workers.worker2.id }),
      ]),
    );
    for (let i = 0; i < ids.length; i++) {
      const pair = [results[2 * i], results[2 * i + 1]];
      expect(pair.filter((r) => r?.ok).length).toBe(1);
      const loser = pair.find((r) => r && !r.ok);
      expect(loser && !loser.ok && loser.error.code).toBe("conflict");
    }
    const offers = await ctx.db.kysely
      .selectFrom("activities")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("kind", "=", "status")
      .where("data", "like", '%"to":"offered"%')
      .executeTakeFirstOrThrow();
    expect(Number(offers.n)).toBe(ids.length);
  });
});
