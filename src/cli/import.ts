/** `handoff import contacts FILE`: contacts from a CSV or XLSX file, each row read like an intake request. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { createContext } from "../context.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import { importContacts } from "../services/import-contacts.js";
import {
  type BadCell,
  columnFields,
  errorsCsv,
  IMPORT_PRESET_IDS,
  IMPORT_PRESETS,
  type ImportPresetId,
  readXlsx,
  tableRecords,
} from "../services/import-table.js";
import { systemCaller } from "../services/record.js";
import { type CsvTable, progressReporter, readCsvRows, writeAtomically } from "./csv.js";
import { dbOption, UsageError } from "./options.js";

interface ImportCommandOptions {
  org: string;
  db?: string;
  map: string[];
  dryRun?: boolean;
  errors?: string;
  source?: string;
  campaign?: string;
  preset?: string;
}

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
    .option(
      "--preset <preset>",
      `a ready mapping for another system's export: ${IMPORT_PRESET_IDS.join(", ")}; --map entries still apply`,
    )
    .action((file: string, options: ImportCommandOptions) => runImport(file, options));
}

async function runImport(file: string, options: ImportCommandOptions): Promise<void> {
  if (options.errors !== undefined) {
    const dir = dirname(options.errors);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`--errors ${options.errors}: the folder ${dir} does not exist`);
    }
  }
  const preset = presetNamed(options.preset);
  const started = performance.now();
  const table = await readTable(file);
  const fields = columnFields(table, { maps: options.map, preset });
  if (!fields.ok) throw new UsageError(fields.issues.map((issue) => issue.message).join("\n"));
  const { records, bad, badRows } = tableRecords(table, fields.value, options);

  const config = loadConfig(options);
  const ctx = await createContext(config);
  try {
    const organisation = await findOrganisationBySlug(ctx.db.kysely, options.org);
    if (!organisation) throw new UsageError(`--org: there is no organisation "${options.org}"`);
    const progress = progressReporter(started, "import", "rows");
    const imported = await importContacts(
      ctx,
      systemCaller(organisation.id),
      records.map((r) => r.record),
      {
        ...(options.dryRun ? { dryRun: true } : {}),
        onProgress: progress.update,
      },
    );
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
        `bad ${badRows}${duplicates}; ${seconds.toFixed(2)} s\n`,
    );
    // Bad rows are bad input (exit 2), though the good ones were imported.
    if (badRows > 0) process.exitCode = 2;
  } finally {
    await ctx.db.close();
  }
}

function describeBadCell(file: string, cell: BadCell): string {
  const at = cell.column === null ? `${file}:${cell.line}` : `${file}:${cell.line}:${cell.column}`;
  const value = cell.value === "" ? "" : ` (${JSON.stringify(cell.value)})`;
  return `${at}: ${cell.header}: ${cell.message}${value}`;
}

function presetNamed(name: string | undefined) {
  if (name === undefined) return null;
  if (!(IMPORT_PRESET_IDS as readonly string[]).includes(name)) {
    throw new UsageError(
      `--preset "${name}": there is no such preset; presets are ${IMPORT_PRESET_IDS.join(", ")}`,
    );
  }
  return IMPORT_PRESETS[name as ImportPresetId];
}

// ---------------------------------------------------------------------------------------------
// Files

async function readTable(file: string): Promise<CsvTable> {
  const extension = extname(file).toLowerCase();
  if (extension === ".xls") {
    throw new UsageError(`${file}: the old .xls format is not read; save it as .xlsx or CSV`);
  }
  const problems: string[] = [];
  const table = extension === ".xlsx" ? await readXlsxFile(file, problems) : readCsvRows(file, problems);
  if (table === null || problems.length > 0) throw new UsageError(problems.join("\n"));
  return table;
}

async function readXlsxFile(path: string, problems: string[]): Promise<CsvTable | null> {
  if (!existsSync(path)) {
    problems.push(`${path}: cannot read the file (it does not exist)`);
    return null;
  }
  return readXlsx(readFileSync(path), path, problems);
}
