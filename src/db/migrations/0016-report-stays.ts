/**
 * The stages report from rollups: one row of stay facts per stage change (its stage, when it was entered
 * and left, and its contact's place, source, campaign, period of arrival and H3 cells) plus one row per
 * contact for the status it is in now, and their sums per period of arrival, place (or H3 cell at
 * resolution 5) and stage, with the stays counted in the 84 duration buckets of src/core/reports/
 * durations.ts: the finished ones by their length, the open ones by their length as of `stays_at` (the
 * sweeper moves the open stays that crossed a bucket's edge since; a report moves those that crossed one
 * after it). A stage change is noted in report_changes like a change of its contact. The tables start
 * empty: every organisation's report tables are built again by the next refresh (its reports read the
 * raw rows until then).
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import { addChangeTrigger, type DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

/** Buckets per duration histogram (src/core/reports/durations.ts): fixed here, as the columns are. */
const HISTOGRAM_BUCKETS = 84;
const bucketColumn = (kind: "done" | "open", i: number) => `${kind}_h${String(i).padStart(2, "0")}`;

/**
 * What a report groups and filters by, on every stay fact (its contact's), for covering indexes; the
 * cells of resolution 5 only (the rollups' grid): the other resolutions read the rows.
 */
const COVERING = [
  "created_at",
  "country",
  "region",
  "place_name",
  "source",
  "campaign",
  "week",
  "month",
  "h3_r5",
];

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("report_stays")
    // The stage change's id; for the row of the contact's status now, the contact's id.
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull())
    // 'stay' (a stage change) or 'status' (the contact's status now: entered_ms and left_ms null).
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("entered_ms", "bigint")
    .addColumn("left_ms", "bigint")
    .addColumn("duration_ms", "bigint")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("week", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("country", "text")
    .addColumn("region", "text")
    .addColumn("place_name", "text")
    .addColumn("source", "text")
    .addColumn("campaign", "text")
    .addColumn("h3_r4", "text")
    .addColumn("h3_r5", "text")
    .addColumn("h3_r6", "text")
    .addColumn("h3_r7", "text")
    .execute();
  await db.schema.createIndex("report_stays_by_contact").on("report_stays").column("contact_id").execute();
  // Edges of a period a from/to cuts, and reports no rollup holds: by when the contacts arrived.
  await db.schema
    .createIndex("report_stays_by_arrival")
    .on("report_stays")
    .columns(["organisation_id", "created_at"])
    .execute();
  // The values of one bucket of finished stays of one stage, in order, with what reports group by.
  await db.schema
    .createIndex("report_stays_done")
    .on("report_stays")
    .columns(["organisation_id", "stage", "duration_ms", ...COVERING])
    .where(sql<SqlBool>`kind = 'stay' and left_ms is not null`)
    .execute();
  // The open stays by when they were entered (leading: the stays that crossed a bucket's edge in an
  // interval are one range per edge), then their stage and what reports group by.
  await db.schema
    .createIndex("report_stays_open")
    .on("report_stays")
    .columns(["organisation_id", "entered_ms", "stage", ...COVERING])
    .where(sql<SqlBool>`kind = 'stay' and left_ms is null`)
    .execute();

  await db.schema
    .createTable("report_stage_rollups")
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("grain", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    /** The whole key as text (period, place or cell, stage), unique per grain. */
    .addColumn("cell", "text", (c) => c.notNull())
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("country", "text")
    .addColumn("region", "text")
    .addColumn("place_name", "text")
    .addColumn("h3_r5", "text")
    /** Contacts in this stage now. */
    .addColumn("now_contacts", "integer", (c) => c.notNull())
    /** Stays counted (finished and open). */
    .addColumn("stays", "integer", (c) => c.notNull())
    .$call((table) => {
      let t = table;
      for (const kind of ["done", "open"] as const) {
        for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
          t = t.addColumn(bucketColumn(kind, i), "integer", (c) => c.notNull().defaultTo(0));
        }
      }
      return t;
    })
    .addPrimaryKeyConstraint("report_stage_rollups_pk", ["organisation_id", "grain", "cell"])
    .execute();
  await db.schema
    .createIndex("report_stage_rollups_by_period")
    .on("report_stage_rollups")
    .columns(["organisation_id", "grain", "period"])
    .execute();

  /** When the open stays' buckets were counted: their lengths are as of this instant. */
  await db.schema.alterTable("report_refreshes").addColumn("stays_at", "text").execute();

  await addChangeTrigger(db, dialect, {
    name: "report_stage_changed",
    table: "contact_stage_changes",
    columns: ["organisation_id", "contact_id", "status", "entered_at", "left_at"],
    contactId: "contact_id",
  });
  await db.updateTable("report_refreshes").set({ built_at: null }).execute();
}
