/**
 * Indexes of the stays per stage and group: the open ones ordered by when they were entered (an open
 * stay's length is now − entered, so the n-th longest open stay of a stage in a group is the n-th entry
 * of one index range, wherever the clock stands), the finished ones by their length. The stages report
 * reads a median or 90th percentile inside a duration bucket from such a range, stepping over the stays
 * before it, beside the bucket's other side read whole (src/db/report-stages.ts), instead of counting
 * every stay of the bucket. One index per way a report from the stage rollups groups (and one for the
 * open stays' totals per stage; report_stays_done serves the finished ones'); the columns its filters
 * test come last, so the reads stay index-only.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

/** What each index leads with after the organisation and stage (its group), by name. */
const GROUPS: Record<string, readonly string[]> = {
  stage: [],
  country: ["country"],
  region: ["country", "region"],
  place: ["country", "place_name"],
  week: ["week"],
  month: ["month"],
  cell: ["h3_r5"],
};
/** What the report filters a rollup's reading by: when the contact arrived, its country and its place. */
const FILTERED = ["created_at", "country", "place_name"];

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  for (const [name, group] of Object.entries(GROUPS)) {
    await db.schema
      .createIndex(`report_stays_open_by_${name}`)
      // A large schema may have them built by hand ahead of the migration (they take minutes at 10^6).
      .ifNotExists()
      .on("report_stays")
      .columns([
        "organisation_id",
        "stage",
        ...group,
        "entered_ms",
        ...FILTERED.filter((c) => !group.includes(c)),
      ])
      .where(sql<SqlBool>`kind = 'stay' and left_ms is null`)
      .execute();
  }
  // The finished stays likewise by their length, per group (report_stays_done serves the totals): where a
  // bucket's open stays are few, a rank among its finished ones is one index range read from an offset.
  for (const [name, group] of Object.entries(GROUPS)) {
    if (group.length === 0) continue;
    await db.schema
      .createIndex(`report_stays_done_by_${name}`)
      .ifNotExists()
      .on("report_stays")
      .columns([
        "organisation_id",
        "stage",
        ...group,
        "duration_ms",
        ...FILTERED.filter((c) => !group.includes(c)),
      ])
      .where(sql<SqlBool>`kind = 'stay' and left_ms is not null`)
      .execute();
  }
}
