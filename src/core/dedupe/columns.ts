/**
 * Normalised records as columns: each distinct word, phone, e-mail and city once in a dictionary,
 * and every record as integer ids into them. A million records as objects are some fifteen
 * million small heap objects that the garbage collector walks again and again; as columns they
 * are a few typed arrays. Normalising a slice is pure and per record, so the shell may normalise
 * slices in other threads and join them (`sliceJoiner`).
 */
import { type NormaliseCaches, normaliseRecord } from "./normalise.js";
import { phoneticKey } from "./phonetic.js";
import type { DedupeRecord, NormalisedRecord } from "./records.js";
import { fullNameKey } from "./score.js";

/**
 * A slice of records, normalised: dictionaries local to the slice, and per record ids into them
 * (lists as `start` offsets: record r's tokens are tokenIds[tokenStart[r] … tokenStart[r + 1])).
 * Only strings, string arrays and typed arrays, so it crosses between threads as it is.
 */
export interface NormalisedSlice {
  count: number;
  /** Distinct name tokens, with the phonetic key of each. */
  tokens: string[];
  keys: string[];
  /** Distinct whole names (`fullNameKey`). */
  names: PackedStrings;
  /** Distinct comparable phones, with the national digits of each. */
  phones: PackedStrings;
  nationals: PackedStrings;
  emails: PackedStrings;
  cities: PackedStrings;
  tokenStart: Int32Array;
  tokenIds: Int32Array;
  /** The token typed first, −1 for no name. */
  firstIds: Int32Array;
  /** −1 for no name. */
  nameIds: Int32Array;
  phoneStart: Int32Array;
  phoneIds: Int32Array;
  emailStart: Int32Array;
  emailIds: Int32Array;
  /** −1 for no city. */
  cityIds: Int32Array;
  /** `blockingHash` of each of the record's `blockingKeys`. */
  blockStart: Int32Array;
  blockHashes: Int32Array;
}

/** Normalises records (normaliseRecord) into a slice. `caches` may be shared by consecutive calls. */
export function normaliseSlice(records: readonly DedupeRecord[], caches?: NormaliseCaches): NormalisedSlice {
  const slice = sliceBuilder();
  for (const record of records) slice.add(normaliseRecord(record, caches ? { caches } : {}));
  return slice.finish();
}

/** Records already normalised, as one slice. */
export function sliceOfNormalised(records: readonly NormalisedRecord[]): NormalisedSlice {
  const slice = sliceBuilder();
  for (const record of records) slice.add(record);
  return slice.finish();
}

