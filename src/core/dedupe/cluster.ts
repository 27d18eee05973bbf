/**
 * clusterDuplicates: normalise, count value frequencies, compare blocked pairs, and join matches
 * into clusters without chaining different people together.
 */
import { type BlockingOptions, blockingKeys, DEFAULT_BLOCKING, forEachCandidatePair } from "./blocking.js";
import { normaliseRecord } from "./normalise.js";
import type { DedupeRecord, NormalisedRecord } from "./records.js";
import { FIELD, fullNameKey, type RecordProfile, type ScoreContext, scorePair } from "./score.js";

/** The threshold with the best F1 on the generated benchmark data (BENCHMARKS.md, dedupe). */
export const DEFAULT_THRESHOLD = 0.5;

export interface DedupeOptions {
  /** Two records are the same person when their score is above this; default DEFAULT_THRESHOLD. */
  threshold?: number;
  /** Largest blocks compared within (blocking.ts). */
  blocking?: BlockingOptions;
  /** Called now and then with the step and how far it is. */
  onProgress?: (step: "normalise" | "compare", done: number, total: number) => void;
}

/** A pair scored above the threshold. */
export interface MatchedPair {
  /** Record indices, a < b. */
  a: number;
  b: number;
  score: number;
  /** `FIELD` bits (see matchFields). */
  fields: number;
  /** Whether clustering put the two in one cluster (it may refuse, see clusterDuplicates). */
  sameCluster: boolean;
}

export interface DuplicateClusters {
  /** For every record, in input order, the index of the first record of its cluster. */
  clusterOf: Int32Array;
  /** Record indices of each cluster, in order of their first record. */
  clusters: number[][];
  /** Pairs above the threshold, in order of (a, b). */
  pairs: MatchedPair[];
  /** Pairs scored. */
  compared: number;
  /** Blocks skipped as too common to tell people apart. */
  skippedBlocks: number;
}

const PROGRESS_EVERY = 4096;

/**
 * Groups records that are the same person. Pairs above the threshold are joined strongest first;
 * two clusters join only when their members agree on average (mean log-odds over every cross pair
 * above the threshold's) and no cross pair has clearly different names. So a bridge record such as
 * "M. Rossi" with the phone of both Maria and Marco Rossi cannot pull the two together.
 */
export function clusterDuplicates(
  records: readonly DedupeRecord[],
  options: DedupeOptions = {},
): DuplicateClusters {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const count = records.length;
  const progress = options.onProgress;

  const normalised: NormalisedRecord[] = new Array(count);
  const phoneCache = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    normalised[i] = normaliseRecord(records[i]!, { phoneCache });
    if (i % PROGRESS_EVERY === 0) progress?.("normalise", i, count);
  }
  const profiles = profileRecords(normalised);
  const context: ScoreContext = { records: count };

  const found: Array<Omit<MatchedPair, "sameCluster">> = [];
  let compared = 0;
  const { skippedBlocks } = forEachCandidatePair(
    count,
    (i) => blockingKeys(normalised[i]!),
    options.blocking ?? DEFAULT_BLOCKING,
    (i, j) => {
      compared++;
      const { score, fields } = scorePair(profiles[i]!, profiles[j]!, context);
      if (score > threshold) found.push({ a: i, b: j, score, fields });
    },
    (i) => {
      if (i % PROGRESS_EVERY === 0) progress?.("compare", i, count);
    },
  );

  const clusterOf = joinClusters(count, found, threshold, (i, j) =>
    scorePair(profiles[i]!, profiles[j]!, context),
  );
  const members = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const first = clusterOf[i]!;
    const list = members.get(first);
    if (list) list.push(i);
    else members.set(first, [i]);
  }
  const pairs = found
    .sort((x, y) => x.a - y.a || x.b - y.b)
    .map((pair) => ({ ...pair, sameCluster: clusterOf[pair.a] === clusterOf[pair.b] }));
  return { clusterOf, clusters: [...members.values()], pairs, compared, skippedBlocks };
}

/**
 * Attaches to each record how many people hold each of its values. People are told apart
 * roughly: for a name or a word, by the records' first phone or e-mail (one person's records
 * mostly share one); for a phone or an e-mail, by the records' whole names.
 */
export function profileRecords(normalised: readonly NormalisedRecord[]): RecordProfile[] {
  const count = normalised.length;
  const tokens = valueTable();
  const names = valueTable();
  const phones = valueTable();
  const emails = valueTable();
  const contacts = valueTable();
  const cities = new Map<string, number>();
  // The ids found in the first pass, so the second needs no more look-ups.
  const tokenIds: number[][] = new Array(count);
  const nameIds = new Int32Array(count);
  const phoneIds: number[][] = new Array(count);
  const emailIds: number[][] = new Array(count);
  for (let i = 0; i < count; i++) {
    const record = normalised[i]!;
    const contact = record.nationals[0] ?? record.emails[0];
    // A record without a phone or e-mail is a person of its own (ids past the contacts' range).
    const holder = contact === undefined ? 2 ** 30 + i : contacts.add(contact, -1);
    tokenIds[i] = record.tokens.map((token) => tokens.add(token, holder, token === record.first));
    nameIds[i] = record.tokens.length === 0 ? -1 : names.add(fullNameKey(record.keys), holder);
    // A record without a name could be anyone who holds the phone: it adds no holder (-1).
    phoneIds[i] = record.nationals.map((national) => phones.add(national, nameIds[i]!));
    emailIds[i] = record.emails.map((email) => emails.add(email, nameIds[i]!));
    if (record.city !== "") cities.set(record.city, (cities.get(record.city) ?? 0) + 1);
  }
  // Every record gets the one shared copy of each word, number and address: fewer strings to
  // reach in memory while scoring, and equal ones compare at a glance.
  return normalised.map((record, i): RecordProfile => {
    const ownTokens = tokenIds[i]!;
    return {
      tokens: ownTokens.map(tokens.value),
      first: record.first,
      keys: record.keys,
      phones: record.phones,
      nationals: phoneIds[i]!.map(phones.value),
      emails: emailIds[i]!.map(emails.value),
      city: record.city,
      tokenHolders: ownTokens.map(tokens.holders),
      tokenFirstRates: ownTokens.map((id) => (tokens.marked(id) + 1) / (tokens.records(id) + 2)),
      nameHolders: nameIds[i]! < 0 ? 0 : names.holders(nameIds[i]!),
      phoneHolders: phoneIds[i]!.map(phones.holders),
      emailHolders: emailIds[i]!.map(emails.holders),
      cityCount: record.city === "" ? 0 : (cities.get(record.city) ?? 0),
    };
  });
}

