/**
 * The demo generator: pure and seeded. From a profile, real cities and the time now, it makes field
 * workers, contacts in every lifecycle state and each contact's timeline, as rows ready to insert.
 * Every status change and progress step goes through the lifecycle core, so each history is one the
 * application itself could have written.
 */
import { DEFAULT_ACCOUNTABILITY } from "../../core/accountability/deadlines.js";
import { MEETING_STEPS } from "../../core/accountability/facts.js";
import { foldText, normalisePhones, searchText } from "../../core/contacts/normalise.js";
import { PATHS, planProgress } from "../../core/lifecycle/progress.js";
import {
  planStatusChange,
  type ReasonedStatus,
  type ReasonLists,
  type Status,
} from "../../core/lifecycle/states.js";
import type { ActivitiesTable, ContactsTable, WorkersTable } from "../../db/schema.js";
import { HOLDING_STATUSES } from "../../db/workers.js";
import { NON_LATIN, type People, type PersonName, personName } from "./names.js";
import { COUNTRIES, type CountryCode, ukrainianPhone } from "./places.js";
import { BRANCH_KM, type DemoProfile, isPaidSource } from "./profiles.js";
import { cumulativeOf, type Random, sampleCumulative } from "./random.js";
import { dailyWeights, HOUR_WEIGHTS } from "./seasons.js";
import {
  DECLINES,
  DISPATCH_NOTES,
  DUPLICATE_NOTE,
  INTAKE_CALLS,
  MEETINGS,
  NO_ANSWER,
  PROGRESS_NOTES,
  WORKER_CALLS,
  WORKER_NOTES,
} from "./texts.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far back contacts go: 18 months. */
const HISTORY_DAYS = 548;
const FIRST_MEETING_DAYS = DEFAULT_ACCOUNTABILITY.firstMeetingDays ?? 14;
const UPDATE_EVERY_DAYS = DEFAULT_ACCOUNTABILITY.defaultUpdateEveryDays ?? 7;
const ACCEPT_HOURS = DEFAULT_ACCOUNTABILITY.acceptHours;
/** The share of field workers who keep up with their contacts (the others fill the overdue board). */
const KEEPS_UP = 0.8;
/** Nothing the demo writes is closer to `now` than this. */
const MARGIN = 2 * MINUTE;

export interface City {
  name: string;
  country: CountryCode;
  population: number;
  lat: number;
  lon: number;
}

/** The signed-in people who appear on timelines. */
export interface DemoUsers {
  setter: string;
  dispatcher: string;
  /** The users linked to the profile's two featured workers. */
  worker: string;
  worker2: string;
}

export interface DemoInput {
  profile: DemoProfile;
  organisationId: string;
  /** Cities of (at least) the profile's countries; the generator weighs them by population. */
  cities: readonly City[];
  now: Date;
  random: Random;
  /** A unique id that sorts by the given time. */
  newId: (at: number) => string;
  reasons: ReasonLists;
  users: DemoUsers;
}

export interface DemoData {
  workers: WorkersTable[];
  contacts: ContactsTable[];
  activities: ActivitiesTable[];
}

interface FieldWorker {
  row: WorkersTable;
  languages: string[];
  gender: "m" | "f";
  createdAt: number;
  featured: boolean;
  /**
   * Keeps up with their contacts: meets them soon after accepting and gives news at least weekly.
   * Most do; the others let relationships go quiet, and fill the overdue board.
   */
  keepsUp: boolean;
  /** Contacts held now: offered, active or paused. */
  load: number;
}

type ActivityKind = "status" | "progress" | "comment" | "call" | "meeting";

/** Something that happens to a contact after it was created. */
interface Happening {
  at: number;
  kind: ActivityKind;
  /** The status or progress step moved to. */
  to?: string;
  reason?: string;
  /** The worker an offer goes to. */
  worker?: FieldWorker;
  body: string | null;
  actor: string | null;
}

/** A happening planned before its time is known: `gap` after the one before, or exactly at `anchorAt`. */
type Step = Omit<Happening, "at"> & { gap: number; anchorAt?: number };

interface Draft {
  id: string;
  people: People;
  country: CountryCode;
  placeName: string | null;
  lat: number | null;
  lon: number | null;
  gender: "m" | "f" | null;
  languages: string[];
  given: string;
  family: string | null;
  phones: string[];
  emails: string[];
  source: string;
  campaign: string | null;
  inbound: boolean;
  createdAt: number;
  final: Status;
  /** The contact was (or is) with a worker: accepted, then perhaps paused, parked or closed. */
  relationship: boolean;
  worker: FieldWorker | null;
  /** A worker who was offered the contact first and handed it back. */
  decliner: FieldWorker | null;
  reason: string | null;
  /** Notes already on this contact's timeline, so the same words do not come back. */
  said: Set<string>;
}

const HOLDING: ReadonlySet<Status> = new Set(HOLDING_STATUSES);

/** Where contacts stand today by their age in days: young ones in the intake queue, old ones settled. */
// biome-ignore format: a table reads best as rows
const STATUS_BY_AGE: ReadonlyArray<readonly [maxAgeDays: number, ReadonlyArray<readonly [Status, number]>]> = [
  [1, [["new", 75], ["qualifying", 12], ["ready", 5], ["nurture", 2], ["closed", 4], ["unassignable", 2]]],
  [3, [["new", 45], ["qualifying", 25], ["ready", 12], ["offered", 8], ["nurture", 3], ["closed", 4], ["unassignable", 3]]],
  [7, [["new", 22], ["qualifying", 28], ["ready", 15], ["offered", 20], ["active", 5], ["nurture", 4], ["closed", 3], ["unassignable", 3]]],
  [21, [["new", 12], ["qualifying", 18], ["ready", 12], ["offered", 12], ["active", 25], ["paused", 2], ["nurture", 7], ["unassignable", 4], ["closed", 8]]],
  [90, [["new", 3], ["qualifying", 5], ["ready", 4], ["offered", 1], ["active", 38], ["paused", 6], ["nurture", 14], ["unassignable", 5], ["closed", 24]]],
  [Number.POSITIVE_INFINITY, [["new", 0.3], ["qualifying", 0.5], ["ready", 0.3], ["active", 24], ["paused", 6], ["nurture", 14], ["unassignable", 2], ["closed", 53]]],
];