function sliceBuilder() {
  const tokens = dictionary();
  const keys: string[] = [];
  const names = dictionary();
  const phones = dictionary();
  const nationals: string[] = [];
  const emails = dictionary();
  const cities = dictionary();
  const tokenIds: number[] = [];
  const tokenStart: number[] = [0];
  const firstIds: number[] = [];
  const nameIds: number[] = [];
  const phoneIds: number[] = [];
  const phoneStart: number[] = [0];
  const emailIds: number[] = [];
  const emailStart: number[] = [0];
  const cityIds: number[] = [];
  const blocks = blockHasher();
  const blockHashes: number[] = [];
  const blockStart: number[] = [0];
  const token = (value: string, key: string | null) => {
    const id = tokens.id(value);
    if (id === keys.length) {
      keys.push(key ?? phoneticKey(value));
      blocks.addToken(value, keys[id]!);
    }
    return id;
  };
  const ownTokens: number[] = [];
  const ownPhones: number[] = [];
  const ownEmails: number[] = [];
  return {
    add(record: NormalisedRecord): void {
      ownTokens.length = 0;
      for (let k = 0; k < record.tokens.length; k++)
        ownTokens.push(token(record.tokens[k]!, record.keys[k]!));
      tokenIds.push(...ownTokens);
      tokenStart.push(tokenIds.length);
      // The first word typed is mostly one of the tokens (unless cut at six).
      const first = record.tokens.indexOf(record.first);
      firstIds.push(
        record.tokens.length === 0 ? -1 : first >= 0 ? ownTokens[first]! : token(record.first, null),
      );
      nameIds.push(record.tokens.length === 0 ? -1 : names.id(fullNameKey(record.keys)));
      ownPhones.length = 0;
      for (let k = 0; k < record.phones.length; k++) {
        const id = phones.id(record.phones[k]!);
        if (id === nationals.length) {
          nationals.push(record.nationals[k]!);
          blocks.addPhone(record.nationals[k]!);
        }
        ownPhones.push(id);
      }
      phoneIds.push(...ownPhones);
      phoneStart.push(phoneIds.length);
      ownEmails.length = 0;
      for (const email of record.emails) {
        const id = emails.id(email);
        if (id === blocks.emails()) blocks.addEmail(email);
        ownEmails.push(id);
      }
      emailIds.push(...ownEmails);
      emailStart.push(emailIds.length);
      const city = record.city === "" ? -1 : cities.id(record.city);
      if (city === blocks.cities()) blocks.addCity(record.city);
      cityIds.push(city);
      blocks.hashes(ownTokens, ownPhones, ownEmails, city, blockHashes);
      blockStart.push(blockHashes.length);
    },
    finish(): NormalisedSlice {
      return {
        count: firstIds.length,
        tokens: tokens.values,
        keys,
        names: packStrings(names.values),
        phones: packStrings(phones.values),
        nationals: packStrings(nationals),
        emails: packStrings(emails.values),
        cities: packStrings(cities.values),
        tokenStart: Int32Array.from(tokenStart),
        tokenIds: Int32Array.from(tokenIds),
        firstIds: Int32Array.from(firstIds),
        nameIds: Int32Array.from(nameIds),
        phoneStart: Int32Array.from(phoneStart),
        phoneIds: Int32Array.from(phoneIds),
        emailStart: Int32Array.from(emailStart),
        emailIds: Int32Array.from(emailIds),
        cityIds: Int32Array.from(cityIds),
        blockStart: Int32Array.from(blockStart),
        blockHashes: Int32Array.from(blockHashes),
      };
    },
  };
}

// FNV-1a, as blockingHash computes it, one character at a time: a key's hash continues the hash
// of its start, so keys are hashed from what their parts' hashes already give, without a string.
const FNV_START = 0x811c9dc5;
const fnvChar = (h: number, code: number) => Math.imul(h ^ code, 0x01000193);
function fnvText(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = fnvChar(h, text.charCodeAt(i));
  return h;
}
/** blockingHash's ending: the kind in the lowest two bits (0 phone or e-mail, 1 two words, 2 one word). */
const fnvEnd = (h: number, kind: number) => ((h >>> 0) & ~3) | kind;
const SPACE = 32;

/**
 * The hashes of blockingKeys (blocking.ts) of records in a slice, from the ids of their values:
 * the same numbers as `blockingKeys(record).map(blockingHash)`, without a string per key (a
 * record has about six keys, and a name of four words twenty). Values are registered in the
 * order of their slice ids.
 */
