/** CSV in and out for the command line (contract.md): reading with file:line errors, atomic writes, progress. */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SingleBar } from "cli-progress";
import { type CsvTable, csvCell, parseCsv, rowWidthProblem } from "../core/intake/csv-table.js";

export type { CsvRow, CsvTable } from "../core/intake/csv-table.js";
export { csvCell, rowWidthProblem };

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

/** A CSV file with every row as read, whatever its width; problems are of the file as a whole. */
export function readCsvRows(path: string, problems: string[]): CsvTable | null {
  const text = readText(path, problems);
  return text === null ? null : parseCsv(text, path, problems);
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
