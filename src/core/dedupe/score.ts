/**
 * How likely two contacts are the same person: a Fellegi–Sunter log-likelihood ratio over names,
 * phones, e-mails and city, with value frequencies taken from the data set, mapped to [0, 1].
 */

import type { DedupeColumns, ValueCounts } from "./columns.js";
import { jaroWinkler } from "./jaro-winkler.js";
import { sameInitialSound, startsWithVowel } from "./phonetic.js";
import type { NormalisedRecord } from "./records.js";

/**
 * A normalised record with how many people in the data set hold each of its values. "Holders"
 * count distinct people, not records: a person with five records does not make their own phone
 * or rare family name look common (profileRecords estimates them).
 */
export interface RecordProfile extends NormalisedRecord {
  tokenHolders: number[];
  /**
   * How often each token is the first word typed, smoothed: (first + 1) / (count + 2). Given names
   * come first in most records and family names rarely, which tells "Natalia" from "Suárez".
   */
  tokenFirstRates: number[];
  /** Holders of the whole name (see `fullNameKey`); 0 without a name. */
  nameHolders: number;
  /** By national digits, so "+39 06…" and a national "06…" count together. */
  phoneHolders: number[];
  emailHolders: number[];
  /** Records with this city: a city is shared by so many that people or records hardly differ. */
  cityCount: number;
}

/** The whole name as one key: its tokens' phonetic keys, sorted, so variants of a name count together. */
export function fullNameKey(keys: readonly string[]): string {
  return [...keys].sort().join(" ");
}

/** What the data set as a whole contributes to every score. */
export interface ScoreContext {
  records: number;
}

/** Evidence flags of a pair, as a bit set (see `matchFields`). */
export const FIELD = {
  phone: 1,
  email: 2,
  /** Every aligned name token agrees exactly (after transliteration) or phonetically. */
  name: 4,
  /** The names agree, but only with typos or spelling variants. */
  nameSimilar: 8,
  city: 16,
  /** Two name tokens of the same role clearly differ (another given name, another family). */
  nameConflict: 32,
  /** A shared phone or e-mail with a clearly different name: relatives, not one person. */
  household: 64,
} as const;

const FIELD_NAMES: ReadonlyArray<[number, string]> = [
  [FIELD.phone, "phone"],
  [FIELD.email, "email"],
  [FIELD.name, "name"],
  [FIELD.nameSimilar, "name_similar"],
  [FIELD.city, "city"],
  [FIELD.nameConflict, "name_conflict"],
  [FIELD.household, "household"],
];

/** The flags of a bit set by name, in a fixed order: "phone", "email", "name", … */
export function matchFields(fields: number): string[] {
  return FIELD_NAMES.filter(([bit]) => (fields & bit) !== 0).map(([, name]) => name);
}

export interface PairScore {
  /** Probability-like certainty in [0, 1] that the two records are the same person. */
  score: number;
  /** `FIELD` bits. */
  fields: number;
}

// The model. Each piece of evidence adds ln(m/u): m is how often it holds for two records of one
// person, u how often for two different people. u for an agreeing value is the share of other
// holders of that value in the data set, smoothed towards a population rate f0 with ALPHA
// pseudo-records, so that a name in a ten-row file counts as a name, not as a sure match.
const ALPHA = 10_000;
/** Expected other records of the same person per record: the prior odds of a pair are this over n. */
const DUPLICATES_PER_RECORD = 0.5;

const NAME_M = 0.9;
const NAME_F0 = 1e-3;
/** Whole names: given and family names go together by language (Greek with Greek), so the words'
 * weights added up overstate a common pair; the whole name's own frequency bounds them. */
