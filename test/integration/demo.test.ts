import { type Kysely, sql } from "kysely";
import { expect, it } from "vitest";
import { STATUSES } from "../../src/core/lifecycle/states.js";
import type { Database } from "../../src/db/schema.js";
import { remindAppointments } from "../../src/services/calendar.js";
import { remindCallbacks } from "../../src/services/callbacks.js";
import { escalateDue } from "../../src/services/escalate-deadlines.js";
import { loadDemo } from "../../src/services/load-demo.js";
import { describeEachDatabase } from "../support/databases.js";

/** Loading the demo writes some 70,000 rows; PostgreSQL takes a while. */
const LOAD_TIMEOUT = 90_000;

async function count(db: Kysely<Database>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0);
}

describeEachDatabase("demo", (env) => {
  it(
    "fills two organisations of realistic size, in every state, with no worker over capacity and a timeline for everyone",
    async () => {
      const { ctx } = env();
      const db = ctx.db.kysely;
      await loadDemo(ctx, { seed: 1 });

      const organisations = await db.selectFrom("organisations").select(["id", "slug", "kind"]).execute();
      expect(organisations.map((o) => `${o.slug}:${o.kind}`).sort()).toEqual([
        "harvest:ministry",
        "northwind:sales",
      ]);

      for (const { id, slug } of organisations) {
        const workers = await count(db, sql`select count(*) as n from workers where organisation_id = ${id}`);
        const contacts = await count(
          db,
          sql`select count(*) as n from contacts where organisation_id = ${id}`,
        );
        expect(workers, `${slug} workers`).toBeGreaterThanOrEqual(90);
        expect(workers, `${slug} workers`).toBeLessThanOrEqual(110);
        expect(contacts, `${slug} contacts`).toBeGreaterThanOrEqual(2700);
        expect(contacts, `${slug} contacts`).toBeLessThanOrEqual(3300);
        const statuses = await db
          .selectFrom("contacts")
          .select("status")
          .distinct()
          .where("organisation_id", "=", id)
          .execute();
        expect(statuses.map((s) => s.status).sort(), `${slug} statuses`).toEqual([...STATUSES].sort());
      }

      const overCapacity = await sql<{ id: string }>`
        select w.id from workers w
        join contacts c on c.assigned_worker_id = w.id and c.status in ('offered', 'active', 'paused')
        group by w.id, w.capacity
        having count(*) > w.capacity`.execute(db);
      expect(overCapacity.rows).toEqual([]);

      const holdingWithoutWorker = await count(
        db,
        sql`select count(*) as n from contacts
            where status in ('offered', 'active', 'paused') and assigned_worker_id is null`,
      );
      expect(holdingWithoutWorker).toBe(0);

      const acrossOrganisations = await count(
        db,
        sql`select count(*) as n from contacts c join workers w on w.id = c.assigned_worker_id
            where w.organisation_id <> c.organisation_id`,
      );
      expect(acrossOrganisations).toBe(0);

      const withoutTimeline = await count(
        db,
        sql`select count(*) as n from contacts c
            where not exists (select 1 from activities a where a.contact_id = c.id)`,
      );
      expect(withoutTimeline).toBe(0);

      const now = ctx.clock.now().toISOString();
      const inTheFuture = await count(
        db,
        sql`select count(*) as n from activities where created_at > ${now}`,
      );
      expect(inTheFuture).toBe(0);

      const loads = await db
        .selectFrom("audit_log")
        .select("after")
        .where("action", "=", "demo.load")
        .execute();
      expect(loads.map((l) => JSON.parse(l.after ?? "{}").contacts)).toHaveLength(2);
    },
    LOAD_TIMEOUT,
  );

  it(
    "signs in with every login it prints, and refuses to load a second time",
    async () => {
      const { ctx, app } = env();
      const logins = await loadDemo(ctx, { seed: 1 });
      expect(logins).toHaveLength(12);
      for (const login of logins) {
        const response = await app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: login.email, password: login.password },
        });
        expect(response.statusCode, `${login.email}: ${response.body}`).toBe(200);
        const me = response.json();
        expect(me.user).toMatchObject({ email: login.email, role: login.role });
        expect(me.organisation.name).toBe(login.organisation);
        if (login.role === "worker") expect(me.user.workerId).not.toBeNull();
      }
      await expect(loadDemo(ctx, { seed: 1 })).rejects.toThrow(/already loaded/);
    },
    LOAD_TIMEOUT,
  );

  it(
    "leaves each deadline on the rung the sweeper would have climbed to, with the inboxes that climb filled",
    async () => {
      const { ctx } = env();
      const db = ctx.db.kysely;
      await loadDemo(ctx, { seed: 1 });
      const now = ctx.clock.now().toISOString();

      // Nothing is left for the first sweep: no reminder about the past, no offer already lapsed.
      expect(await escalateDue(ctx)).toEqual({
        reminded: 0,
        escalated: 0,
        expired: 0,
        takenBack: 0,
        seen: 0,
      });

      const open = await db
        .selectFrom("deadlines")
        .select(["id", "kind", "level", "due_at", "organisation_id"])
        .where("closed_at", "is", null)
        .execute();
      const notices = await db
        .selectFrom("notifications")
        .innerJoin("users", "users.id", "notifications.user_id")
        .select([
          "notifications.id",
          "notifications.kind",
          "notifications.deadline_id",
          "notifications.contact_id",
          "notifications.organisation_id",
          "notifications.created_at",
          "notifications.read_at",
          "users.role",
          "users.organisation_id as user_organisation",
        ])
        .execute();
      expect(notices.filter((n) => n.user_organisation !== n.organisation_id)).toEqual([]);
      expect(notices.filter((n) => n.created_at > now)).toEqual([]);

      // Each deadline escalated is one notice to its organisation's dispatcher; no other is.
      const escalated = new Set(open.filter((d) => d.level === 2).map((d) => d.id));
      const told = notices.filter((n) => n.kind === "deadline_escalated");
      expect(escalated.size).toBeGreaterThan(100);
      expect(told.map((n) => n.deadline_id).sort()).toEqual([...escalated].sort());
      expect(told.every((n) => n.role === "dispatcher")).toBe(true);
      expect(open.filter((d) => d.level === 2 && d.due_at > now)).toEqual([]);
      expect(open.filter((d) => d.kind === "accept" && d.due_at <= now)).toEqual([]);

      // Every offer waiting for a worker with a login is in that worker's inbox.
      const waiting = await db
        .selectFrom("contacts")
        .innerJoin("workers", "workers.id", "contacts.assigned_worker_id")
        .select("contacts.id")
        .where("contacts.status", "=", "offered")
        .where("workers.user_id", "is not", null)
        .execute();
      const offered = notices.filter((n) => n.kind === "offer_new");
      expect(waiting.length).toBeGreaterThan(0);
      expect(offered.map((n) => n.contact_id).sort()).toEqual(waiting.map((c) => c.id).sort());
      expect(notices.some((n) => n.kind === "offer_declined" && n.role === "dispatcher")).toBe(true);

      // Older notices were read, the last two days' wait; an inbox lists by id, so ids follow time.
      const twoDaysAgo = new Date(Date.parse(now) - 2 * 24 * 3_600_000).toISOString();
      expect(notices.filter((n) => (n.read_at === null) !== n.created_at >= twoDaysAgo)).toEqual([]);
      const byId = [...notices].sort((a, b) => (a.id < b.id ? -1 : 1)).map((n) => n.created_at);
      expect(byId).toEqual([...byId].sort());
    },
    LOAD_TIMEOUT,
  );

  it(
    "gives the setters callbacks to make and the workers meetings on free slots, with the reminders already due sent",
    async () => {
      const { ctx } = env();
      const db = ctx.db.kysely;
      await loadDemo(ctx, { seed: 1 });
      const now = ctx.clock.now().toISOString();
      // What the sweeper would send now was sent when it came due.
      expect(await remindCallbacks(ctx)).toBe(0);
      expect(await remindAppointments(ctx)).toBe(0);

      const callbacks = await db
        .selectFrom("callbacks")
        .innerJoin("contacts", "contacts.id", "callbacks.contact_id")
        .innerJoin("users", "users.id", "callbacks.setter_id")
        .select(["callbacks.due_at", "callbacks.created_at", "contacts.status", "users.role"])
        .where("callbacks.done_at", "is", null)
        .execute();
      expect(callbacks.length).toBeGreaterThan(20);
      expect(
        callbacks.filter((c) => !["new", "qualifying"].includes(c.status) || c.role !== "setter"),
      ).toEqual([]);
      expect(callbacks.filter((c) => c.created_at >= c.due_at || c.created_at > now)).toEqual([]);
      expect(callbacks.some((c) => c.due_at < now)).toBe(true);

      const meetings = await db
        .selectFrom("appointments")
        .innerJoin("contacts", "contacts.id", "appointments.contact_id")
        .innerJoin("workers", "workers.id", "appointments.worker_id")
        .select([
          "workers.status as worker_status",
          "appointments.worker_id",
          "appointments.start_ms",
          "appointments.end_ms",
          "appointments.id",
          "contacts.status",
          "contacts.progress",
          "contacts.assigned_worker_id",
        ])
        .where("appointments.status", "=", "booked")
        .orderBy("appointments.worker_id")
        .orderBy("appointments.start_ms")
        .execute();
      expect(meetings.length).toBeGreaterThan(40);
      for (const m of meetings) {
        expect(m.status).toBe("active");
        // A meeting set, or a follow-up with someone already met.
        expect(["scheduled", "meeting_set", "met", "ongoing", "coaching", "won"]).toContain(m.progress);
        expect(m.assigned_worker_id).toBe(m.worker_id);
        expect(m.worker_status).toBe("active");
        expect(Number(m.start_ms)).toBeGreaterThan(Date.parse(now));
      }
      meetings.forEach((m, i) => {
        const next = meetings[i + 1];
        if (next?.worker_id === m.worker_id)
          expect(Number(next.start_ms)).toBeGreaterThanOrEqual(Number(m.end_ms));
      });
      const booked = await db
        .selectFrom("activities")
        .select("data")
        .where("kind", "=", "appointment")
        .execute();
      expect(booked.map((a) => JSON.parse(a.data).appointmentId).sort()).toEqual(
        meetings.map((m) => m.id).sort(),
      );
    },
    LOAD_TIMEOUT,
  );
});
