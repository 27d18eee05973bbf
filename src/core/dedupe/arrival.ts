/**
 * Duplicates of one arriving contact among those already stored: the keys it is filed under, which
 * of them are worth looking up, and a score for each stored contact found through them. The stored
 * contacts' value counts stand in for the whole data set's, so a common name still counts as common.
 */
import { type BlockingOptions, blockingKeys, DEFAULT_BLOCKING } from "./blocking.js";
import { profileRecords } from "./cluster.js";
import { normaliseRecord } from "./normalise.js";
import type { DedupeRecord, NormalisedRecord } from "./records.js";
import { fullNameKey, matchFields, type RecordProfile, scorePair } from "./score.js";

/**
 * Every key a record is filed under: its blocking keys, and two keys kept only for counting how
 * many contacts share a value: `f` the whole name, `y` the city.
 */
export function matchKeys(record: DedupeRecord): string[] {
  return keysOf(normaliseRecord(record));
}

function keysOf(record: NormalisedRecord): string[] {
  const keys = blockingKeys(record);
  if (record.tokens.length > 0) keys.push(`f${fullNameKey(record.keys)}`);
  if (record.city !== "") keys.push(`y${record.city}`);
  return keys;
}

/**
 * The most stored contacts a key's block may hold before the arrival joins it and still be
 * compared (0 for the counting-only keys, never looked up). A block of `lookupLimit` or more is
 * too common to tell people apart, so a count needs to go no higher to decide.
 */
export function lookupLimit(key: string, blocking: BlockingOptions = DEFAULT_BLOCKING): number {
  const limit =
    key[0] === "p" || key[0] === "e"
      ? blocking.maxContactBlock
      : key[0] === "t"
        ? blocking.maxWordBlock
        : key[0] === "n" || key[0] === "c"
          ? blocking.maxNameBlock
          : 0;
  return Math.max(0, limit);
}

/**
 * The keys to look stored contacts up by: blocking keys whose block (the stored contacts holding
 * the key, `counts`) is small enough to compare, as the whole-file scan does.
 */
export function lookupKeys(
  keys: readonly string[],
  counts: ReadonlyMap<string, number>,
  blocking: BlockingOptions = DEFAULT_BLOCKING,
): string[] {
  // The arrival joins the block: a block already at its limit is too common to tell people apart.
  return keys.filter((key) => (counts.get(key) ?? 0) + 1 <= lookupLimit(key, blocking));
}

export interface ArrivalMatch {
  /** Index into the candidates. */
  index: number;
  /** Certainty in [0, 1] that the two are the same person (score.ts). */
  score: number;
  /** What agreed or told them apart: "phone", "email", "name", "household", … */
  fields: string[];
}

export interface Population {
  /** Contacts stored in the organisation. */
  records: number;
  /** How many stored contacts hold each of the arrival's keys (matchKeys). */
  counts: ReadonlyMap<string, number>;
}

/**
 * Scores the arrival against each candidate, strongest first, keeping those above `threshold`.
 * A value's holders are the most of what the few records show and what the stored contacts hold
 * (plus the arrival itself, which is not stored yet).
 */
export function scoreArrival(
  arrival: DedupeRecord,
  candidates: readonly DedupeRecord[],
  population: Population,
  threshold: number,
): ArrivalMatch[] {
  const normalised = [arrival, ...candidates].map((record) => normaliseRecord(record));
  const profiles = profileRecords(normalised).map((profile) => widened(profile, population.counts));
  const context = { records: Math.max(population.records + 1, normalised.length) };
  const own = profiles[0]!;
  const matches: ArrivalMatch[] = [];
  for (let i = 1; i < profiles.length; i++) {
    const { score, fields } = scorePair(own, profiles[i]!, context);
    if (score > threshold) matches.push({ index: i - 1, score, fields: matchFields(fields) });
  }
  return matches.sort((x, y) => y.score - x.score || x.index - y.index);
}

function widened(profile: RecordProfile, counts: ReadonlyMap<string, number>): RecordProfile {
  const held = (key: string, local: number) => Math.max(local, (counts.get(key) ?? 0) + 1);
  const sound = (i: number) => (profile.keys[i] === "" ? profile.tokens[i]! : profile.keys[i]!);
  return {
    ...profile,
    tokenHolders: profile.tokenHolders.map((local, i) => held(`t${sound(i)}`, local)),
    nameHolders: profile.tokens.length === 0 ? 0 : held(`f${fullNameKey(profile.keys)}`, profile.nameHolders),
    phoneHolders: profile.phoneHolders.map((local, i) => held(`p${profile.nationals[i]}`, local)),
    emailHolders: profile.emailHolders.map((local, i) => held(`e${profile.emails[i]}`, local)),
    cityCount: profile.city === "" ? 0 : held(`y${profile.city}`, profile.cityCount),
  };
}

/**
 * Whether a pair goes to the review queue. Above `reviewAbove` the model calls the two one person;
 * but a pair that shares no phone or e-mail rests on the names alone, and names mislead most
 * (namesakes, relatives, variants of common names): such a pair is queued only when near-certain,
 * and never when a name clearly differs.
 */
export function worthReview(score: number, fields: readonly string[], reviewAbove: number): boolean {
  if (score <= reviewAbove) return false;
  if (fields.includes("phone") || fields.includes("email")) return true;
  return !fields.includes("name_conflict") && score >= NAME_ONLY_REVIEW;
}

/** The least certainty at which a pair matched on names alone is worth a reviewer's time. */
export const NAME_ONLY_REVIEW = 0.9;