export function generateDemo(input: DemoInput): DemoData {
  const g = new Generator(input);
  return g.run();
}

// A class here only to share the run's inputs between its steps; it holds no resource.
class Generator {
  private readonly now: number;
  private readonly kind: "ministry" | "sales";
  private readonly random: Random;
  private readonly pools = new Map<
    CountryCode,
    { cities: City[]; byPeople: Float64Array; byWorkers: Float64Array }
  >();
  private readonly countryShares: Array<readonly [CountryCode, number]>;
  private readonly workers: FieldWorker[] = [];
  private readonly activities: ActivitiesTable[] = [];

  constructor(private readonly input: DemoInput) {
    this.now = input.now.getTime();
    this.kind = input.profile.kind;
    this.random = input.random;
    this.countryShares = Object.entries(input.profile.countries) as Array<[CountryCode, number]>;
    for (const [code] of this.countryShares) {
      const cities = this.servedCities(code);
      this.pools.set(code, {
        cities,
        byPeople: cumulativeOf(cities.map((c) => c.population)),
        // Workers spread a little wider than people do: a small town's worker covers the towns around it.
        byWorkers: cumulativeOf(cities.map((c) => c.population ** 0.8)),
      });
    }
  }

  run(): DemoData {
    this.makeWorkers();
    const drafts = this.makeDrafts();
    this.assignWorkers(drafts);
    const contacts = drafts.map((d) => this.record(d));
    return { workers: this.workers.map((w) => w.row), contacts, activities: this.activities };
  }

  // ---- places -------------------------------------------------------------------------------

  /** The country's towns the organisation works in: all, or those near one of its branches. */
  private servedCities(code: CountryCode): City[] {
    const all = this.input.cities.filter((c) => c.country === code);
    const branchNames = this.input.profile.branches?.[code];
    const branches = branchNames ? all.filter((c) => branchNames.includes(c.name)) : [];
    if (branchNames && branches.length !== branchNames.length) {
      const missing = branchNames.filter((name) => !branches.some((b) => b.name === name));
      throw new Error(`the gazetteer has no branch town ${missing.join(", ")} in ${code}`);
    }
    const served = branchNames
      ? all.filter((c) => branches.some((b) => distanceKm(c.lat, c.lon, b.lat, b.lon) <= BRANCH_KM))
      : all;
    if (served.length === 0) throw new Error(`the gazetteer has no city in ${code}`);
    return served;
  }

  private pickCity(purpose: "contact" | "worker", country?: CountryCode): City {
    const code = country ?? this.random.weighted(this.countryShares);
    const pool = this.pools.get(code);
    if (!pool) throw new Error(`no cities for ${code}`);
    const table = purpose === "worker" ? pool.byWorkers : pool.byPeople;
    return pool.cities[sampleCumulative(table, this.random.next())]!;
  }

  private findCity(name: string, country: CountryCode): City {
    const pool = this.pools.get(country);
    const found = pool?.cities.find((c) => c.name === name);
    return found ?? this.pickCity("worker", country);
  }

  /** A point near the city: big cities spread wider than small towns. */
  private near(city: City, spreadKm?: number): { lat: number; lon: number } {
    const spread = spreadKm ?? Math.min(7, Math.max(1, Math.sqrt(city.population) / 250));
    const r = Math.abs(this.random.normal()) * spread;
    const angle = this.random.float(0, 2 * Math.PI);
    const lat = city.lat + (r * Math.cos(angle)) / 111.32;
    const lon = city.lon + (r * Math.sin(angle)) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
    return { lat: round(lat, 5), lon: round(lon, 5) };
  }

  // ---- workers ------------------------------------------------------------------------------

  private makeWorkers(): void {
    const { profile, users } = this.input;
    profile.featured.forEach((f, i) => {
      const city = this.findCity(f.city, f.country);
      this.addWorker({
        city,
        gender: f.gender,
        name: f.name,
        languages: f.languages,
        capacity: f.capacity,
        maxKm: f.maxKm,
        userId: i === 0 ? users.worker : users.worker2,
        createdAt: this.now - 600 * DAY,
      });
    });
    while (this.workers.length < profile.workerCount) {
      const city = this.pickCity("worker");
      const facts = COUNTRIES[city.country];
      const gender = this.random.chance(this.kind === "ministry" ? 0.55 : 0.35) ? "f" : "m";
      const name = personName(this.random, facts.people, gender);
      const languages: string[] = [facts.people];
      for (const [language, chance] of profile.workerLanguages[city.country] ?? []) {
        if (languages.length < 3 && this.random.chance(chance)) languages.push(language);
      }
      const bigCity = city.population > 400_000;
      // Sales reps drive to their leads; volunteers mostly stay near home.
      const reach = this.random.int(this.kind === "sales" ? 6 : 2, 16) * 5;
      const joinedLately = this.random.chance(0.25);
      this.addWorker({
        city,
        gender,
        name: `${name.given} ${name.family}`,
        languages,
        capacity: Math.round(4 + 21 * ((this.random.next() + this.random.next()) / 2)),
        maxKm: bigCity ? Math.min(reach, this.random.int(this.kind === "sales" ? 4 : 2, 8) * 5) : reach,
        userId: null,
        createdAt: joinedLately
          ? this.now - this.random.float(20, 540) * DAY
          : this.now - this.random.float(560, 900) * DAY,
      });
    }
  }

