/** `handoff dispatch`: reads workers.csv and contacts.csv, writes the optimal plan.csv (contract.md). */
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import {
  contactDistanceKm,
  DEFAULT_DISPATCH_CONFIG,
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  type Gender,
  genderRule,
  loadCost,
} from "../core/dispatch/model.js";
import { type DispatchPlan, planDispatch } from "../core/dispatch/plan.js";
import {
  type CsvRow,
  type CsvTable,
  csvCell,
  progressReporter,
  readCsv,
  readText,
  writeAtomically,
} from "./csv.js";
import { UsageError } from "./options.js";

export interface DispatchInput {
  workers: DispatchWorker[];
  contacts: DispatchContact[];
  config: DispatchConfig;
}

interface DispatchOptions {
  workers: string;
  contacts: string;
  out?: string;
  config?: string;
  explain?: string;
}

export function dispatchCommand(program: Command): void {
  program
    .command("dispatch")
    .description("Assign each contact to at most one worker, optimally under the model of contract.md")
    .requiredOption("--workers <workers.csv>", "workers: id, name, gender, languages, lat, lon, max_km, …")
    .requiredOption("--contacts <contacts.csv>", "contacts: id, name, gender, languages, lat, lon, …")
    .option("--out <plan.csv>", "where to write the plan; - for standard output")
    .option("--config <config.json>", "same_gender_default, assign_value and weights")
    .option("--explain <contact_id>", "print every worker considered for one contact, and why")
    .action((options: DispatchOptions) => runDispatch(options));
}

function runDispatch(options: DispatchOptions): void {
  if (options.out === undefined && options.explain === undefined) {
    throw new UsageError("dispatch: --out <plan.csv> is required (or --explain <contact_id>)");
  }
  if (options.out === "-" && options.explain !== undefined) {
    throw new UsageError("dispatch: --explain prints to standard output, so it cannot go with --out -");
  }
  if (options.out !== undefined && options.out !== "-") {
    const dir = dirname(options.out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`--out ${options.out}: the folder ${dir} does not exist`);
    }
  }
  const started = performance.now();
  const input = readDispatchInput(options);
  const explained =
    options.explain === undefined ? -1 : input.contacts.findIndex((c) => c.id === options.explain);
  if (options.explain !== undefined && explained < 0) {
    throw new UsageError(`--explain: no contact has the id "${options.explain}" in ${options.contacts}`);
  }

  const progress = progressReporter(started, "dispatch", "contacts");
  const plan = planDispatch(input.contacts, input.workers, input.config, { onProgress: progress.update });
  progress.stop();

  if (options.out === "-") {
    process.stdout.write(planCsv(input, plan));
  } else if (options.out !== undefined) {
    writeAtomically(options.out, planCsv(input, plan));
  }
  if (explained >= 0) process.stdout.write(explainContact(input, plan, explained));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `dispatch: ${plan.assigned} assigned, ${plan.counts.no_eligible_worker} no_eligible_worker, ` +
      `${plan.counts.no_capacity} no_capacity; objective ${plan.objective.toFixed(3)}; ${seconds.toFixed(2)} s\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// Input

/** Reads and validates the three input files; every problem found is reported at once. */
export function readDispatchInput(paths: {
  workers: string;
  contacts: string;
  config?: string;
}): DispatchInput {
  const problems: string[] = [];
  const config = paths.config === undefined ? DEFAULT_DISPATCH_CONFIG : readConfig(paths.config, problems);
  const workerTable = readCsv(paths.workers, problems);
  const contactTable = readCsv(paths.contacts, problems);
  const workers = workerTable ? readWorkers(workerTable, problems) : [];
  const contacts = contactTable ? readContacts(contactTable, problems) : [];
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more problems`);
    throw new UsageError(shown.join("\n"));
  }
  return { workers, contacts, config };
}

type RowReader = ReturnType<typeof rowReader>;

