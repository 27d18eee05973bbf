/** The shapes duplicate detection works on: a contact as typed, and the same contact made comparable. */

/** One row of contacts.csv (contract.md, `handoff dedupe`). */
export interface DedupeRecord {
  id: string;
  /** Full name as typed, any script. */
  name: string;
  phones: readonly string[];
  emails: readonly string[];
  city: string;
  /** ISO 3166-1 alpha-2, upper case; the default region for phone numbers without a country code. */
  country: string | null;
}

/** A record in comparable form: everything Latin, lower case, without formatting. */
export interface NormalisedRecord {
  /** Name tokens in Latin letters, sorted (so "Rossi Maria" equals "Maria Rossi"), without repeats. */
  tokens: string[];
  /** The token typed first (given names mostly are), or "" for no name. */
  first: string;
  /** The phonetic key of each token, in the same order. */
  keys: string[];
  /** E.164 ("+39…") when the number's country is known, else its national digits. */
  phones: string[];
  /** Each phone's national significant number without leading zeros, in the same order. */
  nationals: string[];
  emails: string[];
  /** Folded like the name; "" when absent. */
  city: string;
}
