/**
 * `npm run bench -- dedupe` or `tsx bench/dedupe.ts [RECORDS]`: duplicate clusters of labelled
 * generated contacts (bench/dedupe-data.ts) as `handoff dedupe` finds them (clusterInThreads), pairwise precision, recall and F1 of "same person",
 * time and peak memory, beside a baseline of exact matching (same normalised e-mail, same E.164
 * phone or same name as typed). Without arguments it runs 100,000 and 1,000,000 records, each in a
 * fresh process so one size's heap does not inflate the other's peak RSS.
 * BENCH_THRESHOLDS=0.3,0.5,0.7 also prints F1 at other thresholds (to choose the default).
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { clusterInThreads } from "../src/cli/dedupe.js";
import { clusterDuplicates, DEFAULT_THRESHOLD } from "../src/core/dedupe/cluster.js";
import { comparablePhone, normaliseEmail } from "../src/core/dedupe/normalise.js";
import type { DedupeRecord } from "../src/core/dedupe/records.js";
import { generateDedupeData, pairwiseQuality } from "./dedupe-data.js";
import { table } from "./measure.js";

const SIZES = [100_000, 1_000_000];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fixed = (value: number) => value.toFixed(4);

interface Row {
  records: number;
  method: string;
  precision: number;
  recall: number;
  f1: number;
  seconds: number | null;
  peakRss: number | null;
  note: string;
}

/** The baseline: union of records with the same normalised e-mail, E.164 phone or name as typed. */
function exactMatching(records: readonly DedupeRecord[]): Int32Array {
  const parent = new Int32Array(records.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const firstWith = new Map<string, number>();
  const join = (key: string, i: number) => {
    const first = firstWith.get(key);
    if (first === undefined) firstWith.set(key, i);
    else parent[find(i)] = find(first);
  };
  records.forEach((record, i) => {
    for (const raw of record.emails) {
      const email = normaliseEmail(raw);
      if (email !== null) join(`e${email}`, i);
    }
    for (const raw of record.phones) {
      const phone = comparablePhone(raw, record.country);
      if (phone?.phone.startsWith("+")) join(`p${phone.phone}`, i);
    }
    const name = record.name.trim().toLowerCase();
    if (name !== "") join(`n${name}`, i);
  });
  const clusterOf = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) clusterOf[i] = find(i);
  return clusterOf;
}

async function measure(count: number): Promise<Row[]> {
  const { records, person } = generateDedupeData(count);
  global.gc?.();
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  // As `handoff dedupe` runs it: normalisation in one thread per core.
  const result = await clusterInThreads(records);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const peak = process.resourceUsage().maxRSS * 1024;
  const ours = pairwiseQuality(result.clusterOf, person);
  const rows: Row[] = [
    {
      records: count,
      method: `dedupe (threshold ${DEFAULT_THRESHOLD})`,
      ...ours,
      seconds,
      peakRss: peak,
      // CPU time beside wall time: on a shared machine the wall clock also counts others' work.
      note:
        `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; ${mb(before)} before; ` +
        `${result.compared} pairs compared; ${result.clusters.length} clusters; ` +
        `${availableParallelism()} threads`,
    },
  ];
  for (const threshold of (process.env.BENCH_THRESHOLDS ?? "").split(",").filter(Boolean).map(Number)) {
    const other = clusterDuplicates(records, { threshold });
    rows.push({
      records: count,
      method: `dedupe (threshold ${threshold})`,
      ...pairwiseQuality(other.clusterOf, person),
      seconds: null,
      peakRss: null,
      note: "",
    });
  }
  const baselineStart = performance.now();
  const baseline = exactMatching(records);
  rows.push({
    records: count,
    method: "exact e-mail, phone or name (baseline)",
    ...pairwiseQuality(baseline, person),
    seconds: (performance.now() - baselineStart) / 1000,
    peakRss: null,
    note: "",
  });
  const noNames = exactMatching(records.map((r) => ({ ...r, name: "" })));
  rows.push({
    records: count,
    method: "exact e-mail or phone only",
    ...pairwiseQuality(noNames, person),
    seconds: null,
    peakRss: null,
    note: "",
  });
  return rows;
}

function print(rows: Row[]): void {
  process.stdout.write(
    `${table(
      ["records", "method", "precision", "recall", "F1", "time", "peak RSS", ""],
      rows.map((r) => [
        r.records.toLocaleString("en"),
        r.method,
        fixed(r.precision),
        fixed(r.recall),
        fixed(r.f1),
        r.seconds === null ? "" : `${r.seconds.toFixed(2)} s`,
        r.peakRss === null ? "" : mb(r.peakRss),
        r.note,
      ]),
    )}\n`,
  );
}

const [countArg] = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
if (countArg && process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(await measure(Number(countArg)))}\n`);
} else if (countArg) {
  print(await measure(Number(countArg)));
} else {
  const rows: Row[] = [];
  for (const count of SIZES) {
    process.stderr.write(`dedupe: ${count} records …\n`);
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), String(count), "--json"],
      { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
    rows.push(...(JSON.parse(child.stdout) as Row[]));
  }
  print(rows);
}
