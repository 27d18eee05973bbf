import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDispatchInput } from "../../src/cli/dispatch.js";
import { UsageError } from "../../src/cli/options.js";
import { eligibility, haversineKm, planObjective } from "../../src/core/dispatch/model.js";
import { planDispatch } from "../../src/core/dispatch/plan.js";

const SAMPLE = join(import.meta.dirname, "../../../shared/samples/dispatch-300x40");
const sampleDir = existsSync(SAMPLE) ? SAMPLE : "/work/shared/samples/dispatch-300x40";
const BIN = join(import.meta.dirname, "../../bin/handoff.js");

interface Expected {
  objective: number;
  assigned: number;
  no_eligible_worker: number;
  no_capacity: number;
}
const expected = JSON.parse(readFileSync(join(sampleDir, "expected.json"), "utf8")) as Expected;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "handoff-dispatch-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `handoff dispatch …` as a user would; tests run several at once, so this is asynchronous. */
function handoff(...args: string[]) {
  return handoffIn(dir, ...args);
}

function handoffIn(
  cwd: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "dispatch", ...args], { cwd }, (error, stdout, stderr) => {
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

const WORKERS = [
  "id,name,gender,languages,lat,lon,max_km,capacity,active,trust,status",
  "w1,Anna,f,it;en,41.9,12.5,30,2,0,0.9,active",
  "w2,Bruno,m,it,41.95,12.55,30,1,,,",
].join("\n");
const CONTACTS = [
  "id,name,gender,languages,lat,lon,gender_match,priority,declined_by",
  "c1,Carla,f,it,41.91,12.51,,2,",
  "c2,Dario,m,IT,41.94,12.54,,,w1",
  "c3,Elena,,el,,,,1,",
].join("\n");

describe("handoff dispatch on the 300 × 40 sample", { timeout: 120_000 }, () => {
  it.concurrent("plans the known optimum through the planner", async () => {
    const input = readDispatchInput({
      workers: join(sampleDir, "workers.csv"),
      contacts: join(sampleDir, "contacts.csv"),
      config: join(sampleDir, "config.json"),
    });
    const plan = planDispatch(input.contacts, input.workers, input.config);
    expect(Math.abs(plan.objective - expected.objective)).toBeLessThanOrEqual(1e-6 * expected.assigned);
    expect(plan.assigned).toBe(expected.assigned);
    expect(plan.counts).toEqual({
      no_eligible_worker: expected.no_eligible_worker,
      no_capacity: expected.no_capacity,
    });
  });

  it.concurrent("writes plan.csv as the contract says, and a summary on stderr", async () => {
    const folder = scratch();
    const out = join(folder, "plan.csv");
    const run = await handoff(
      "--workers",
      join(sampleDir, "workers.csv"),
      "--contacts",
      join(sampleDir, "contacts.csv"),
      "--config",
      join(sampleDir, "config.json"),
      "--out",
      out,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(
        `^dispatch: ${expected.assigned} assigned, ${expected.no_eligible_worker} no_eligible_worker, ` +
          `${expected.no_capacity} no_capacity; objective [\\d.]+; [\\d.]+ s\\n$`,
      ),
    );

    const input = readDispatchInput({
      workers: join(sampleDir, "workers.csv"),
      contacts: join(sampleDir, "contacts.csv"),
      config: join(sampleDir, "config.json"),
    });
    const lines = readFileSync(out, "utf8").split("\n");
    expect(lines[0]).toBe("contact_id,worker_id,reason,distance_km");
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1).map((line) => line.split(","));
    expect(rows.map((r) => r[0])).toEqual(input.contacts.map((c) => c.id));
    const workerIndex = new Map(input.workers.map((w, i) => [w.id, i]));
    const workerOf = rows.map(([, workerId, reason, distance], c) => {
      const contact = input.contacts[c]!;
      if (workerId === "") {
        expect(["no_eligible_worker", "no_capacity"]).toContain(reason);
        expect(distance).toBe("");
        return -1;
      }
      const w = workerIndex.get(workerId!)!;
      const worker = input.workers[w]!;
      expect(reason).toBe("");
      expect(eligibility(contact, worker, input.config).ok).toBe(true);
      const d = contact.lat === null ? 0 : haversineKm(contact.lat, contact.lon!, worker.lat, worker.lon);
      expect(distance).toBe(d.toFixed(3));
      return w;
    });
    const objective = planObjective(input.contacts, input.workers, input.config, workerOf);
    expect(Math.abs(objective - expected.objective)).toBeLessThanOrEqual(1e-6 * expected.assigned);
    expect(rows.filter((r) => r[2] === "no_capacity")).toHaveLength(expected.no_capacity);
    expect(leftovers(folder)).toEqual([]);
  });
});