function rowReader(table: CsvTable, row: CsvRow, problems: string[]) {
  /** The raw cell, or "" when the column is absent. */
  const text = (column: string): string => {
    const index = table.columns.get(column);
    return index === undefined ? "" : (row.cells[index] ?? "");
  };
  const fail = (column: string, message: string): void => {
    const index = table.columns.get(column);
    const at = index === undefined ? "" : `:${index + 1}`;
    problems.push(`${table.path}:${row.line}${at}: ${column}: ${message}`);
  };
  return {
    text,
    fail,
    /** A trimmed, lower-case code from `allowed`, or null when the cell is empty. */
    code<T extends string>(column: string, allowed: readonly T[]): T | null {
      const value = text(column).trim().toLowerCase();
      if (value === "") return null;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      fail(column, `"${text(column)}" is not one of ${allowed.join(", ")}`);
      return null;
    },
    /** A number within bounds; `fallback` when empty (undefined = required). */
    number(
      column: string,
      rule: { min?: number; above?: number; max?: number; integer?: boolean; what: string },
      fallback?: number,
    ): number {
      const raw = text(column).trim();
      if (raw === "") {
        if (fallback !== undefined) return fallback;
        fail(column, `is empty; expected ${rule.what}`);
        return Number.NaN;
      }
      const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
      const ok =
        Number.isFinite(value) &&
        (rule.min === undefined || value >= rule.min) &&
        (rule.above === undefined || value > rule.above) &&
        (rule.max === undefined || value <= rule.max) &&
        (!rule.integer || Number.isInteger(value));
      if (!ok) fail(column, `"${raw}" is not ${rule.what}`);
      return value;
    },
    /** `;`-separated ISO 639-1 codes, lower case, without repeats. */
    languages(column: string, required: boolean): string[] {
      const codes = [...new Set(splitList(text(column)).map((code) => code.toLowerCase()))];
      for (const code of codes) {
        if (!/^[a-z]{2}$/.test(code)) fail(column, `"${code}" is not an ISO 639-1 code (two letters)`);
      }
      if (required && codes.length === 0) fail(column, "is empty; at least one language code is required");
      return codes;
    },
  };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function splitList(cell: string): string[] {
  return cell
    .split(";")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function requireColumns(table: CsvTable, required: readonly string[], problems: string[]): boolean {
  const missing = required.filter((name) => !table.columns.has(name));
  for (const name of missing) problems.push(`${table.path}:1: missing column "${name}" in the header`);
  return missing.length === 0;
}

function checkUniqueIds(table: CsvTable, ids: string[], lines: number[], problems: string[]): void {
  const firstLine = new Map<string, number>();
  const column = (table.columns.get("id") ?? 0) + 1;
  ids.forEach((id, i) => {
    if (id === "") return;
    const first = firstLine.get(id);
    if (first === undefined) firstLine.set(id, lines[i]!);
    else problems.push(`${table.path}:${lines[i]}:${column}: id: "${id}" is already used on line ${first}`);
  });
}

function readId(reader: RowReader): string {
  const id = reader.text("id").trim();
  if (id === "") reader.fail("id", "is empty; every row needs a unique id");
  return id;
}

const GENDERS = ["m", "f"] as const;

function readWorkers(table: CsvTable, problems: string[]): DispatchWorker[] {
  if (!requireColumns(table, ["id", "languages", "lat", "lon", "max_km", "capacity"], problems)) return [];
  const workers = table.rows.map((row): DispatchWorker => {
    const r = rowReader(table, row, problems);
    return {
      id: readId(r),
      name: r.text("name"),
      gender: r.code<Gender>("gender", GENDERS),
      languages: r.languages("languages", true),
      lat: r.number("lat", { min: -90, max: 90, what: "a latitude in decimal degrees (-90 to 90)" }),
      lon: r.number("lon", { min: -180, max: 180, what: "a longitude in decimal degrees (-180 to 180)" }),
      maxKm: r.number("max_km", { above: 0, what: "a distance in km greater than 0" }),
      capacity: r.number("capacity", { min: 0, integer: true, what: "a whole number ≥ 0" }),
      active: r.number("active", { min: 0, integer: true, what: "a whole number ≥ 0" }, 0),
      trust: r.number("trust", { min: 0, max: 1, what: "a number from 0 to 1" }, 0.5),
      status: r.code("status", ["active", "paused"] as const) ?? "active",
    };
  });
  checkUniqueIds(
    table,
    workers.map((w) => w.id),
    table.rows.map((row) => row.line),
    problems,
  );
  return workers;
}

function readContacts(table: CsvTable, problems: string[]): DispatchContact[] {
  if (!requireColumns(table, ["id"], problems)) return [];
  const contacts = table.rows.map((row): DispatchContact => {
    const r = rowReader(table, row, problems);
    const hasLat = r.text("lat").trim() !== "";
    const hasLon = r.text("lon").trim() !== "";
    if (hasLat !== hasLon) {
      r.fail(hasLat ? "lon" : "lat", "is empty while the other coordinate is given; give both or neither");
    }
    const located = hasLat && hasLon;
    return {
      id: readId(r),
      name: r.text("name"),
      gender: r.code<Gender>("gender", GENDERS),
      languages: r.languages("languages", false),
      lat: located
        ? r.number("lat", { min: -90, max: 90, what: "a latitude in decimal degrees (-90 to 90)" })
        : null,
      lon: located
        ? r.number("lon", { min: -180, max: 180, what: "a longitude in decimal degrees (-180 to 180)" })
        : null,
      genderMatch: r.code("gender_match", ["same", "any"] as const),
      priority: r.number("priority", { min: 1, integer: true, what: "a whole number ≥ 1" }, 1),
      declinedBy: splitList(r.text("declined_by")),
    };
  });
  checkUniqueIds(
    table,
    contacts.map((c) => c.id),
    table.rows.map((row) => row.line),
    problems,
  );
  return contacts;
}

/** config.json: every key optional, unknown keys refused, every weight a finite number ≥ 0. */
function readConfig(path: string, problems: string[]): DispatchConfig {
  const text = readText(path, problems);
  if (text === null) return DEFAULT_DISPATCH_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let at = "";
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const lines = before.split("\n");
      at = `:${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
    }
    problems.push(`${path}${at}: not valid JSON (${message})`);
    return DEFAULT_DISPATCH_CONFIG;
  }
  const fail = (key: string, message: string) => problems.push(`${path}: ${key}: ${message}`);
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  const weight = (key: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
    fail(key, `must be a finite number ≥ 0, not ${JSON.stringify(value) ?? String(value)}`);
    return fallback;
  };
  if (!isObject(json)) {
    problems.push(`${path}: must be a JSON object such as {"assign_value": 10000}`);
    return DEFAULT_DISPATCH_CONFIG;
  }
  for (const key of Object.keys(json)) {
    if (!["same_gender_default", "assign_value", "weights"].includes(key)) {
      fail(key, "unknown key; known keys are same_gender_default, assign_value, weights");
    }
  }
  const defaults = DEFAULT_DISPATCH_CONFIG;
  let sameGenderDefault = defaults.sameGenderDefault;
  if (json.same_gender_default !== undefined) {
    if (typeof json.same_gender_default === "boolean") sameGenderDefault = json.same_gender_default;
    else
      fail("same_gender_default", `must be true or false, not ${JSON.stringify(json.same_gender_default)}`);
  }
  const weights = { ...defaults.weights };
  if (json.weights !== undefined) {
    if (!isObject(json.weights)) {
      fail("weights", "must be an object with distance_per_km, trust and load");
    } else {
      for (const key of Object.keys(json.weights)) {
        if (!["distance_per_km", "trust", "load"].includes(key)) {
          fail(`weights.${key}`, "unknown key; known keys are distance_per_km, trust, load");
        }
      }
      weights.distancePerKm = weight(
        "weights.distance_per_km",
        json.weights.distance_per_km,
        weights.distancePerKm,
      );
      weights.trust = weight("weights.trust", json.weights.trust, weights.trust);
      weights.load = weight("weights.load", json.weights.load, weights.load);
    }
  }
  return {
    sameGenderDefault,
    assignValue: weight("assign_value", json.assign_value, defaults.assignValue),
    weights,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

/** plan.csv: one row per input contact, in input order. */
export function planCsv(input: DispatchInput, plan: DispatchPlan): string {
  const lines = ["contact_id,worker_id,reason,distance_km"];
  for (const a of plan.assignments) {
    const contact = input.contacts[a.contactIndex]!;
    const worker = a.workerIndex >= 0 ? input.workers[a.workerIndex]!.id : "";
    const distance = a.distanceKm === null ? "" : a.distanceKm.toFixed(3);
    lines.push(`${csvCell(contact.id)},${csvCell(worker)},${a.reason ?? ""},${distance}`);
  }
  return `${lines.join("\n")}\n`;
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);

/** Every worker for one contact: the rule that excludes it, or its score terms and marginal score. */
export function explainContact(input: DispatchInput, plan: DispatchPlan, c: number): string {
  const { contacts, workers, config } = input;
  const contact = contacts[c]!;
  const assignment = plan.assignments[c]!;
  const held = new Int32Array(workers.length);
  for (const a of plan.assignments) if (a.workerIndex >= 0) held[a.workerIndex]! += 1;

  const place = contact.lat === null ? "no location" : `at ${contact.lat}, ${contact.lon}`;
  const out = [
    `contact ${contact.id} (${contact.name || "no name"}): gender ${contact.gender ?? "unknown"}, ` +
      `languages ${contact.languages.join(";") || "any"}, ${place}, gender rule ${genderRule(contact, config)}, ` +
      `priority ${contact.priority}` +
      (contact.declinedBy.length > 0 ? `, declined by ${contact.declinedBy.join(";")}` : ""),
    assignment.workerIndex >= 0
      ? `plan: assigned to ${workers[assignment.workerIndex]!.id} at ${fixed(assignment.distanceKm ?? 0)} km`
      : `plan: unassigned (${assignment.reason})`,
    "",
    "score = assign_value·priority − distance_per_km·d − trust·(1 − w.trust); " +
      "marginal = score − load of one more contact for the worker, beside the rest of the plan",
  ];
  const eligible: Array<{ row: string[]; marginal: number }> = [];
  const excluded: string[][] = [];
  workers.forEach((worker, w) => {
    const verdict = eligibility(contact, worker, config);
    if (!verdict.ok) {
      excluded.push([
        worker.id,
        `excluded: ${verdict.rule}`,
        exclusionDetail(verdict.rule, contact, worker, config),
      ]);
      return;
    }
    const others = held[w]! - (assignment.workerIndex === w ? 1 : 0);
    const room = worker.capacity - worker.active;
    const load = others < room ? loadCost(worker, others + 1, config) : Number.NaN;
    const marginal = verdict.score - load;
    eligible.push({
      marginal: Number.isNaN(marginal) ? Number.NEGATIVE_INFINITY : marginal,
      row: [
        worker.id,
        assignment.workerIndex === w ? "eligible, assigned" : "eligible",
        fixed(verdict.distanceKm),
        fixed(verdict.assignTerm),
        fixed(verdict.distanceTerm),
        fixed(verdict.trustTerm),
        fixed(verdict.score),
        Number.isNaN(load) ? `full (${others}/${room})` : fixed(load),
        Number.isNaN(marginal) ? "" : fixed(marginal),
      ],
    });
  });
  eligible.sort((a, b) => b.marginal - a.marginal);
  const header = [
    "worker",
    "verdict",
    "distance_km",
    "assign",
    "distance",
    "trust",
    "score",
    "load",
    "marginal",
  ];
  out.push(
    "",
    table(
      header,
      eligible.map((e) => e.row),
    ),
  );
  if (excluded.length > 0) out.push("", table(["worker", "verdict", "why"], excluded));
  return `${out.join("\n")}\n`;
}

function exclusionDetail(
  rule: string,
  contact: DispatchContact,
  worker: DispatchWorker,
  config: DispatchConfig,
): string {
  switch (rule) {
    case "status":
      return `status ${worker.status}`;
    case "capacity":
      return `holds ${worker.active} of capacity ${worker.capacity}`;
    case "language":
      return `speaks ${worker.languages.join(";")}; the contact ${contact.languages.join(";")}`;
    case "gender":
      return `worker ${worker.gender}, contact ${contact.gender}, rule ${genderRule(contact, config)}`;
    case "distance":
      return `${fixed(contactDistanceKm(contact, worker))} km > max_km ${worker.maxKm}`;
    default:
      return `${worker.id} is in declined_by`;
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