function blockHasher() {
  // Per token id: its sound (the phonetic key, or the token when it has none) as a dense id,
  // whether it is long enough to block on, and what its keys start with.
  const tokenSound: number[] = [];
  const tokenLong: boolean[] = [];
  const sounds = dictionary();
  const soundWord: number[] = [];
  const soundPair: number[] = [];
  // Per phone id: the hash of its national digits' key, and which national digits it has (two
  // numbers may share them); 0 and −1 for digits too short to block on.
  const nationalIds = dictionary();
  const phoneHash: number[] = [];
  const phoneNational: number[] = [];
  const emailHash: number[] = [];
  const cityStart: number[] = [];
  // The record's keys so far, each as a number that tells keys apart (kind and ids), to skip repeats.
  const seen: number[] = [];
  const SPAN = 2 ** 21;
  const KIND = 2 ** 43;
  const push = (identity: number, hash: number, out: number[]) => {
    if (seen.includes(identity)) return;
    seen.push(identity);
    out.push(hash);
  };
  return {
    addToken(token: string, key: string): void {
      const sound = key === "" ? token : key;
      const id = sounds.id(sound);
      if (id === soundWord.length) {
        soundWord.push(fnvEnd(fnvText(fnvChar(FNV_START, 116 /* t */), sound), 2));
        soundPair.push(fnvChar(fnvText(fnvChar(FNV_START, 110 /* n */), sound), SPACE));
      }
      tokenSound.push(id);
      tokenLong.push(token.length >= 2);
    },
    addPhone(national: string): void {
      const long = national.length >= 6;
      phoneHash.push(long ? fnvEnd(fnvText(fnvChar(FNV_START, 112 /* p */), national), 0) : 0);
      phoneNational.push(long ? nationalIds.id(national) : -1);
    },
    emails: () => emailHash.length,
    addEmail(email: string): void {
      emailHash.push(fnvEnd(fnvText(fnvChar(FNV_START, 101 /* e */), email), 0));
    },
    cities: () => cityStart.length,
    addCity(city: string): void {
      cityStart.push(fnvChar(fnvText(fnvChar(FNV_START, 99 /* c */), city), SPACE));
    },
    /** Appends the record's key hashes to `out`, in blockingKeys' order, each once. */
    hashes(
      tokens: readonly number[],
      phones: readonly number[],
      emails: readonly number[],
      city: number,
      out: number[],
    ): void {
      seen.length = 0;
      for (const phone of phones)
        if (phoneNational[phone]! >= 0) push(phoneNational[phone]!, phoneHash[phone]!, out);
      for (const email of emails) push(KIND + email, emailHash[email]!, out);
      for (let i = 0; i < tokens.length; i++) {
        if (!tokenLong[tokens[i]!]) continue;
        const si = tokenSound[tokens[i]!]!;
        push(2 * KIND + si, soundWord[si]!, out);
        for (let j = i + 1; j < tokens.length; j++) {
          if (!tokenLong[tokens[j]!]) continue;
          const sj = tokenSound[tokens[j]!]!;
          // Sorted by sound, as blockingKeys sorts them.
          const ordered = sounds.values[si]! < sounds.values[sj]!;
          const x = ordered ? si : sj;
          const y = ordered ? sj : si;
          const second = sounds.values[y]!;
          push(3 * KIND + x * SPAN + y, fnvEnd(fnvText(soundPair[x]!, second), 1), out);
          if (city >= 0) {
            const h = fnvChar(fnvText(cityStart[city]!, sounds.values[x]!), SPACE);
            push(4 * KIND + x * SPAN + y, fnvEnd(fnvText(h, second), 1), out);
          }
        }
      }
    },
  };
}

/** Distinct strings with dense ids in order of first sight. */
function dictionary() {
  const ids = new Map<string, number>();
  const values: string[] = [];
  return {
    values,
    id(value: string): number {
      let id = ids.get(value);
      if (id === undefined) {
        id = values.length;
        ids.set(value, id);
        values.push(value);
      }
      return id;
    },
  };
}

/**
 * Distinct strings as one string, where each ends (`ends`), and their FNV-1a hashes: what is
 * passed between threads and joined, without a string object per value on the joining side.
 */
export interface PackedStrings {
  text: string;
  ends: Int32Array;
  hashes: Int32Array;
}

function packStrings(values: readonly string[]): PackedStrings {
  const ends = new Int32Array(values.length);
  const hashes = new Int32Array(values.length);
  let text = "";
  for (let k = 0; k < values.length; k++) {
    text += values[k]!;
    ends[k] = text.length;
    hashes[k] = fnvText(FNV_START, values[k]!);
  }
  return { text, ends, hashes };
}

/** String k of packed strings. */
export function packedString(strings: PackedStrings, k: number): string {
  return strings.text.slice(k === 0 ? 0 : strings.ends[k - 1], strings.ends[k]);
}

/** The typed arrays of a slice, which a thread can hand over without copying. */
export function sliceBuffers(slice: NormalisedSlice): ArrayBuffer[] {
  const strings = [slice.names, slice.phones, slice.nationals, slice.emails, slice.cities];
  return [
    slice.tokenStart,
    slice.tokenIds,
    slice.firstIds,
    slice.nameIds,
    slice.phoneStart,
    slice.phoneIds,
    slice.emailStart,
    slice.emailIds,
    slice.cityIds,
    slice.blockStart,
    slice.blockHashes,
    ...strings.flatMap((packed) => [packed.ends, packed.hashes]),
  ].map((array) => array.buffer as ArrayBuffer);
}

/**
 * Every record of a data set as columns: the slices joined, with ids into shared dictionaries.
 * Names, phones, e-mails and cities are only told apart and counted, so they are kept as ids
 * without their text; name tokens keep theirs, for comparing spellings.
 */
