/**
 * Loads the demo: a ministry network and a solar sales team, each with its staff, about a hundred field
 * workers in real cities, and three thousand contacts with eighteen months of history.
 */
import type { Insertable, Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Role } from "../core/access/roles.js";
import { escalate, firstLookAt, wantedDeadlines } from "../core/accountability/deadlines.js";
import type { Organisation } from "../core/model.js";
import { h3CellsOf } from "../core/reports/hexagons.js";
import { stageEntriesOf } from "../core/reports/stage-history.js";
import { factsOfRow } from "../db/deadlines.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import type { ActivitiesTable, ContactStageChangesTable, ContactsTable, Database } from "../db/schema.js";
import { insertStageChanges } from "../db/stage-changes.js";
import { demoAgenda } from "./demo/agenda.js";
import { demoCities } from "./demo/cities.js";
import { type City, type DemoData, type DemoUsers, generateDemo } from "./demo/generate.js";
import { demoNotice } from "./demo/notices.js";
import { COUNTRIES } from "./demo/places.js";
import { type DemoProfile, PASSWORD, PROFILES } from "./demo/profiles.js";
import { deriveSeed, historicalIds, seededRandom } from "./demo/random.js";
import { audit, systemCaller } from "./record.js";
import { scanDuplicates } from "./review-duplicates.js";
import { createOrganisation } from "./save-organisation.js";
import { createUser } from "./save-user.js";

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  organisation: string;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters even for the widest table. */
const BATCH = 200;

export async function loadDemo(ctx: Context, options: { seed: number }): Promise<DemoLogin[]> {
  for (const profile of PROFILES) {
    if (await findOrganisationBySlug(ctx.db.kysely, profile.slug)) {
      throw new Error(
        `the demo is already loaded: ${ctx.db.label} has an organisation "${profile.slug}"; use an empty database`,
      );
    }
  }
  const cities = await demoCities();
  // One id source for the whole load: its counter keeps every id unique, across both organisations.
  const newId = historicalIds(seededRandom(deriveSeed(options.seed, "ids")));
  const logins: DemoLogin[] = [];
  for (const profile of PROFILES) {
    logins.push(...(await loadOrganisation(ctx, profile, { seed: options.seed, cities, newId })));
  }
  return logins;
}

async function loadOrganisation(
  ctx: Context,
  profile: DemoProfile,
  shared: { seed: number; cities: City[]; newId: (at: number) => string },
): Promise<DemoLogin[]> {
  const created = await createOrganisation(ctx, {
    name: profile.name,
    slug: profile.slug,
    kind: profile.kind,
    defaultCountry: profile.defaultCountry,
    timeZone: profile.timeZone,
    // So a newcomer can look around without an authenticator app; real organisations require it.
    security: { twoFactor: "optional" },
  });
  if (!created.ok)
    throw new Error(`cannot create the demo organisation "${profile.slug}": ${created.error.message}`);
  const organisation = created.value;
  const { logins, users } = await createStaff(ctx, profile, organisation);

  const data = generateDemo({
    profile,
    organisationId: organisation.id,
    cities: shared.cities,
    now: ctx.clock.now(),
    random: seededRandom(deriveSeed(shared.seed, profile.slug)),
    newId: shared.newId,
    reasons: organisation.settings.reasons,
    users,
  });

  const repeats = repeatArrivals(data.contacts, shared.newId, ctx.clock.now().getTime());
  data.contacts.push(...repeats.contacts);
  data.activities.push(...repeats.activities);
  const agenda = demoAgenda({
    kind: profile.kind,
    organisationId: organisation.id,
    contacts: data.contacts,
    workers: data.workers,
    activities: data.activities,
    users,
    now: ctx.clock.now().getTime(),
    random: seededRandom(deriveSeed(shared.seed, `${profile.slug} agenda`)),
    newId: shared.newId,
  });
  data.activities.push(...agenda.activities);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await insertAll(trx, "workers", data.workers);
    await insertAll(
      trx,
      "contacts",
      data.contacts.map((c) => ({ ...c, ...h3CellsOf(c.lat, c.lon) })),
    );
    await insertAll(trx, "activities", data.activities);
    await insertStageChanges(trx, demoStageChanges(data.contacts, data.activities, shared.newId));
    const now = ctx.clock.now().toISOString();
    const ladder = demoDeadlines(data, organisation, users, now, ctx.newId, shared.newId);
    await insertAll(trx, "deadlines", ladder.deadlines);
    await insertAll(trx, "callbacks", agenda.callbacks);
    await insertAll(trx, "appointments", agenda.appointments);
    await insertAll(trx, "notifications", [
      ...ladder.notifications,
      ...demoOfferNotices(data, organisation, users, now, shared.newId),
      ...agenda.notifications,
    ]);
    await audit(trx, ctx, systemCaller(organisation.id), {
      action: "demo.load",
      entity: "organisation",
      entityId: organisation.id,
      after: { seed: shared.seed, users: logins.length, ...counts(data) },
    });
  });
  // File every contact under its match keys and queue the likely duplicates, as intake would have.
  const scanned = await scanDuplicates(ctx, systemCaller(organisation.id));
  if (!scanned.ok) throw new Error(`cannot scan the demo for duplicates: ${scanned.error.message}`);
  return logins;
}

