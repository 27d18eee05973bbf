/** The two demo organisations: who works there, where, whom they reach and through which campaigns. */
import type { Role } from "../../core/access/roles.js";
import type { People } from "./names.js";
import type { CountryCode } from "./places.js";

export interface StaffMember {
  role: Role;
  /** The part of the e-mail address before the organisation's domain. */
  mailbox: string;
  name: string;
}

/** A field worker who signs in: placed in a big city so that their own list is never empty. */
export interface FeaturedWorker {
  mailbox: "worker" | "worker2";
  name: string;
  gender: "m" | "f";
  city: string;
  country: CountryCode;
  languages: string[];
  capacity: number;
  maxKm: number;
}

export interface Campaign {
  /** `{year}` is replaced by the year the campaign ran. */
  name: string;
  /** When it runs each year, as [month, day] from and to (inclusive); none = all year. */
  window?: readonly [readonly [number, number], readonly [number, number]];
  /** How much of the paid traffic it draws while it runs, relative to the others. */
  weight: number;
  /** Only for contacts of these peoples (campaigns in their language); none = everyone. */
  peoples?: readonly People[];
}

export interface DemoProfile {
  kind: "ministry" | "sales";
  name: string;
  slug: string;
  defaultCountry: CountryCode;
  timeZone: string;
  /** Share of contacts and workers in each country; within a country, cities weigh by population. */
  countries: Partial<Record<CountryCode, number>>;
  /**
   * Branch towns per country, for an organisation that works only around its branches: cities farther
   * than `BRANCH_KM` from every branch get neither workers nor contacts. None = the whole country.
   */
  branches?: Partial<Record<CountryCode, readonly string[]>>;
  /** Who the contacts are, per country: their people and how many of them. */
  peoples: Partial<Record<CountryCode, ReadonlyArray<readonly [People, number]>>>;
  /** Languages a worker of that country may speak beside their own, with the chance of each. */
  workerLanguages: Partial<Record<CountryCode, ReadonlyArray<readonly [string, number]>>>;
  /** Ministries match same-gender by default; sales teams do not. */
  sameGender: boolean;
  staff: StaffMember[];
  featured: [FeaturedWorker, FeaturedWorker];
  sources: ReadonlyArray<readonly [string, number]>;
  campaigns: Campaign[];
  /** Chance that a contact from this source wrote in themselves. */
  inbound: Record<string, number>;
  /** Chance that a contact left an e-mail address. */
  emailRate: number;
  workerCount: number;
  contactCount: number;
}

export const PASSWORD = "handoff-demo";

/** How far around a branch town an organisation with branches works. */
export const BRANCH_KM = 110;

const PAID = ["facebook", "instagram", "google-ads"];
export function isPaidSource(source: string): boolean {
  return PAID.includes(source);
}

export const MINISTRY: DemoProfile = {
  kind: "ministry",
  name: "Harvest Network",
  slug: "harvest",
  defaultCountry: "IT",
  timeZone: "Europe/Rome",
  countries: { IT: 0.42, GR: 0.36, CY: 0.09, AL: 0.13 },
  peoples: {
    IT: [
      ["it", 66],
      ["uk", 11],
      ["sq", 8],
      ["ar", 8],
      ["fa", 3],
      ["en", 4],
    ],
    GR: [
      ["el", 62],
      ["ar", 13],
      ["fa", 11],
      ["sq", 6],
      ["uk", 5],
      ["en", 3],
    ],
    CY: [
      ["el", 70],
      ["uk", 9],
      ["ar", 8],
      ["fa", 4],
      ["en", 9],
    ],
    AL: [
      ["sq", 96],
      ["en", 4],
    ],
  },
  workerLanguages: {
    IT: [
      ["en", 0.55],
      ["uk", 0.1],
      ["ar", 0.08],
      ["fa", 0.04],
      ["sq", 0.05],
    ],
    GR: [
      ["en", 0.6],
      ["ar", 0.14],
      ["fa", 0.12],
      ["uk", 0.05],
      ["sq", 0.05],
    ],
    CY: [
      ["en", 0.8],
      ["uk", 0.12],
      ["ar", 0.08],
    ],
    AL: [
      ["en", 0.55],
      ["it", 0.35],
      ["el", 0.1],
    ],
  },
  sameGender: true,
  staff: [
    { role: "admin", mailbox: "admin", name: "Giulia Romano" },
    { role: "dispatcher", mailbox: "dispatcher", name: "Marco Bellini" },
    { role: "setter", mailbox: "setter", name: "Eleni Karali" },
    { role: "marketer", mailbox: "marketer", name: "Sara Colombo" },
  ],
  featured: [
    {
      mailbox: "worker",
      name: "Luca Ferri",
      gender: "m",
      city: "Rome",
      country: "IT",
      languages: ["it", "en"],
      capacity: 14,
      maxKm: 25,
    },
    {
      mailbox: "worker2",
      name: "Δέσποινα Αλεξίου",
      gender: "f",
      city: "Athens",
      country: "GR",
      languages: ["el", "en", "ar"],
      capacity: 12,
      maxKm: 20,
    },
  ],
  sources: [
    ["facebook", 30],
    ["instagram", 18],
    ["google-ads", 14],
    ["website", 14],
    ["whatsapp", 10],
    ["referral", 8],
    ["event", 6],
  ],
  campaigns: [
    {
      name: "easter-{year}",
      window: [
        [2, 20],
        [5, 10],
      ],
      weight: 6,
    },
    {
      name: "christmas-{year}",
      window: [
        [11, 20],
        [1, 8],
      ],
      weight: 6,
    },
    { name: "who-is-jesus", weight: 2 },
    { name: "hope-for-today", weight: 2 },
    { name: "free-bible", weight: 1.5 },
    { name: "life-questions", weight: 1 },
    { name: "new-neighbours", weight: 6, peoples: ["ar", "fa", "uk"] },
  ],
  inbound: {
    website: 0.55,
    whatsapp: 0.6,
    referral: 0.5,
    event: 0.3,
    facebook: 0.2,
    instagram: 0.2,
    "google-ads": 0.15,
  },
  emailRate: 0.35,
  workerCount: 100,
  contactCount: 3000,
};

