/**
 * /api/v1/reports, part two: time in each stage, workers' load and who improves or slips, demand per
 * worker on the hexagonal grid, and the demand alerts. JSON, or CSV with `format=csv`.
 */
import { stringify } from "csv-stringify/sync";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { DemandAlertsSchema } from "../../core/reports/alerts.js";
import { DEFAULT_H3_RESOLUTION, H3_RESOLUTIONS, HexagonsReportSchema } from "../../core/reports/hexagons.js";
import { DIMENSIONS } from "../../core/reports/measures.js";
import { StagesReportSchema } from "../../core/reports/stages.js";
import { WorkersReportSchema } from "../../core/reports/workers.js";
import type { Result } from "../../core/result.js";
import { listDemandAlerts } from "../../services/demand-alerts.js";
import { hexagonsReport } from "../../services/report-hexagons.js";
import { stagesReport } from "../../services/report-stages.js";
import { workersReport } from "../../services/report-workers.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { querySchema } from "./reports.js";

const tags = ["reports"];

const resolution = z.coerce
  .number()
  .int()
  .refine((n) => (H3_RESOLUTIONS as readonly number[]).includes(n), "must be 4, 5, 6 or 7")
  .default(DEFAULT_H3_RESOLUTION)
  .describe("H3 resolution for by=h3: 4 (about 1,770 km² a cell) to 7 (about 5 km²)")
  .transform((n) => n as (typeof H3_RESOLUTIONS)[number]);

/**
 * The workers report's answer as JSON straight from the service, not encoded through its zod schema first:
 * the service builds it field by field to that schema (the tests parse every answer and find it unchanged),
 * and encoding 10,000 workers again took about 200 ms of CPU per answer at 10^4 workers (2.5 MB of JSON)
 * against 30-50 ms for the JSON itself. The schema still describes the answer in the OpenAPI document.
 */
const builtToSchema = () => (data: unknown) => JSON.stringify(data);

/** Nested values become dotted columns (`before.acceptanceRate`); lists are joined with `;`. */
function flatten(value: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const column = `${prefix}${name}`;
    if (Array.isArray(v)) out[column] = v.map((x) => (Array.isArray(x) ? x.join(" ") : String(x))).join(";");
    else if (v !== null && typeof v === "object")
      Object.assign(out, flatten(v as Record<string, unknown>, `${column}.`));
    else out[column] = v;
  }
  return out;
}

/** The CSV of a list of records, each tagged by what it is (`row`). */
export function recordsCsv(records: ReadonlyArray<Record<string, unknown>>): string {
  const flat = records.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return stringify(flat, {
    header: true,
    columns,
    cast: { number: (n) => String(n), boolean: (b) => String(b) },
  });
}

function send<T>(
  reply: FastifyReply,
  result: Result<T>,
  format: "json" | "csv",
  file: string,
  records: (value: T) => Array<Record<string, unknown>>,
) {
  if (!result.ok) return sendFailure(reply, result.error);
  if (format === "json") return reply.send(result.value);
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${file}.csv"`)
    .serializer((payload: unknown) => String(payload))
    .send(recordsCsv(records(result.value)));
}

const WHO =
  'Admins and dispatchers; marketers too, with counts from 1 to 4 shown as "<5" and the figures over them left out.';

export function reportInsightRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const STAGE_DIMENSIONS = [...DIMENSIONS, "h3"] as const;

  r.get(
    "/api/v1/reports/stages",
    {
      schema: {
        tags,
        summary:
          "Stages: time spent in each status (median and 90th percentile) and how many are in each now",
        description: `${WHO} A stay lasts from the change into a status to the next change, or until now for the current one. Contacts are selected by when they arrived (from/to).`,
        querystring: querySchema(STAGE_DIMENSIONS).extend({ resolution }),
        produces: ["application/json", "text/csv"],
        response: { 200: StagesReportSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const result = await stagesReport(ctx, callerOf(request), query);
      return send(reply, result, format, `stages-by-${query.by}`, (v) => [
        ...v.rows.map((row) => ({ row: "group", ...row })),
        ...v.totals.map((row) => ({ row: "total", key: null, country: null, lat: null, lon: null, ...row })),
      ]);
    },
  );

  r.get(
    "/api/v1/reports/workers",
    {
      schema: {
        tags,
        summary:
          "Workers: load against capacity per week, overloaded and starved workers, who improves and who slips",
        description: `${WHO} A marketer gets the totals only, no worker. The weeks run from \`from\` to \`to\` (default: the last 12); country, place and team select workers by where they live and their team; improvers and slippers compare the last 30 days with the 30 before.`,
        querystring: querySchema(["week"] as const).omit({ by: true, campaign: true, source: true }),
        produces: ["application/json", "text/csv"],
        response: { 200: WorkersReportSchema, ...problemResponses },
      },
      serializerCompiler: builtToSchema,
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const result = await workersReport(ctx, callerOf(request), query);
      return send(reply, result, format, "workers", (v) => [
        ...v.weeks.map((w) => ({ row: "week", ...w })),
        ...v.workers.map(({ series, ...w }) => ({ row: "worker", ...w, series })),
        ...v.improvers.map((c) => ({ row: "improver", ...c })),
        ...v.slippers.map((c) => ({ row: "slipper", ...c })),
        { row: "total", ...v.totals },
      ]);
    },
  );

  r.get(
    "/api/v1/reports/hexagons",
    {
      schema: {
        tags,
        summary:
          "Demand per worker on a hexagonal grid (H3 cells): new contacts, available workers, free places",
        description: `${WHO} Contacts by where they are (their coordinates), workers by where they live, counted as they are now.`,
        querystring: querySchema(["h3"] as const)
          .omit({ by: true })
          .extend({ resolution }),
        produces: ["application/json", "text/csv"],
        response: { 200: HexagonsReportSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const result = await hexagonsReport(ctx, callerOf(request), query);
      return send(reply, result, format, `hexagons-r${query.resolution}`, (v) => [
        ...v.rows.map(({ boundary: _boundary, ...row }) => ({ row: "group", ...row })),
        { row: "total", key: null, lat: null, lon: null, ...v.totals },
      ]);
    },
  );

  r.get(
    "/api/v1/reports/alerts",
    {
      schema: {
        tags,
        summary:
          "Demand alerts: places whose contacts per available worker crossed the organisation's threshold",
        description:
          "Admins and dispatchers. Open alerts and those raised in the last 30 days; the sweeper raises one per crossing and clears it when the place drops back.",
        querystring: z.object({ format: z.enum(["json", "csv"]).default("json") }),
        produces: ["application/json", "text/csv"],
        response: { 200: DemandAlertsSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await listDemandAlerts(ctx, callerOf(request));
      return send(reply, result, request.query.format, "alerts", (v) =>
        v.items.map((a) => ({ row: "alert", ...a })),
      );
    },
  );
}
