/**
 * Accountability at 100,000 contacts, on SQLite or PostgreSQL (BENCH_DB=postgres): the sweeper
 * climbing 10,000 due deadlines one rung, the overdue board, a worker's deadlines and an inbox,
 * each side by side with its floor (one locked one-row update per deadline, the same query run
 * straight on the database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type Insertable, sql } from "kysely";
import pino from "pino";
import { v7 as uuidv7 } from "uuid";
import { buildApp } from "../src/api/app.js";
import { type Config, loadConfig, loadTestConfig } from "../src/config.js";
import { type Clock, createContext } from "../src/context.js";
import { type DeadlineKind, escalate, wantedDeadlines } from "../src/core/accountability/deadlines.js";
import { searchText } from "../src/core/contacts/normalise.js";
import { lockContact } from "../src/db/contacts.js";
import { listOpenDeadlines } from "../src/db/deadlines.js";
import { createSchema, dropSchema, type OpenOptions } from "../src/db/dialect.js";
import { listInbox } from "../src/db/notifications.js";
import type { ContactRow, Database } from "../src/db/schema.js";
import { escalateDue } from "../src/services/escalate-deadlines.js";
import { systemCaller } from "../src/services/record.js";
import { createOrganisation } from "../src/services/save-organisation.js";
import { createUser } from "../src/services/save-user.js";
import { ms, table, time } from "./measure.js";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const POSTGRES = process.env.BENCH_DB === "postgres";
const WORKERS = 1_000;
const RUNS = 20;
/** As the sweeper calls it. */
const PER_ROUND = 200;
const BATCH = 500;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-03-02T09:00:00.000Z");
const now = new Date(NOW).toISOString();
const clock: Clock = { now: () => new Date(NOW) };
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();

const GIVEN = ["Maria", "Giulia", "Luca", "Marco", "Sofia", "Ελένη", "Νίκος", "Olena", "Ahmad", "Ana"];
const FAMILY = ["Rossi", "Bianchi", "Romano", "Παπαδόπουλος", "Γεωργίου", "Kovalenko", "Karimi", "Silva"];
const PLACES = ["Roma", "Milano", "Napoli", "Αθήνα", "Lisboa", "Madrid"];
/** Contacts not held by anyone: no deadlines. */
const UNHELD = ["new", "qualifying", "ready", "nurture", "unassignable", "closed"] as const;

let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const dir = mkdtempSync(join(tmpdir(), "handoff-bench-accountability-"));
const pgUrl = process.env.BENCH_PG_URL ?? loadTestConfig().postgresUrl;
const schema = `bench_accountability_${process.pid}`;
const open: OpenOptions | undefined = POSTGRES ? { schema, poolSize: 10 } : undefined;
if (POSTGRES) await createSchema(pgUrl, schema);
const config: Config = {
  ...loadConfig({}, {}),
  databaseUrl: POSTGRES ? pgUrl : join(dir, "bench.db"),
  // As a deployment with e-mail: each reminder also queues its e-mail in the outbox (nothing sends it here).
  smtpUrl: "smtp://127.0.0.1:2525",
};
const ctx = await createContext(config, { clock, log: pino({ level: "silent" }), ...(open ? { open } : {}) });
const db = ctx.db.kysely;

/** Outside any transaction: PostgreSQL's planner statistics and dead rows, as autovacuum would leave them. */
async function vacuum(): Promise<void> {
  if (POSTGRES) await sql`vacuum analyze`.execute(db);
}

async function insertAll<T extends keyof Database>(into: T, rows: Array<Insertable<Database[T]>>) {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx
        .insertInto(into)
        .values(rows.slice(i, i + BATCH) as never) // kysely cannot narrow a generic table's row type
        .execute();
    }
  });
}