/**
 * People who wrote in twice: one new contact in twenty with a phone arrives again a day or two
 * later (never in the future), the name typed family name first in capitals, without the e-mail, so the review queue has
 * work in it.
 */
function repeatArrivals(
  contacts: readonly ContactsTable[],
  newId: (at: number) => string,
  now: number,
): { contacts: ContactsTable[]; activities: ActivitiesTable[] } {
  const twice = contacts
    .filter((c) => c.status === "new" && c.phones !== "[]")
    .filter((_, i) => i % 20 === 7);
  const again = twice.map((c): ContactsTable => {
    // A day or so later, and never after now (half-way to now for one who wrote in today).
    const first = Date.parse(c.created_at);
    const at = new Date(first + Math.min(30 * 3_600_000, (now - first) / 2)).toISOString();
    const name = [c.family_name?.toUpperCase(), c.given_name].filter(Boolean).join(" ") || c.display_name;
    return {
      ...c,
      id: newId(Date.parse(at)),
      display_name: name,
      emails: "[]",
      created_at: at,
      updated_at: at,
      status_changed_at: at,
      last_activity_at: at,
      inbound: 1,
    };
  });
  const activities = again.map(
    (c): ActivitiesTable => ({
      id: newId(Date.parse(c.created_at)),
      organisation_id: c.organisation_id,
      contact_id: c.id,
      kind: "created",
      body: null,
      data: JSON.stringify({ source: c.source, campaign: c.campaign, inbound: true }),
      actor_user_id: null,
      created_at: c.created_at,
    }),
  );
  return { contacts: again, activities };
}

/** The organisation's staff and its two field workers who sign in, all with the one demo password. */
async function createStaff(
  ctx: Context,
  profile: DemoProfile,
  organisation: Organisation,
): Promise<{ logins: DemoLogin[]; users: DemoUsers }> {
  const caller = systemCaller(organisation.id);
  const people: Array<{
    mailbox: string;
    name: string;
    role: Role;
    locale: "en" | "it" | "el";
    timeZone: string;
  }> = [
    ...profile.staff.map((s) => ({ ...s, locale: "en" as const, timeZone: profile.timeZone })),
    ...profile.featured.map((f) => ({
      mailbox: f.mailbox,
      name: f.name,
      role: "worker" as const,
      locale: COUNTRIES[f.country].locale,
      timeZone: COUNTRIES[f.country].timeZone,
    })),
  ];
  // Created side by side: hashing a password is most of the work, and argon2 hashes off the main thread.
  const created = await Promise.all(
    people.map(async (person) => {
      const email = `${person.mailbox}@${profile.slug}.example`;
      const user = await createUser(ctx, caller, {
        email,
        name: person.name,
        role: person.role,
        password: PASSWORD,
        locale: person.locale,
        timeZone: person.timeZone,
      });
      if (!user.ok) throw new Error(`cannot create the demo user ${email}: ${user.error.message}`);
      return { person, email, id: user.value.id };
    }),
  );
  const logins: DemoLogin[] = created.map(({ person, email }) => ({
    email,
    password: PASSWORD,
    role: person.role,
    organisation: organisation.name,
  }));
  const userIds = new Map(created.map(({ person, id }) => [person.mailbox, id]));
  const idOf = (mailbox: string): string => {
    const id = userIds.get(mailbox);
    if (!id) throw new Error(`the demo profile "${profile.slug}" has no ${mailbox}`);
    return id;
  };
  return {
    logins,
    users: {
      setter: idOf("setter"),
      dispatcher: idOf("dispatcher"),
      worker: idOf("worker"),
      worker2: idOf("worker2"),
    },
  };
}

/**
 * The deadlines the demo's held contacts have now, each with its escalation ladder climbed as the
 * sweeper would have climbed it (reminded, then escalated to the dispatchers), and what each rung
 * told whom: the overdue board has work on it, the inboxes have its history, and the first sweep
 * does not send a burst of reminders about eighteen months of it. A rung that would change the
 * contact (an offer lapsing, a contact taken back) is left due, for the first sweep to take.
 */
