/** Normalising a contact for duplicate detection: names across scripts, phones, e-mails, city. */
import { getCountries, getCountryCallingCode, isSupportedCountry } from "libphonenumber-js";
import { foldText, normalisePhone } from "../contacts/normalise.js";
import { phoneticKey } from "./phonetic.js";
import type { DedupeRecord, NormalisedRecord } from "./records.js";
import { latinName } from "./transliterate.js";

/** Most tokens a name keeps: beyond six, extra tokens are noise and only cost comparisons. */
const MAX_TOKENS = 6;

/**
 * Words that belong to the word after them: "De Luca", "DeLuca" and "de-luca" are one token, and
 * Arabic "Al-Ahmad" matches "الأحمد" (whose article is written joined).
 */
const PARTICLES = new Set([
  "al",
  "el",
  "abd",
  "abu",
  "bin",
  "ben",
  "ibn",
  "da",
  "de",
  "del",
  "della",
  "dello",
  "dei",
  "degli",
  "di",
  "du",
  "la",
  "le",
  "lo",
  "los",
  "las",
  "van",
  "von",
  "der",
  "den",
  "mac",
  "mc",
  "st",
  "san",
]);

/**
 * Memos owned by the caller, kept across records: one person's records repeat their number in
 * other formats (reading one costs about 15 µs), names repeat their words (transliterating one
 * runs a dozen regular expressions), and a few hundred cities cover most records.
 */
export interface NormaliseCaches {
  /** By country and digits (see comparablePhone). */
  phones: Map<string, string>;
  /** By word as typed (see nameTokens). */
  words: Map<string, WordParts>;
  /** By city as typed. */
  cities: Map<string, string>;
}

export function normaliseCaches(): NormaliseCaches {
  return { phones: new Map(), words: new Map(), cities: new Map() };
}

/** `phoneCache` or `caches` (optional, owned by the caller) only remember work already done. */
export function normaliseRecord(
  record: DedupeRecord,
  { phoneCache, caches }: { phoneCache?: Map<string, string>; caches?: NormaliseCaches } = {},
): NormalisedRecord {
  const { tokens, first } = nameTokens(record.name, caches?.words);
  const phones: string[] = [];
  const nationals: string[] = [];
  const region = record.country !== null && isSupportedCountry(record.country) ? record.country : null;
  for (const raw of record.phones) {
    const phone = comparablePhone(raw, region, caches?.phones ?? phoneCache);
    if (phone === null || phones.includes(phone.phone)) continue;
    phones.push(phone.phone);
    nationals.push(phone.national);
  }
  const emails: string[] = [];
  for (const raw of record.emails) {
    const email = normaliseEmail(raw);
    if (email !== null && !emails.includes(email)) emails.push(email);
  }
  return {
    tokens,
    first,
    keys: tokens.map(phoneticKey),
    phones,
    nationals,
    emails,
    city: comparableCity(record.city, caches?.cities),
  };
}

function comparableCity(city: string, cache?: Map<string, string>): string {
  if (city === "") return "";
  let folded = cache?.get(city);
  if (folded === undefined) {
    folded = foldText(city);
    cache?.set(city, folded);
  }
  return folded;
}

/** What one word of a name gives: an initial (one Latin letter, or none), or Latin parts. */
export interface WordParts {
  initial: boolean;
  parts: readonly string[];
  /** Whether each part is a particle (PARTICLES), joined to the part after it. */
  particles: readonly boolean[];
}

/**
 * Latin tokens of a name, particles joined to the word they belong to, sorted and unique. A word
 * of one letter in any script is an initial and stays one Latin letter ("Χ." → "c", not "ch").
 * `words` (optional, owned by the caller) remembers what each word gave.
 */
export function nameTokens(
  name: string,
  words?: Map<string, WordParts>,
): { tokens: string[]; first: string } {
  const tokens: string[] = [];
  let prefix = "";
  for (const word of name.split(/[\s.,;]+/)) {
    if (word === "") continue;
    let read = words?.get(word);
    if (read === undefined) {
      read = wordParts(word);
      words?.set(word, read);
    }
    if (read.initial) {
      if (read.parts.length > 0) tokens.push(read.parts[0]!);
      continue;
    }
    for (let k = 0; k < read.parts.length; k++) {
      if (read.particles[k]) prefix += read.parts[k]!;
      else {
        tokens.push(prefix + read.parts[k]!);
        prefix = "";
      }
    }
  }
  if (prefix !== "") tokens.push(prefix);
  const unique: string[] = [];
  for (const token of tokens) if (!unique.includes(token)) unique.push(token);
  unique.sort();
  if (unique.length > MAX_TOKENS) unique.length = MAX_TOKENS;
  return { tokens: unique, first: tokens[0] ?? "" };
}

