/**
 * Imports: a CSV or XLSX file of contacts sent as the request body, its columns mapped to intake
 * fields (by header, a preset or explicit maps), checked on a dry run or imported once.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { canCreateContact } from "../../core/access/roles.js";
import type { Problem } from "../../core/model.js";
import {
  IMPORT_FIELDS,
  IMPORT_PRESET_IDS,
  IMPORT_PRESETS,
  importUpload,
  SAMPLE_SIZE,
  TABLE_TYPES,
  type UploadReport,
} from "../../services/import-table.js";
import { callerOf } from "../auth.js";
import { problemOf, problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

/** What a client asks for (Accept) to follow a long import: progress lines, then the report. */
export const PROGRESS_TYPE = "application/x-ndjson";

/** One line of an import answered as progress lines (see the route's description). */
export type ImportProgressLine =
  | { done: number; total: number }
  | { report: ImportReport }
  | { problem: Problem };

/** The largest file taken: about 100,000 rows of a usual export. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const ImportFieldSchema = z.enum(IMPORT_FIELDS);

const ImportQuery = z.object({
  map: z
    .union([z.string().max(500), z.array(z.string().max(500)).max(500)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .describe(
      'a column to a field, "column=field" (e.g. "Full name=name"); repeatable; "column=" ignores the column; applied after the preset',
    ),
  preset: z.enum(IMPORT_PRESET_IDS).optional().describe("a ready mapping for another system's export"),
  source: z.string().trim().min(1).max(100).optional().describe("the source of rows that name none"),
  campaign: z.string().trim().min(1).max(100).optional().describe("the campaign of rows that name none"),
  dryRun: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .describe("true: read, check and count every row; write nothing"),
});

/** The body is the file itself; the content type says which kind. */
const ImportBody = z
  .custom<Buffer>((value) => Buffer.isBuffer(value), "send the file as the body, as text/csv or .xlsx")
  .meta({
    type: "string",
    format: "binary",
    description: `the file: CSV (UTF-8, header row required) or an .xlsx workbook (first sheet); at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
  });

const SampleContactSchema = z.object({
  displayName: z.string(),
  givenName: z.string().nullish(),
  familyName: z.string().nullish(),
  phones: z.array(z.string()).describe("as they will be stored: E.164 where the number can be read"),
  emails: z.array(z.string()),
  gender: z.string().nullish(),
  languages: z.array(z.string()),
  placeName: z.string().nullish(),
  region: z.string().nullish(),
  country: z.string().nullish(),
  postalCode: z.string().nullish(),
  lat: z.number().nullish(),
  lon: z.number().nullish(),
  source: z.string().nullish(),
  campaign: z.string().nullish(),
  inbound: z.boolean(),
});

export const ImportReportSchema = z.object({
  rows: z.number().int().describe("rows below the header"),
  created: z.number().int().describe("contacts created now (on a dry run: that would be)"),
  alreadyImported: z
    .number()
    .int()
    .describe("rows imported before, by an earlier upload or earlier in this one"),
  linkedDuplicates: z.number().int().describe("new contacts linked to a likely duplicate for review"),
  mergedDuplicates: z.number().int().describe("new contacts merged at once into a stored record"),
  bad: z
    .array(
      z.object({
        line: z.number().int().describe("1-based; the header is line 1 (for XLSX, the sheet's row)"),
        column: z.number().int().nullable().describe("1-based; null when no column holds the field"),
        header: z.string(),
        field: z.string(),
        value: z.string(),
        message: z.string(),
      }),
    )
    .describe("every cell that kept its row out; the other rows are imported"),
  columns: z
    .array(
      z.object({
        column: z.number().int().describe("1-based"),
        header: z.string(),
        field: ImportFieldSchema.nullable().describe("null: the column is ignored"),
      }),
    )
    .describe("how each column of the file was read"),
  sample: z
    .array(
      z.object({
        line: z.number().int(),
        contact: SampleContactSchema,
        attribution: z.record(z.string(), z.string()),
        message: z.string().nullable().describe("the first timeline comment, notes included"),
      }),
    )
    .describe(`the first ${SAMPLE_SIZE} good rows as they will be stored`),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImportFieldListSchema = z.object({
  fields: z
    .array(ImportFieldSchema)
    .describe('what a column may fill; any number of columns may be a "note"'),
  presets: z.array(
    z.object({
      id: z.enum(IMPORT_PRESET_IDS),
      name: z.string(),
      columns: z.array(
        z.object({
          headers: z.array(z.string()).describe("the headers it recognises, compared like header names"),
          field: ImportFieldSchema,
        }),
      ),
    }),
  ),
  types: z.object({ csv: z.string(), xlsx: z.string() }).describe("the content type to send each kind with"),
  maxBytes: z.number().int(),
});
export type ImportFieldList = z.infer<typeof ImportFieldListSchema>;

/** The report as the API gives it: each sample row flattened. */
function answer(report: UploadReport): ImportReport {
  const { sample, ...rest } = report;
  return { ...rest, sample: sample.map(({ line, record }) => ({ line, ...record })) };
}

export function importRoutes(app: FastifyInstance, ctx: Context): void {
  app.register(async (scope) => {
    // This scope takes only the files themselves: JSON or a form here is answered 415.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [TABLE_TYPES.csv, TABLE_TYPES.xlsx],
      { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ["imports"];

    r.get(
      "/api/v1/imports/fields",
      {
        schema: {
          tags,
          summary: "What a column of an import may fill, and the ready mappings (presets)",
          response: { 200: ImportFieldListSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        if (!canCreateContact(caller)) {
          return sendFailure(reply, {
            code: "forbidden",
            message: `a ${caller.role} cannot import contacts`,
          });
        }
        return reply.send({
          fields: [...IMPORT_FIELDS],
          presets: Object.values(IMPORT_PRESETS).map((preset) => ({
            id: preset.id as (typeof IMPORT_PRESET_IDS)[number],
            name: preset.name,
            columns: preset.columns.map((c) => ({ headers: [...c.headers], field: c.field })),
          })),
          types: TABLE_TYPES,
          maxBytes: IMPORT_MAX_BYTES,
        });
      },
    );

    r.post(
      "/api/v1/imports",
      {
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          tags,
          summary: "Import contacts from a CSV or XLSX file sent as the body (or check it, with dryRun=true)",
          description:
            'Columns fill intake fields by their header\'s name, then the preset, then each `map`. Each row is read like an intake request; a bad row is reported by line and column and the good ones are imported, each at most once however often the file is sent. A dry run writes nothing. A file that cannot be read, or a map that names no column or field, is refused as a whole (400, naming it).\n\nSent with `Accept: application/x-ndjson`, a valid file is answered 200 as it goes: one JSON line `{"done":n,"total":m}` after each batch of 500 rows (each batch its own transaction), then `{"report":…}` with the report below. Should the import then fail, the last line is `{"problem":{title,status,detail}}`; the batches before it are stored, and sending the file again imports only the rest.',
          consumes: [TABLE_TYPES.csv, TABLE_TYPES.xlsx],
          querystring: ImportQuery,
          body: ImportBody,
          response: { 200: ImportReportSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const type = request.headers["content-type"] ?? "";
        const { map, preset, source, campaign, dryRun } = request.query;
        const upload = {
          kind: type.startsWith(TABLE_TYPES.xlsx) ? ("xlsx" as const) : ("csv" as const),
          bytes: request.body,
          maps: map,
          preset,
          source,
          campaign,
          dryRun,
        };
        if (!(request.headers.accept ?? "").includes(PROGRESS_TYPE)) {
          const report = await importUpload(ctx, callerOf(request), upload);
          if (!report.ok) return sendResult(reply, report);
          return reply.send(answer(report.value));
        }
        // Progress lines: the answer starts with the first batch; a file refused before any row
        // is stored is answered as usual, with its problem and status.
        let streaming = false;
        const write = (line: ImportProgressLine) => {
          if (!streaming) {
            streaming = true;
            reply.hijack();
            reply.raw.writeHead(200, {
              "content-type": `${PROGRESS_TYPE}; charset=utf-8`,
              "cache-control": "no-store",
            });
          }
          reply.raw.write(`${JSON.stringify(line)}\n`);
        };
        try {
          const report = await importUpload(ctx, callerOf(request), {
            ...upload,
            // SQLite answers without yielding: let the line go out (and other requests in) before the next batch.
            onProgress: (done, total) => {
              write({ done, total });
              return new Promise<void>((resolve) => setImmediate(resolve));
            },
          });
          if (!report.ok && !streaming) return sendResult(reply, report);
          write(report.ok ? { report: answer(report.value) } : { problem: problemOf(report.error) });
        } catch (error) {
          if (!streaming) throw error;
          request.log.error({ err: error }, "import failed part-way");
          write({
            problem: {
              type: "https://handoff.dev/problems/500",
              title: "Internal error",
              status: 500,
              detail: "the import stopped; the batches reported done are stored",
            },
          });
        }
        reply.raw.end();
        return reply;
      },
    );
  });
}