describe("handoff dispatch input", { timeout: 120_000 }, () => {
  it.concurrent("reads a BOM, CRLF, quoted cells, any column order, unknown columns and case-insensitive codes", async () => {
    const folder = scratch();
    const workers = write(
      folder,
      "w-crlf.csv",
      `\uFEFFstatus,capacity,max_km,lon,lat,languages,gender,id,notes\r\n` +
        ` ACTIVE ,2,30,12.5,41.9,"IT; En",F,w1,"likes ""tea"", coffee"\r\n`,
    );
    const contacts = write(
      folder,
      "c-crlf.csv",
      `\uFEFFid,languages,gender,gender_match,lat,lon,extra\r\n"c,1",en,f, Same ,41.91,12.51,x\r\n`,
    );
    const run = await handoff("--workers", workers, "--contacts", contacts, "--out", "-");
    expect(run.stderr).toMatch(/^dispatch: 1 assigned/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^contact_id,worker_id,reason,distance_km\n"c,1",w1,,\d+\.\d{3}\n$/);
  });

  it.concurrent("writes 0.000 for a contact without location and names both reasons", async () => {
    const folder = scratch();
    const run = await handoff(
      "--workers",
      write(folder, "w.csv", WORKERS),
      "--contacts",
      write(folder, "c.csv", `${CONTACTS}\nc4,Fabio,,it,,,,1,\nc5,Gina,f,it,42.05,12.5,,1,`),
      "--out",
      "-",
    );
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split("\n").slice(1);
    expect(rows[0]).toMatch(/^c1,w1,,\d+\.\d{3}$/);
    expect(rows[1]).toMatch(/^c2,w2,,\d+\.\d{3}$/);
    expect(rows[2]).toBe("c3,,no_eligible_worker,");
    // w1 has room for two: c1 (priority 2) and c4 rather than c5, 17 km away; c2 keeps w2.
    expect(rows[3]).toBe("c4,w1,,0.000");
    expect(rows[4]).toBe("c5,,no_capacity,");
  });

  // Each case is checked through readDispatchInput; the first four also through the real command
  // (exit code 2, message on stderr, no output file), the rest only in-process to keep this fast.
  const cases: Array<[string, string, string, RegExp]> = [
    [
      "a latitude that is not a number",
      WORKERS.replace("41.95", "north"),
      CONTACTS,
      /bad-workers\.csv:3:5: lat: "north" is not a latitude/,
    ],
    [
      "a latitude out of range",
      WORKERS.replace("41.95", "95"),
      CONTACTS,
      /bad-workers\.csv:3:5: lat: "95" is not a latitude/,
    ],
    [
      "a missing column",
      WORKERS.replace(",max_km", ",reach"),
      CONTACTS,
      /bad-workers\.csv:1: missing column "max_km"/,
    ],
    [
      "a duplicate worker id",
      WORKERS.replace("w2,", "w1,"),
      CONTACTS,
      /bad-workers\.csv:3:1: id: "w1" is already used on line 2/,
    ],
    [
      "a duplicate contact id",
      WORKERS,
      CONTACTS.replace("c3,", "c1,"),
      /bad-contacts\.csv:4:1: id: "c1" is already used on line 2/,
    ],
    [
      "an unknown gender",
      WORKERS.replace(",f,it;en", ",x,it;en"),
      CONTACTS,
      /bad-workers\.csv:2:3: gender: "x"/,
    ],
    [
      "a fractional capacity",
      WORKERS.replace(",30,2,0,", ",30,2.5,0,"),
      CONTACTS,
      /bad-workers\.csv:2:8: capacity/,
    ],
    [
      "a worker without languages",
      WORKERS.replace("it;en", ""),
      CONTACTS,
      /bad-workers\.csv:2:4: languages: is empty/,
    ],
    ["a priority of 0", WORKERS, CONTACTS.replace(",,2,", ",,0,"), /bad-contacts\.csv:2:8: priority: "0"/],
    [
      "a latitude without longitude",
      WORKERS,
      CONTACTS.replace("41.91,12.51", "41.91,"),
      /bad-contacts\.csv:2:6: lon/,
    ],
    [
      "a row with too few cells",
      WORKERS,
      `${CONTACTS}\nc4,Fabio`,
      /bad-contacts\.csv:5: this row has 2 cells, the header 9/,
    ],
    [
      "an unclosed quote",
      WORKERS,
      `${CONTACTS}\nc4,"Fabio`,
      /bad-contacts\.csv:5: a quoted cell is never closed/,
    ],
    ["an empty file", "", CONTACTS, /bad-workers\.csv:1: the file is empty/],
  ];
  cases.forEach(([what, workers, contacts, message], i) => {
    it.concurrent(`refuses ${what} with the file, line and column`, async () => {
      const folder = scratch();
      const paths = {
        workers: write(folder, "bad-workers.csv", workers),
        contacts: write(folder, "bad-contacts.csv", contacts),
      };
      expect(() => readDispatchInput(paths)).toThrow(UsageError);
      expect(() => readDispatchInput(paths)).toThrow(message);
      if (i >= 4) return;
      const out = join(folder, "never.csv");
      const run = await handoff("--workers", paths.workers, "--contacts", paths.contacts, "--out", out);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
      expect(existsSync(out)).toBe(false);
      expect(leftovers(folder)).toEqual([]);
    });
  });

  const configs: Array<[string, string, RegExp]> = [
    [
      "a negative weight",
      `{"weights": {"load": -1}}`,
      /config\.json: weights\.load: must be a finite number ≥ 0/,
    ],
    ["an unknown key", `{"assign_valu": 5}`, /config\.json: assign_valu: unknown key/],
    ["an unknown weight", `{"weights": {"distance": 1}}`, /config\.json: weights\.distance: unknown key/],
    [
      "a string for a number",
      `{"assign_value": "10"}`,
      /config\.json: assign_value: must be a finite number/,
    ],
    ["an infinite number", `{"assign_value": 1e999}`, /config\.json: assign_value: must be a finite number/],
    ["bad JSON", `{"assign_value": 10,\n}`, /config\.json(:\d+:\d+)?: not valid JSON/],
  ];
  configs.forEach(([what, text, message], i) => {
    it.concurrent(`refuses a config with ${what}`, async () => {
      const folder = scratch();
      const paths = {
        workers: write(folder, "w.csv", WORKERS),
        contacts: write(folder, "c.csv", CONTACTS),
        config: write(folder, "config.json", text),
      };
      expect(() => readDispatchInput(paths)).toThrow(message);
      if (i >= 1) return;
      const out = join(folder, "never.csv");
      const run = await handoff(
        "--workers",
        paths.workers,
        "--contacts",
        paths.contacts,
        "--config",
        paths.config,
        "--out",
        out,
      );
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    });
  });

  it.concurrent("refuses a missing input file and a missing --out with exit 2", async () => {
    const folder = scratch();
    const contacts = write(folder, "c.csv", CONTACTS);
    const missing = await handoff(
      "--workers",
      join(folder, "nope.csv"),
      "--contacts",
      contacts,
      "--out",
      "-",
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: cannot read the file \(it does not exist\)/);
    const noOut = await handoff("--workers", write(folder, "w.csv", WORKERS), "--contacts", contacts);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out/);
  });
});

describe("handoff dispatch --explain", { timeout: 120_000 }, () => {
  it.concurrent("prints every worker with its score terms or the rule that excluded it, without --out", async () => {
    const folder = scratch();
    const workers = write(folder, "w.csv", WORKERS);
    const contacts = write(folder, "c.csv", CONTACTS);
    const before = readdirSync(folder).sort();
    const run = await handoffIn(folder, "--workers", workers, "--contacts", contacts, "--explain", "c2");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^contact c2 \(Dario\)/);
    expect(run.stdout).toMatch(/plan: assigned to w2/);
    expect(run.stdout).toMatch(/\nw2 +eligible, assigned +\d+\.\d{3} +10000\.000 /);
    expect(run.stdout).toMatch(/\nw1 +excluded: gender +worker f, contact m, rule same/);
    expect(readdirSync(folder).sort()).toEqual(before);
  });

  it.concurrent("refuses an unknown contact id", async () => {
    const folder = scratch();
    const run = await handoff(
      "--workers",
      write(folder, "w.csv", WORKERS),
      "--contacts",
      write(folder, "c.csv", CONTACTS),
      "--explain",
      "zz",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--explain: no contact has the id "zz"/);
  });
});
