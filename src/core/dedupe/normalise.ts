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
 * `phoneCache` (optional, owned by the caller) remembers numbers already read in a country: one
 * person's records repeat their number in other formats, and reading one costs about 15 µs.
 */
export function normaliseRecord(
  record: DedupeRecord,
  { phoneCache }: { phoneCache?: Map<string, string> } = {},
): NormalisedRecord {
  const { tokens, first } = nameTokens(record.name);
  const phones: string[] = [];
  const nationals: string[] = [];
  const region = record.country !== null && isSupportedCountry(record.country) ? record.country : null;
  for (const raw of record.phones) {
    const phone = comparablePhone(raw, region, phoneCache);
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
    city: record.city === "" ? "" : foldText(record.city),
  };
}

/**
 * Latin tokens of a name, particles joined to the word they belong to, sorted and unique. A word
 * of one letter in any script is an initial and stays one Latin letter ("Χ." → "c", not "ch").
 */
export function nameTokens(name: string): { tokens: string[]; first: string } {
  const tokens: string[] = [];
  let prefix = "";
  // Plain ASCII (most Latin names typed without accents) needs no transliteration.
  const ascii = /^[\x20-\x7e]*$/.test(name);
  for (const word of name.split(/[\s.,;]+/)) {
    if (word === "") continue;
    const letters = ascii
      ? word.replace(/[^A-Za-z]/g, "")
      : [...word].filter((char) => /\p{L}/u.test(char)).join("");
    if ([...letters].length === 1) {
      const initial = latinName(letters)
        .replace(/[^a-z]/g, "")
        .slice(0, 1);
      if (initial !== "") tokens.push(initial);
      continue;
    }
    const latin = ascii ? word.toLowerCase() : latinName(word);
    for (const part of latin.replace(/['’`ʼ]/g, "").split(/[^a-z0-9]+/)) {
      if (part === "") continue;
      if (PARTICLES.has(part)) prefix += part;
      else {
        tokens.push(prefix + part);
        prefix = "";
      }
    }
  }
  if (prefix !== "") tokens.push(prefix);
  return { tokens: [...new Set(tokens)].sort().slice(0, MAX_TOKENS), first: tokens[0] ?? "" };
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
