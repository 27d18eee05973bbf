/**
 * CSV text as a table of rows, each with the line it starts on, and its problems named by file and
 * line: what `handoff import`, `handoff dispatch` and `handoff dedupe` read, and the import upload.
 * Apart from the import's heavier modules, so a command that only reads CSV starts quickly.
 */
import { type CsvError, parse } from "csv-parse/sync";

export interface CsvRow {
  /** 1-based line where the record starts; the header is line 1. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  /** The file's name, as messages show it. */
  path: string;
  /** The header's cells, trimmed, as written. */
  header: string[];
  /** Lower-case column name → 0-based index. */
  columns: Map<string, number>;
  rows: CsvRow[];
}

/** CSV text with every row as read, whatever its width; problems are of the file as a whole. */
export function parseCsv(text: string, path: string, problems: string[]): CsvTable | null {
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

/** What is wrong with a row whose width differs from the header's, or null. */
export function rowWidthProblem(table: CsvTable, row: CsvRow): string | null {
  return row.cells.length === table.header.length
    ? null
    : `this row has ${row.cells.length} cells, the header ${table.header.length}`;
}

export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