const FULL_NAME_F0 = 1e-5;
/** Clearly different tokens: 3 % of one person's records (nicknames, bad typos) vs 95 % of strangers. */
const NAME_CONFLICT = Math.log(0.03 / 0.95);
/** A token only one side has (a second family name, a dropped given name). */
const NAME_MISSING = -0.3;
/** An initial that fits: weak, since a letter is shared by many names. */
const INITIAL_AGREES = 1;
const PHONE_M = 0.6;
const PHONE_F0 = 1e-6;
/** Both give phones, none shared: people own several numbers, so weak. */
const PHONE_DIFFERS = Math.log(0.35);
const EMAIL_M = 0.5;
const EMAIL_F0 = 1e-6;
const EMAIL_DIFFERS = Math.log(0.4);
const CITY_M = 0.8;
const CITY_F0 = 1e-3;
/** A city mostly follows from the name's language and the phone's country, so it adds little more. */
const CITY_MAX = 1;
const CITY_DIFFERS = -1;
/** Above this similarity two tokens are the same word typed differently. */
const TOKEN_AGREES = 0.92;
/** Below this they are different words ("maria" and "marco" score 0.81). */
const TOKEN_DIFFERS = 0.86;
/** Tokens this far apart in first-word rate play different roles (given, family) in the name. */
const ROLES_DIFFER = 0.5;
/** A household pair scores at most this, whatever its shared phone says. */
const HOUSEHOLD_LOGIT = Math.log(0.02 / 0.98);
/** Most tokens a name keeps (normalise.ts): the size of the similarity scratch matrix. */
const MAX_TOKENS = 6;

/** ln(m/u) for a value agreed on, where `others` people besides the pair's hold it. */
function agreement(m: number, others: number, f0: number, records: number): number {
  return Math.log((m * (records + ALPHA)) / (Math.max(0, others) + ALPHA * f0));
}

/** Similarity of two name tokens, with phonetic keys rescuing transliterations ("mhmd", "mohammed"). */
export function tokenSimilarity(a: string, keyA: string, b: string, keyB: string): number {
  if (a === b) return 1;
  if (a.length === 1 || b.length === 1) return sameInitialSound(a, b) ? TOKEN_AGREES : 0;
  const text = jaroWinkler(a, b);
  // Keys drop vowels, so "nicola" and "angela" share one: both must start with a consonant (then
  // the keys' first symbol compares them) or both with a vowel.
  const phonetic = keyA === keyB && keyA !== "" && startsWithVowel(a) === startsWithVowel(b);
  return phonetic ? Math.max(text, 0.95) : text;
}

/** Damerau–Levenshtein distance ≤ 1: one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  // The rest after the first difference must agree, skipping one letter of the longer word,
  // one letter of each (substitution) or two swapped letters.
  const restEqual = (x: string, from: number, y: string, at: number) => {
    if (x.length - from !== y.length - at) return false;
    for (let k = 0; from + k < x.length; k++)
      if (x.charCodeAt(from + k) !== y.charCodeAt(at + k)) return false;
    return true;
  };
  if (la > lb) return restEqual(a, i + 1, b, i);
  if (lb > la) return restEqual(a, i, b, i + 1);
  if (restEqual(a, i + 1, b, i + 1)) return true;
  return (
    a.charCodeAt(i) === b.charCodeAt(i + 1) &&
    a.charCodeAt(i + 1) === b.charCodeAt(i) &&
    restEqual(a, i + 2, b, i + 2)
  );
}

/** The log-likelihood ratio of two records turned into a score, and which fields agreed. */
export function scorePair(a: RecordProfile, b: RecordProfile, context: ScoreContext): PairScore {
  loadProfile(sideA, a);
  loadProfile(sideB, b);
  const score = scoreSides(sideA, sideB, context.records);
  return { score, fields: pairFields };
}

/**
 * One record of a pair as the scorer reads it: a RecordProfile's fields in reusable arrays, so a
 * record kept in columns (columns.ts) is scored without building an object for it. Lists are
 * read up to their counts; entries past them are left over from earlier records.
 */
interface Side {
  tokenCount: number;
  tokens: string[];
  keys: string[];
  tokenHolders: number[];
  tokenFirstRates: number[];
  nameHolders: number;
  // Phones, national digits, e-mails and the city are only compared for equality: as strings
  // for a RecordProfile, as ids for columns.
  phoneCount: number;
  phones: unknown[];
  /** Whether the phone has its country code ("+…"). */
  phonePlus: boolean[];
  nationals: unknown[];
  phoneHolders: number[];
  emailCount: number;
  emails: unknown[];
  emailHolders: number[];
  hasCity: boolean;
  city: unknown;
  cityCount: number;
}

