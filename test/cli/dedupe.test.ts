import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDedupeInput } from "../../src/cli/dedupe.js";
import { UsageError } from "../../src/cli/options.js";

const BIN = join(import.meta.dirname, "../../bin/handoff.js");
/** Each test starts the real command (tsx compiles it on start): slow on a busy machine. */
const SLOW = 120_000;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "handoff-dedupe-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `handoff dedupe …` as a user would; tests run several at once, so this is asynchronous. */
function handoff(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "dedupe", ...args], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** A folder of its own for each test, since the tests run at the same time. */
function scratch(): string {
  return mkdtempSync(join(dir, "case-"));
}

function write(folder: string, name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const leftovers = (folder: string) => readdirSync(folder).filter((name) => name.endsWith(".tmp"));

const CONTACTS = [
  "id,name,phones,emails,city,country",
  "c1,Maria Rossi,333 123 4567,maria.rossi@gmail.com,Roma,IT",
  "c2,ROSSI Maria,+39 333-123-4567,,Rome,it",
  "c3,Marco Rossi,3331234567,,Roma,IT",
  "c4,Γιώργος Παπαδόπουλος,694 123 4567,,Αθήνα,GR",
  'c5,"Papadopoulos, Yiorgos",+30 694 1234567;210 123 4567,G.Papadopoulos+web@GoogleMail.com,Athens,',
  "c6,محمد الأحمد,,m.ahmad@gmail.com,,",
  "c7,Mohammed Al-Ahmad,,M.Ahmad@gmail.com,Milano,IT",
  "c8,Олена Коваленко,050 123 45 67,,,UA",
  "c9,Olena Kovalenko,+380501234567,,Kyiv,",
  "c10,Anna Bianchi,347 765 4321,,Torino,IT",
].join("\n");

/** The clusters of a clusters.csv, as sets of ids, whatever the cluster ids are. */
function groups(csv: string): string[][] {
  const rows = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  const byCluster = new Map<string, string[]>();
  for (const [id, cluster] of rows) byCluster.set(cluster!, [...(byCluster.get(cluster!) ?? []), id!]);
  return [...byCluster.values()].map((ids) => ids.sort()).sort();
}

describe("handoff dedupe", { timeout: 120_000 }, () => {
  it.concurrent(
    "writes clusters.csv in input order, one person per cluster, and a summary on stderr",
    async () => {
      const folder = scratch();
      const out = join(folder, "clusters.csv");
      const pairs = join(folder, "pairs.csv");
      const run = await handoff(
        "--in",
        write(folder, "contacts.csv", CONTACTS),
        "--out",
        out,
        "--pairs",
        pairs,
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        /^dedupe: 10 records, 6 clusters \(4 with duplicates\), \d+ pairs compared, \d+ matched; threshold 0\.5; [\d.]+ s\n$/,
      );
      const csv = readFileSync(out, "utf8");
      expect(csv.split("\n")[0]).toBe("id,cluster_id");
      expect(
        csv
          .trim()
          .split("\n")
          .slice(1)
          .map((line) => line.split(",")[0]),
      ).toEqual(Array.from({ length: 10 }, (_, i) => `c${i + 1}`));
      expect(groups(csv)).toEqual([["c1", "c2"], ["c10"], ["c3"], ["c4", "c5"], ["c6", "c7"], ["c8", "c9"]]);
      expect(leftovers(folder)).toEqual([]);

      // --pairs: each matched pair with its score, the fields that matched and whether it was joined.
      const lines = readFileSync(pairs, "utf8").trim().split("\n");
      expect(lines[0]).toBe("id_a,id_b,score,fields,same_cluster");
      expect(lines).toContain("c1,c2,1.0000,phone;name,yes");
      expect(lines.find((line) => line.startsWith("c4,c5,"))).toMatch(
        /^c4,c5,\d\.\d{4},phone;name_similar,yes$/,
      );
      // The household pair (same phone, another given name) is not a match at all.
      expect(lines.some((line) => line.startsWith("c1,c3,") || line.startsWith("c2,c3,"))).toBe(false);
    },
    SLOW,
  );

  it.concurrent(
    "writes to stdout with --out - and keeps the summary on stderr",
    async () => {
      const folder = scratch();
      const run = await handoff("--in", write(folder, "contacts.csv", CONTACTS), "--out", "-");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^id,cluster_id\nc1,c1\nc2,c1\n/);
      expect(run.stdout).not.toMatch(/dedupe:/);
      expect(run.stderr).toMatch(/^dedupe: 10 records/);
    },
    SLOW,
  );

  it.concurrent(
    "joins nobody at threshold 1",
    async () => {
      const folder = scratch();
      const run = await handoff("--in", write(folder, "c.csv", CONTACTS), "--out", "-", "--threshold", "1");
      expect(groups(run.stdout)).toHaveLength(10);
    },
    SLOW,
  );

  it.concurrent(
    "reads a BOM, CRLF, quoted cells, any column order and unknown columns",
    async () => {
      const folder = scratch();
      const input = write(
        folder,
        "crlf.csv",
        '\uFEFFnotes,country,emails,ID,name\r\n"says ""hi"", twice",IT,a@b.it,"x,1",Anna\r\n,it, A@B.IT ,x2,Anna Neri\r\n',
      );
      const run = await handoff("--in", input, "--out", "-");
      expect(run.stderr).toMatch(/^dedupe: 2 records, 1 clusters/);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('id,cluster_id\n"x,1","x,1"\nx2,"x,1"\n');
    },
    SLOW,
  );

  // Each case is checked through readDedupeInput; the first two also through the real command
  // (exit code 2, message on stderr, no output file), the rest only in-process to keep this fast.
  const cases: Array<[string, string, RegExp]> = [
    ["a duplicate id", CONTACTS.replace("c3,", "c1,"), /bad\.csv:4:1: id: "c1" is already used on line 2/],
    [
      "an unknown country",
      CONTACTS.replace("Torino,IT", "Torino,Italy"),
      /bad\.csv:11:6: country: "Italy" is not/,
    ],
    ["a missing id column", CONTACTS.replace("id,name", "key,name"), /bad\.csv:1: missing column "id"/],
    ["an empty id", CONTACTS.replace("c3,", ","), /bad\.csv:4:1: id: is empty/],
    ["no column to compare", "id,city\n1,Roma", /bad\.csv:1: no column to compare/],
    ["a row with too few cells", `${CONTACTS}\nc11,Anna`, /bad\.csv:12: this row has 2 cells, the header 6/],
    ["an unclosed quote", `${CONTACTS}\nc11,"Anna`, /bad\.csv:12: a quoted cell is never closed/],
    ["an empty file", "", /bad\.csv:1: the file is empty/],
    [
      "a quoted cell over two lines before a bad row",
      `${CONTACTS.split("\n").slice(0, 2).join("\n")}\nc11,"Anna\nMaria",,,,IT\nc12,Lia,,,,XX`,
      /bad\.csv:5:6: country: "XX"/,
    ],
  ];
  cases.forEach(([what, text, message], i) => {
    it.concurrent(
      `refuses ${what} with the file, line and column`,
      async () => {
        const folder = scratch();
        const input = write(folder, "bad.csv", text);
        expect(() => readDedupeInput(input)).toThrow(UsageError);
        expect(() => readDedupeInput(input)).toThrow(message);
        if (i >= 2) return;
        const out = join(folder, "never.csv");
        const pairs = join(folder, "never-pairs.csv");
        const run = await handoff("--in", input, "--out", out, "--pairs", pairs);
        expect(run.stderr).toMatch(message);
        expect(run.code).toBe(2);
        expect(existsSync(out)).toBe(false);
        expect(existsSync(pairs)).toBe(false);
        expect(leftovers(folder)).toEqual([]);
      },
      SLOW,
    );
  });

  it.concurrent(
    "refuses bad usage with exit 2",
    async () => {
      const folder = scratch();
      const input = write(folder, "c.csv", CONTACTS);
      const [missing, noOut, badThreshold, noFolder] = await Promise.all([
        handoff("--in", join(folder, "nope.csv"), "--out", "-"),
        handoff("--in", input),
        handoff("--in", input, "--out", "-", "--threshold", "1.5"),
        handoff("--in", input, "--out", join(folder, "no/such/dir/out.csv")),
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/nope\.csv: cannot read the file \(it does not exist\)/);
      expect(noOut.code).toBe(2);
      expect(noOut.stderr).toMatch(/--out/);
      expect(badThreshold.code).toBe(2);
      expect(badThreshold.stderr).toMatch(/--threshold.*must be a number from 0 to 1/);
      expect(noFolder.code).toBe(2);
      expect(noFolder.stderr).toMatch(/the folder .* does not exist/);
    },
    SLOW,
  );

  it.concurrent(
    "exits 1 when the output cannot be written, and leaves no temporary file",
    async () => {
      const folder = scratch();
      // A folder where the output file should go: the final rename fails at run time.
      const target = mkdtempSync(join(folder, "taken-"));
      const run = await handoff("--in", write(folder, "c.csv", CONTACTS), "--out", target);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^handoff: /m);
      expect(leftovers(folder)).toEqual([]);
    },
    SLOW,
  );
});
