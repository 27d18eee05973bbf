/** `handoff dedupe`: reads contacts.csv, writes clusters.csv of the same people (contract.md). */
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { parentPort, Worker } from "node:worker_threads";
import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { isSupportedCountry } from "libphonenumber-js";
import {
  type DedupeOptions as ClusterOptions,
  clusterColumns,
  clusterDuplicates,
  DEFAULT_THRESHOLD,
  type DuplicateClusters,
} from "../core/dedupe/cluster.js";
import { type NormalisedSlice, normaliseSlice, sliceBuffers, sliceJoiner } from "../core/dedupe/columns.js";
import { normaliseCaches } from "../core/dedupe/normalise.js";
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

async function runDedupe(options: DedupeOptions): Promise<void> {
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
  let result: DuplicateClusters;
  try {
    result = await clusterInThreads(records, { threshold: options.threshold, onProgress: progress.update });
  } finally {
    progress.stop();
  }

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
// Threads

/** Below this many records one thread is quicker than starting others. */
const THREADS_FROM = 20_000;
/** Records per slice handed to a thread. */
const SLICE = 16_384;
/** Slices a thread holds at once: one at work, one waiting, so it never idles on the main thread. */
const SLICES_AHEAD = 2;

/**
 * clusterDuplicates with normalisation (most of the work, and per record) spread over threads, one
 * per core: each normalises slices of the records into columns (core/dedupe/columns.ts), and this
 * thread joins them as they come back, then compares and clusters. The result is the same as
 * clusterDuplicates' for any number of threads.
 */
export async function clusterInThreads(
  records: readonly DedupeRecord[],
  options: ClusterOptions & { threads?: number; sliceSize?: number } = {},
): Promise<DuplicateClusters> {
  const size = options.sliceSize ?? SLICE;
  const slices = Math.ceil(records.length / size);
  const threads = Math.min(options.threads ?? availableParallelism(), slices);
  if (threads <= 1 || (options.threads === undefined && records.length < THREADS_FROM)) {
    return clusterDuplicates(records, options);
  }
  const joiner = sliceJoiner();
  const workers = Array.from({ length: threads }, startNormaliser);
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let done = 0;
      const send = (worker: Worker) => {
        if (sent === slices) return;
        const position = sent++;
        const packed = packRecords(records, position * size, Math.min(records.length, (position + 1) * size));
        worker.postMessage({ position, ...packed } satisfies NormaliseRequest, [
          packed.chars.buffer as ArrayBuffer,
          packed.lengths.buffer as ArrayBuffer,
        ]);
      };
      for (const worker of workers) {
        worker.on("message", ({ position, slice }: NormaliseReply) => {
          send(worker);
          joiner.add(position, slice);
          done++;
          options.onProgress?.("normalise", Math.min(records.length, done * size), records.length);
          if (done === slices) resolve();
        });
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (done < slices) reject(new Error(`a normalising thread stopped early (exit code ${code})`));
        });
        for (let k = 0; k < SLICES_AHEAD; k++) send(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return clusterColumns(joiner.columns(), options);
}

/**
 * Records from-to as their characters and the lengths of their parts, in transferable buffers:
 * far quicker to pass than objects, and no large string for this thread's garbage collector,
 * which already walks every record.
 */
interface PackedRecords {
  chars: Uint16Array;
  /** Per record: name, city and country lengths (−1: none), phones and e-mails counts, their lengths. */
  lengths: Int32Array;
}

interface NormaliseRequest extends PackedRecords {
  position: number;
}

function packRecords(records: readonly DedupeRecord[], from: number, to: number): PackedRecords {
  let chars = new Uint16Array((to - from) * 64);
  let lengths = new Int32Array((to - from) * 8);
  let at = 0;
  let k = 0;
  const put = (value: string) => {
    if (at + value.length > chars.length) {
      const grown = new Uint16Array(chars.length * 2 + value.length);
      grown.set(chars);
      chars = grown;
    }
    for (let c = 0; c < value.length; c++) chars[at++] = value.charCodeAt(c);
  };
  for (let i = from; i < to; i++) {
    const { name, city, country, phones, emails } = records[i]!;
    if (k + 5 + phones.length + emails.length > lengths.length) {
      const grown = new Int32Array(lengths.length * 2 + phones.length + emails.length);
      grown.set(lengths);
      lengths = grown;
    }
    put(name);
    put(city);
    if (country !== null) put(country);
    lengths[k++] = name.length;
    lengths[k++] = city.length;
    lengths[k++] = country === null ? -1 : country.length;
    lengths[k++] = phones.length;
    lengths[k++] = emails.length;
    for (const phone of phones) {
      put(phone);
      lengths[k++] = phone.length;
    }
    for (const email of emails) {
      put(email);
      lengths[k++] = email.length;
    }
  }
  return { chars: chars.slice(0, at), lengths: lengths.slice(0, k) };
}

/** Characters as a string, unchanged (a decoder would replace lone surrogates). */
function charsText(chars: Uint16Array): string {
  let text = "";
  for (let from = 0; from < chars.length; from += 8192) {
    text += String.fromCharCode(...chars.subarray(from, from + 8192));
  }
  return text;
}

/** The records of packRecords, without their ids (normalising does not read them). */
function unpackRecords({ chars, lengths }: PackedRecords): DedupeRecord[] {
  const text = charsText(chars);
  const records: DedupeRecord[] = [];
  let at = 0;
  let k = 0;
  const next = (length: number) => {
    at += length;
    return text.slice(at - length, at);
  };
  while (k < lengths.length) {
    const name = next(lengths[k]!);
    const city = next(lengths[k + 1]!);
    const country = lengths[k + 2]! < 0 ? null : next(lengths[k + 2]!);
    const phoneCount = lengths[k + 3]!;
    const emailCount = lengths[k + 4]!;
    k += 5;
    const phones: string[] = [];
    for (let p = 0; p < phoneCount; p++) phones.push(next(lengths[k++]!));
    const emails: string[] = [];
    for (let e = 0; e < emailCount; e++) emails.push(next(lengths[k++]!));
    records.push({ id: "", name, phones, emails, city, country });
  }
  return records;
}

interface NormaliseReply {
  position: number;
  slice: NormalisedSlice;
}

/**
 * A thread running serveNormalising from this module. Run from the TypeScript sources (as
 * bin/handoff.js does), the thread registers tsx first: a thread does not inherit the hooks.
 */
function startNormaliser(): Worker {
  const self = import.meta.url;
  const lines: string[] = [];
  if (self.endsWith(".ts")) {
    const tsx = import.meta.resolve("tsx/esm/api");
    lines.push(`import { register } from ${JSON.stringify(tsx)};`, "register();");
  }
  lines.push(`const shell = await import(${JSON.stringify(self)});`, "shell.serveNormalising();");
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(lines.join("\n"))}`));
}

/** The thread's side of clusterInThreads: normalises each slice it is sent and sends it back. */
export function serveNormalising(): void {
  const port = parentPort;
  if (port === null) throw new Error("serveNormalising runs in a worker thread");
  // Kept across slices: a thread sees the same numbers, words and cities again and again.
  const caches = normaliseCaches();
  port.on("message", ({ position, ...packed }: NormaliseRequest) => {
    const slice = normaliseSlice(unpackRecords(packed), caches);
    port.postMessage({ position, slice } satisfies NormaliseReply, sliceBuffers(slice));
  });
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