function emptySide(): Side {
  return {
    tokenCount: 0,
    tokens: [],
    keys: [],
    tokenHolders: [],
    tokenFirstRates: [],
    nameHolders: 0,
    phoneCount: 0,
    phones: [],
    phonePlus: [],
    nationals: [],
    phoneHolders: [],
    emailCount: 0,
    emails: [],
    emailHolders: [],
    hasCity: false,
    city: "",
    cityCount: 0,
  };
}

const sideA = emptySide();
const sideB = emptySide();

function loadProfile(side: Side, profile: RecordProfile): void {
  side.tokenCount = profile.tokens.length;
  for (let k = 0; k < side.tokenCount; k++) {
    side.tokens[k] = profile.tokens[k]!;
    side.keys[k] = profile.keys[k]!;
    side.tokenHolders[k] = profile.tokenHolders[k]!;
    side.tokenFirstRates[k] = profile.tokenFirstRates[k]!;
  }
  side.nameHolders = profile.nameHolders;
  side.phoneCount = profile.phones.length;
  for (let k = 0; k < side.phoneCount; k++) {
    side.phones[k] = profile.phones[k]!;
    side.phonePlus[k] = profile.phones[k]![0] === "+";
    side.nationals[k] = profile.nationals[k]!;
    side.phoneHolders[k] = profile.phoneHolders[k]!;
  }
  side.emailCount = profile.emails.length;
  for (let k = 0; k < side.emailCount; k++) {
    side.emails[k] = profile.emails[k]!;
    side.emailHolders[k] = profile.emailHolders[k]!;
  }
  side.hasCity = profile.city !== "";
  side.city = profile.city;
  side.cityCount = profile.cityCount;
}

/** Record `i` of columns, with its values' counts. */
function loadColumns(side: Side, columns: DedupeColumns, counts: ValueCounts, i: number): void {
  const { tokenStart, tokenIds, phoneStart, phoneIds, phoneNationals, emailStart, emailIds } = columns;
  const tokenFrom = tokenStart[i]!;
  side.tokenCount = tokenStart[i + 1]! - tokenFrom;
  for (let k = 0; k < side.tokenCount; k++) {
    const id = tokenIds[tokenFrom + k]!;
    side.tokens[k] = columns.tokens[id]!;
    side.keys[k] = columns.keys[id]!;
    side.tokenHolders[k] = counts.tokenHolders[id]!;
    side.tokenFirstRates[k] = counts.tokenFirstRates[id]!;
  }
  const name = columns.nameIds[i]!;
  side.nameHolders = name < 0 ? 0 : counts.nameHolders[name]!;
  const phoneFrom = phoneStart[i]!;
  side.phoneCount = phoneStart[i + 1]! - phoneFrom;
  for (let k = 0; k < side.phoneCount; k++) {
    const id = phoneIds[phoneFrom + k]!;
    const national = phoneNationals[id]!;
    side.phones[k] = id;
    side.phonePlus[k] = columns.phonePlus[id] === 1;
    side.nationals[k] = national;
    side.phoneHolders[k] = counts.nationalHolders[national]!;
  }
  const emailFrom = emailStart[i]!;
  side.emailCount = emailStart[i + 1]! - emailFrom;
  for (let k = 0; k < side.emailCount; k++) {
    const id = emailIds[emailFrom + k]!;
    side.emails[k] = id;
    side.emailHolders[k] = counts.emailHolders[id]!;
  }
  const city = columns.cityIds[i]!;
  side.hasCity = city >= 0;
  side.city = city;
  side.cityCount = city < 0 ? 0 : counts.cityCounts[city]!;
}

/**
 * A scorer of records kept in columns: score(i, j) is scorePair of their profiles, without the
 * objects. `fields()` gives the last pair's FIELD bits, so no object is made per pair.
 */
export function columnScorer(columns: DedupeColumns, counts: ValueCounts, context: ScoreContext) {
  const a = emptySide();
  const b = emptySide();
  let loadedA = -1;
  return {
    score(i: number, j: number): number {
      // Candidate pairs come in order of their first record: load it once for all of them.
      if (loadedA !== i) {
        loadColumns(a, columns, counts, i);
        loadedA = i;
      }
      loadColumns(b, columns, counts, j);
      return scoreSides(a, b, context.records);
    },
    fields: (): number => pairFields,
  };
}

