/** Query functions for deadlines: the open ones of a contact, the due ones for the sweeper, the board. */
import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { ContactFacts, DeadlineKind, OpenDeadline } from "../core/accountability/deadlines.js";
import { type DialectName, forUpdateSkipLocked, millisecondsBetween } from "./dialect.js";
import type { ContactsTable, Database, DeadlinesTable } from "./schema.js";

export type DeadlineRow = Selectable<DeadlinesTable>;

/** What the deadlines of one contact are computed from. */
export async function contactFacts(
  db: Kysely<Database>,
  organisationId: string,
  contactId: string,
): Promise<ContactFacts | undefined> {
  const row = await db
    .selectFrom("contacts")
    .select([
      "status",
      "progress",
      "assigned_worker_id",
      "assigned_at",
      "accepted_at",
      "first_attempt_at",
      "first_meeting_at",
      "last_update_at",
    ])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", contactId)
    .executeTakeFirst();
  return row && factsOfRow(row);
}

/** A contact row's columns that the deadlines depend on, as the accountability core reads them. */
export function factsOfRow(
  row: Pick<
    ContactsTable,
    | "status"
    | "progress"
    | "assigned_worker_id"
    | "assigned_at"
    | "accepted_at"
    | "first_attempt_at"
    | "first_meeting_at"
    | "last_update_at"
  >,
): ContactFacts {
  return {
    status: row.status,
    progress: row.progress,
    assignedWorkerId: row.assigned_worker_id,
    assignedAt: row.assigned_at,
    acceptedAt: row.accepted_at,
    firstAttemptAt: row.first_attempt_at,
    firstMeetingAt: row.first_meeting_at,
    lastUpdateAt: row.last_update_at,
  };
}

export async function openDeadlinesOf(
  db: Kysely<Database>,
  organisationId: string,
  contactId: string,
): Promise<Array<OpenDeadline & { level: number }>> {
  const rows = await db
    .selectFrom("deadlines")
    .select(["id", "kind", "worker_id", "due_at", "created_at", "level"])
    .where("organisation_id", "=", organisationId)
    .where("contact_id", "=", contactId)
    .where("closed_at", "is", null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as DeadlineKind,
    workerId: r.worker_id,
    dueAt: r.due_at,
    createdAt: r.created_at,
    level: r.level,
  }));
}

export async function insertDeadline(db: Kysely<Database>, row: Insertable<DeadlinesTable>): Promise<void> {
  await db.insertInto("deadlines").values(row).execute();
}

export async function closeDeadline(
  db: Kysely<Database>,
  id: string,
  close: { outcome: string; at: string; answer?: string | null },
): Promise<void> {
  await db
    .updateTable("deadlines")
    .set({ closed_at: close.at, outcome: close.outcome, next_at: null, answer: close.answer ?? null })
    .where("id", "=", id)
    .where("closed_at", "is", null)
    .execute();
}

