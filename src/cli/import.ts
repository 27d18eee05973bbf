/** `handoff import contacts FILE`: contacts from a CSV or XLSX file, each row read like an intake request. */
import { existsSync, statSync } from "node:fs";
import { dirname, extname } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { createContext } from "../context.js";
import { type IntakeRecord, readIntake, UTM_FIELDS } from "../core/intake/intake.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import { importContacts } from "../services/import-contacts.js";
import { systemCaller } from "../services/record.js";
import {
  type CsvRow,
  type CsvTable,
  csvCell,
  progressReporter,
  readCsvRows,
  rowWidthProblem,
  writeAtomically,
} from "./csv.js";
import { dbOption, UsageError } from "./options.js";

interface ImportCommandOptions {
  org: string;
  db?: string;
  map: string[];
  dryRun?: boolean;
  errors?: string;
  source?: string;
  campaign?: string;
}

/** The intake fields a column may fill (src/core/intake/intake.ts). */
export const IMPORT_FIELDS = [
  "name",
  "givenName",
  "familyName",
  "phone",
  "email",
  "gender",
  "language",
  "city",
  "placeName",
  "postalCode",
  "region",
  "country",
  "lat",
  "lon",
  "source",
  "campaign",
  ...UTM_FIELDS,
  "page",
  "message",
  "inbound",
] as const;

/** How many bad rows stderr shows; --errors has them all. */
const SHOWN_ERRORS = 20;

