/**
 * The contact list at 100,000 contacts on SQLite: time for the API to answer each filter the
 * console offers, side by side with the same query run straight on the database (the baseline:
 * what the API adds on top of SQLite itself).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { buildApp } from "../src/api/app.js";
import { decodeCursor } from "../src/api/pagination.js";
import { loadConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { searchText } from "../src/core/contacts/normalise.js";
import { STATUSES } from "../src/core/lifecycle/states.js";
import { listContacts } from "../src/db/contacts.js";
import type { ContactRow } from "../src/db/schema.js";
import { systemCaller } from "../src/services/record.js";
import { createOrganisation } from "../src/services/save-organisation.js";
import { createUser } from "../src/services/save-user.js";
import { createWorker } from "../src/services/save-worker.js";
import { ms, table, time } from "./measure.js";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const WORKERS = 1_000;
const RUNS = 30;

const GIVEN = [
  "Maria",
  "Giulia",
  "Luca",
  "Marco",
  "Sofia",
  "Ελένη",
  "Νίκος",
  "Γιώργος",
  "Olena",
  "Ahmad",
  "Fatima",
  "Ana",
  "João",
];
const FAMILY = [
  "Rossi",
  "Bianchi",
  "Romano",
  "Ricci",
  "Παπαδόπουλος",
  "Γεωργίου",
  "Kovalenko",
  "Karimi",
  "Silva",
  "Ferrari",
];
const CITIES: Array<[string, string, number, number, string]> = [
  ["Roma", "IT", 41.89, 12.48, "it"],
  ["Milano", "IT", 45.46, 9.19, "it"],
  ["Napoli", "IT", 40.85, 14.27, "it"],
  ["Torino", "IT", 45.07, 7.69, "it"],
  ["Αθήνα", "GR", 37.98, 23.73, "el"],
  ["Θεσσαλονίκη", "GR", 40.64, 22.94, "el"],
  ["Lisboa", "PT", 38.72, -9.14, "pt"],
  ["Madrid", "ES", 40.42, -3.7, "es"],
];

const dir = mkdtempSync(join(tmpdir(), "handoff-bench-"));
const config = { ...loadConfig({}, {}), databaseUrl: join(dir, "bench.db") };
const ctx = await createContext(config, { log: pino({ level: "silent" }) });
const org = await createOrganisation(ctx, { name: "Bench", slug: "bench", kind: "ministry" });
if (!org.ok) throw new Error(org.error.message);
const system = systemCaller(org.value.id);
await createUser(ctx, system, {
  email: "d@bench.example",
  name: "D",
  role: "dispatcher",
  password: "bench password",
  locale: "en",
  timeZone: "UTC",
});

let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const workerIds: string[] = [];
for (let i = 0; i < WORKERS; i++) {
  const [city, country, lat, lon, language] = pick(CITIES);
  const w = await createWorker(ctx, system, {
    name: `${pick(GIVEN)} ${pick(FAMILY)} ${i}`,
    languages: [language, "en"],
    lat,
    lon,
    placeName: city,
    country,
    maxKm: 40,
    capacity: 200,
    trust: 0.5,
    status: "active",
    timeZone: "UTC",
  });
  if (w.ok) workerIds.push(w.value.id);
}

const started = performance.now();
const start = Date.parse("2025-06-01T00:00:00Z");
const rows: ContactRow[] = [];
for (let i = 0; i < CONTACTS; i++) {
  const [city, country, lat, lon, language] = pick(CITIES);
  const name = `${pick(GIVEN)} ${pick(FAMILY)}`;
  const status = pick(STATUSES);
  const holds = status === "offered" || status === "active" || status === "paused";
  const at = new Date(start + i * 300_000).toISOString();
  const phones = [`+39${3_000_000_000 + i}`];
  rows.push({
    id: uuidv7({ msecs: start + i * 300_000 }),
    organisation_id: org.value.id,
    display_name: name,
    given_name: null,
    family_name: null,
    phones: JSON.stringify(phones),
    emails: "[]",
    gender: random() < 0.5 ? "f" : "m",
    languages: JSON.stringify([language]),
    place_name: city,
    region: null,
    country,
    postal_code: null,
    lat,
    lon,
    source: "facebook",
    campaign: null,
    inbound: 0,
    status,
    status_reason: null,
    progress: "none",
    assigned_worker_id: holds ? pick(workerIds) : null,
    search_text: searchText({ displayName: name, phones, emails: [], placeName: city }),
    created_at: at,
    updated_at: at,
    status_changed_at: at,
    assigned_at: holds ? at : null,
    last_activity_at: at,
    erased_at: null,
    attribution: null,
    accepted_at: null,
    first_attempt_at: null,
    first_meeting_at: null,
    last_update_at: null,
    script_answers: null,
    call_attempts: 0,
    time_zone: null,
    merged_into_id: null,
  });
}
await ctx.db.kysely.transaction().execute(async (trx) => {
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto("contacts")
      .values(rows.slice(i, i + 500))
      .execute();
});
process.stderr.write(
  `loaded ${CONTACTS} contacts and ${WORKERS} workers in ${ms(performance.now() - started)} ms\n`,
);

const app = await buildApp(ctx);
const login = await app.inject({
  method: "POST",
  url: "/api/v1/auth/login",
  payload: { email: "d@bench.example", password: "bench password" },
});
const cookie = `handoff_session=${login.cookies.find((c) => c.name === "handoff_session")?.value}`;
const someWorker = workerIds[7] ?? "";
const deepCursor = await (async () => {
  let cursor: string | null = null;
  for (let n = 0; n < 50; n++) {
    const page: { nextCursor: string | null } = (
      await app.inject({
        url: `/api/v1/contacts?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        headers: { cookie },
      })
    ).json();
    cursor = page.nextCursor;
  }
  return cursor ?? "";
})();

type Case = [label: string, query: string, filter: Parameters<typeof listContacts>[3], sort?: "displayName"];
const CASES: Case[] = [
  ["no filter (first page)", "", {}],
  ["status=active", "status=active", { status: ["active"] }],
  ["status=new,ready", "status=new,ready", { status: ["new", "ready"] }],
  ["place=roma", "place=roma", { place: "roma" }],
  ["language=el", "language=el", { language: "el" }],
  ["q=rossi", "q=rossi", { q: "rossi" }],
  ["q=papadopoulos (Greek name)", "q=papadopoulos", { q: "papadopoulos" }],
  ["q=phone digits", "q=3000012345", { q: "3000012345" }],
  ["workerId=one worker", `workerId=${someWorker}`, { workerId: someWorker }],
  [
    "status+place+language",
    "status=active,paused&place=mil&language=it",
    { status: ["active", "paused"], place: "mil", language: "it" },
  ],
  ["sort=displayName", "sort=displayName&order=asc", {}, "displayName"],
  ["page 51 (cursor)", `cursor=${deepCursor}`, {}],
];

const out: string[][] = [];
for (const [label, query, filter, sort] of CASES) {
  const url = `/api/v1/contacts?limit=100${query ? `&${query}` : ""}`;
  const api = await time(RUNS, async () => {
    const r = await app.inject({ url, headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  });
  const base = await time(RUNS, () =>
    listContacts(ctx.db.kysely, org.value.id, { kind: "all" }, filter, {
      sort: sort ?? "createdAt",
      order: sort ? "asc" : "desc",
      limit: 101,
      after: label.startsWith("page") ? (decodeCursor(deepCursor) ?? undefined) : undefined,
    }),
  );
  out.push([label, ms(api.p50), ms(api.p95), ms(base.p50), ms(base.p95), (api.p50 / base.p50).toFixed(2)]);
}
process.stdout.write(`\nGET /api/v1/contacts, ${CONTACTS} contacts, SQLite, ${RUNS} runs each (ms)\n`);
process.stdout.write(`${table(["filter", "API p50", "API p95", "SQL p50", "SQL p95", "API/SQL"], out)}\n`);
process.stdout.write(`target: API p95 < 300 ms for every filter change\n`);
await app.close();
await ctx.db.close();
rmSync(dir, { recursive: true, force: true });
