/**
 * Loads the demo: a ministry network and a solar sales team, each with its staff, about a hundred field
 * workers in real cities, and three thousand contacts with eighteen months of history.
 */
import type { Insertable, Kysely } from "kysely";
import type { Context } from "../context.js";
import type { Role } from "../core/access/roles.js";
import { firstLookAt, wantedDeadlines } from "../core/accountability/deadlines.js";
import type { Organisation } from "../core/model.js";
import { h3CellsOf } from "../core/reports/hexagons.js";
import { stageEntriesOf } from "../core/reports/stage-history.js";
import { factsOfRow } from "../db/deadlines.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import type { ActivitiesTable, ContactStageChangesTable, ContactsTable, Database } from "../db/schema.js";
import { insertStageChanges } from "../db/stage-changes.js";
import { demoCities } from "./demo/cities.js";
import { type City, type DemoData, type DemoUsers, generateDemo } from "./demo/generate.js";
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
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await insertAll(trx, "workers", data.workers);
    await insertAll(
      trx,
      "contacts",
      data.contacts.map((c) => ({ ...c, ...h3CellsOf(c.lat, c.lon) })),
    );
    await insertAll(trx, "activities", data.activities);
    await insertStageChanges(trx, demoStageChanges(data.contacts, data.activities, shared.newId));
    await insertAll(
      trx,
      "deadlines",
      demoDeadlines(data.contacts, organisation, ctx.clock.now().toISOString(), ctx.newId),
    );
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
 * The deadlines the demo's held contacts have now. Those already past due start as if the ladder
 * had been climbed (the dispatchers told): the overdue board has work on it, and the first sweep does
 * not send a burst of reminders about eighteen months of history.
 */
function demoDeadlines(
  contacts: DemoData["contacts"],
  organisation: Organisation,
  now: string,
  newId: () => string,
): Array<Insertable<Database["deadlines"]>> {
  const rows: Array<Insertable<Database["deadlines"]>> = [];
  for (const c of contacts) {
    const wanted = wantedDeadlines(factsOfRow(c), organisation.settings.accountability);
    for (const w of wanted) {
      const late = w.dueAt < now;
      rows.push({
        id: newId(),
        organisation_id: organisation.id,
        contact_id: c.id,
        worker_id: w.workerId,
        kind: w.kind,
        due_at: w.dueAt,
        level: late ? 2 : 0,
        next_at: late ? null : firstLookAt(w.kind, c.assigned_at ?? now, w.dueAt),
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
  return rows;
}

async function insertAll<T extends "workers" | "contacts" | "activities" | "deadlines">(
  trx: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
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
