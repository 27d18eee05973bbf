/**
 * How many contacts each worker held at the start of each past week, kept once counted: the workers
 * report's weekly load read 127,000 stays of the last twelve weeks on every call at 10^6 contacts, and a
 * finished week's counts change only when a stay before its end is written (src/db/report-workers.ts).
 * Triggers on contact_stage_changes drop the counts a write may change (those at or after the earliest
 * instant the write touches), whichever code path made it; a fresh count replaces them on the next read.
 */
import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

/**
 * The earliest instant at which a change of one stay from `o` to `n` may change a held count: where only
 * its end moved, the earlier of the two ends (a count before it is the same); otherwise the earlier entry.
 * Null when nothing held changes (no end before or after).
 */
function fromUpdate(o: string, n: string, bytewise: string): string {
  return `case
    when ${o}.organisation_id = ${n}.organisation_id and ${o}.contact_id = ${n}.contact_id
      and ${o}.entered_at = ${n}.entered_at and ${o}.status = ${n}.status
      and (${o}.worker_id = ${n}.worker_id or (${o}.worker_id is null and ${n}.worker_id is null))
    then case
      when ${o}.left_at = ${n}.left_at then null
      when ${o}.left_at is null then ${n}.left_at
      when ${n}.left_at is null then ${o}.left_at
      when ${o}.left_at${bytewise} < ${n}.left_at${bytewise} then ${o}.left_at
      else ${n}.left_at end
    else case when ${o}.entered_at${bytewise} < ${n}.entered_at${bytewise} then ${o}.entered_at else ${n}.entered_at end
  end`;
}

/** A stay moved to another organisation changes the old one's counts from its entry on (no path does it). */
function fromMove(o: string, n: string, bytewise: string): string {
  return `case when ${o}.entered_at${bytewise} < ${n}.entered_at${bytewise} then ${o}.entered_at else ${n}.entered_at end`;
}

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("report_held_weeks")
    .addColumn("organisation_id", "text", (c) => c.notNull())
    /** A week's edge (Monday 00:00 UTC) as ISO text. */
    .addColumn("at", "text", (c) => c.notNull())
    /** `worker id:count` per worker who held any then, joined by commas. */
    .addColumn("counts", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("report_held_weeks_pk", ["organisation_id", "at"])
    .execute();

  if (dialect === "postgres") {
    // Once per statement, over the rows it wrote (a batch of intakes is one statement); ISO instants
    // compared byte by byte, as they sort.
    const bytes = ' collate "C"';
    const drop = (from: string) =>
      `delete from report_held_weeks h using (
         select organisation_id, min(f${bytes}) as f from (${from}) w where f is not null group by organisation_id
       ) c where h.organisation_id = c.organisation_id and h.at${bytes} >= c.f;`;
    const pairs = "from old_rows o join new_rows n on n.id = o.id";
    const functions = {
      insert: drop("select organisation_id, entered_at as f from new_rows"),
      update: drop(
        `select n.organisation_id, ${fromUpdate("o", "n", bytes)} as f ${pairs}
         union all select o.organisation_id, ${fromMove("o", "n", bytes)} as f ${pairs}
           where o.organisation_id <> n.organisation_id`,
      ),
      delete: drop("select organisation_id, entered_at as f from old_rows"),
    };
    for (const [event, body] of Object.entries(functions)) {
      await sql
        .raw(
          `create function report_held_weeks_${event}() returns trigger language plpgsql as $$
           begin ${body} return null; end $$`,
        )
        .execute(db);
      const referencing =
        event === "insert"
          ? "new table as new_rows"
          : event === "delete"
            ? "old table as old_rows"
            : "old table as old_rows new table as new_rows";
      await sql
        .raw(
          `create trigger report_held_weeks_${event} after ${event} on contact_stage_changes
           referencing ${referencing} for each statement execute function report_held_weeks_${event}()`,
        )
        .execute(db);
    }
    return;
  }
  const drop = (organisation: string, from: string) =>
    `delete from report_held_weeks where organisation_id = ${organisation} and at >= ${from};`;
  await sql
    .raw(
      `create trigger report_held_weeks_insert after insert on contact_stage_changes begin
         ${drop("new.organisation_id", "new.entered_at")} end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger report_held_weeks_delete after delete on contact_stage_changes begin
         ${drop("old.organisation_id", "old.entered_at")} end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger report_held_weeks_update after update on contact_stage_changes begin
         ${drop("new.organisation_id", `(${fromUpdate("old", "new", "")})`)}
         delete from report_held_weeks where organisation_id = old.organisation_id
           and old.organisation_id <> new.organisation_id and at >= (${fromMove("old", "new", "")});
       end`,
    )
    .execute(db);
}