export interface DedupeColumns {
  count: number;
  tokens: string[];
  keys: string[];
  /** How many distinct values of each kind: ids run from 0 to these. */
  names: number;
  phones: number;
  nationals: number;
  emails: number;
  cities: number;
  /** Per phone id: its national digits' id, and 1 when it has a country code ("+…"). */
  phoneNationals: Int32Array;
  phonePlus: Uint8Array;
  tokenStart: Int32Array;
  tokenIds: Int32Array;
  firstIds: Int32Array;
  nameIds: Int32Array;
  phoneStart: Int32Array;
  phoneIds: Int32Array;
  emailStart: Int32Array;
  emailIds: Int32Array;
  cityIds: Int32Array;
  blockStart: Int32Array;
  blockHashes: Int32Array;
}

/** The per-record part of a slice or of columns. */
type IdColumns = Pick<
  NormalisedSlice,
  | "count"
  | "tokenStart"
  | "tokenIds"
  | "firstIds"
  | "nameIds"
  | "phoneStart"
  | "phoneIds"
  | "emailStart"
  | "emailIds"
  | "cityIds"
  | "blockStart"
  | "blockHashes"
>;

/**
 * Joins slices into columns, in the order of their positions (0, 1, …), whatever order they are
 * added in: slices from threads arrive when they are done, and are interned as they arrive.
 */
export function sliceJoiner() {
  const tokens = dictionary();
  const keys: string[] = [];
  const names = stringTable();
  const phones = stringTable();
  const nationals = stringTable();
  const emails = stringTable();
  const cities = stringTable();
  let phoneNationals = new Int32Array(1024);
  let phonePlus = new Uint8Array(1024);
  const slices: IdColumns[] = [];
  const remap = (ids: Int32Array, to: Int32Array) => {
    for (let k = 0; k < ids.length; k++) if (ids[k]! >= 0) ids[k] = to[ids[k]!]!;
  };
  const ids = (table: ReturnType<typeof stringTable>, strings: PackedStrings) => {
    const to = new Int32Array(strings.ends.length);
    for (let k = 0; k < to.length; k++) {
      to[k] = table.id(
        strings.text,
        k === 0 ? 0 : strings.ends[k - 1]!,
        strings.ends[k]!,
        strings.hashes[k]!,
      );
    }
    return to;
  };
  return {
    /** Takes over the slice (its id arrays are rewritten in place). */
    add(position: number, slice: NormalisedSlice): void {
      const tokenTo = Int32Array.from(slice.tokens, (value, k) => {
        const id = tokens.id(value);
        if (id === keys.length) keys.push(slice.keys[k]!);
        return id;
      });
      const phoneTo = ids(phones, slice.phones);
      const nationalTo = ids(nationals, slice.nationals);
      for (let k = 0; k < phoneTo.length; k++) {
        const id = phoneTo[k]!;
        if (id >= phoneNationals.length) {
          phoneNationals = grownTo(phoneNationals, id + 1);
          phonePlus = grownTo(phonePlus, id + 1);
        }
        phoneNationals[id] = nationalTo[k]!;
        phonePlus[id] =
          slice.phones.text.charCodeAt(k === 0 ? 0 : slice.phones.ends[k - 1]!) === PLUS ? 1 : 0;
      }
      remap(slice.tokenIds, tokenTo);
      remap(slice.firstIds, tokenTo);
      remap(slice.nameIds, ids(names, slice.names));
      remap(slice.phoneIds, phoneTo);
      remap(slice.emailIds, ids(emails, slice.emails));
      remap(slice.cityIds, ids(cities, slice.cities));
      // Only the ids stay: the slice's strings are garbage from here on.
      const { tokenStart, tokenIds, firstIds, nameIds, phoneStart, phoneIds, emailStart, emailIds } = slice;
      const { count, cityIds, blockStart, blockHashes } = slice;
      slices[position] = {
        ...{ count, tokenStart, tokenIds, firstIds, nameIds, phoneStart, phoneIds },
        ...{ emailStart, emailIds, cityIds, blockStart, blockHashes },
      };
    },
    columns(): DedupeColumns {
      const parts = Array.from(slices, (slice, position) => {
        if (slice === undefined) throw new Error(`slice ${position} was never added`);
        return slice;
      });
      return {
        count: parts.reduce((sum, slice) => sum + slice.count, 0),
        tokens: tokens.values,
        keys,
        names: names.size(),
        phones: phones.size(),
        nationals: nationals.size(),
        emails: emails.size(),
        cities: cities.size(),
        phoneNationals: phoneNationals.slice(0, phones.size()),
        phonePlus: phonePlus.slice(0, phones.size()),
        tokenStart: concatStarts(parts.map((slice) => slice.tokenStart)),
        tokenIds: concat(parts.map((slice) => slice.tokenIds)),
        firstIds: concat(parts.map((slice) => slice.firstIds)),
        nameIds: concat(parts.map((slice) => slice.nameIds)),
        phoneStart: concatStarts(parts.map((slice) => slice.phoneStart)),
        phoneIds: concat(parts.map((slice) => slice.phoneIds)),
        emailStart: concatStarts(parts.map((slice) => slice.emailStart)),
        emailIds: concat(parts.map((slice) => slice.emailIds)),
        cityIds: concat(parts.map((slice) => slice.cityIds)),
        blockStart: concatStarts(parts.map((slice) => slice.blockStart)),
        blockHashes: concat(parts.map((slice) => slice.blockHashes)),
      };
    },
  };
}

