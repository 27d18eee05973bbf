/**
 * Reports at 10^6 contacts without reading the contacts: one narrow row of report facts per contact,
 * counts rolled up by week and by month of arrival, and a queue of the contacts changed since (filled
 * by triggers, so every path that writes a contact or an offer is seen), which the sweeper works off.
 * The tables start empty: each organisation's are built set-based by the first refresh (src/db/
 * report-rollups.ts), not here, so that the migration stays short on a large database.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import { addChangeTrigger, type DialectName, serialIdType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

/** Buckets per duration histogram (src/core/reports/durations.ts): fixed here, as the columns are. */
const HISTOGRAM_BUCKETS = 84;
const histogramColumn = (metric: string, i: number) => `${metric}_h${String(i).padStart(2, "0")}`;

/** The contact columns the reports read: a change to any other column changes no figure. */
const REPORTED_CONTACT_COLUMNS = [
  "organisation_id",
  "created_at",
  "country",
  "region",
  "place_name",
  "source",
  "campaign",
  "status",
  "status_reason",
  "assigned_at",
  "accepted_at",
  "first_attempt_at",
  "first_meeting_at",
];

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("report_facts")
    .addColumn("contact_id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_ms", "bigint", (c) => c.notNull())
    .addColumn("week", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("country", "text")
    .addColumn("region", "text")
    .addColumn("place_name", "text")
    .addColumn("source", "text")
    .addColumn("campaign", "text")
    .addColumn("unassignable", "integer", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("waiting", "integer", (c) => c.notNull())
    .addColumn("accepted", "integer", (c) => c.notNull())
    .addColumn("met", "integer", (c) => c.notNull())
    .addColumn("offers_answered", "integer", (c) => c.notNull())
    .addColumn("offers_accepted", "integer", (c) => c.notNull())
    .addColumn("to_assignment_ms", "bigint")
    .addColumn("to_first_contact_ms", "bigint")
    .execute();
  // Periods cut by a from/to inside them are read here, by when the contacts arrived.
  await db.schema
    .createIndex("report_facts_by_arrival")
    .on("report_facts")
    .columns(["organisation_id", "created_at"])
    .execute();
  // Medians: the values of one bucket of durations (or of one period, for those waiting), in order, with
  // everything a report filters and groups by, so that reading them never visits the table.
  const covering = ["created_at", "country", "region", "place_name", "source", "campaign", "week", "month"];
  for (const [name, value, where] of [
    ["report_facts_to_assignment", "to_assignment_ms", "to_assignment_ms is not null"],
    ["report_facts_to_first_contact", "to_first_contact_ms", "to_first_contact_ms is not null"],
    ["report_facts_waiting", "created_ms", "waiting = 1"],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("report_facts")
      .columns(["organisation_id", value, ...covering])
      .where(sql.raw<SqlBool>(where))
      .execute();
  }

  await db.schema
    .createTable("report_rollups")
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("grain", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    /** The whole key as JSON text, unique per grain: nulls in the key columns compare equal here. */
    .addColumn("cell", "text", (c) => c.notNull())
    .addColumn("country", "text")
    .addColumn("region", "text")
    .addColumn("place_name", "text")
    .addColumn("source", "text")
    .addColumn("campaign", "text")
    .addColumn("reason", "text")
    .addColumn("contacts", "integer", (c) => c.notNull())
    .addColumn("unassignable", "integer", (c) => c.notNull())
    .addColumn("waiting", "integer", (c) => c.notNull())
    .addColumn("accepted", "integer", (c) => c.notNull())
    .addColumn("met", "integer", (c) => c.notNull())
    .addColumn("offers_answered", "integer", (c) => c.notNull())
    .addColumn("offers_accepted", "integer", (c) => c.notNull())
    .addColumn("assigned", "integer", (c) => c.notNull())
    .addColumn("first_contacted", "integer", (c) => c.notNull())
    .$call((table) => {
      // How many durations fall in each bucket (src/core/reports/durations.ts), for the medians.
      let t = table;
      for (const metric of ["assign", "first"]) {
        for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
          t = t.addColumn(histogramColumn(metric, i), "integer", (c) => c.notNull().defaultTo(0));
        }
      }
      return t;
    })
    .addPrimaryKeyConstraint("report_rollups_pk", ["organisation_id", "grain", "cell"])
    .execute();
  await db.schema
    .createIndex("report_rollups_by_period")
    .on("report_rollups")
    .columns(["organisation_id", "grain", "period"])
    .execute();

  await db.schema
    .createTable("report_changes")
    .addColumn("id", serialIdType(dialect), (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("report_changes_by_organisation")
    .on("report_changes")
    .columns(["organisation_id", "id"])
    .execute();

  /** One row per organisation whose facts are built: also what a refresh locks, one at a time. */
  await db.schema
    .createTable("report_refreshes")
    .addColumn("organisation_id", "text", (c) => c.primaryKey())
    .addColumn("built_at", "text")
    .addColumn("refreshed_at", "text")
    .execute();

  // The map's fallback (coordinates recorded in a city the gazetteer does not know) reads only these.
  await db.schema
    .createIndex("contacts_located_by_place")
    .on("contacts")
    .columns(["organisation_id", "place_name", "country", "lat", "lon"])
    .where(sql<SqlBool>`lat is not null and lon is not null`)
    .execute();

  await addChangeTrigger(db, dialect, {
    name: "report_contact_changed",
    table: "contacts",
    columns: REPORTED_CONTACT_COLUMNS,
    contactId: "id",
  });
  // Offers: only the accept deadlines' outcomes count (offers answered and accepted).
  await addChangeTrigger(db, dialect, {
    name: "report_offer_changed",
    table: "deadlines",
    columns: ["organisation_id", "contact_id", "kind", "outcome"],
    contactId: "contact_id",
    when: (row) => `${row}.kind = 'accept'`,
  });
}
