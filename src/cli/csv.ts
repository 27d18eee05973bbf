/** CSV in and out for the command line (contract.md): reading with file:line errors, atomic writes, progress. */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SingleBar } from "cli-progress";
import { type CsvError, parse } from "csv-parse/sync";

export interface CsvRow {
  /** 1-based line where the record starts; the header is line 1. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  path: string;
  /** The header's cells, trimmed, as written. */
  header: string[];
  /** Lower-case column name → 0-based index. */
  columns: Map<string, number>;
  rows: CsvRow[];
}

export function readText(path: string, problems: string[]): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${path}: cannot read the file (${code === "ENOENT" ? "it does not exist" : code})`);
    return null;
  }
}

/** A CSV file whose rows all have the header's width; a row of another width is a problem. */
export function readCsv(path: string, problems: string[]): CsvTable | null {
  const table = readCsvRows(path, problems);
  if (table === null) return null;
  // A row of the wrong width is reported once, not again cell by cell.
  const whole = table.rows.filter((row) => {
    const problem = rowWidthProblem(table, row);
    if (problem !== null) problems.push(`${path}:${row.line}: ${problem}`);
    return problem === null;
  });
  return { ...table, rows: whole };
}

/** What is wrong with a row whose width differs from the header's, or null. */
export function rowWidthProblem(table: CsvTable, row: CsvRow): string | null {
  return row.cells.length === table.header.length
    ? null
    : `this row has ${row.cells.length} cells, the header ${table.header.length}`;
}

/** A CSV file with every row as read, whatever its width; problems are of the file as a whole. */
export function readCsvRows(path: string, problems: string[]): CsvTable | null {
  const text = readText(path, problems);
  if (text === null) return null;
  const rows: CsvRow[] = [];
  try {
    parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // Each row is kept here with the line it starts on (context.lines is where it ends), and
      // dropped from the parser's own result, which would only double the memory at 10⁶ rows.
      on_record: (cells, context) => {
        const spanned = cells.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
        rows.push({ line: context.lines - spanned, cells });
        return null;
      },
    });
  } catch (error) {
    problems.push(describeCsvError(path, error as CsvError));
    return null;
  }
  const [header, ...body] = rows;
  if (header === undefined) {
    problems.push(`${path}:1: the file is empty; a header row is required`);
    return null;
  }
  const columns = new Map<string, number>();
  header.cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (columns.has(name)) {
      problems.push(`${path}:1:${i + 1}: column "${name}" appears twice in the header`);
    } else if (name !== "") {
      columns.set(name, i);
    }
  });
  return { path, header: header.cells.map((cell) => cell.trim()), columns, rows: body };
}

function describeCsvError(path: string, error: CsvError): string {
  const line = (error as CsvError & { lines?: number }).lines ?? 1;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `${path}:${line}: a quoted cell is never closed`;
    case "INVALID_OPENING_QUOTE":
    case "CSV_INVALID_CLOSING_QUOTE":
      return `${path}:${line}: a quote inside a cell that is not quoted as a whole (write "" for a quote)`;
    default:
      return `${path}:${line}: not valid CSV: ${error.message}`;
  }
}

export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes to a temporary file beside `path`, then renames it: a failed run leaves no partial file. */
export function writeAtomically(path: string, text: string): void {
  writeAllAtomically([[path, text]]);
}

/**
 * Writes each file to a temporary file beside it, and renames them only once all are written: a
 * failed run leaves no partial file, and no file without the others of its run.
 */
export function writeAllAtomically(files: ReadonlyArray<[path: string, text: string]>): void {
  const temporaries = files.map(([path]) => join(dirname(path), `.${basename(path)}.${process.pid}.tmp`));
  try {
    files.forEach(([, text], i) => {
      writeFileSync(temporaries[i]!, text);
    });
    files.forEach(([path], i) => {
      renameSync(temporaries[i]!, path);
    });
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * A bar on stderr, only when stderr is a terminal and the work has already taken over 2 s.
 * `command` and `unit` name it: "dispatch [====] 40% | 120/300 contacts | 3 s".
 */
export function progressReporter(started: number, command: string, unit: string) {
  let bar: SingleBar | null = null;
  return {
    update: (done: number, total: number): void => {
      if (bar === null) {
        if (!process.stderr.isTTY || performance.now() - started < 2000) return;
        bar = new SingleBar({
          stream: process.stderr,
          format: `${command} [{bar}] {percentage}% | {value}/{total} ${unit} | {elapsed} s`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(total, done, { elapsed: ((performance.now() - started) / 1000).toFixed(0) });
      }
      bar.update(done, { elapsed: ((performance.now() - started) / 1000).toFixed(0) });
    },
    stop: (): void => {
      bar?.stop();
    },
  };
}