try {
  const setupStarted = performance.now();
  const org = await createOrganisation(ctx, {
    name: "Bench",
    slug: "bench",
    kind: "ministry",
    security: { twoFactor: "optional" },
  });
  if (!org.ok) throw new Error(org.error.message);
  const organisationId = org.value.id;
  const settings = org.value.settings.accountability;
  const system = systemCaller(organisationId);
  const person = { password: "bench password", locale: "en" as const, timeZone: "UTC" };
  // The two people who sign in get real password hashes; the other 999 worker accounts a placeholder.
  const dispatcher = await createUser(ctx, system, {
    ...person,
    email: "d@bench.example",
    name: "D",
    role: "dispatcher",
  });
  const featured = await createUser(ctx, system, {
    ...person,
    email: "w0@bench.example",
    name: "W",
    role: "worker",
  });
  if (!dispatcher.ok || !featured.ok) throw new Error("cannot create the users who sign in");

  const users: Array<Insertable<Database["users"]>> = [];
  const workers: Array<Insertable<Database["workers"]>> = [];
  for (let i = 0; i < WORKERS; i++) {
    const userId = i === 0 ? featured.value.id : uuidv7();
    if (i > 0) {
      users.push({
        id: userId,
        organisation_id: organisationId,
        email: `w${i}@bench.example`,
        name: `Worker ${i}`,
        role: "worker",
        password_hash: "placeholder: never signs in",
        locale: "en",
        time_zone: "UTC",
        disabled: 0,
        created_at: now,
        updated_at: now,
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        password_changed_at: now,
      });
    }
    workers.push({
      id: uuidv7(),
      organisation_id: organisationId,
      user_id: userId,
      name: `${pick(GIVEN)} ${pick(FAMILY)} ${i}`,
      gender: null,
      languages: JSON.stringify(["it", "en"]),
      place_name: pick(PLACES),
      country: "IT",
      lat: 41.89,
      lon: 12.48,
      max_km: 40,
      capacity: 200,
      trust: 0.5,
      status: "active",
      away_until: null,
      time_zone: "UTC",
      created_at: at(400 * DAY),
      updated_at: at(400 * DAY),
    });
  }
  await insertAll("users", users);
  await insertAll("workers", workers);
  const featuredWorkerId = workers[0]?.id ?? "";

  // Half the contacts are active with a worker; of those, by j % 10: 0 an update due in the last
  // day, 1 a first meeting due in the last day (the 10% due now, level 0), 2-3 a first meeting
  // 1 to 30 days late that the dispatchers were told of (level 2, nothing more to do), the rest not
  // due yet. So 10% of the contacts have a deadline due now and 20% one overdue.
  const contacts: ContactRow[] = [];
  const deadlines: Array<Insertable<Database["deadlines"]>> = [];
  for (let i = 0; i < CONTACTS; i++) {
    const active = i % 2 === 0;
    const j = i / 2;
    const name = `${pick(GIVEN)} ${pick(FAMILY)}`;
    const place = pick(PLACES);
    const phones = [`+39${3_000_000_000 + i}`];
    let acceptedAt: string | null = null;
    let lastUpdateAt: string | null = null;
    if (active) {
      const scenario = j % 10;
      const underADay = (1 + random() * 22) * HOUR;
      if (scenario === 0) {
        lastUpdateAt = at(7 * DAY + underADay);
        acceptedAt = new Date(Date.parse(lastUpdateAt) - random() * 6 * DAY).toISOString();
      } else if (scenario === 1) {
        acceptedAt = at(14 * DAY + underADay);
        lastUpdateAt = at(random() * 6 * DAY);
      } else if (scenario <= 3) {
        acceptedAt = at(15 * DAY + random() * 29 * DAY);
        lastUpdateAt = at(random() * 6 * DAY);
      } else {
        acceptedAt = at(random() * 13 * DAY);
        lastUpdateAt = new Date(Math.max(Date.parse(acceptedAt), NOW - random() * 6 * DAY)).toISOString();
      }
    }
    const createdMs = acceptedAt ? Date.parse(acceptedAt) - 3 * DAY : NOW - (1 + random() * 300) * DAY;
    const created = new Date(createdMs).toISOString();
    const contact: ContactRow = {
      id: uuidv7({ msecs: createdMs }),
      organisation_id: organisationId,
      display_name: name,
      given_name: null,
      family_name: null,
      phones: JSON.stringify(phones),
      emails: "[]",
      gender: random() < 0.5 ? "f" : "m",
      languages: JSON.stringify(["it"]),
      place_name: place,
      region: null,
      country: "IT",
      postal_code: null,
      lat: 41.89,
      lon: 12.48,
      source: "facebook",
      campaign: null,
      inbound: 0,
      status: active ? "active" : pick(UNHELD),
      status_reason: null,
      progress: active ? pick(["attempted", "established"]) : "none",
      assigned_worker_id: active ? (pick(workers).id ?? null) : null,
      search_text: searchText({ displayName: name, phones, emails: [], placeName: place }),
      created_at: created,
      updated_at: lastUpdateAt ?? created,
      status_changed_at: acceptedAt ?? created,
      assigned_at: acceptedAt ? new Date(Date.parse(acceptedAt) - HOUR).toISOString() : null,
      last_activity_at: lastUpdateAt ?? created,
      erased_at: null,
      attribution: null,
      accepted_at: acceptedAt,
      first_attempt_at: acceptedAt ? new Date(Date.parse(acceptedAt) + HOUR).toISOString() : null,
      first_meeting_at: null,
      last_update_at: lastUpdateAt,
      script_answers: null,
      call_attempts: 0,
      time_zone: null,
      merged_into_id: null,
    };
    contacts.push(contact);
    const wanted = wantedDeadlines(
      {
        status: contact.status,
        progress: contact.progress,
        assignedWorkerId: contact.assigned_worker_id,
        assignedAt: contact.assigned_at,
        acceptedAt: contact.accepted_at,
        firstAttemptAt: contact.first_attempt_at,
        firstMeetingAt: contact.first_meeting_at,
        lastUpdateAt: contact.last_update_at,
      },
      settings,
    );
    for (const w of wanted) {
      // Past due by more than a day: reminded and escalated already, as the sweeper would have left it.
      const escalated = Date.parse(w.dueAt) < NOW - DAY;
      deadlines.push({
        id: uuidv7(),
        organisation_id: organisationId,
        contact_id: contact.id,
        worker_id: w.workerId,
        kind: w.kind,
        due_at: w.dueAt,
        level: escalated ? 2 : 0,
        next_at: escalated ? null : w.dueAt,
        requested_by: null,
        note: null,
        created_at: w.kind === "update" ? (lastUpdateAt ?? now) : (acceptedAt ?? now),
        closed_at: null,
        outcome: null,
        answer: null,
      });
    }
  }
  await insertAll("contacts", contacts);
  await insertAll("deadlines", deadlines);
  await vacuum();
  const dueNow = deadlines.filter((d) => d.next_at && d.next_at <= now).length;
  const overdue = deadlines.filter((d) => d.due_at < now).length;
  const setupMs = performance.now() - setupStarted;

  const app = await buildApp(ctx);
  const signIn = async (email: string) => {
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email, password: person.password },
    });
    if (login.statusCode !== 200) throw new Error(`sign-in ${email}: ${login.statusCode} ${login.body}`);
    return `handoff_session=${login.cookies.find((c) => c.name === "handoff_session")?.value}`;
  };
  const dispatcherCookie = await signIn("d@bench.example");
  const workerCookie = await signIn("w0@bench.example");

  const version = POSTGRES
    ? `PostgreSQL ${(await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]?.v}`
    : `SQLite ${(await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0]?.v}`;
  const cpu = cpus();
  process.stdout.write(
    [
      `machine: ${cpu[0]?.model ?? "unknown cpu"}, ${cpu.length} cores, load average ${loadavg()[0]?.toFixed(1)}, Node ${process.version}`,
      `database: ${version} (${ctx.db.label})`,
      `sizes: ${CONTACTS} contacts (${contacts.filter((c) => c.status === "active").length} active), ` +
        `${WORKERS} workers with a user each, ${deadlines.length} open deadlines: ` +
        `${dueNow} due now (level 0), ${overdue} overdue`,
      `featured worker: ${deadlines.filter((d) => d.worker_id === featuredWorkerId).length} open deadlines`,
      `setup: ${(setupMs / 1000).toFixed(1)} s; clock fixed at ${now}; SMTP configured (outbox rows written, not sent)`,
      "",
    ].join("\n"),
  );

  // 1. The sweep, round by round as the sweeper calls it: each round's 200 due deadlines are climbed
  // by escalateDue and by the floor (each deadline in its own transaction, its contact locked and its
  // rung written, nothing else), set back in between so both do the same work. Rounds alternate
  // which goes first, so a warm cache or a busy machine favours neither.
  const dueQuery = () =>
    db
      .selectFrom("deadlines")
      .select(["id", "organisation_id", "contact_id", "kind", "due_at", "level"])
      .where("next_at", "<=", now)
      .where("closed_at", "is", null)
      .orderBy("next_at")
      .limit(PER_ROUND)
      .execute();
  let floorMs = 0;
  let floorClimbed = 0;
  const climbFloor = async () => {
    const started = performance.now();
    for (const item of await dueQuery()) {
      await db.transaction().execute(async (trx) => {
        await lockContact(trx, ctx.db.dialect, item.organisation_id, item.contact_id);
        const step = escalate(
          { kind: item.kind as DeadlineKind, dueAt: item.due_at, level: item.level },
          settings,
          now,
        );
        await trx
          .updateTable("deadlines")
          .set({ level: step.level, next_at: step.nextAt })
          .where("id", "=", item.id)
          .execute();
      });
      floorClimbed += 1;
    }
    floorMs += performance.now() - started;
  };
  let sweepMs = 0;
  let reminded = 0;
  const climbOurs = async () => {
    const started = performance.now();
    reminded += (await escalateDue(ctx, PER_ROUND)).reminded;
    sweepMs += performance.now() - started;
  };
  const setBack = (ids: string[]) =>
    db
      .updateTable("deadlines")
      .set({ level: 0, next_at: sql<string>`due_at` })
      .where("id", "in", ids)
      .execute();
  let rounds = 0;
  for (;;) {
    const ids = (await dueQuery()).map((d) => d.id);
    if (ids.length === 0) break;
    const [first, second] = rounds % 2 === 0 ? [climbFloor, climbOurs] : [climbOurs, climbFloor];
    await first();
    await setBack(ids);
    await second();
    rounds += 1;
  }
  const count = async (from: "notifications" | "outbox") =>
    Number(
      (
        await db
          .selectFrom(from)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const notifications = await count("notifications");
  const emails = await count("outbox");
  if (reminded !== dueNow || floorClimbed !== dueNow || notifications !== dueNow) {
    throw new Error(
      `expected ${dueNow} climbed: the sweep reminded ${reminded} with ${notifications} notifications, the floor ${floorClimbed}`,
    );
  }
  await vacuum();

  // 2-4. Reads: through the API as the person who sees them, and the same query straight on the database.
  const get = (url: string, cookie: string) => async () => {
    const r = await app.inject({ url, headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r;
  };
  const boardTotal = (await get("/api/v1/deadlines/board", dispatcherCookie)()).json<{ total: number }>()
    .total;
  const inboxSize = (await listInbox(db, featured.value.id, { unreadOnly: false, limit: 1_000_000 })).length;
  const board = await time(RUNS, get("/api/v1/deadlines/board", dispatcherCookie));
  const boardBase = await time(RUNS, () => listOpenDeadlines(db, organisationId, { overdueAt: now }, 20_000));
  const mine = await time(RUNS, get("/api/v1/deadlines", workerCookie));
  const mineBase = await time(RUNS, () =>
    listOpenDeadlines(db, organisationId, { workerId: featuredWorkerId }, 200),
  );
  const inbox = await time(RUNS, get("/api/v1/notifications", workerCookie));
  const inboxBase = await time(RUNS, () =>
    listInbox(db, featured.value.id, { unreadOnly: false, limit: 51 }),
  );

  const perSecond = (n: number, elapsed: number) => (n / (elapsed / 1000)).toFixed(0);
  const rows: string[][] = [
    [
      `sweep: deadlines/s (${dueNow} reminded)`,
      perSecond(reminded, sweepMs),
      perSecond(floorClimbed, floorMs),
      (sweepMs / floorMs).toFixed(2),
    ],
    [
      `sweep: total s (${rounds} rounds of ${PER_ROUND})`,
      (sweepMs / 1000).toFixed(1),
      (floorMs / 1000).toFixed(1),
      "",
    ],
  ];
  const reads: Array<[string, typeof board, typeof board]> = [
    [`board (${boardTotal} overdue), ms`, board, boardBase],
    ["a worker's deadlines, ms", mine, mineBase],
    [`an inbox (${inboxSize} notifications), ms`, inbox, inboxBase],
  ];
  for (const [label, ours, base] of reads) {
    rows.push([`${label} p50`, ms(ours.p50), ms(base.p50), (ours.p50 / base.p50).toFixed(2)]);
    rows.push([`${label} p95`, ms(ours.p95), ms(base.p95), (ours.p95 / base.p95).toFixed(2)]);
  }
  process.stdout.write(`${table(["figure", "ours", "baseline", "ratio"], rows)}\n\n`);
  process.stdout.write(
    [
      `ratio: our time over the baseline's (for the sweep, the baseline's rate over ours).`,
      `sweep baseline: per deadline one transaction that locks the contact and writes the rung, nothing else;`,
      `  ours also writes ${notifications} notifications and ${emails} outbox e-mails.`,
      `load average at the end: ${loadavg()[0]?.toFixed(1)} (figures from a busy machine vary run to run; compare ratios).`,
      `reads: the API through app.inject (session, rate limit, zod, JSON), ${RUNS} runs each after one warm-up;`,
      `  baselines: listOpenDeadlines(overdueAt: now, 20000), listOpenDeadlines(workerId, 200), listInbox(limit 51).`,
      "",
    ].join("\n"),
  );
  await app.close();
} finally {
  ctx.mailer?.close();
  await ctx.db.close();
  if (POSTGRES) await dropSchema(pgUrl, schema);
  rmSync(dir, { recursive: true, force: true });
}