// scoreSides' FIELD bits, beside its returned score: scoring 10⁶ records makes millions of calls,
// and a result object each would only feed the collector.
let pairFields = 0;

function scoreSides(a: Side, b: Side, n: number): number {
  let logit = Math.log(DUPLICATES_PER_RECORD / Math.max(1, n - 1));
  let fields = 0;

  // Phones: the strongest shared number counts; E.164 against E.164, else national digits.
  if (a.phoneCount > 0 && b.phoneCount > 0) {
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < a.phoneCount; i++) {
      for (let j = 0; j < b.phoneCount; j++) {
        const same =
          a.phonePlus[i] && b.phonePlus[j] ? a.phones[i] === b.phones[j] : a.nationals[i] === b.nationals[j];
        if (same) best = Math.max(best, agreement(PHONE_M, a.phoneHolders[i]! - 1, PHONE_F0, n));
      }
    }
    if (best > Number.NEGATIVE_INFINITY) {
      logit += best;
      fields |= FIELD.phone;
    } else logit += PHONE_DIFFERS;
  }

  if (a.emailCount > 0 && b.emailCount > 0) {
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < a.emailCount; i++) {
      if (includes(b.emails, b.emailCount, a.emails[i]!)) {
        best = Math.max(best, agreement(EMAIL_M, a.emailHolders[i]! - 1, EMAIL_F0, n));
      }
    }
    if (best > Number.NEGATIVE_INFINITY) {
      logit += best;
      fields |= FIELD.email;
    } else logit += EMAIL_DIFFERS;
  }

  if (a.hasCity && b.hasCity) {
    if (a.city === b.city) {
      logit += Math.min(CITY_MAX, agreement(CITY_M, a.cityCount - 2, CITY_F0, n));
      fields |= FIELD.city;
    } else logit += CITY_DIFFERS;
  }

  logit += nameEvidence(a, b, n);
  fields |= nameFields;
  const shared = (fields & (FIELD.phone | FIELD.email)) !== 0;
  if (shared && nameAgreed > 0 && (fields & FIELD.nameConflict) !== 0) {
    fields |= FIELD.household;
    logit = Math.min(logit, HOUSEHOLD_LOGIT);
  }
  pairFields = fields;
  return 1 / (1 + Math.exp(-logit));
}

function includes(values: readonly unknown[], count: number, value: unknown): boolean {
  for (let k = 0; k < count; k++) if (values[k] === value) return true;
  return false;
}

const similarity = new Float64Array(MAX_TOKENS * MAX_TOKENS);
// nameEvidence's flags and count of agreeing words, beside its returned weight.
let nameFields = 0;
let nameAgreed = 0;
const usedA = new Uint8Array(MAX_TOKENS);
const usedB = new Uint8Array(MAX_TOKENS);
/** Marks a token pair that may not be aligned: different words in different roles. */
const APART = -1;

/**
 * Aligns the two names' tokens greedily, most similar pair first (order-free, so swapped given and
 * family names align), and weighs each aligned pair by the rarity of the word. Different words are
 * only aligned when they play the same role, so "Natalia Cafofoera" beside "Cafofoera Suárez" is
 * one name with parts missing, while "Maria Rossi" beside "Marco Rossi" is two given names.
 */
