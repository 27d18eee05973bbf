/** What the demo knows about each country: its people, time zone, phone numbers and e-mail providers. */
import type { People } from "./names.js";
import type { Random } from "./random.js";

export type CountryCode = "IT" | "GR" | "CY" | "AL" | "ES" | "PT";

export interface CountryFacts {
  people: People;
  timeZone: string;
  /** The user-interface locale a local user would choose, when the console offers it. */
  locale: "it" | "el" | "en";
  /** A mobile number as people of this country type it. */
  phone(random: Random): string;
  /**
   * Mail providers people use there. The demo writes them under the reserved `.example` top-level
   * domain, so nothing the demo holds can ever reach a real mailbox.
   */
  mailProviders: readonly string[];
}

function digits(random: Random, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += String(random.int(0, 9));
  return out;
}

/** One of several ways people write the same number: spaced, run together, with the country code. */
function typed(random: Random, callingCode: string, national: string, groups: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    parts.push(national.slice(at, at + size));
    at += size;
  }
  const international = national.replace(/^0/, "");
  return random.weighted<() => string>([
    [() => parts.join(" "), 45],
    [() => national, 25],
    [() => `+${callingCode} ${international}`, 15],
    [() => `+${callingCode}${international}`, 8],
    [() => `00${callingCode} ${international}`, 4],
    [() => parts.join("-"), 3],
  ])();
}

// biome-ignore format: a packed list of prefixes
const ITALIAN_MOBILE = [
  "320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "336", "337", "338", "339", "340",
  "342", "345", "346", "347", "348", "349", "350", "351", "366", "368", "377", "380", "388", "389", "391",
  "392", "393",
];

export const COUNTRIES: Record<CountryCode, CountryFacts> = {
  IT: {
    people: "it",
    timeZone: "Europe/Rome",
    locale: "it",
    phone: (r) => typed(r, "39", r.pick(ITALIAN_MOBILE) + digits(r, 7), [3, 3, 4]),
    mailProviders: ["gmail", "libero", "hotmail", "yahoo", "virgilio", "alice", "outlook", "tiscali"],
  },
  GR: {
    people: "el",
    timeZone: "Europe/Athens",
    locale: "el",
    phone: (r) =>
      typed(r, "30", `69${r.pick(["0", "3", "4", "5", "7", "8", "9"])}${digits(r, 7)}`, [3, 3, 4]),
    mailProviders: ["gmail", "yahoo", "hotmail", "otenet", "outlook", "windowslive"],
  },
  CY: {
    people: "el",
    timeZone: "Asia/Nicosia",
    locale: "el",
    phone: (r) => typed(r, "357", `9${r.pick(["4", "5", "6", "7", "9"])}${digits(r, 6)}`, [2, 6]),
    mailProviders: ["gmail", "cytanet", "hotmail", "yahoo", "primehome"],
  },
  AL: {
    people: "sq",
    timeZone: "Europe/Tirane",
    locale: "en",
    phone: (r) => typed(r, "355", `06${r.pick(["7", "8", "9"])}${digits(r, 7)}`, [3, 3, 4]),
    mailProviders: ["gmail", "yahoo", "hotmail", "outlook"],
  },
  ES: {
    people: "es",
    timeZone: "Europe/Madrid",
    locale: "en",
    phone: (r) =>
      typed(r, "34", r.chance(0.85) ? `6${digits(r, 8)}` : `7${r.int(1, 4)}${digits(r, 7)}`, [3, 2, 2, 2]),
    mailProviders: ["gmail", "hotmail", "yahoo", "outlook", "telefonica", "movistar"],
  },
  PT: {
    people: "pt",
    timeZone: "Europe/Lisbon",
    locale: "en",
    phone: (r) => typed(r, "351", `9${r.pick(["1", "2", "3", "6"])}${digits(r, 7)}`, [3, 3, 3]),
    mailProviders: ["gmail", "sapo", "hotmail", "outlook", "iol", "netcabo"],
  },
};

/** Ukrainians abroad often keep their Ukrainian number. */
export function ukrainianPhone(random: Random): string {
  const operator = random.pick(["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]);
  const national = `${operator}${digits(random, 7)}`;
  return random.chance(0.6)
    ? `+380 ${operator} ${national.slice(2, 5)} ${national.slice(5)}`
    : `+380${national}`;
}

export function isCountryCode(value: string): value is CountryCode {
  return value in COUNTRIES;
}
