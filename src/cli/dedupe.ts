/** `handoff dedupe`: reads contacts.csv, writes clusters.csv of the same people (contract.md). */
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { isSupportedCountry } from "libphonenumber-js";
import { clusterDuplicates, DEFAULT_THRESHOLD, type DuplicateClusters } from "../core/dedupe/cluster.js";
import type { DedupeRecord } from "../core/dedupe/records.js";
import { matchFields } from "../core/dedupe/score.js";
import { csvCell, readCsvRows, rowWidthProblem, writeAllAtomically } from "./csv.js";
import { UsageError } from "./options.js";

interface DedupeOptions {
  in: string;
  out: string;
  threshold: number;
  pairs?: string;
}

export function dedupeCommand(program: Command): void {
  program
    .command("dedupe")
    .description("Group contacts that are the same person (names across scripts, phones, e-mails)")
    .requiredOption("--in <contacts.csv>", "contacts: id, name, phones, emails, city, country")
    .requiredOption("--out <clusters.csv>", "where to write id,cluster_id; - for standard output")
    .option(
      "--threshold <T>",
      "match certainty in [0, 1] above which two records are one person",
      parseThreshold,
      DEFAULT_THRESHOLD,
    )
    .option("--pairs <pairs.csv>", "also write every matched pair with its score and the fields that matched")
    .action((options: DedupeOptions) => runDedupe(options));
}

function parseThreshold(raw: string): number {
  const value = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError("must be a number from 0 to 1");
  return value;
}

function runDedupe(options: DedupeOptions): void {
  for (const [flag, path] of [
    ["--out", options.out],
    ["--pairs", options.pairs],
  ] as const) {
    if (path === undefined || path === "-") continue;
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`${flag} ${path}: the folder ${dir} does not exist`);
    }
  }
  if (options.pairs === "-")
    throw new UsageError("--pairs needs a file; only --out may be - (standard output)");
  const started = performance.now();
  const records = readDedupeInput(options.in);

  const progress = progressReporter(started);
  const result = clusterDuplicates(records, { threshold: options.threshold, onProgress: progress.update });
  progress.stop();

  const files: Array<[string, string]> = [];
  if (options.out !== "-") files.push([options.out, clustersCsv(records, result)]);
  if (options.pairs !== undefined) files.push([options.pairs, pairsCsv(records, result)]);
  writeAllAtomically(files);
  if (options.out === "-") process.stdout.write(clustersCsv(records, result));

  const seconds = (performance.now() - started) / 1000;
  const shared = result.clusters.filter((members) => members.length > 1).length;
  process.stderr.write(
    `dedupe: ${records.length} records, ${result.clusters.length} clusters (${shared} with duplicates), ` +
      `${result.compared} pairs compared, ${result.pairs.length} matched; ` +
      `threshold ${options.threshold}; ${seconds.toFixed(2)} s\n`,
  );
}

/** A bar on stderr, only when stderr is a terminal and the work has already taken over 2 s. */
function progressReporter(started: number) {
  let bar: SingleBar | null = null;
  // Normalising is the first half of the bar, comparing the second.
  return {
    update: (step: "normalise" | "compare", done: number, total: number): void => {
      const value = step === "normalise" ? done : total + done;
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      if (bar === null) {
        if (!process.stderr.isTTY || performance.now() - started < 2000) return;
        bar = new SingleBar({
          stream: process.stderr,
          format: "dedupe [{bar}] {percentage}% | {step} | {elapsed} s",
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(2 * total, value, { step, elapsed });
      }
      bar.update(value, { step, elapsed });
    },
    stop: (): void => {
      bar?.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Input

/** ISO 3166-1 codes that have no telephone numbering plan of their own (Antarctica, Bouvet …). */
const COUNTRIES_WITHOUT_PHONES = new Set(["AQ", "BV", "GS", "HM", "PN", "TF", "UM"]);

/** Reads and validates contacts.csv; every problem found is reported at once (up to 20). */
export function readDedupeInput(path: string): DedupeRecord[] {
  const problems: string[] = [];
  const records = readRecords(path, problems);
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more problems`);
    throw new UsageError(shown.join("\n"));
  }
  return records;
}

function readRecords(path: string, problems: string[]): DedupeRecord[] {
  const table = readCsvRows(path, problems);
  if (table === null) return [];
  const { columns } = table;
  if (!columns.has("id")) {
    problems.push(`${path}:1: missing column "id" in the header`);
    return [];
  }
  if (!["name", "phones", "emails"].some((name) => columns.has(name))) {
    problems.push(`${path}:1: no column to compare: the header needs name, phones or emails`);
    return [];
  }
  const at = (column: string) => {
    const index = columns.get(column);
    return index === undefined ? "" : `:${index + 1}`;
  };
  const firstLine = new Map<string, number>();
  const records: DedupeRecord[] = [];
  for (const row of table.rows) {
    const { line, cells } = row;
    const width = rowWidthProblem(table, row);
    if (width !== null) {
      problems.push(`${path}:${line}: ${width}`);
      continue;
    }
    const cell = (column: string) => {
      const index = columns.get(column);
      return index === undefined ? "" : (cells[index] ?? "");
    };
    const id = cell("id").trim();
    if (id === "") problems.push(`${path}:${line}${at("id")}: id: is empty; every row needs a unique id`);
    else {
      const first = firstLine.get(id);
      if (first === undefined) firstLine.set(id, line);
      else problems.push(`${path}:${line}${at("id")}: id: "${id}" is already used on line ${first}`);
    }
    const rawCountry = cell("country").trim();
    const country = rawCountry === "" ? null : rawCountry.toUpperCase();
    if (country !== null && !(isSupportedCountry(country) || COUNTRIES_WITHOUT_PHONES.has(country))) {
      problems.push(
        `${path}:${line}${at("country")}: country: "${rawCountry}" is not an ISO 3166-1 alpha-2 code (such as IT, GR)`,
      );
    }
    records.push({
      id,
      name: cell("name").trim(),
      phones: splitList(cell("phones")),
      emails: splitList(cell("emails")),
      city: cell("city").trim(),
      country,
    });
  }
  return records;
}

function splitList(cell: string): string[] {
  return cell
    .split(";")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

// ---------------------------------------------------------------------------------------------
// Output

/** clusters.csv: every input id once, in input order; a cluster is named by its first record's id. */
export function clustersCsv(records: readonly DedupeRecord[], result: DuplicateClusters): string {
  const lines = ["id,cluster_id"];
  records.forEach((record, i) => {
    lines.push(`${csvCell(record.id)},${csvCell(records[result.clusterOf[i]!]!.id)}`);
  });
  return `${lines.join("\n")}\n`;
}

/** pairs.csv: each pair scored above the threshold, its score, what matched, and whether it was joined. */
export function pairsCsv(records: readonly DedupeRecord[], result: DuplicateClusters): string {
  const lines = ["id_a,id_b,score,fields,same_cluster"];
  for (const pair of result.pairs) {
    lines.push(
      [
        csvCell(records[pair.a]!.id),
        csvCell(records[pair.b]!.id),
        pair.score.toFixed(4),
        matchFields(pair.fields).join(";"),
        pair.sameCluster ? "yes" : "no",
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