/** One word of a name in Latin letters, split where it has other signs ("de-luca" → de, luca). */
function wordParts(word: string): WordParts {
  // Plain ASCII (most Latin names typed without accents) needs no transliteration: latinName
  // would only lower its case.
  const ascii = /^[\x20-\x7e]*$/.test(word);
  const letters = ascii
    ? word.replace(/[^A-Za-z]/g, "")
    : [...word].filter((char) => /\p{L}/u.test(char)).join("");
  if ([...letters].length === 1) {
    const initial = latinName(letters)
      .replace(/[^a-z]/g, "")
      .slice(0, 1);
    return { initial: true, parts: initial === "" ? [] : [initial], particles: [false] };
  }
  const latin = ascii ? word.toLowerCase() : latinName(word);
  const parts = latin
    .replace(/['’`ʼ]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((part) => part !== "");
  return { initial: false, parts, particles: parts.map((part) => PARTICLES.has(part)) };
}

/**
 * Lower case, trimmed, without a `mailto:` or angle brackets; null when it is not an address.
 * For Gmail the dots and a `+tag` in the local part are dropped, and googlemail.com is gmail.com:
 * Google delivers all those spellings to the same mailbox, so they are one address. Other
 * providers are left alone, because for them a dot or a plus can tell two mailboxes apart.
 */
export function normaliseEmail(raw: string): string | null {
  const email = raw
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, "")
    .replace(/^<(.*)>$/, "$1");
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  if (domain === "gmail.com" || domain === "googlemail.com") {
    domain = "gmail.com";
    local = local.replace(/\+.*$/, "").replace(/\./g, "");
  }
  return `${local}@${domain}`;
}

/** Calling codes (1–3 digits, none a prefix of another), to find where a number's national part starts. */
const CALLING_CODES = new Set(getCountries().map((country) => getCountryCallingCode(country) as string));

/** Digits with only spacing and punctuation: no letters, no extension. */
const PUNCTUATED = /^[\d\s().\-/]+$/;
/** Written with a country code: "+39 …", "0039 …"; "(0)" is the trunk digit some people add. */
const INTERNATIONAL = /^(?:\+|00)[\d\s().\-/]+$/;

/**
 * A phone in comparable form, or null when it has no digits. Numbers written with a country code
 * become "+" and their digits without the parser (which costs about 15 µs a number: a quarter of
 * the time at 10⁶ records); the rest go through normalisePhone in the record's country.
 */
export function comparablePhone(
  raw: string,
  country: string | null,
  cache?: Map<string, string>,
): { phone: string; national: string } | null {
  const trimmed = raw.trim();
  let phone: string;
  if (INTERNATIONAL.test(trimmed)) {
    phone = `+${trimmed.replace("(0)", "").replace(/\D/g, "").replace(/^00/, "")}`;
  } else {
    // Formatting aside, the same digits in the same country are the same number.
    const key = PUNCTUATED.test(trimmed) ? `${country}:${trimmed.replace(/\D/g, "")}` : null;
    const known = key === null ? undefined : cache?.get(key);
    if (known !== undefined) phone = known;
    else {
      phone = normalisePhone(trimmed, country);
      if (!/\d/.test(phone)) return null;
      if (!phone.startsWith("+")) phone = phone.replace(/\D/g, "");
      if (key !== null) cache?.set(key, phone);
    }
  }
  if (phone === "+" || phone === "") return null;
  return { phone, national: nationalDigits(phone) };
}

/** "+390612345678" → "612345678", "07911123456" → "7911123456": what two spellings of one number share. */
function nationalDigits(phone: string): string {
  let digits = phone.replace(/\D/g, "");
  if (phone.startsWith("+")) {
    for (let length = 1; length <= 3; length++) {
      if (CALLING_CODES.has(digits.slice(0, length))) {
        digits = digits.slice(length);
        break;
      }
    }
  }
  return digits.replace(/^0+/, "");
}