/** Past this many distinct holders a value is common, and its record count is used instead. */
const HOLDERS_TRACKED = 8;

/**
 * Distinct values with dense ids; per id its records and up to HOLDERS_TRACKED distinct holders
 * (integers), in flat typed arrays: a million phones would otherwise be a million small objects.
 */
function valueTable() {
  const ids = new Map<string, number>();
  const values: string[] = [];
  let records = new Int32Array(1024);
  let marks = new Int32Array(1024);
  let distinct = new Int32Array(1024);
  let holders = new Int32Array(1024 * HOLDERS_TRACKED);
  const grow = () => {
    const size = records.length * 2;
    const more = (old: Int32Array, length: number) => {
      const next = new Int32Array(length);
      next.set(old);
      return next;
    };
    records = more(records, size);
    marks = more(marks, size);
    distinct = more(distinct, size);
    holders = more(holders, size * HOLDERS_TRACKED);
  };
  return {
    /**
     * Counts one record holding `value` (holder −1: unknown; `mark`: count it apart too, such as
     * "typed first"); returns the value's id.
     */
    add(value: string, holder: number, mark = false): number {
      let id = ids.get(value);
      if (id === undefined) {
        id = values.length;
        ids.set(value, id);
        values.push(value);
        if (id === records.length) grow();
      }
      records[id]!++;
      if (mark) marks[id]!++;
      const known = distinct[id]!;
      if (holder >= 0 && known < HOLDERS_TRACKED) {
        const base = id * HOLDERS_TRACKED;
        let seen = false;
        for (let k = 0; k < known && !seen; k++) seen = holders[base + k] === holder;
        if (!seen) {
          holders[base + known] = holder;
          distinct[id] = known + 1;
        }
      }
      return id;
    },
    /** The first copy of the value seen, shared by every record. */
    value: (id: number): string => values[id]!,
    records: (id: number): number => records[id]!,
    marked: (id: number): number => marks[id]!,
    holders: (id: number): number => (distinct[id]! < HOLDERS_TRACKED ? distinct[id]! : records[id]!),
  };
}

/** Log-odds are clamped so that one near-certain pair cannot outvote several doubtful ones. */
const LOGIT_LIMIT = 8;
/** Largest cluster side checked pair by pair; beyond it only a sample of members is compared. */
const COHERENCE_SAMPLE = 50;

function joinClusters(
  count: number,
  found: ReadonlyArray<Omit<MatchedPair, "sameCluster">>,
  threshold: number,
  score: (i: number, j: number) => { score: number; fields: number },
): Int32Array {
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const members = new Map<number, number[]>();
  const membersOf = (root: number) => members.get(root) ?? [root];
  const bar = logit(threshold);

  const order = found.map((_, k) => k);
  order.sort(
    (x, y) => found[y]!.score - found[x]!.score || found[x]!.a - found[y]!.a || found[x]!.b - found[y]!.b,
  );
  for (const k of order) {
    const pair = found[k]!;
    const ra = find(pair.a);
    const rb = find(pair.b);
    if (ra === rb) continue;
    const left = membersOf(ra);
    const right = membersOf(rb);
    if (left.length > 1 || right.length > 1) {
      if (!coherent(left, right, bar, score)) continue;
    }
    // The larger cluster keeps its root; the smaller one's members move over.
    const [root, child] = left.length >= right.length ? [ra, rb] : [rb, ra];
    parent[child] = root;
    members.set(root, [...membersOf(root), ...membersOf(child)]);
    members.delete(child);
  }

  // Each cluster is named by its first record in input order.
  const first = new Int32Array(count).fill(-1);
  const clusterOf = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const root = find(i);
    if (first[root] === -1) first[root] = i;
    clusterOf[i] = first[root]!;
  }
  return clusterOf;
}

function coherent(
  left: readonly number[],
  right: readonly number[],
  bar: number,
  score: (i: number, j: number) => { score: number; fields: number },
): boolean {
  let total = 0;
  let pairs = 0;
  for (const i of left.slice(0, COHERENCE_SAMPLE)) {
    for (const j of right.slice(0, COHERENCE_SAMPLE)) {
      const pair = i < j ? score(i, j) : score(j, i);
      if ((pair.fields & FIELD.nameConflict) !== 0) return false;
      total += Math.max(-LOGIT_LIMIT, Math.min(LOGIT_LIMIT, logit(pair.score)));
      pairs++;
    }
  }
  return total / pairs > bar;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