export const SALES: DemoProfile = {
  kind: "sales",
  name: "Northwind Solar",
  slug: "northwind",
  defaultCountry: "GR",
  timeZone: "Europe/Athens",
  countries: { GR: 0.3, IT: 0.26, ES: 0.3, PT: 0.14 },
  // A solar installer works where the sun is and where it has installers: around its branches.
  branches: {
    GR: ["Athens", "Thessaloníki", "Pátra", "Irákleion", "Lárisa"],
    IT: ["Rome", "Naples", "Bari", "Palermo", "Catania"],
    ES: ["Madrid", "Sevilla", "Valencia", "Málaga", "Murcia"],
    PT: ["Lisbon", "Porto", "Faro"],
  },
  peoples: {
    IT: [
      ["it", 93],
      ["en", 3],
      ["uk", 2],
      ["sq", 2],
    ],
    GR: [
      ["el", 95],
      ["en", 3],
      ["sq", 2],
    ],
    ES: [
      ["es", 92],
      ["en", 6],
      ["uk", 2],
    ],
    PT: [
      ["pt", 92],
      ["en", 6],
      ["uk", 2],
    ],
  },
  workerLanguages: {
    IT: [["en", 0.6]],
    GR: [["en", 0.7]],
    ES: [
      ["en", 0.6],
      ["pt", 0.05],
    ],
    PT: [
      ["en", 0.65],
      ["es", 0.2],
    ],
  },
  sameGender: false,
  staff: [
    { role: "admin", mailbox: "admin", name: "Κατερίνα Μαυρίδη" },
    { role: "dispatcher", mailbox: "dispatcher", name: "Γιάννης Πετρίδης" },
    { role: "setter", mailbox: "setter", name: "Sofia Martins" },
    { role: "marketer", mailbox: "marketer", name: "Lucía Navarro" },
  ],
  featured: [
    {
      mailbox: "worker",
      name: "Κώστας Δημητρίου",
      gender: "m",
      city: "Athens",
      country: "GR",
      languages: ["el", "en"],
      capacity: 16,
      maxKm: 30,
    },
    {
      mailbox: "worker2",
      name: "Javier Moreno",
      gender: "m",
      city: "Madrid",
      country: "ES",
      languages: ["es", "en"],
      capacity: 15,
      maxKm: 35,
    },
  ],
  sources: [
    ["google-ads", 30],
    ["facebook", 22],
    ["website", 18],
    ["instagram", 10],
    ["referral", 10],
    ["whatsapp", 5],
    ["event", 5],
  ],
  campaigns: [
    {
      name: "spring-solar-{year}",
      window: [
        [3, 1],
        [6, 15],
      ],
      weight: 6,
    },
    {
      name: "summer-cooling-{year}",
      window: [
        [6, 1],
        [8, 31],
      ],
      weight: 4,
    },
    {
      name: "autumn-battery-{year}",
      window: [
        [9, 1],
        [11, 30],
      ],
      weight: 4,
    },
    {
      name: "tax-credit-{year}",
      window: [
        [1, 8],
        [2, 28],
      ],
      weight: 4,
    },
    { name: "rooftop-savings", weight: 2 },
    { name: "free-site-survey", weight: 2 },
  ],
  inbound: {
    website: 0.6,
    whatsapp: 0.5,
    referral: 0.55,
    event: 0.35,
    facebook: 0.15,
    instagram: 0.15,
    "google-ads": 0.2,
  },
  emailRate: 0.55,
  workerCount: 100,
  contactCount: 3000,
};

export const PROFILES: readonly DemoProfile[] = [MINISTRY, SALES];
