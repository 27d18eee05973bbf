/**
 * clusterDuplicates: normalise, count value frequencies, compare blocked pairs, and join matches
 * into clusters without chaining different people together.
 */
import { type BlockingOptions, DEFAULT_BLOCKING, forEachCandidatePairOfHashes } from "./blocking.js";
import {
  countValues,
  type DedupeColumns,
  normaliseSlice,
  sliceJoiner,
  sliceOfNormalised,
} from "./columns.js";
import { normaliseCaches } from "./normalise.js";
import type { DedupeRecord, NormalisedRecord } from "./records.js";
import { columnScorer, FIELD, type RecordProfile } from "./score.js";

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
  const count = records.length;
  const joiner = sliceJoiner();
  const caches = normaliseCaches();
  for (let from = 0; from < count || from === 0; from += PROGRESS_EVERY) {
    options.onProgress?.("normalise", from, count);
    joiner.add(from / PROGRESS_EVERY, normaliseSlice(records.slice(from, from + PROGRESS_EVERY), caches));
  }
  return clusterColumns(joiner.columns(), options);
}

/**
 * clusterDuplicates of records already normalised into columns (columns.ts): the shell may
 * normalise slices of a large file in several threads and join them.
 */
export function clusterColumns(columns: DedupeColumns, options: DedupeOptions = {}): DuplicateClusters {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const { count } = columns;
  const progress = options.onProgress;
  const scorer = columnScorer(columns, countValues(columns), { records: count });

  // Matched pairs in flat arrays: a million records give half a million of them.
  let pairA = new Int32Array(1024);
  let pairB = new Int32Array(1024);
  let pairScore = new Float64Array(1024);
  let pairFields = new Int32Array(1024);
  let found = 0;
  let compared = 0;
  const { skippedBlocks } = forEachCandidatePairOfHashes(
    { count, start: columns.blockStart, hashes: columns.blockHashes },
    options.blocking ?? DEFAULT_BLOCKING,
    (i, j) => {
      compared++;
      const score = scorer.score(i, j);
      if (score <= threshold) return;
      if (found === pairA.length) {
        pairA = grown(pairA);
        pairB = grown(pairB);
        pairScore = grown(pairScore);
        pairFields = grown(pairFields);
      }
      pairA[found] = i;
      pairB[found] = j;
      pairScore[found] = score;
      pairFields[found] = scorer.fields();
      found++;
    },
    (i) => {
      if (i % PROGRESS_EVERY === 0) progress?.("compare", i, count);
    },
  );
  const matched = {
    count: found,
    a: pairA.subarray(0, found),
    b: pairB.subarray(0, found),
    score: pairScore.subarray(0, found),
  };

  const clusterOf = joinClusters(count, matched, threshold, (i, j) => {
    const score = scorer.score(i, j);
    return { score, fields: scorer.fields() };
  });
  const members = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const first = clusterOf[i]!;
    const list = members.get(first);
    if (list) list.push(i);
    else members.set(first, [i]);
  }
  const order = Array.from({ length: found }, (_, k) => k).sort(
    (x, y) => pairA[x]! - pairA[y]! || pairB[x]! - pairB[y]!,
  );
  const pairs = order.map(
    (k): MatchedPair => ({
      a: pairA[k]!,
      b: pairB[k]!,
      score: pairScore[k]!,
      fields: pairFields[k]!,
      sameCluster: clusterOf[pairA[k]!] === clusterOf[pairB[k]!],
    }),
  );
  return { clusterOf, clusters: [...members.values()], pairs, compared, skippedBlocks };
}

function grown<T extends Int32Array | Float64Array>(array: T): T {
  const next = new (array.constructor as new (length: number) => T)(array.length * 2);
  next.set(array);
  return next;
}

/**
 * Attaches to each record how many people hold each of its values. People are told apart
 * roughly: for a name or a word, by the records' first phone or e-mail (one person's records
 * mostly share one); for a phone or an e-mail, by the records' whole names.
 */
export function profileRecords(normalised: readonly NormalisedRecord[]): RecordProfile[] {
  const joiner = sliceJoiner();
  joiner.add(0, sliceOfNormalised(normalised));
  const columns = joiner.columns();
  const counts = countValues(columns);
  // Every record gets the one shared copy of each word: equal ones compare at a glance.
  return normalised.map((record, i): RecordProfile => {
    const tokenIds = columns.tokenIds.subarray(columns.tokenStart[i]!, columns.tokenStart[i + 1]!);
    const nationalIds = Array.from(
      columns.phoneIds.subarray(columns.phoneStart[i]!, columns.phoneStart[i + 1]!),
      (id) => columns.phoneNationals[id]!,
    );
    const emailIds = Array.from(
      columns.emailIds.subarray(columns.emailStart[i]!, columns.emailStart[i + 1]!),
    );
    const name = columns.nameIds[i]!;
    const city = columns.cityIds[i]!;
    return {
      tokens: Array.from(tokenIds, (id) => columns.tokens[id]!),
      first: record.first,
      keys: record.keys,
      phones: record.phones,
      nationals: record.nationals,
      emails: record.emails,
      city: record.city,
      tokenHolders: Array.from(tokenIds, (id) => counts.tokenHolders[id]!),
      tokenFirstRates: Array.from(tokenIds, (id) => counts.tokenFirstRates[id]!),
      nameHolders: name < 0 ? 0 : counts.nameHolders[name]!,
      phoneHolders: nationalIds.map((id) => counts.nationalHolders[id]!),
      emailHolders: emailIds.map((id) => counts.emailHolders[id]!),
      cityCount: city < 0 ? 0 : counts.cityCounts[city]!,
    };
  });
}

/** Log-odds are clamped so that one near-certain pair cannot outvote several doubtful ones. */
const LOGIT_LIMIT = 8;
/** Largest cluster side checked pair by pair; beyond it only a sample of members is compared. */
const COHERENCE_SAMPLE = 50;

/** Pairs above the threshold, in parallel arrays. */
interface Matched {
  count: number;
  a: Int32Array;
  b: Int32Array;
  score: Float64Array;
}

function joinClusters(
  count: number,
  found: Matched,
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

  const order = Array.from({ length: found.count }, (_, k) => k);
  order.sort(
    (x, y) => found.score[y]! - found.score[x]! || found.a[x]! - found.a[y]! || found.b[x]! - found.b[y]!,
  );
  for (const k of order) {
    const ra = find(found.a[k]!);
    const rb = find(found.b[k]!);
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
