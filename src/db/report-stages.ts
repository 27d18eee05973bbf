/**
 * Query functions for the stages report: how long contacts spend in each status (from
 * contact_stage_changes: a stage lasts from one change to the next, its `left_at`, or until now), and how many are in
 * each now. Grouped in SQL like the other reports, percentiles through src/db/dialect.ts.
 */
import { type RawBuilder, sql } from "kysely";
import { type H3Resolution, h3Column } from "../core/reports/hexagons.js";
import type { Dimension } from "../core/reports/measures.js";
import { groupPercentiles, millisecondsBetween } from "./dialect.js";
import {
  CONTACT_COLUMNS,
  conditions,
  keyOf,
  qualifierOf,
  type ReportFilter,
  type ReportScope,
} from "./reports.js";

/** The report's dimensions and the hexagonal grid's cells. */
export type StageDimension = Dimension | "h3";

export interface Grouping {
  by: StageDimension;
  /** For by=h3 only. */
  resolution: H3Resolution;
}

function groupKey(
  scope: ReportScope,
  g: Grouping,
): { key: RawBuilder<string | null>; qualifier: RawBuilder<string | null> } {
  if (g.by === "h3") {
    const key = sql<string | null>`${sql.ref(`contacts.${h3Column(g.resolution)}`)}`;
    return { key, qualifier: key };
  }
  return {
    key: keyOf(scope.dialect, g.by, CONTACT_COLUMNS),
    qualifier: qualifierOf(scope.dialect, g.by, CONTACT_COLUMNS),
  };
}

const n = (value: unknown) => Number(value ?? 0);
const HOUR_MS = 3_600_000;

export interface StageSpread {
  k: string | null;
  c: string | null;
  stage: string;
  total: boolean;
  /** Stays measured: finished ones, and the current one until now. */
  n: number;
  medianHours: number;
  p90Hours: number;
}

/** The median and 90th percentile of the hours spent per stay in each stage, per group and overall. */
export async function stageDurations(
  scope: ReportScope,
  g: Grouping,
  filter: ReportFilter,
  now: string,
): Promise<StageSpread[]> {
  const { db, dialect, organisationId } = scope;
  const { key, qualifier } = groupKey(scope, g);
  // A stay lasts until the contact's next change (stored on its row), or until now.
  const left = sql`coalesce(${sql.ref("contact_stage_changes.left_at")}, ${now})`;
  let q = db
    .selectFrom("contact_stage_changes")
    .innerJoin("contacts", "contacts.id", "contact_stage_changes.contact_id")
    .where("contact_stage_changes.organisation_id", "=", organisationId)
    .where("contacts.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const source = q.select([
    key.as("k"),
    qualifier.as("c"),
    sql<string>`${sql.ref("contact_stage_changes.status")}`.as("s"),
    millisecondsBetween(dialect, sql.ref("contact_stage_changes.entered_at"), left).as("v"),
  ]);
  const { rows } = await groupPercentiles(dialect, sql`${source}`).execute(db);
  return rows
    .filter((r) => n(r.n) > 0)
    .map((r) => ({
      k: r.k,
      c: r.c,
      stage: r.s,
      total: n(r.total) === 1,
      n: n(r.n),
      medianHours: n(r.median) / HOUR_MS,
      p90Hours: n(r.p90) / HOUR_MS,
    }));
}

/** How many contacts are in each status now, per group. */
export async function stageCounts(scope: ReportScope, g: Grouping, filter: ReportFilter) {
  const { db, organisationId } = scope;
  const { key, qualifier } = groupKey(scope, g);
  let q = db.selectFrom("contacts").where("contacts.organisation_id", "=", organisationId);
  for (const condition of conditions(filter, CONTACT_COLUMNS)) q = q.where(condition);
  const rows = await q
    .select((eb) => [key.as("k"), qualifier.as("c"), "contacts.status", eb.fn.countAll().as("n")])
    .groupBy([key, qualifier, "contacts.status"])
    .execute();
  return rows.map((r) => ({ k: r.k, c: r.c, stage: r.status, n: n(r.n) }));
}
