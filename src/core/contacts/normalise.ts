/** Normalising what people type: phone numbers to E.164, and a Latin, lower-case text to search in. */
import anyAscii from "any-ascii";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** E.164 when the number can be read (in `country` when it has no country code), else the digits as typed. */
export function normalisePhone(raw: string, country: string | null): string {
  const parsed = parsePhoneNumberFromString(raw, (country ?? undefined) as CountryCode | undefined);
  if (parsed?.isValid()) return parsed.number;
  const trimmed = raw.trim();
  return trimmed.startsWith("+")
    ? `+${trimmed.replace(/\D/g, "")}`
    : trimmed.replace(/[^\d]/g, "") || trimmed;
}

export function normalisePhones(raws: readonly string[], country: string | null): string[] {
  return [...new Set(raws.map((p) => normalisePhone(p, country)))];
}

/** Greek digraphs whose usual romanisation differs from letter-by-letter (ου is "ou", not "oy"). */
const GREEK_DIGRAPHS: ReadonlyArray<[RegExp, string]> = [[/ο[υύ]/giu, "ou"]];

/** Latin letters without accents, lower case: "Γιώργος Παπαδόπουλος" → "giorgos papadopoulos". */
export function foldText(value: string): string {
  let text = value.toLowerCase();
  for (const [pattern, latin] of GREEK_DIGRAPHS) text = text.replace(pattern, latin);
  return anyAscii(text).toLowerCase().replace(/\s+/g, " ").trim();
}

/** What free-text search looks in: the name as typed and transliterated, phones (with and without +), e-mails. */
export function searchText(contact: {
  displayName: string;
  givenName?: string | null | undefined;
  familyName?: string | null | undefined;
  phones: readonly string[];
  emails: readonly string[];
  placeName?: string | null | undefined;
  postalCode?: string | null | undefined;
}): string {
  const names = [contact.displayName, contact.givenName, contact.familyName].filter(Boolean).join(" ");
  const parts = [
    names.toLowerCase(),
    foldText(names),
    ...contact.phones.map((p) => p.replace(/\D/g, "")),
    ...contact.emails,
    contact.placeName ? foldText(contact.placeName) : "",
    contact.postalCode ?? "",
  ];
  return [...new Set(parts.filter((p) => p.length > 0))].join(" | ");
}