  private addWorker(w: {
    city: City;
    gender: "m" | "f";
    name: string;
    languages: readonly string[];
    capacity: number;
    maxKm: number;
    userId: string | null;
    createdAt: number;
  }): void {
    const featured = w.userId !== null;
    const status = featured
      ? "active"
      : this.random.weighted<"active" | "paused" | "away">([
          ["active", 84],
          ["paused", 8],
          ["away", 8],
        ]);
    const createdAt = Math.round(w.createdAt);
    const updatedAt =
      status === "active"
        ? this.random.chance(0.5)
          ? createdAt
          : Math.round(createdAt + this.random.next() * (this.now - MARGIN - createdAt))
        : Math.round(this.now - this.random.float(1, 20) * DAY);
    const awayUntil =
      status === "away" ? startOfDay(this.now + this.random.int(3, 45) * DAY) + 6 * HOUR : null;
    const home = this.near(w.city, 3);
    const row: WorkersTable = {
      id: this.input.newId(createdAt),
      organisation_id: this.input.organisationId,
      user_id: w.userId,
      name: w.name,
      gender: w.gender,
      languages: JSON.stringify(w.languages),
      place_name: w.city.name,
      country: w.city.country,
      lat: home.lat,
      lon: home.lon,
      max_km: w.maxKm,
      capacity: w.capacity,
      trust: round(this.random.float(0.3, 0.95), 2),
      status,
      away_until: awayUntil === null ? null : iso(awayUntil),
      last_offer_at: null,
      time_zone: COUNTRIES[w.city.country].timeZone,
      created_at: iso(createdAt),
      updated_at: iso(updatedAt),
      availability: null,
      calendar_token_hash: null,
    };
    this.workers.push({
      row,
      languages: [...w.languages],
      gender: w.gender,
      createdAt,
      featured,
      keepsUp: featured || this.random.chance(KEEPS_UP),
      load: 0,
    });
  }

  // ---- contacts -----------------------------------------------------------------------------

  private makeDrafts(): Draft[] {
    const firstDay = startOfDay(this.now - HISTORY_DAYS * DAY);
    const days = Math.ceil((this.now - firstDay) / DAY);
    const dayTables = new Map<CountryCode, Float64Array>();
    for (const [code] of this.countryShares) {
      dayTables.set(code, cumulativeOf(dailyWeights(this.kind, code, firstDay, days)));
    }
    const hours = cumulativeOf(HOUR_WEIGHTS[this.kind]);
    const drafts: Draft[] = [];
    for (let i = 0; i < this.input.profile.contactCount; i++) {
      const city = this.pickCity("contact");
      const table = dayTables.get(city.country)!;
      let createdAt = 0;
      for (let attempt = 0; attempt < 10; attempt++) {
        const day = sampleCumulative(table, this.random.next());
        const hour = sampleCumulative(hours, this.random.next());
        createdAt = firstDay + day * DAY + hour * HOUR + Math.floor(this.random.next() * HOUR);
        if (createdAt < this.now - 20 * MINUTE) break;
      }
      if (createdAt >= this.now - 20 * MINUTE) {
        createdAt = Math.round(this.now - this.random.float(20, 240) * MINUTE);
      }
      drafts.push(this.draftContact(city, createdAt));
    }
    return drafts.sort((a, b) => a.createdAt - b.createdAt);
  }

  private draftContact(city: City, createdAt: number): Draft {
    const r = this.random;
    const { profile } = this.input;
    const country = city.country;
    const facts = COUNTRIES[country];
    const people = r.weighted(profile.peoples[country] ?? [[facts.people, 1]]);
    const womenShare = this.kind === "ministry" ? 0.56 : 0.4;
    const gender = r.chance(0.04) ? null : r.chance(womenShare) ? "f" : "m";
    const name = personName(r, people, gender ?? (r.chance(0.5) ? "f" : "m"));
    const written = this.written(people, name);
    const located = !r.chance(0.02);
    const point = located ? this.near(city) : null;
    const source = r.weighted(profile.sources);
    const rawPhones: string[] = [];
    if (r.chance(0.88)) {
      rawPhones.push(people === "uk" && r.chance(0.3) ? ukrainianPhone(r) : facts.phone(r));
      if (r.chance(0.1)) rawPhones.push(facts.phone(r));
    }
    const emails = r.chance(profile.emailRate) ? [this.email(people, name, country)] : [];
    const age = (this.now - createdAt) / DAY;
    const final = this.finalStatus(age);
    const relationship =
      final === "active" ||
      final === "paused" ||
      (final === "nurture" && age > 10 && r.chance(0.3)) ||
      (final === "closed" && age > 10 && r.chance(0.6));
    return {
      id: this.input.newId(createdAt),
      people,
      country,
      placeName: located ? city.name : null,
      lat: point?.lat ?? null,
      lon: point?.lon ?? null,
      gender,
      languages: this.languages(people, country),
      given: written.given,
      family: written.family,
      phones: normalisePhones(rawPhones, country),
      emails,
      source,
      campaign: this.campaign(source, people, createdAt),
      inbound: r.chance(profile.inbound[source] ?? 0.3),
      createdAt,
      final,
      relationship,
      worker: null,
      decliner: null,
      reason: null,
      said: new Set(),
    };
  }