const PLUS = 43;

function grownTo<T extends Int32Array | Uint8Array | Uint16Array>(array: T, least: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(least, array.length * 2));
  next.set(array);
  return next;
}

/**
 * Distinct strings with dense ids, their characters kept in typed arrays: a million phone
 * numbers and e-mail addresses as a million strings and map entries would keep the garbage
 * collector busy for the rest of the run. Open addressing on the FNV-1a hash; each slot holds
 * the hash beside the id, so a value not seen yet costs one look into memory.
 */
function stringTable() {
  let slots = new Int32Array(1 << 13).fill(-1);
  let starts = new Int32Array((1 << 11) + 1);
  let chars = new Uint16Array(1 << 15);
  let size = 0;
  const slotOf = (hash: number, mask: number) => (Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) & mask) << 1;
  const rehash = () => {
    const old = slots;
    slots = new Int32Array(old.length * 2).fill(-1);
    const mask = (slots.length >> 1) - 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === -1) continue;
      let slot = slotOf(old[at]!, mask);
      while (slots[slot + 1] !== -1) slot = (slot + 2) & (slots.length - 1);
      slots[slot] = old[at]!;
      slots[slot + 1] = old[at + 1]!;
    }
  };
  const equal = (id: number, text: string, from: number, to: number) => {
    const start = starts[id]!;
    if (starts[id + 1]! - start !== to - from) return false;
    for (let k = 0; k < to - from; k++) if (chars[start + k] !== text.charCodeAt(from + k)) return false;
    return true;
  };
  return {
    size: () => size,
    /** The id of text.slice(from, to), whose FNV-1a hash is `hash`. */
    id(text: string, from: number, to: number, hash: number): number {
      let slot = slotOf(hash, (slots.length >> 1) - 1);
      for (let known = slots[slot + 1]!; known !== -1; known = slots[slot + 1]!) {
        if (slots[slot] === hash && equal(known, text, from, to)) return known;
        slot = (slot + 2) & (slots.length - 1);
      }
      const id = size++;
      if (size + 1 >= starts.length) starts = grownTo(starts, size + 2);
      const start = starts[id]!;
      if (start + (to - from) > chars.length) chars = grownTo(chars, start + (to - from));
      for (let k = 0; k < to - from; k++) chars[start + k] = text.charCodeAt(from + k);
      starts[id + 1] = start + (to - from);
      slots[slot] = hash;
      slots[slot + 1] = id;
      if (size * 4 > slots.length) rehash();
      return id;
    },
  };
}

function concat(arrays: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let at = 0;
  for (const array of arrays) {
    out.set(array, at);
    at += array.length;
  }
  return out;
}

/** Offsets of consecutive slices: each slice's start at 0 moves to where the one before ended. */
function concatStarts(arrays: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(1 + arrays.reduce((sum, array) => sum + array.length - 1, 0));
  let at = 0;
  let base = 0;
  for (const array of arrays) {
    for (let k = 1; k < array.length; k++) out[at + k] = base + array[k]!;
    at += array.length - 1;
    base = out[at]!;
  }
  return out;
}

