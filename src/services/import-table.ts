/**
 * Reading a table of contacts (CSV text or XLSX bytes) into intake records, the same way for
 * `handoff import contacts` and for an upload to the API: columns mapped to intake fields by their
 * header, a preset or explicit maps; every bad cell named by line and column.
 */
import type { Context } from "../context.js";
import { canCreateContact } from "../core/access/roles.js";
import { normalisePhones } from "../core/contacts/normalise.js";
import { type CsvRow, type CsvTable, csvCell, parseCsv, rowWidthProblem } from "../core/intake/csv-table.js";
import { type IntakeRecord, readIntake, UTM_FIELDS } from "../core/intake/intake.js";
import { type FieldIssue, fail, ok, type Result } from "../core/result.js";
import { loadSettings } from "../db/organisations.js";
import { type ImportSummary, importContacts } from "./import-contacts.js";
import type { Caller } from "./record.js";

// ---------------------------------------------------------------------------------------------
// Reading XLSX (CSV: src/core/intake/csv-table.ts)

/** The first sheet of a workbook as a table: its first non-empty row is the header, lines are sheet rows. */
export async function readXlsx(
  bytes: Uint8Array,
  path: string,
  problems: string[],
): Promise<CsvTable | null> {
  // Loaded only for a workbook: the library is large, and every other command starts without it.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type; a Node Buffer over the same bytes is what it reads.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
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

// ---------------------------------------------------------------------------------------------
// Fields and presets

/**
 * The intake fields a column may fill (src/core/intake/intake.ts), and `note`: any number of
 * columns whose "header: value" lines join the contact's first timeline comment.
 */
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
  "note",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** How a preset reads another system's values: its labels into Handoff's codes. */
export type Conversion = "gender" | "languages" | "first" | "place";

export interface PresetColumn {
  /** The headers the other system writes, as labels and as field keys; compared like header names. */
  headers: readonly string[];
  field: ImportField;
  convert?: Conversion;
}

export interface ImportPreset {
  id: string;
  name: string;
  /**
   * In order of preference: a field is filled from the first of its columns the file has; a
   * further column for a field already filled becomes a note, so nothing the file says is lost.
   */
  columns: readonly PresetColumn[];
}

/**
 * A Disciple.Tools contacts list export ("Export CSV" on the contacts list: `ID`, `Name`, then each
 * field's label, key_select and multi_select cells as labels, lists `;`-separated) or any export
 * named by field keys. Status, seeker path, assigned user and milestones have no field of their own
 * here (an imported contact waits as `new` for Handoff's dispatch): they become notes, as does the
 * street address (the place is the location's own name, which the gazetteer knows). README.md has
 * the table.
 */
export const DISCIPLE_TOOLS: ImportPreset = {
  id: "disciple-tools",
  name: "Disciple.Tools contacts export",
  columns: [
    { headers: ["Name", "name", "title", "post_title"], field: "name" },
    { headers: ["Phone", "contact_phone"], field: "phone" },
    { headers: ["Email", "contact_email"], field: "email" },
    { headers: ["Gender", "gender"], field: "gender", convert: "gender" },
    { headers: ["Languages", "languages"], field: "language", convert: "languages" },
    { headers: ["Locations", "location_grid"], field: "placeName", convert: "place" },
    {
      headers: ["Locations or Address", "location_grid_meta"],
      field: "placeName",
      convert: "place",
    },
    { headers: ["Address", "contact_address"], field: "note" },
    { headers: ["Sources", "sources"], field: "source", convert: "first" },
    { headers: ["Campaigns", "campaigns"], field: "campaign", convert: "first" },
    { headers: ["ID", "post_id"], field: "note" },
    { headers: ["Contact Status", "overall_status"], field: "note" },
    { headers: ["Seeker Path", "seeker_path"], field: "note" },
    { headers: ["Assigned To", "assigned_to"], field: "note" },
    { headers: ["Sub-assigned to", "subassigned"], field: "note" },
    { headers: ["Faith Milestones", "milestones"], field: "note" },
    { headers: ["Faith Status", "faith_status"], field: "note" },
    { headers: ["Age", "age"], field: "note" },
    { headers: ["Reason Not Ready", "reason_unassignable"], field: "note" },
    { headers: ["Reason Paused", "reason_paused"], field: "note" },
    { headers: ["Reason Archived", "Reason Closed", "reason_closed"], field: "note" },
    { headers: ["Tags", "tags"], field: "note" },
  ],
};

export const IMPORT_PRESETS = { "disciple-tools": DISCIPLE_TOOLS } as const;
export type ImportPresetId = keyof typeof IMPORT_PRESETS;
export const IMPORT_PRESET_IDS = Object.keys(IMPORT_PRESETS) as [ImportPresetId, ...ImportPresetId[]];

/** Header names and field names compare case-insensitively, spaces and underscores ignored. */
const fold = (name: string): string => name.toLowerCase().replace(/[\s_]+/g, "");

/** What fills a column: an intake field, and how its values are read when a preset chose it. */
export interface ColumnUse {
  field: ImportField;
  convert?: Conversion;
}

/** A map or column choice that cannot be followed; `map` is the entry at fault, when one is. */
export interface MappingIssue {
  map: string | null;
  message: string;
}

export interface ColumnOptions {
  /** Explicit `column=field` entries, applied last; `column=` ignores the column. */
  maps?: readonly string[];
  preset?: ImportPreset | null;
  /** How messages name the maps: `--map "A=b"` on the command line, `map=A=b` in the API. */
  naming?: MapNaming;
}

export interface MapNaming {
  option: string;
  entry: (spec: string) => string;
}

const CLI_NAMING: MapNaming = { option: "--map", entry: (spec) => `--map "${spec}"` };

/** Who chose a column's field: its header's name, the preset, or a map; a later choice wins. */
const BY_NAME = 0;
const BY_PRESET = 1;
const BY_MAP = 2;

/** 0-based column → what fills it: by header name, then the preset, then as the maps say. */
export function columnFields(
  table: CsvTable,
  options: ColumnOptions = {},
): { ok: true; value: Map<number, ColumnUse> } | { ok: false; issues: MappingIssue[] } {
  const naming = options.naming ?? CLI_NAMING;
  const fields = new Map<number, ColumnUse>();
  const rank = new Map<number, number>();
  const choose = (index: number, use: ColumnUse, by: number) => {
    // A choice wins over a column that would fill the same field by a weaker one.
    if (use.field !== "note") {
      for (const [other, u] of fields)
        if (u.field === use.field && (rank.get(other) ?? BY_NAME) < by) fields.delete(other);
    }
    fields.set(index, use);
    rank.set(index, by);
  };
  table.header.forEach((name, i) => {
    const field = IMPORT_FIELDS.find((f) => fold(f) === fold(name));
    if (field !== undefined) choose(i, { field }, BY_NAME);
  });
  if (options.preset) {
    const filled = new Set<ImportField>();
    for (const rule of options.preset.columns) {
      const names = new Set(rule.headers.map(fold));
      table.header.forEach((name, index) => {
        if (!names.has(fold(name)) || rank.get(index) === BY_PRESET) return;
        const taken = rule.field !== "note" && filled.has(rule.field);
        choose(index, taken ? { field: "note" } : withConvert(rule.field, rule.convert), BY_PRESET);
        filled.add(rule.field);
      });
    }
  }
  const issues: MappingIssue[] = [];
  for (const spec of options.maps ?? []) {
    const at = spec.lastIndexOf("=");
    if (at <= 0) {
      issues.push({
        map: spec,
        message: `${naming.entry(spec)}: write it as column=field, e.g. "Full name=name"`,
      });
      continue;
    }
    const column = spec.slice(0, at).trim();
    const fieldName = spec.slice(at + 1).trim();
    const index = table.header.findIndex((name) => fold(name) === fold(column));
    if (index < 0) {
      issues.push({
        map: spec,
        message: `${naming.entry(spec)}: ${table.path} has no column "${column}"; its columns are ${table.header.map((h) => `"${h}"`).join(", ")}`,
      });
      continue;
    }
    if (fieldName === "") {
      fields.delete(index);
      rank.set(index, BY_MAP);
      continue;
    }
    const field = IMPORT_FIELDS.find((f) => fold(f) === fold(fieldName));
    if (field === undefined) {
      issues.push({
        map: spec,
        message: `${naming.entry(spec)}: there is no field "${fieldName}"; fields are ${IMPORT_FIELDS.join(", ")}`,
      });
      continue;
    }
    // Mapped to the field the preset gave it, the column keeps the preset's way of reading values.
    const before = fields.get(index);
    choose(index, before?.field === field ? before : { field }, BY_MAP);
  }
  if (issues.length > 0) return { ok: false, issues };
  const byField = new Map<ImportField, number>();
  for (const [index, { field }] of [...fields].sort(([a], [b]) => a - b)) {
    if (field === "note") continue;
    const other = byField.get(field);
    if (other !== undefined) {
      issues.push({
        map: null,
        message:
          `${table.path}:1:${index + 1}: columns "${table.header[other]}" and "${table.header[index]}" both fill ${field}; ` +
          `choose with ${naming.option} (e.g. ${naming.entry(`${table.header[index]}=`)} ignores the second)`,
      });
    }
    byField.set(field, index);
  }
  if (issues.length > 0) return { ok: false, issues };
  // In column order, so a row's notes follow the file's columns.
  return { ok: true, value: new Map([...fields].sort(([a], [b]) => a - b)) };
}

function withConvert(field: ImportField, convert: Conversion | undefined): ColumnUse {
  return convert === undefined ? { field } : { field, convert };
}

/** Disciple.Tools writes genders as labels ("Male") or keys ("male"). */
const GENDERS: Record<string, string> = { male: "m", female: "f", man: "m", woman: "f", m: "m", f: "f" };

let languageCodes: Map<string, string> | null = null;

/** Language names in English ("Arabic", "Modern Greek") → ISO 639-1 codes, from the runtime's CLDR data. */
function languageByName(name: string): string | undefined {
  if (languageCodes === null) {
    languageCodes = new Map();
    const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
    const letters = "abcdefghijklmnopqrstuvwxyz";
    for (const a of letters) {
      for (const b of letters) {
        const code = `${a}${b}`;
        const display = names.of(code);
        if (display !== undefined && display !== code) languageCodes.set(display.toLowerCase(), code);
      }
    }
  }
  return languageCodes.get(name.toLowerCase());
}

/**
 * A preset column's value as Handoff reads it, and what it leaves out (the further entries of a
 * list where one is kept, languages without an ISO 639-1 code), which the row keeps as a note. A
 * gender it cannot read is left for validation to name.
 */
export function convertValue(
  value: string,
  convert: Conversion | undefined,
): { value: string; leftOut: string } {
  if (convert === undefined) return { value, leftOut: "" };
  const items = value
    .split(";")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  switch (convert) {
    case "first":
      return { value: items[0] ?? "", leftOut: items.slice(1).join(";") };
    case "place": {
      // "Torino, Piedmont, Italy": the place's own name is what the gazetteer knows.
      const [first = "", ...more] = items;
      const name = first.split(",")[0]?.trim() ?? "";
      return { value: name, leftOut: name === first && more.length === 0 ? "" : items.join(";") };
    }
    case "gender":
      return { value: GENDERS[value.trim().toLowerCase()] ?? value, leftOut: "" };
    case "languages": {
      const codes: string[] = [];
      const unknown: string[] = [];
      for (const item of items) {
        const code = /^[a-z]{2}$/i.test(item) ? item : languageByName(item);
        if (code === undefined) unknown.push(item);
        else codes.push(code);
      }
      return { value: codes.join(";"), leftOut: unknown.join(";") };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

/** A cell that keeps its row from being imported. */
export interface BadCell {
  line: number;
  /** 1-based; null when no column holds the field. */
  column: number | null;
  header: string;
  field: string;
  value: string;
  message: string;
}

/** Values for rows that leave these fields empty. */
export interface RowDefaults {
  source?: string | undefined;
  campaign?: string | undefined;
}

/** Where an intake issue's path points: the fields that may have supplied it, in order. */
const ISSUE_FIELDS: Record<string, readonly string[]> = {
  name: ["name", "givenName", "familyName", "phone", "email"],
  phones: ["phone"],
  emails: ["email"],
  languages: ["language"],
  placeName: ["placeName", "city"],
  source: ["source", "utm_source"],
  campaign: ["campaign", "utm_campaign"],
  message: ["message", "note"],
};

export function readRow(
  table: CsvTable,
  fields: ReadonlyMap<number, ColumnUse>,
  row: CsvRow,
  defaults: RowDefaults = {},
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
  const notes: string[] = [];
  for (const [index, { field, convert }] of fields) {
    if (!columnOf.has(field)) columnOf.set(field, index);
    const { value, leftOut } = convertValue(row.cells[index] ?? "", convert);
    const header = table.header[index] ?? "";
    if (leftOut !== "") notes.push(`${header}: ${leftOut}`);
    // An empty cell is an absent field (contract.md).
    if (value.trim() === "") continue;
    if (field === "note") notes.push(`${header}: ${value.trim()}`);
    else body[field] = value;
  }
  if (notes.length > 0) body.message = [body.message, ...notes].filter(Boolean).join("\n");
  if (defaults.source !== undefined && !body.source && !body.utm_source) body.source = defaults.source;
  if (defaults.campaign !== undefined && !body.campaign && !body.utm_campaign)
    body.campaign = defaults.campaign;

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

export interface TableRecords {
  /** Good rows, in file order, with the line each came from. */
  records: Array<{ line: number; record: IntakeRecord }>;
  bad: BadCell[];
  /** How many rows are bad (a row may have several bad cells). */
  badRows: number;
}

/** Every row of the table read: good ones as intake records, bad ones as the cells at fault. */
export function tableRecords(
  table: CsvTable,
  fields: ReadonlyMap<number, ColumnUse>,
  defaults: RowDefaults = {},
): TableRecords {
  const records: TableRecords["records"] = [];
  const bad: BadCell[] = [];
  let badRows = 0;
  for (const row of table.rows) {
    const read = readRow(table, fields, row, defaults);
    if (read.ok) records.push({ line: row.line, record: read.value });
    else {
      bad.push(...read.issues);
      badRows += 1;
    }
  }
  return { records, bad, badRows };
}

/** The error report: every bad cell as `line,column,field,value,message`. */
export function errorsCsv(bad: readonly BadCell[]): string {
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
// An upload

export const TABLE_TYPES = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;
export type TableKind = keyof typeof TABLE_TYPES;

export interface UploadRequest {
  kind: TableKind;
  bytes: Uint8Array;
  maps?: readonly string[];
  preset?: ImportPresetId | undefined;
  source?: string | undefined;
  campaign?: string | undefined;
  dryRun?: boolean;
  /** After each batch of rows: rows handled so far, of all the good rows; awaited. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** How many parsed records a report shows. */
export const SAMPLE_SIZE = 10;

export interface UploadReport extends ImportSummary {
  rows: number;
  bad: BadCell[];
  columns: Array<{ column: number; header: string; field: ImportField | null }>;
  /** The first good rows, as they would be stored (phones in E.164). */
  sample: Array<{ line: number; record: IntakeRecord }>;
}

/**
 * An uploaded file imported (or, on a dry run, only read and counted): the file is refused as a
 * whole when it cannot be read or its columns cannot be mapped; otherwise each bad row is reported
 * and every good one imported once.
 */
export async function importUpload(
  ctx: Context,
  caller: Caller,
  upload: UploadRequest,
): Promise<Result<UploadReport>> {
  if (!canCreateContact(caller)) return fail("forbidden", `a ${caller.role} cannot create contacts`);
  const path = `upload.${upload.kind}`;
  const problems: string[] = [];
  let table: CsvTable | null;
  if (upload.kind === "xlsx") table = await readXlsx(upload.bytes, path, problems);
  else {
    let text: string | null = null;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(upload.bytes);
    } catch {
      problems.push(`${path}: the file is not UTF-8 text; save it as "CSV UTF-8"`);
    }
    table = text === null ? null : parseCsv(text, path, problems);
  }
  if (table === null || problems.length > 0) {
    return fail("invalid", problems.join("; "), {
      errors: problems.map((message) => ({ path: "body", message })),
    });
  }
  const mapped = columnFields(table, {
    maps: upload.maps ?? [],
    preset: upload.preset ? IMPORT_PRESETS[upload.preset] : null,
    naming: { option: "map", entry: (spec) => `map=${spec}` },
  });
  if (!mapped.ok) {
    const errors: FieldIssue[] = mapped.issues.map((issue) => ({ path: "map", message: issue.message }));
    return fail("invalid", mapped.issues.map((issue) => issue.message).join("; "), { errors });
  }
  const read = tableRecords(table, mapped.value, { source: upload.source, campaign: upload.campaign });
  const imported = await importContacts(
    ctx,
    caller,
    read.records.map((r) => r.record),
    {
      ...(upload.dryRun ? { dryRun: true } : {}),
      ...(upload.onProgress ? { onProgress: upload.onProgress } : {}),
    },
  );
  if (!imported.ok) return imported;
  const { defaultCountry } = (await loadSettings(ctx.db.kysely, caller.organisationId)).settings;
  const sample = read.records.slice(0, SAMPLE_SIZE).map(({ line, record }) => ({
    line,
    record: {
      ...record,
      contact: {
        ...record.contact,
        phones: normalisePhones(record.contact.phones, record.contact.country ?? defaultCountry),
      },
    },
  }));
  return ok({
    ...imported.value,
    rows: table.rows.length,
    bad: read.bad,
    columns: table.header.map((header, i) => ({
      column: i + 1,
      header,
      field: mapped.value.get(i)?.field ?? null,
    })),
    sample,
  });
}