export function importCommand(program: Command): void {
  const command = program.command("import").description("Import records from a file");
  command
    .command("contacts")
    .description("Import contacts from a CSV or XLSX file (first sheet); a row already imported is skipped")
    .argument("<file>", "CSV (header row required) or .xlsx")
    .requiredOption("--org <slug>", "the organisation the contacts join")
    .addOption(dbOption())
    .option(
      "--map <column=field>",
      'a column to an intake field, e.g. --map "Full name=name"; repeatable; "column=" ignores the column',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option("--dry-run", "check every row and count what would be created; write nothing")
    .option("--errors <errors.csv>", "write every bad row there: line,column,field,value,message")
    .option("--source <source>", "the source of rows that name none")
    .option("--campaign <campaign>", "the campaign of rows that name none")
    .action((file: string, options: ImportCommandOptions) => runImport(file, options));
}

interface BadCell {
  line: number;
  /** 1-based; null when no column holds the field. */
  column: number | null;
  header: string;
  field: string;
  value: string;
  message: string;
}

async function runImport(file: string, options: ImportCommandOptions): Promise<void> {
  if (options.errors !== undefined) {
    const dir = dirname(options.errors);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`--errors ${options.errors}: the folder ${dir} does not exist`);
    }
  }
  const started = performance.now();
  const table = await readTable(file);
  const fields = columnFields(table, options.map);

  const records: IntakeRecord[] = [];
  const bad: BadCell[] = [];
  const badLines = new Set<number>();
  for (const row of table.rows) {
    const read = readRow(table, fields, row, options);
    if (read.ok) records.push(read.value);
    else {
      bad.push(...read.issues);
      badLines.add(row.line);
    }
  }

  const config = loadConfig(options);
  const ctx = await createContext(config);
  try {
    const organisation = await findOrganisationBySlug(ctx.db.kysely, options.org);
    if (!organisation) throw new UsageError(`--org: there is no organisation "${options.org}"`);
    const progress = progressReporter(started, "import", "rows");
    const imported = await importContacts(ctx, systemCaller(organisation.id), records, {
      ...(options.dryRun ? { dryRun: true } : {}),
      onProgress: progress.update,
    });
    progress.stop();
    if (!imported.ok) throw new Error(imported.error.message);

    if (options.errors !== undefined) writeAtomically(options.errors, errorsCsv(bad));
    for (const cell of bad.slice(0, SHOWN_ERRORS)) process.stderr.write(`${describeBadCell(file, cell)}\n`);
    if (bad.length > SHOWN_ERRORS) {
      const rest = bad.length - SHOWN_ERRORS;
      process.stderr.write(
        `… and ${rest} more problems${options.errors === undefined ? " (--errors errors.csv lists them all)" : ` in ${options.errors}`}\n`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const { created, alreadyImported, linkedDuplicates, mergedDuplicates } = imported.value;
    const duplicates = options.dryRun
      ? ""
      : `; ${mergedDuplicates} merged into a stored duplicate, ${linkedDuplicates} linked to one for review`;
    process.stderr.write(
      `import contacts${options.dryRun ? " (dry run, nothing written)" : ""}: ${table.rows.length} rows, ` +
        `${options.dryRun ? "would create" : "created"} ${created}, already imported ${alreadyImported}, ` +
        `bad ${badLines.size}${duplicates}; ${seconds.toFixed(2)} s\n`,
    );
    // Bad rows are bad input (exit 2), though the good ones were imported.
    if (badLines.size > 0) process.exitCode = 2;
  } finally {
    await ctx.db.close();
  }
}

function describeBadCell(file: string, cell: BadCell): string {
  const at = cell.column === null ? `${file}:${cell.line}` : `${file}:${cell.line}:${cell.column}`;
  const value = cell.value === "" ? "" : ` (${JSON.stringify(cell.value)})`;
  return `${at}: ${cell.header}: ${cell.message}${value}`;
}

function errorsCsv(bad: readonly BadCell[]): string {
  const lines = ["line,column,field,value,message"];
  for (const cell of bad) {
    lines.push(
      [
        String(cell.line),
        cell.column === null ? "" : String(cell.column),
        cell.field,
        cell.value,
        cell.message,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Columns

/** Header names and field names compare case-insensitively, spaces and underscores ignored. */
const fold = (name: string): string => name.toLowerCase().replace(/[\s_]+/g, "");

/** 0-based column → intake field: by header name, then as --map says. */
export function columnFields(table: CsvTable, maps: readonly string[]): Map<number, string> {
  const fields = new Map<number, string>();
  table.header.forEach((name, i) => {
    const field = IMPORT_FIELDS.find((f) => fold(f) === fold(name));
    if (field !== undefined) fields.set(i, field);
  });
  const mapped = new Set<number>();
  for (const spec of maps) {
    const at = spec.lastIndexOf("=");
    if (at <= 0) throw new UsageError(`--map "${spec}": write it as column=field, e.g. "Full name=name"`);
    const column = spec.slice(0, at).trim();
    const fieldName = spec.slice(at + 1).trim();
    const index = table.header.findIndex((name) => fold(name) === fold(column));
    if (index < 0) {
      throw new UsageError(
        `--map "${spec}": ${table.path} has no column "${column}"; its columns are ${table.header.map((h) => `"${h}"`).join(", ")}`,
      );
    }
    if (fieldName === "") {
      fields.delete(index);
      continue;
    }
    const field = IMPORT_FIELDS.find((f) => fold(f) === fold(fieldName));
    if (field === undefined) {
      throw new UsageError(
        `--map "${spec}": there is no field "${fieldName}"; fields are ${IMPORT_FIELDS.join(", ")}`,
      );
    }
    // An explicit map wins over a column that would fill the same field by its name.
    for (const [other, f] of fields) if (f === field && !mapped.has(other)) fields.delete(other);
    fields.set(index, field);
    mapped.add(index);
  }
  const byField = new Map<string, number>();
  for (const [index, field] of [...fields].sort(([a], [b]) => a - b)) {
    const other = byField.get(field);
    if (other !== undefined) {
      throw new UsageError(
        `${table.path}:1:${index + 1}: columns "${table.header[other]}" and "${table.header[index]}" both fill ${field}; ` +
          `choose with --map (e.g. --map "${table.header[index]}=" ignores the second)`,
      );
    }
    byField.set(field, index);
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Rows

/** Where an intake issue's path points: the fields that may have supplied it, in order. */
const ISSUE_FIELDS: Record<string, readonly string[]> = {
  name: ["name", "givenName", "familyName", "phone", "email"],
  phones: ["phone"],
  emails: ["email"],
  languages: ["language"],
  placeName: ["placeName", "city"],
  source: ["source", "utm_source"],
  campaign: ["campaign", "utm_campaign"],
};

function readRow(
  table: CsvTable,
  fields: ReadonlyMap<number, string>,
  row: CsvRow,
  options: Pick<ImportCommandOptions, "source" | "campaign">,
): { ok: true; value: IntakeRecord } | { ok: false; issues: BadCell[] } {
  const width = rowWidthProblem(table, row);
  if (width !== null) {
    return {
      ok: false,
      issues: [{ line: row.line, column: null, header: "row", field: "", value: "", message: width }],
    };
  }
  const body: Record<string, string> = {};
  const columnOf = new Map<string, number>();
  for (const [index, field] of fields) {
    columnOf.set(field, index);
    const value = row.cells[index] ?? "";
    // An empty cell is an absent field (contract.md).
    if (value.trim() !== "") body[field] = value;
  }
  if (options.source !== undefined && !body.source && !body.utm_source) body.source = options.source;
  if (options.campaign !== undefined && !body.campaign && !body.utm_campaign)
    body.campaign = options.campaign;

  const read = readIntake(body);
  if (read.ok) return read;
  return {
    ok: false,
    issues: read.issues.map((issue) => {
      const head = issue.path.split(".")[0] ?? "";
      const field = (ISSUE_FIELDS[head] ?? [head]).find((f) => columnOf.has(f)) ?? head;
      const index = columnOf.get(field);
      return {
        line: row.line,
        column: index === undefined ? null : index + 1,
        header: index === undefined ? field : (table.header[index] ?? field),
        field,
        value: index === undefined ? "" : (row.cells[index] ?? ""),
        message: issue.message,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Files

async function readTable(file: string): Promise<CsvTable> {
  const extension = extname(file).toLowerCase();
  if (extension === ".xls") {
    throw new UsageError(`${file}: the old .xls format is not read; save it as .xlsx or CSV`);
  }
  const problems: string[] = [];
  const table = extension === ".xlsx" ? await readXlsx(file, problems) : readCsvRows(file, problems);
  if (table === null || problems.length > 0) throw new UsageError(problems.join("\n"));
  return table;
}

/** The first sheet of a workbook as a table: its first non-empty row is the header, lines are sheet rows. */
async function readXlsx(path: string, problems: string[]): Promise<CsvTable | null> {
  if (!existsSync(path)) {
    problems.push(`${path}: cannot read the file (it does not exist)`);
    return null;
  }
  // Loaded only for a workbook: the library is large, and every other command starts without it.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    problems.push(`${path}: not a readable .xlsx workbook (${(error as Error).message})`);
    return null;
  }
  const sheet = workbook.worksheets[0];
  const lines: CsvRow[] = [];
  sheet?.eachRow((row, line) => {
    // row.values is 1-based: index 0 is always empty.
    const values = (row.values as unknown[]).slice(1);
    lines.push({ line, cells: Array.from(values, cellText) });
  });
  const [header, ...rows] = lines;
  if (header === undefined) {
    problems.push(`${path}:1: the first sheet is empty; a header row is required`);
    return null;
  }
  const names = header.cells.map((cell) => cell.trim());
  const columns = new Map<string, number>();
  names.forEach((name, i) => {
    const key = name.toLowerCase();
    if (columns.has(key))
      problems.push(`${path}:${header.line}:${i + 1}: column "${key}" appears twice in the header`);
    else if (key !== "") columns.set(key, i);
  });
  // Cells past the header are unknown columns; missing trailing cells are empty ones.
  const width = names.length;
  return {
    path,
    header: names,
    columns,
    rows: rows.map((row) => ({
      line: row.line,
      cells: Array.from({ length: width }, (_, i) => row.cells[i] ?? ""),
    })),
  };
}

/** A cell as the text a CSV would hold: rich text joined, a formula's result, a date as ISO. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const cell = value as {
      richText?: Array<{ text: string }>;
      text?: unknown;
      result?: unknown;
      error?: string;
    };
    if (cell.richText) return cell.richText.map((run) => run.text).join("");
    if (cell.text !== undefined) return cellText(cell.text);
    if ("result" in cell) return cellText(cell.result);
    if (cell.error !== undefined) return cell.error;
    return "";
  }
  return String(value);
}
