/** /api/v1/reports: supply and demand by place, source, campaign and period, as JSON or CSV. */
import { stringify } from "csv-stringify/sync";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { DIMENSIONS, PLACE_DIMENSIONS, SUPPLY_DIMENSIONS } from "../../core/reports/measures.js";
import {
  BacklogReportSchema,
  DemandReportSchema,
  FlowReportSchema,
  SupplyReportSchema,
} from "../../core/reports/schemas.js";
import type { Result } from "../../core/result.js";
import {
  backlogReport,
  demandReport,
  flowReport,
  type Report,
  type ReportName,
  supplyReport,
} from "../../services/reports.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";

const tags = ["reports"];

/** A day (`2026-03-01`, midnight UTC) or an instant with its zone, as a UTC ISO string to compare with. */
const bound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString());

export function querySchema<const D extends readonly [string, ...string[]]>(dimensions: D) {
  return z.object({
    by: z.enum(dimensions).default(dimensions[0]).describe("the one dimension rows are grouped by"),
    from: bound.optional().describe("contacts that arrived at or after (a day or an instant)"),
    to: bound.optional().describe("contacts that arrived before (a day or an instant)"),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as IT or GR")
      .optional(),
    place: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe("a city, as the contacts and workers name it"),
    campaign: z.string().trim().min(1).max(100).optional(),
    source: z.string().trim().min(1).max(100).optional(),
    team: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe("contacts held by (offered or assigned to) this team's workers; workers of this team"),
    format: z
      .enum(["json", "csv"])
      .default("json")
      .describe("csv: the same rows and a last total row, as text/csv"),
  });
}

/** CSV cells: null is empty, nested counts (reasons) become one column each. */
function toCsv(report: Report<Record<string, unknown>>): string {
  const flat = (measures: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(measures)) {
      if (value !== null && typeof value === "object") {
        for (const [sub, n] of Object.entries(value)) out[`${name}.${sub}`] = n;
      } else out[name] = value;
    }
    return out;
  };
  const records = [
    ...report.rows.map((row) => ({ row: "group", ...flat(row) })),
    { row: "total", key: null, country: null, ...flat(report.totals) },
  ];
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return stringify(records, { header: true, columns, cast: { number: (n) => String(n) } });
}

function sendReport<M extends Record<string, unknown>>(
  reply: FastifyReply,
  name: ReportName,
  result: Result<Report<M>>,
  format: "json" | "csv",
) {
  if (!result.ok) return sendFailure(reply, result.error);
  if (format === "json") return reply.send(result.value);
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${name}-by-${result.value.by}.csv"`)
    .serializer((payload: unknown) => String(payload))
    .send(toCsv(result.value));
}

const WHO =
  'Admins and dispatchers; marketers too, with counts from 1 to 4 shown as "<5" and the rates and medians over them left out. Contacts are counted by when they arrived (from/to).';

export function reportRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/reports/demand",
    {
      schema: {
        tags,
        summary: "Demand: new contacts, coverage gaps with their reasons, and supply shortages",
        description: `${WHO} Shortages are counted by when and where they happened.`,
        querystring: querySchema(DIMENSIONS).extend({
          compare: z
            .enum(["last_year"])
            .optional()
            .describe(
              "last_year: beside each row and the totals, the same figures a year earlier (by week or month: the same month, or the ISO week of the same number; otherwise the same from/to)",
            ),
        }),
        produces: ["application/json", "text/csv"],
        response: { 200: DemandReportSchema, ...problemResponses },
      },
    },
    async (request, res) => {
      const { format, ...query } = request.query;
      return sendReport(res, "demand", await demandReport(ctx, callerOf(request), query), format);
    },
  );

  r.get(
    "/api/v1/reports/supply",
    {
      schema: {
        tags,
        summary:
          "Supply: available workers, their free capacity, and contacts per available worker, by place",
        description: `${WHO} Workers are counted as they are now; the place filters apply to them too.`,
        querystring: querySchema(SUPPLY_DIMENSIONS),
        produces: ["application/json", "text/csv"],
        response: { 200: SupplyReportSchema, ...problemResponses },
      },
    },
    async (request, res) => {
      const { format, ...query } = request.query;
      return sendReport(res, "supply", await supplyReport(ctx, callerOf(request), query), format);
    },
  );

  r.get(
    "/api/v1/reports/flow",
    {
      schema: {
        tags,
        summary: "Flow: time to assignment, acceptance rate, time to first contact, meeting rate",
        description: WHO,
        querystring: querySchema(DIMENSIONS),
        produces: ["application/json", "text/csv"],
        response: { 200: FlowReportSchema, ...problemResponses },
      },
    },
    async (request, res) => {
      const { format, ...query } = request.query;
      return sendReport(res, "flow", await flowReport(ctx, callerOf(request), query), format);
    },
  );

  r.get(
    "/api/v1/reports/backlog",
    {
      schema: {
        tags,
        summary: "Backlog: contacts waiting for a worker and how long they have waited, by place",
        description: WHO,
        querystring: querySchema(PLACE_DIMENSIONS),
        produces: ["application/json", "text/csv"],
        response: { 200: BacklogReportSchema, ...problemResponses },
      },
    },
    async (request, res) => {
      const { format, ...query } = request.query;
      return sendReport(res, "backlog", await backlogReport(ctx, callerOf(request), query), format);
    },
  );
}