  /** How the name was typed: in its own script or in Latin letters, sometimes only the given name. */
  private written(people: People, name: PersonName): { given: string; family: string | null } {
    const r = this.random;
    let given = name.given;
    let family: string | null = name.family;
    const latinShare: Partial<Record<People, number>> = { el: 0.15, uk: 0.35, ar: 0.45, fa: 0.45 };
    if (NON_LATIN.has(people) && r.chance(latinShare[people] ?? 0)) {
      given = name.givenLatin ?? romanise(name.given);
      family = name.familyLatin ?? romanise(name.family);
    }
    if (r.chance(0.06)) family = null;
    if (r.chance(0.03)) {
      given = given.toLowerCase();
      family = family?.toLowerCase() ?? null;
    }
    return { given, family };
  }

  private email(people: People, name: PersonName, country: CountryCode): string {
    const r = this.random;
    const slug = (s: string) => foldText(romanise(s.split(" ")[0] ?? "")).replace(/[^a-z0-9]+/g, "");
    const given = slug(name.givenLatin ?? name.given);
    const family = slug(name.familyLatin ?? name.family);
    const local = r.weighted<() => string>([
      [() => `${given}.${family}`, 30],
      [() => `${given}${family}`, 15],
      [() => `${given}.${family}${r.int(1, 99)}`, 15],
      [() => `${given.charAt(0)}${family}`, 12],
      [() => `${given}${r.int(60, 105) % 100}`, 12],
      [() => `${given}_${family}`, 8],
      [() => `${family}.${given}`, 8],
    ])();
    const provider =
      people === "en" ? r.pick(["gmail", "outlook", "icloud"]) : r.pick(COUNTRIES[country].mailProviders);
    return `${local}@${provider}.example`;
  }

  private languages(people: People, country: CountryCode): string[] {
    const r = this.random;
    const local = COUNTRIES[country].people;
    const native: People[] = ["it", "el", "es", "pt"];
    if (native.includes(people) && r.chance(0.03)) return [];
    const out: string[] = [people];
    const add = (language: string, chance: number) => {
      if (!out.includes(language) && r.chance(chance)) out.push(language);
    };
    switch (people) {
      case "sq":
        add(local, 0.6);
        add("en", 0.1);
        break;
      case "uk":
        add("ru", 0.35);
        add(local, 0.25);
        add("en", 0.2);
        break;
      case "ar":
        add("en", 0.25);
        add(local, 0.1);
        break;
      case "fa":
        add("en", 0.2);
        add(local, 0.05);
        break;
      case "en":
        add(local, 0.2);
        break;
      default:
        add("en", people === "el" ? 0.25 : 0.15);
    }
    return out;
  }

  private campaign(source: string, people: People, at: number): string | null {
    const r = this.random;
    const year = new Date(at).getUTCFullYear();
    if (source === "referral") return null;
    if (source === "event") {
      return r.chance(0.7) ? `${this.kind === "ministry" ? "open-evening" : "energy-expo"}-${year}` : null;
    }
    if (!isPaidSource(source) && !r.chance(source === "whatsapp" ? 0.5 : 0.4)) return null;
    const date = new Date(at);
    const monthDay = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
    const running = this.input.profile.campaigns.flatMap((c) => {
      if (c.peoples && !c.peoples.includes(people)) return [];
      if (!c.window) return [[c.name, c.weight] as const];
      const [[m1, d1], [m2, d2]] = c.window;
      const from = m1 * 100 + d1;
      const to = m2 * 100 + d2;
      const crossesNewYear = from > to;
      const runs = crossesNewYear ? monthDay >= from || monthDay <= to : monthDay >= from && monthDay <= to;
      if (!runs) return [];
      const label = crossesNewYear && monthDay <= to ? year - 1 : year;
      return [[c.name.replace("{year}", String(label)), c.weight] as const];
    });
    return running.length > 0 ? r.weighted(running) : null;
  }

  /** Where a contact of this age stands today: young ones in the intake queue, old ones settled. */
  private finalStatus(ageDays: number): Status {
    const row = STATUS_BY_AGE.find(([maxAge]) => ageDays < maxAge) ?? STATUS_BY_AGE.at(-1)!;
    return this.random.weighted(row[1]);
  }

  // ---- matching -----------------------------------------------------------------------------

  /**
   * Gives each contact that is or was with a worker the best one that was there at the time and speaks
   * a shared language, as a dispatcher would: near, with room, trusted, of the same gender where the
   * organisation asks for it. Contacts nobody can take become unassignable (or wait, when still new).
   */
  private assignWorkers(drafts: Draft[]): void {
    for (const d of drafts) {
      const offered = d.final === "offered" || d.relationship;
      if (offered) {
        const holding = HOLDING.has(d.final);
        const worker = this.bestWorker(d, { holding, offer: d.final === "offered" });
        if (!worker) {
          // A finished story without a worker is simply one that ended in the intake queue.
          d.relationship = false;
          if (holding) {
            const age = (this.now - d.createdAt) / DAY;
            d.final = age < 2 ? "ready" : "unassignable";
          }
          if (d.final === "unassignable") d.reason = this.gapReason(d);
          continue;
        }
        d.worker = worker;
        if (holding) worker.load += 1;
        if (this.random.chance(0.15))
          d.decliner = this.bestWorker(d, { holding: false, offer: true }, worker);
      }
      if (d.final === "unassignable" && !d.reason) d.reason = this.gapReason(d);
    }
  }