function demoDeadlines(
  data: DemoData,
  organisation: Organisation,
  users: DemoUsers,
  now: string,
  newId: () => string,
  noticeId: (at: number) => string,
): {
  deadlines: Array<Insertable<Database["deadlines"]>>;
  notifications: Array<Insertable<Database["notifications"]>>;
} {
  const settings = organisation.settings.accountability;
  const workers = new Map(data.workers.map((w) => [w.id, w]));
  const deadlines: Array<Insertable<Database["deadlines"]>> = [];
  const notifications: Array<Insertable<Database["notifications"]>> = [];
  for (const c of data.contacts) {
    for (const w of wantedDeadlines(factsOfRow(c), settings)) {
      const id = newId();
      const worker = workers.get(w.workerId);
      let level = 0;
      let nextAt: string | null = firstLookAt(w.kind, c.assigned_at ?? now, w.dueAt);
      while (nextAt !== null && nextAt <= now) {
        const step = escalate({ kind: w.kind, dueAt: w.dueAt, level }, settings, nextAt);
        if (step.action === "expire" || step.action === "take_back") break;
        const to =
          step.action === "remind" ? worker?.user_id : step.action === "escalate" ? users.dispatcher : null;
        if (to) {
          notifications.push(
            demoNotice(organisation.id, to, nextAt, now, noticeId, {
              kind:
                step.action === "escalate"
                  ? "deadline_escalated"
                  : w.kind === "accept"
                    ? "offer_reminder"
                    : "deadline_reminder",
              contactId: c.id,
              deadlineId: id,
              data: { dueAt: w.dueAt, deadlineKind: w.kind, workerName: worker?.name ?? null },
            }),
          );
        }
        level = step.level;
        nextAt = step.nextAt;
      }
      deadlines.push({
        id,
        organisation_id: organisation.id,
        contact_id: c.id,
        worker_id: w.workerId,
        kind: w.kind,
        due_at: w.dueAt,
        level,
        next_at: nextAt,
        requested_by: null,
        note: null,
        created_at:
          w.kind === "accept"
            ? (c.assigned_at ?? now)
            : w.kind === "update"
              ? (c.last_update_at ?? c.accepted_at ?? now)
              : (c.accepted_at ?? now),
        closed_at: null,
        outcome: null,
        answer: null,
      });
    }
  }
  return { deadlines, notifications };
}

/**
 * What else the demo's history told its people: each worker with a login of the offers waiting for
 * them, the dispatcher of every offer a worker handed back.
 */
function demoOfferNotices(
  data: DemoData,
  organisation: Organisation,
  users: DemoUsers,
  now: string,
  newId: (at: number) => string,
): Array<Insertable<Database["notifications"]>> {
  const workers = new Map(data.workers.map((w) => [w.id, w]));
  const notices: Array<Insertable<Database["notifications"]>> = [];
  const acceptMs = organisation.settings.accountability.acceptHours * 3_600_000;
  for (const c of data.contacts) {
    const to = c.assigned_worker_id ? workers.get(c.assigned_worker_id)?.user_id : null;
    if (c.status !== "offered" || !to || !c.assigned_at) continue;
    notices.push(
      demoNotice(organisation.id, to, c.assigned_at, now, newId, {
        kind: "offer_new",
        contactId: c.id,
        data: { dueAt: new Date(Date.parse(c.assigned_at) + acceptMs).toISOString() },
      }),
    );
  }
  for (const a of data.activities) {
    if (a.kind !== "status") continue;
    const change = JSON.parse(a.data) as { from?: string; to?: string; previousWorkerId?: string | null };
    if (change.from !== "offered" || change.to !== "ready" || !change.previousWorkerId) continue;
    notices.push(
      demoNotice(organisation.id, users.dispatcher, a.created_at, now, newId, {
        kind: "offer_declined",
        contactId: a.contact_id,
        data: { workerName: workers.get(change.previousWorkerId)?.name ?? null, reason: a.body },
      }),
    );
  }
  return notices;
}

async function insertAll<
  T extends
    | "workers"
    | "contacts"
    | "activities"
    | "deadlines"
    | "notifications"
    | "callbacks"
    | "appointments",
>(trx: Kysely<Database>, table: T, rows: ReadonlyArray<Insertable<Database[T]>>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + BATCH))
      .execute();
  }
}

/** The demo's stage history, from its timeline, as the stored contacts got theirs (migration 0009). */
function demoStageChanges(
  contacts: readonly ContactsTable[],
  activities: readonly ActivitiesTable[],
  newId: (at: number) => string,
): Array<Omit<ContactStageChangesTable, "left_at">> {
  const byContact = new Map<string, ActivitiesTable[]>();
  for (const a of activities) {
    if (a.kind === "status") byContact.set(a.contact_id, [...(byContact.get(a.contact_id) ?? []), a]);
  }
  return contacts.flatMap((c) =>
    stageEntriesOf(c, byContact.get(c.id) ?? []).map((e) => ({
      id: newId(Date.parse(e.enteredAt)),
      organisation_id: e.organisationId,
      contact_id: e.contactId,
      status: e.status,
      worker_id: e.workerId,
      entered_at: e.enteredAt,
    })),
  );
}

function counts(data: DemoData) {
  const statuses: Record<string, number> = {};
  for (const c of data.contacts) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  return {
    workers: data.workers.length,
    contacts: data.contacts.length,
    activities: data.activities.length,
    statuses,
  };
}
