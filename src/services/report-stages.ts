/** The stages report: time spent in each status and how many contacts are in each now, by the usual dimensions. */
import type { Context } from "../context.js";
import { seesSuppressedCounts } from "../core/access/roles.js";
import { type H3Resolution, h3Shape } from "../core/reports/hexagons.js";
import { type StagesReport, stageRows, stageTotals } from "../core/reports/stages.js";
import { ok, type Result } from "../core/result.js";
import { staysAt } from "../db/report-stage-rollups.js";
import { rolledStages, type StageDimension, stageCounts, stageDurations } from "../db/report-stages.js";
import type { ReportFilter } from "../db/reports.js";
import type { Caller } from "./record.js";
import { rollupsReady } from "./refresh-reports.js";
import { mayReadReports, reportScopeOf } from "./reports.js";

export interface StagesQuery extends ReportFilter {
  by: StageDimension;
  resolution: H3Resolution;
}

export async function stagesReport(
  ctx: Context,
  caller: Caller,
  query: StagesQuery,
): Promise<Result<StagesReport>> {
  const may = mayReadReports(caller);
  if (!may.ok) return may;
  const { by, resolution, ...filter } = query;
  const scope = reportScopeOf(ctx, caller);
  const grouping = { by, resolution };
  const now = ctx.clock.now().toISOString();
  // The rollups once they count every change (a team's contacts change with its workers: the raw rows).
  const rolled =
    filter.team === undefined &&
    (await rollupsReady(ctx, caller.organisationId)) &&
    (await staysAt(ctx.db.kysely, caller.organisationId)) !== null;
  const { counts, spreads } = rolled
    ? await rolledStages(scope, grouping, filter, now)
    : await Promise.all([
        stageCounts(scope, grouping, filter),
        stageDurations(scope, grouping, filter, now),
      ]).then(([counts, spreads]) => ({ counts, spreads }));
  const marketer = seesSuppressedCounts(caller);
  const groups = spreads.filter((s) => !s.total);
  const rows = stageRows(counts, groups, { qualified: by === "region" || by === "city", marketer }).map(
    (row) => {
      const shape = by === "h3" && row.key !== null ? h3Shape(row.key) : null;
      return {
        ...row,
        country: by === "country" ? row.key : row.country,
        lat: shape?.lat ?? null,
        lon: shape?.lon ?? null,
      };
    },
  );
  const totals = stageTotals(
    counts,
    spreads.filter((s) => s.total),
    marketer,
  );
  return ok({ by, resolution: by === "h3" ? resolution : null, rows, totals });
}