export async function findDeadline(db: Kysely<Database>, organisationId: string, id: string) {
  return db
    .selectFrom("deadlines")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/**
 * Due deadlines of every organisation, locked: another sweeper skips them, so each rung of a
 * ladder is climbed once however many processes sweep.
 */
export async function lockDueDeadlines(
  db: Kysely<Database>,
  dialect: DialectName,
  now: string,
  limit: number,
): Promise<DeadlineRow[]> {
  return forUpdateSkipLocked(
    dialect,
    db
      .selectFrom("deadlines")
      .selectAll()
      .where("next_at", "<=", now)
      .where("closed_at", "is", null)
      .orderBy("next_at")
      .limit(limit),
  ).execute();
}

export interface OpenDeadlineFilter {
  workerId?: string | undefined;
  contactId?: string | undefined;
  kind?: DeadlineKind | undefined;
  /** Only those past due at this instant. */
  overdueAt?: string | undefined;
}

/** Open deadlines with their contact's name and their worker's, soonest due first. */
export async function listOpenDeadlines(
  db: Kysely<Database>,
  organisationId: string,
  filter: OpenDeadlineFilter,
  limit: number,
) {
  let q = db
    .selectFrom("deadlines")
    .innerJoin("contacts", "contacts.id", "deadlines.contact_id")
    .leftJoin("workers", "workers.id", "deadlines.worker_id")
    .leftJoin("users as requester", "requester.id", "deadlines.requested_by")
    .select([
      "deadlines.id",
      "deadlines.kind",
      "deadlines.contact_id",
      "deadlines.worker_id",
      "deadlines.due_at",
      "deadlines.level",
      "deadlines.note",
      "deadlines.created_at",
      "deadlines.requested_by",
      "contacts.display_name as contact_name",
      "workers.name as worker_name",
      "requester.name as requester_name",
    ])
    .where("deadlines.organisation_id", "=", organisationId)
    .where("deadlines.closed_at", "is", null);
  if (filter.workerId) q = q.where("deadlines.worker_id", "=", filter.workerId);
  if (filter.contactId) q = q.where("deadlines.contact_id", "=", filter.contactId);
  if (filter.kind) q = q.where("deadlines.kind", "=", filter.kind);
  if (filter.overdueAt) q = q.where("deadlines.due_at", "<", filter.overdueAt);
  return q.orderBy("deadlines.due_at").orderBy("deadlines.id").limit(limit).execute();
}

/**
 * Overdue deadlines counted per worker and by how late, in the database: the board's figures stay
 * exact and cheap however many there are.
 */
export async function overdueCounts(db: Kysely<Database>, organisationId: string, now: string) {
  const ago = (days: number) => new Date(Date.parse(now) - days * 86_400_000).toISOString();
  const [d1, d3, d7] = [ago(1), ago(3), ago(7)];
  return db
    .selectFrom("deadlines")
    .leftJoin("workers", "workers.id", "deadlines.worker_id")
    .select(["deadlines.worker_id", "workers.name as worker_name"])
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.min("deadlines.due_at").as("oldest"),
      eb.fn.sum<number>(eb.case().when("deadlines.due_at", ">=", d1).then(1).else(0).end()).as("under_1d"),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb("deadlines.due_at", "<", d1), eb("deadlines.due_at", ">=", d3)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as("d1_3"),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb("deadlines.due_at", "<", d3), eb("deadlines.due_at", ">=", d7)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as("d3_7"),
      eb.fn.sum<number>(eb.case().when("deadlines.due_at", "<", d7).then(1).else(0).end()).as("over_7d"),
    ])
    .where("deadlines.organisation_id", "=", organisationId)
    .where("deadlines.closed_at", "is", null)
    .where("deadlines.due_at", "<", now)
    .groupBy(["deadlines.worker_id", "workers.name"])
    .execute();
}

/**
 * Per worker, the offers (accept deadlines) created since `since` that they answered (accepted, declined
 * or let lapse): how many, and the one or two middle values of the milliseconds each took, in order
 * (`low` and `high`, equal when the number is odd), so the median is computed from them exactly as from
 * every value. Counted in SQL: at 10^4 workers the offers of 30 days were 32,000 rows of four columns
 * for the process to read and parse.
 */
export async function answerMiddles(
  db: Kysely<Database>,
  dialect: DialectName,
  organisationId: string,
  since: string,
): Promise<Array<{ workerId: string; n: number; lowMs: number; highMs: number }>> {
  const took = millisecondsBetween(dialect, sql.ref("created_at"), sql.ref("closed_at"));
  const { rows } = await sql<{
    worker_id: string;
    n: number | string;
    low: number | string;
    high: number | string;
  }>`
    select worker_id, n, min(v) as low, max(v) as high from (
      select worker_id, ${took} as v,
        row_number() over (partition by worker_id order by ${took}) as i,
        count(*) over (partition by worker_id) as n
      from deadlines
      where organisation_id = ${organisationId} and kind = 'accept' and created_at >= ${since}
        and worker_id is not null and closed_at is not null and outcome in ('met', 'declined', 'expired')
    ) ranked
    where i in ((n + 1) / 2, (n + 2) / 2)
    group by worker_id, n`.execute(db);
  return rows.map((r) => ({
    workerId: r.worker_id,
    n: Number(r.n),
    lowMs: Number(r.low),
    highMs: Number(r.high),
  }));
}
