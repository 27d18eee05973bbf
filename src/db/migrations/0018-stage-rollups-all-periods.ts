/**
 * A stage rollup grain per H3 cell (at resolution 5), place and stage over every period of arrival
 * ('all-by-cell', period 'all'): the stages report on the grid with no period filter reads these rows
 * (283 cells × 9 stages at 10^6 contacts) instead of summing the 57,334 rows of months per cell, each 168
 * sums wide (0.46 s of a 1.0 s report). The rows already built are summed here from those per month and
 * cell (the same stays, the open ones counted as of the same `stays_at`), so no organisation's report
 * tables are built again; the refresh keeps the new rows from then on.
 */
import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";
import { cellSql } from "../rollup-cells.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

/** Buckets per duration histogram (src/core/reports/durations.ts): fixed here, as the columns are. */
const HISTOGRAM_BUCKETS = 84;
const bucketColumn = (kind: "done" | "open", i: number) => `${kind}_h${String(i).padStart(2, "0")}`;
const SUMMED = [
  "now_contacts",
  "stays",
  ...(["done", "open"] as const).flatMap((kind) =>
    Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => bucketColumn(kind, i)),
  ),
];
/** The keys of the grains by cell (region stays null in them). */
const KEYS = ["country", "place_name", "h3_r5"];

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  const refs = (columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(c)));
  await sql`insert into report_stage_rollups (organisation_id, grain, period, cell, stage, ${refs(KEYS)}, region,
      ${refs(SUMMED)})
    select organisation_id, 'all-by-cell', period, ${cellSql(["period", ...KEYS, "stage"])}, stage, ${refs(KEYS)},
      null, ${refs(SUMMED)}
    from (
      select organisation_id, 'all' as period, ${refs(KEYS)}, stage,
        ${sql.join(SUMMED.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`))}
      from report_stage_rollups
      where grain = 'month-by-cell'
      group by organisation_id, ${refs(KEYS)}, stage
    ) t`.execute(db);
}