function nameEvidence(a: Side, b: Side, records: number): number {
  const la = a.tokenCount;
  const lb = b.tokenCount;
  nameFields = 0;
  nameAgreed = 0;
  if (la === 0 || lb === 0) return 0;
  for (let i = 0; i < la; i++) {
    usedA[i] = 0;
    const ta = a.tokens[i]!;
    // Equal words are aligned first whatever else is there (nothing else scores 1), so the
    // similarities of the other words to them are never needed.
    if (includes(b.tokens, lb, ta)) {
      for (let j = 0; j < lb; j++) similarity[i * MAX_TOKENS + j] = b.tokens[j] === ta ? 1 : APART;
      continue;
    }
    for (let j = 0; j < lb; j++) {
      const tb = b.tokens[j]!;
      if (includes(a.tokens, la, tb)) {
        similarity[i * MAX_TOKENS + j] = APART;
        continue;
      }
      let s = tokenSimilarity(ta, a.keys[i]!, tb, b.keys[j]!);
      const typo = s < TOKEN_DIFFERS && typoOf(ta, a.tokenHolders[i]!, tb, b.tokenHolders[j]!);
      if (typo) s = TOKEN_DIFFERS;
      else if (s < TOKEN_DIFFERS && Math.abs(a.tokenFirstRates[i]! - b.tokenFirstRates[j]!) > ROLES_DIFFER) {
        s = APART;
      }
      similarity[i * MAX_TOKENS + j] = s;
    }
  }
  usedB.fill(0, 0, lb);
  let weight = 0;
  let agreed = 0;
  let aligned = 0;
  let exact = true;
  let conflict = false;
  for (;;) {
    let best = APART;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < la; i++) {
      if (usedA[i]) continue;
      for (let j = 0; j < lb; j++) {
        if (usedB[j]) continue;
        const s = similarity[i * MAX_TOKENS + j]!;
        // Ties go to the alphabetically first pair of tokens, whichever record is `a`: symmetry.
        if (
          s > best ||
          (s === best && s > APART && tieFirst(a.tokens[i]!, b.tokens[j]!, a.tokens[bi]!, b.tokens[bj]!))
        ) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) break;
    usedA[bi] = 1;
    usedB[bj] = 1;
    aligned++;
    const ta = a.tokens[bi]!;
    const tb = b.tokens[bj]!;
    const holders = Math.max(a.tokenHolders[bi]!, b.tokenHolders[bj]!);
    if (ta.length === 1 || tb.length === 1) {
      exact = false;
      if (best >= TOKEN_AGREES) weight += INITIAL_AGREES;
      else {
        weight += NAME_CONFLICT;
        conflict = true;
      }
    } else if (best >= TOKEN_AGREES) {
      agreed++;
      if (ta === tb) weight += agreement(NAME_M, holders - 1, NAME_F0, records);
      else {
        // A variant spelling: the commoner of the two spellings sets the rarity.
        exact &&= a.keys[bi] === b.keys[bj] && best >= 0.95;
        weight += agreement(NAME_M, holders - 1, NAME_F0, records) * best;
      }
    } else if (best >= TOKEN_DIFFERS) {
      exact = false;
      weight += 0.5 * agreement(NAME_M, holders - 1, NAME_F0, records);
    } else {
      exact = false;
      conflict = true;
      weight += NAME_CONFLICT;
    }
  }
  weight += NAME_MISSING * (la + lb - 2 * aligned);
  if (weight > 0 && a.nameHolders > 0 && b.nameHolders > 0) {
    const others = Math.max(a.nameHolders, b.nameHolders) - 1;
    weight = Math.min(weight, agreement(NAME_M, others, FULL_NAME_F0, records));
  }
  if (conflict) nameFields = FIELD.nameConflict;
  else if (agreed > 0) nameFields = exact ? FIELD.name : FIELD.nameSimilar;
  nameAgreed = agreed;
  return weight;
}

/**
 * Whether two different tokens look like one word with a typo: one edit apart (Damerau) and one of
 * them held by nobody else. A real second given name ("mario" beside "marco") is shared by other
 * people in any sizeable data set; a typo mostly is not.
 */
function typoOf(a: string, holdersA: number, b: string, holdersB: number): boolean {
  return Math.min(holdersA, holdersB) <= 1 && withinOneEdit(a, b);
}

/** Whether token pair (x1, y1) sorts before (x2, y2), comparing each pair as an unordered set. */
function tieFirst(x1: string, y1: string, x2: string, y2: string): boolean {
  const p1 = x1 < y1 ? x1 : y1;
  const q1 = x1 < y1 ? y1 : x1;
  const p2 = x2 < y2 ? x2 : y2;
  const q2 = x2 < y2 ? y2 : x2;
  return p1 < p2 || (p1 === p2 && q1 < q2);
}