  private bestWorker(
    d: Draft,
    need: { holding: boolean; offer: boolean },
    except?: FieldWorker,
  ): FieldWorker | null {
    const sameGender = this.input.profile.sameGender;
    for (let relax = 0; relax < 3; relax++) {
      let best: FieldWorker | null = null;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const w of this.workers) {
        if (w === except || w.createdAt >= d.createdAt) continue;
        if (need.offer && w.row.status !== "active") continue;
        // Featured workers keep room for an offer or two, so whoever signs in as them has one to answer.
        const room = w.featured && !need.offer ? w.row.capacity - 2 : w.row.capacity;
        if (need.holding && w.load >= room) continue;
        if (!speaks(w, d)) continue;
        const genderFits = !sameGender || d.gender === null || d.gender === w.gender;
        if (!genderFits && relax < 1) continue;
        const km = d.lat === null || d.lon === null ? 0 : distanceKm(d.lat, d.lon, w.row.lat, w.row.lon);
        const reach = relax < 2 ? w.row.max_km : Math.max(2.5 * w.row.max_km, 90);
        if (km > reach) continue;
        const score =
          -km -
          50 * (1 - w.row.trust) -
          (100 * w.load) / Math.max(1, w.row.capacity) -
          (genderFits ? 0 : 150) -
          (w.row.status === "active" ? 0 : 40) +
          (w.featured && need.offer ? 40 : 0) +
          15 * this.random.next();
        if (score > bestScore) {
          bestScore = score;
          best = w;
        }
      }
      if (best) return best;
    }
    return null;
  }

  /** Why no worker can take the contact: the first matching rule that nobody passes. */
  private gapReason(d: Draft): string {
    const available = this.workers.filter((w) => w.row.status === "active" && w.createdAt < d.createdAt);
    const inReach = available.filter(
      (w) =>
        d.lat === null || d.lon === null || distanceKm(d.lat, d.lon, w.row.lat, w.row.lon) <= w.row.max_km,
    );
    const speaking = inReach.filter((w) => speaks(w, d));
    let reason = "no worker in reach";
    if (inReach.length > 0 && speaking.length === 0) reason = "no worker speaks the language";
    else if (
      speaking.length > 0 &&
      this.input.profile.sameGender &&
      d.gender !== null &&
      !speaking.some((w) => w.gender === d.gender)
    ) {
      reason = "no worker of the right gender";
    }
    return this.reason("unassignable", reason);
  }

  /** The reason by its usual wording, or any of the organisation's when it words its list differently. */
  private reason(status: ReasonedStatus, preferred: string): string {
    const list = this.input.reasons[status];
    return list.includes(preferred) ? preferred : this.random.pick(list);
  }

  // ---- timelines ----------------------------------------------------------------------------

  private fill(text: string, d: Draft): string {
    return text.replaceAll("{name}", d.given).replaceAll("{place}", d.placeName ?? "town");
  }

  private say(d: Draft, texts: Record<"ministry" | "sales", readonly string[]>): string {
    let text = this.random.pick(texts[this.kind]);
    for (let attempt = 0; attempt < 4 && d.said.has(text); attempt++)
      text = this.random.pick(texts[this.kind]);
    d.said.add(text);
    return this.fill(text, d);
  }

  private hours(min: number, max: number): number {
    return this.random.float(min, max) * HOUR;
  }

  /** From creation to where the intake ends: qualified, offered, accepted, parked or closed. */
  private intakeSteps(d: Draft): Step[] {
    const r = this.random;
    const { setter, dispatcher } = this.input.users;
    const steps: Step[] = [];
    const call = (gap: number, body: string, actor = setter) =>
      steps.push({ gap, kind: "call", body, actor });
    const move = (gap: number, to: Status, extra: Partial<Step> = {}) =>
      steps.push({ gap, kind: "status", to, body: null, actor: setter, ...extra });
    const qualify = (chance: number) => {
      if (r.chance(0.6)) call(this.hours(0.3, 20), this.say(d, INTAKE_CALLS));
      if (r.chance(chance)) move(this.hours(0.5, 30), "qualifying");
      if (r.chance(0.3)) call(this.hours(6, 72), this.say(d, INTAKE_CALLS));
    };
    const dispatchNote = () => {
      if (r.chance(0.2)) {
        steps.push({
          gap: this.hours(0.2, 12),
          kind: "comment",
          body: this.say(d, DISPATCH_NOTES),
          actor: dispatcher,
        });
      }
    };
    const worker = d.worker;
    switch (d.final) {
      case "new":
        if (r.chance(0.25)) call(this.hours(0.5, 30), r.pick(NO_ANSWER));
        break;
      case "qualifying":
        qualify(1);
        break;
      case "nurture":
        if (!d.relationship) {
          qualify(0.5);
          const why = r.weighted([
            ["not ready yet", 45],
            ["wrong timing", 30],
            ["only curious", 25],
          ] as const);
          move(this.hours(1, 96), "nurture", { reason: this.reason("nurture", why) });
        }
        break;
      case "unassignable":
        if (r.chance(0.7)) {
          qualify(0.6);
          move(this.hours(1, 72), "ready");
        }
        dispatchNote();
        move(this.hours(2, 72), "unassignable", { actor: dispatcher, reason: d.reason ?? undefined });
        break;
      case "closed":
        if (!d.relationship) {
          const why = r.weighted([
            ["not interested", 45],
            ["unreachable", 35],
            ["duplicate", 20],
          ] as const);
          if (why === "duplicate") {
            move(this.hours(0.5, 48), "closed", {
              actor: dispatcher,
              reason: this.reason("closed", why),
              body: DUPLICATE_NOTE,
            });
          } else if (why === "unreachable") {
            for (let i = r.int(2, 4); i > 0; i--) call(this.hours(4, 60), r.pick(NO_ANSWER));
            move(this.hours(1, 48), "closed", { reason: this.reason("closed", why) });
          } else {
            qualify(0.5);
            move(this.hours(1, 72), "closed", { reason: this.reason("closed", why) });
          }
        }
        break;
      default:
        break;
    }
    if (d.final === "ready" || d.final === "offered" || d.relationship) {
      qualify(0.7);
      move(this.hours(1, 72), "ready");
      dispatchNote();
    }
    if (worker && (d.final === "offered" || d.relationship)) {
      if (d.decliner) {
        move(this.hours(1, 30), "offered", { actor: dispatcher, worker: d.decliner });
        move(this.hours(2, 48), "ready", { actor: d.decliner.row.user_id, body: r.pick(DECLINES) });
      }
      const offer: Step = {
        gap: this.hours(1, 24),
        kind: "status",
        to: "offered",
        worker,
        body: null,
        actor: dispatcher,
      };
      // Still open: an offer past its answer time would have lapsed (the sweeper's job).
      if (d.final === "offered") offer.anchorAt = this.now - this.hours(1, ACCEPT_HOURS - 2);
      steps.push(offer);
      if (d.relationship) move(this.hours(1, 40), "active", { actor: worker.row.user_id });
    }
    return steps;
  }

  /** Life with the worker, from acceptance to `end`: progress, calls, meetings, notes, a pause. */
  private relationship(d: Draft, worker: FieldWorker, accepted: number, end: number): Happening[] {
    const r = this.random;
    const actor = worker.row.user_id;
    const out: Happening[] = [];
    const span = end - accepted;
    const path = PATHS[this.kind] as readonly string[];
    const metIndex = path.indexOf("met");
    // Whoever keeps up has met a contact held longer than the first meeting may take.
    const keptUp = d.final === "active" && worker.keepsUp;
    const target =
      keptUp && span > FIRST_MEETING_DAYS * DAY
        ? Math.max(metIndex, this.progressTarget(d, span / DAY))
        : this.progressTarget(d, span / DAY);

    // Progress, one step after another (sometimes skipping one), squeezed into the time there was.
    const planned: Array<{ gap: number; to: string }> = [];
    for (let i = 1; i <= target; i++) {
      if (i < target && i > 1 && r.chance(0.1)) continue;
      planned.push({ gap: i === 1 ? r.float(0.05, 2) * DAY : r.float(1, 12) * DAY, to: path[i]! });
    }
    const total = planned.reduce((sum, p) => sum + p.gap, 0);
    const scale = total > 0.85 * span ? (0.85 * span) / total : 1;
    let at = accepted;
    let metAt = Number.POSITIVE_INFINITY;
    for (const p of planned) {
      at += p.gap * scale;
      const notes = PROGRESS_NOTES[p.to];
      const body = notes && r.chance(0.35) ? this.fill(r.pick(notes), d) : null;
      out.push({ at, kind: "progress", to: p.to, body, actor });
      if (p.to === "attempted" && r.chance(0.5)) {
        out.push({ at: at - r.float(1, 60) * MINUTE, kind: "call", body: this.say(d, WORKER_CALLS), actor });
      }
      if (path.indexOf(p.to) === metIndex) {
        metAt = at;
        if (r.chance(0.7))
          out.push({
            at: at + r.float(1, 120) * MINUTE,
            kind: "meeting",
            body: this.say(d, MEETINGS),
            actor,
          });
      }
    }

    // Calls, meetings and notes over the months; some relationships quietly go stale.
    const stale = d.final === "active" && r.chance(worker.keepsUp ? 0.03 : 0.6);
    const liveUntil = stale ? accepted + span * r.float(0.3, 0.8) : end;
    const touch = (when: number): void => {
      const kind =
        when > metAt
          ? r.weighted([
              ["meeting", 45],
              ["call", 30],
              ["comment", 25],
            ] as const)
          : r.weighted([
              ["call", 60],
              ["comment", 40],
            ] as const);
      const texts = kind === "meeting" ? MEETINGS : kind === "call" ? WORKER_CALLS : WORKER_NOTES;
      out.push({ at: when, kind, body: this.say(d, texts), actor });
    };
    const count = Math.min(10, Math.floor((liveUntil - accepted) / DAY / r.float(15, 40)));
    for (let i = 0; i < count; i++) touch(accepted + r.next() * (liveUntil - accepted));

    // A pause along the way for some of those still active.
    let activeAgain = accepted;
    if (d.final === "active" && span > 40 * DAY && r.chance(0.1)) {
      const pausedAt = accepted + span * r.float(0.3, 0.6);
      const resumedAt = Math.min(pausedAt + r.float(7, 30) * DAY, end - DAY);
      const why = r.weighted([
        ["contact asked to wait", 60],
        ["travelling", 40],
      ] as const);
      out.push({
        at: pausedAt,
        kind: "status",
        to: "paused",
        reason: this.reason("paused", why),
        body: null,
        actor,
      });
      out.push({ at: resumedAt, kind: "status", to: "active", body: null, actor });
      activeAgain = resumedAt;
    }

    // And news within the update interval, from whoever keeps up (after any pause: news given
    // while paused is no update).
    if (keptUp && !stale) {
      const when = Math.max(
        end - r.float(0.02, 0.9) * UPDATE_EVERY_DAYS * DAY,
        activeAgain + r.float(1, 120) * MINUTE,
      );
      if (when < end) touch(when);
    }
    return out.filter((h) => h.at > accepted && h.at < end).sort((a, b) => a.at - b.at);
  }

  /** How far along the path a relationship of this length and outcome has come. */
  private progressTarget(d: Draft, days: number): number {
    const r = this.random;
    const last = PATHS[this.kind].length - 1;
    switch (d.final) {
      case "active":
        if (days < 2) return r.int(0, 1);
        if (days < 7) return r.int(1, 2);
        if (days < 30) return r.int(1, 4);
        if (days < 120) return r.int(2, 5);
        return this.kind === "sales" && r.chance(0.6) ? r.int(4, 5) : r.int(3, last);
      case "paused":
        return r.int(1, 4);
      case "nurture":
        return r.int(1, 2);
      default:
        switch (d.reason) {
          case "goal reached":
            return this.kind === "sales" ? last : r.int(last - 1, last);
          case "unreachable":
            return 1;
          case "moved away":
            return r.int(2, last - 1);
          default:
            return r.int(1, 4);
        }
    }
  }

  /** The status a finished relationship ends in, and when. */
  private ending(d: Draft, worker: FieldWorker, accepted: number): Happening | null {
    const r = this.random;
    const { dispatcher } = this.input.users;
    const latest = this.now - MARGIN;
    const within = (minDays: number, maxDays: number) => {
      const wanted = accepted + r.float(minDays, maxDays) * DAY;
      return wanted < latest ? wanted : accepted + (latest - accepted) * r.float(0.5, 0.95);
    };
    switch (d.final) {
      case "paused": {
        const away = worker.row.status !== "active";
        const why = away
          ? "worker unavailable"
          : r.weighted([
              ["contact asked to wait", 50],
              ["travelling", 30],
              ["worker unavailable", 20],
            ] as const);
        return {
          at: within(10, 150),
          kind: "status",
          to: "paused",
          reason: this.reason("paused", why),
          body: null,
          actor: why === "worker unavailable" ? dispatcher : worker.row.user_id,
        };
      }
      case "nurture": {
        const why = r.weighted([
          ["not ready yet", 45],
          ["wrong timing", 35],
          ["only curious", 20],
        ] as const);
        return {
          at: within(7, 90),
          kind: "status",
          to: "nurture",
          reason: this.reason("nurture", why),
          body: null,
          actor: dispatcher,
        };
      }
      case "closed": {
        const why = d.reason ?? "not interested";
        const days: Record<string, readonly [number, number]> = {
          "goal reached": [45, 300],
          "not interested": [5, 60],
          "moved away": [20, 200],
          unreachable: [3, 30],
        };
        const [min, max] = days[why] ?? [5, 60];
        return {
          at: within(min, max),
          kind: "status",
          to: "closed",
          reason: this.reason("closed", why),
          body: null,
          actor: worker.row.user_id,
        };
      }
      default:
        return null;
    }
  }

  /** Lays the intake steps out in time: natural gaps, squeezed when they would overrun `end` or an anchor. */
  private schedule(start: number, end: number, steps: Step[]): Happening[] {
    const out: Happening[] = [];
    let segmentStart = start;
    let i = 0;
    while (i < steps.length) {
      let j = i;
      while (j < steps.length && steps[j]!.anchorAt === undefined) j++;
      const anchored = j < steps.length;
      const last = anchored ? j : steps.length - 1;
      const segmentEnd = anchored ? clamp(steps[j]!.anchorAt!, segmentStart + MINUTE, end) : end;
      let total = 0;
      for (let k = i; k <= last; k++) total += steps[k]!.gap;
      const room = segmentEnd - segmentStart;
      const scale = total > room ? room / total : 1;
      let at = segmentStart;
      for (let k = i; k <= last; k++) {
        const { gap: _gap, anchorAt: _anchor, ...step } = steps[k]!;
        at = anchored && k === last ? segmentEnd : at + steps[k]!.gap * scale;
        out.push({ ...step, at });
      }
      segmentStart = at;
      i = last + 1;
    }
    return out;
  }

  /** People work by day: a step that fell in the night moves into the next day, before whatever comes next. */
  private daytime(h: Happening, next: number): number {
    const hour = new Date(h.at).getUTCHours();
    if (hour >= 5 && hour < 21) return h.at;
    const dayStart = startOfDay(h.at + (hour >= 21 ? DAY : 0));
    const latest = Math.min(dayStart + 19 * HOUR, next);
    return latest > dayStart + 6 * HOUR ? this.random.float(dayStart + 6 * HOUR, latest) : h.at;
  }

  /** The contact's whole story as timeline rows, and the contact row it leaves behind. */
  private record(d: Draft): ContactsTable {
    const r = this.random;
    if (d.final === "closed" && d.relationship && !d.reason) {
      d.reason = r.weighted([
        ["goal reached", 35],
        ["not interested", 25],
        ["moved away", 15],
        ["unreachable", 15],
      ] as const);
    }
    const latest = this.now - MARGIN;
    const age = latest - d.createdAt;
    const intakeEnd = d.relationship ? d.createdAt + age * 0.5 : latest;
    const happenings = this.schedule(d.createdAt, intakeEnd, this.intakeSteps(d));
    if (d.relationship && d.worker) {
      const accepted = happenings.at(-1)?.at ?? d.createdAt;
      const ending = this.ending(d, d.worker, accepted);
      const end = ending ? ending.at : latest;
      happenings.push(...this.relationship(d, d.worker, accepted, end));
      if (ending) happenings.push(ending);
    }

    const { organisationId, reasons } = this.input;
    const createdBy = d.source === "referral" || d.source === "event" ? this.input.users.setter : null;
    const timeline: ActivitiesTable[] = [
      {
        id: this.input.newId(d.createdAt),
        organisation_id: organisationId,
        contact_id: d.id,
        kind: "created",
        body: null,
        data: JSON.stringify({ source: d.source, campaign: d.campaign, inbound: d.inbound }),
        actor_user_id: createdBy,
        created_at: iso(d.createdAt),
      },
    ];
    let state: { status: Status; assignedWorkerId: string | null } = {
      status: "new",
      assignedWorkerId: null,
    };
    let reason: string | null = null;
    let progress = "none";
    let assignedAt: number | null = null;
    // What the deadlines are computed from: cleared whenever the contact changes hands.
    let acceptedAt: number | null = null;
    let firstAttemptAt: number | null = null;
    let firstMeetingAt: number | null = null;
    let lastUpdateAt: number | null = null;
    let statusChangedAt = d.createdAt;
    let updatedAt = d.createdAt;
    let previous = d.createdAt;
    happenings.forEach((h, i) => {
      const next = happenings[i + 1]?.at ?? latest;
      const at = Math.max(Math.round(this.daytime(h, next)), previous + 1);
      previous = at;
      let data: Record<string, unknown> = {};
      if (h.kind === "status") {
        const planned = planStatusChange(
          state,
          {
            to: h.to ?? "",
            reason: h.reason ?? null,
            workerId: h.to === "offered" ? (h.worker?.row.id ?? null) : null,
          },
          reasons,
        );
        if (!planned.ok) throw new Error(`demo history breaks the lifecycle: ${planned.error.message}`);
        const change = planned.value;
        data = {
          from: change.from,
          to: change.status,
          reason: change.statusReason,
          workerId: change.assignedWorkerId,
          previousWorkerId: state.assignedWorkerId,
        };
        if (change.assignedWorkerId !== state.assignedWorkerId) {
          assignedAt = change.assignedWorkerId ? at : null;
          acceptedAt = firstAttemptAt = firstMeetingAt = lastUpdateAt = null;
        }
        if (change.from === "offered" && change.status === "active") acceptedAt = at;
        // As dispatch records it (db/dispatch.ts): the latest offer each worker was made.
        if (change.status === "offered" && h.worker) {
          const row = h.worker.row;
          if (row.last_offer_at === null || row.last_offer_at < iso(at)) row.last_offer_at = iso(at);
        }
        state = { status: change.status, assignedWorkerId: change.assignedWorkerId };
        reason = change.statusReason;
        statusChangedAt = at;
        updatedAt = at;
      } else if (h.kind === "progress") {
        const planned = planProgress(this.kind, progress, h.to ?? "");
        if (!planned.ok) throw new Error(`demo history breaks the progress path: ${planned.error.message}`);
        data = { from: progress, to: planned.value.to };
        progress = planned.value.to;
        updatedAt = at;
      }
      if (acceptedAt !== null && state.status === "active" && h.kind !== "status") {
        lastUpdateAt = at;
        if (h.kind === "call" || h.kind === "meeting" || h.kind === "progress") firstAttemptAt ??= at;
        if (h.kind === "meeting" || (h.kind === "progress" && MEETING_STEPS.has(progress)))
          firstMeetingAt ??= at;
      }
      timeline.push({
        id: this.input.newId(at),
        organisation_id: organisationId,
        contact_id: d.id,
        kind: h.kind,
        body: h.body,
        data: JSON.stringify(data),
        actor_user_id: h.actor,
        created_at: iso(at),
      });
    });
    if (state.status !== d.final) {
      throw new Error(`demo contact meant to be ${d.final} ended ${state.status}`);
    }
    this.activities.push(...timeline);
    const displayName = d.family ? `${d.given} ${d.family}` : d.given;
    return {
      id: d.id,
      organisation_id: organisationId,
      display_name: displayName,
      given_name: d.given,
      family_name: d.family,
      phones: JSON.stringify(d.phones),
      emails: JSON.stringify(d.emails),
      gender: d.gender,
      languages: JSON.stringify(d.languages),
      place_name: d.placeName,
      region: null,
      country: d.country,
      postal_code: null,
      lat: d.lat,
      lon: d.lon,
      source: d.source,
      campaign: d.campaign,
      inbound: d.inbound ? 1 : 0,
      status: state.status,
      status_reason: reason,
      progress,
      assigned_worker_id: state.assignedWorkerId,
      search_text: searchText({
        displayName,
        givenName: d.given,
        familyName: d.family,
        phones: d.phones,
        emails: d.emails,
        placeName: d.placeName,
      }),
      created_at: iso(d.createdAt),
      updated_at: iso(updatedAt),
      status_changed_at: iso(statusChangedAt),
      assigned_at: assignedAt === null ? null : iso(assignedAt),
      last_activity_at: iso(previous),
      erased_at: null,
      attribution: null,
      accepted_at: acceptedAt === null ? null : iso(acceptedAt),
      first_attempt_at: firstAttemptAt === null ? null : iso(firstAttemptAt),
      first_meeting_at: firstMeetingAt === null ? null : iso(firstMeetingAt),
      last_update_at: lastUpdateAt === null ? null : iso(lastUpdateAt),
      script_answers: null,
      call_attempts: 0,
      time_zone: null,
      merged_into_id: null,
    };
  }
}

function speaks(w: FieldWorker, d: Draft): boolean {
  return d.languages.length === 0 || d.languages.some((l) => w.languages.includes(l));
}

/** Great-circle distance in km (haversine, the mean Earth radius of contract.md). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** Greek letter pairs people romanise as one sound ("Ευαγγέλου" is "Evangelou", not "Euaggelou"). */
const GREEKLISH: ReadonlyArray<readonly [RegExp, string]> = [
  [/α[υύ]/gu, "av"],
  [/ε[υύ]/gu, "ev"],
  [/η[υύ]/gu, "iv"],
  [/γγ/gu, "ng"],
  [/γχ/gu, "nch"],
  [/(^|\s)μπ/gu, "$1b"],
  [/(^|\s)ντ/gu, "$1d"],
];

/** A name in Latin letters as its bearer would type it on a Latin keyboard: "Γιώργος" → "Giorgos". */
function romanise(name: string): string {
  let text = name.toLowerCase();
  for (const [pattern, latin] of GREEKLISH) text = text.replace(pattern, latin);
  return foldText(text).replace(
    /(^|[\s-])(\p{L})/gu,
    (_m, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function startOfDay(at: number): number {
  return Math.floor(at / DAY) * DAY;
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
