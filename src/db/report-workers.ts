/**
 * Query functions for the workers report: the contacts each worker held at given instants (from
 * contact_stage_changes), and per worker the offers answered, the meetings and the time to first contact
 * in two windows (the last 30 days and the 30 before), all grouped in SQL.
 */
import { type RawBuilder, sql } from "kysely";
import { groupPercentiles, millisecondsBetween } from "./dialect.js";
import type { ReportScope } from "./reports.js";
import { HOLDING_STATUSES } from "./workers.js";

const n = (value: unknown) => Number(value ?? 0);

/** How many contacts each worker held (offered, active or paused) at each instant. */
export async function heldAt(scope: ReportScope, instants: readonly string[]) {
  const { db, organisationId } = scope;
  if (instants.length === 0) return [];
  const moments = sql.join(
    instants.map((t) => sql`select cast(${t} as text) as t`),
    sql` union all `,
  );
  const stays = db
    .selectFrom("contact_stage_changes")
    .select([
      "contact_stage_changes.worker_id",
      "contact_stage_changes.status",
      "contact_stage_changes.entered_at",
      sql<string | null>`lead(${sql.ref("contact_stage_changes.entered_at")}) over (partition by ${sql.ref(
        "contact_stage_changes.contact_id",
      )} order by ${sql.ref("contact_stage_changes.entered_at")}, ${sql.ref("contact_stage_changes.id")})`.as(
        "left_at",
      ),
    ])
    .where("contact_stage_changes.organisation_id", "=", organisationId);
  const { rows } = await sql<{ worker_id: string; t: string; n: number }>`
    select s.worker_id, m.t, count(*) as n
    from (${stays}) s
    join (${moments}) m on s.entered_at <= m.t and (s.left_at is null or s.left_at > m.t)
    where s.worker_id is not null and s.status in (${sql.join(HOLDING_STATUSES)})
    group by s.worker_id, m.t`.execute(db);
  return rows.map((r) => ({ workerId: r.worker_id, at: r.t, held: n(r.n) }));
}

export interface Windows {
  /** The earlier window starts here… */
  since: string;
  /** …and the recent one here; it runs to `until`. */
  middle: string;
  until: string;
}

/**
 * Which window a time falls in. The boundary is written as a literal (an ISO instant we made, never user
 * input): PostgreSQL would not see a parameter in SELECT and GROUP BY as the same expression.
 */
function windowOf(column: string, w: Windows): RawBuilder<string> {
  return sql<string>`case when ${sql.ref(column)} >= ${sql.lit(w.middle)} then 'recent' else 'before' end`;
}

/** Offers answered (accepted, declined or lapsed) per worker and window, by when they were answered. */
export async function answersByWindow(scope: ReportScope, w: Windows) {
  const { db, organisationId } = scope;
  const window = windowOf("deadlines.closed_at", w);
  const rows = await db
    .selectFrom("deadlines")
    .where("deadlines.organisation_id", "=", organisationId)
    .where("deadlines.kind", "=", "accept")
    .where("deadlines.outcome", "in", ["met", "declined", "expired"])
    .where("deadlines.worker_id", "is not", null)
    .where("deadlines.closed_at", ">=", w.since)
    .where("deadlines.closed_at", "<", w.until)
    .select((eb) => [
      "deadlines.worker_id",
      window.as("window"),
      eb.fn.countAll().as("answered"),
      eb.fn.sum(eb.case().when("deadlines.outcome", "=", "met").then(1).else(0).end()).as("accepted"),
    ])
    .groupBy(["deadlines.worker_id", window])
    .execute();
  return rows.map((r) => ({
    workerId: r.worker_id ?? "",
    window: r.window,
    answered: n(r.answered),
    accepted: n(r.accepted),
  }));
}

/** Contacts each worker accepted per window (by when), and how many of them they have met. */
export async function meetingsByWindow(scope: ReportScope, w: Windows) {
  const { db, organisationId } = scope;
  const window = windowOf("contacts.accepted_at", w);
  const rows = await db
    .selectFrom("contacts")
    .where("contacts.organisation_id", "=", organisationId)
    .where("contacts.assigned_worker_id", "is not", null)
    .where("contacts.accepted_at", ">=", w.since)
    .where("contacts.accepted_at", "<", w.until)
    .select((eb) => [
      "contacts.assigned_worker_id",
      window.as("window"),
      eb.fn.countAll().as("accepted"),
      eb.fn.sum(eb.case().when("contacts.first_meeting_at", "is not", null).then(1).else(0).end()).as("met"),
    ])
    .groupBy(["contacts.assigned_worker_id", window])
    .execute();
  return rows.map((r) => ({
    workerId: r.assigned_worker_id ?? "",
    window: r.window,
    accepted: n(r.accepted),
    met: n(r.met),
  }));
}

/** The median hours from acceptance to the first attempt, per worker and window (by when accepted). */
export async function firstContactByWindow(scope: ReportScope, w: Windows) {
  const { db, dialect, organisationId } = scope;
  const source = db
    .selectFrom("contacts")
    .where("contacts.organisation_id", "=", organisationId)
    .where("contacts.assigned_worker_id", "is not", null)
    .where("contacts.first_attempt_at", "is not", null)
    .where("contacts.accepted_at", ">=", w.since)
    .where("contacts.accepted_at", "<", w.until)
    .select([
      sql<string>`${sql.ref("contacts.assigned_worker_id")}`.as("k"),
      windowOf("contacts.accepted_at", w).as("c"),
      sql<string>`'first_contact'`.as("s"),
      millisecondsBetween(dialect, sql.ref("contacts.accepted_at"), sql.ref("contacts.first_attempt_at")).as(
        "v",
      ),
    ]);
  const { rows } = await groupPercentiles(dialect, sql`${source}`).execute(db);
  return rows
    .filter((r) => n(r.total) === 0 && n(r.n) > 0)
    .map((r) => ({
      workerId: r.k ?? "",
      window: r.c ?? "",
      n: n(r.n),
      medianHours: n(r.median) / 3_600_000,
    }));
}