/** How many people in the data set hold each value, by id (see RecordProfile in score.ts). */
export interface ValueCounts {
  tokenHolders: Int32Array;
  tokenFirstRates: Float64Array;
  nameHolders: Int32Array;
  /** By national digits' id, so "+39 06…" and a national "06…" count together. */
  nationalHolders: Int32Array;
  emailHolders: Int32Array;
  cityCounts: Int32Array;
}

/**
 * Counts the holders of every value. People are told apart roughly: for a name or a word, by the
 * records' first phone or e-mail (one person's records mostly share one); for a phone or an
 * e-mail, by the records' whole names.
 */
export function countValues(columns: DedupeColumns): ValueCounts {
  const { count, tokenStart, tokenIds, firstIds, nameIds, phoneStart, phoneIds, phoneNationals } = columns;
  const { emailStart, emailIds, cityIds } = columns;
  const tokens = holderTable(columns.tokens.length);
  const names = holderTable(columns.names);
  const nationals = holderTable(columns.nationals);
  const emails = holderTable(columns.emails);
  const cityCounts = new Int32Array(columns.cities);
  const emailHolderBase = columns.nationals;
  for (let i = 0; i < count; i++) {
    // A record's contact: its first phone's national digits, else its first e-mail. A record
    // without either is a person of its own (holders past the contacts' range).
    const holder =
      phoneStart[i]! < phoneStart[i + 1]!
        ? phoneNationals[phoneIds[phoneStart[i]!]!]!
        : emailStart[i]! < emailStart[i + 1]!
          ? emailHolderBase + emailIds[emailStart[i]!]!
          : 2 ** 30 + i;
    for (let k = tokenStart[i]!; k < tokenStart[i + 1]!; k++) {
      tokens.add(tokenIds[k]!, holder, tokenIds[k] === firstIds[i]);
    }
    const name = nameIds[i]!;
    if (name >= 0) names.add(name, holder, false);
    // A record without a name could be anyone who holds the phone: it adds no holder (-1).
    for (let k = phoneStart[i]!; k < phoneStart[i + 1]!; k++)
      nationals.add(phoneNationals[phoneIds[k]!]!, name, false);
    for (let k = emailStart[i]!; k < emailStart[i + 1]!; k++) emails.add(emailIds[k]!, name, false);
    if (cityIds[i]! >= 0) cityCounts[cityIds[i]!]!++;
  }
  const tokenFirstRates = new Float64Array(columns.tokens.length);
  for (let id = 0; id < tokenFirstRates.length; id++) {
    tokenFirstRates[id] = (tokens.marks[id]! + 1) / (tokens.records[id]! + 2);
  }
  return {
    tokenHolders: tokens.holders(),
    tokenFirstRates,
    nameHolders: names.holders(),
    nationalHolders: nationals.holders(),
    emailHolders: emails.holders(),
    cityCounts,
  };
}

/** Past this many distinct holders a value is common, and its record count is used instead. */
const HOLDERS_TRACKED = 8;

/** Per value id: its records, marked records, and up to HOLDERS_TRACKED distinct holders. */
function holderTable(size: number) {
  const records = new Int32Array(size);
  const marks = new Int32Array(size);
  const distinct = new Int32Array(size);
  const seen = new Int32Array(size * HOLDERS_TRACKED);
  return {
    records,
    marks,
    /** Counts one record holding value `id` (holder −1: unknown). */
    add(id: number, holder: number, mark: boolean): void {
      records[id]!++;
      if (mark) marks[id]!++;
      const known = distinct[id]!;
      if (holder < 0 || known >= HOLDERS_TRACKED) return;
      const base = id * HOLDERS_TRACKED;
      for (let k = 0; k < known; k++) if (seen[base + k] === holder) return;
      seen[base + known] = holder;
      distinct[id] = known + 1;
    },
    holders(): Int32Array {
      const out = new Int32Array(size);
      for (let id = 0; id < size; id++)
        out[id] = distinct[id]! < HOLDERS_TRACKED ? distinct[id]! : records[id]!;
      return out;
    },
  };
}
