/**
 * Blocking: which pairs are worth scoring. Records that share a phone, an e-mail, a name
 * token's phonetic key, or two of them (alone and with the city) land in one block; only pairs within a block are
 * compared, so the work grows with the records, not with their square.
 */
import type { NormalisedRecord } from "./records.js";

export interface BlockingOptions {
  /** Blocks of a phone or an e-mail larger than this are skipped (a switchboard, "x@x.com"). */
  maxContactBlock: number;
  /**
   * Blocks of a name larger than this are skipped. Two records agreeing on a name that a dozen
   * others share cannot be called the same person on the name alone (score.ts bounds a name's
   * weight by its frequency), and those that are share a phone or an e-mail, which have blocks of
   * their own. This keeps the pairs compared near-linear in the records.
   */
  maxNameBlock: number;
  /** The same for a single word of a name, which is shared more widely than a pair of words. */
  maxWordBlock: number;
}

export const DEFAULT_BLOCKING: BlockingOptions = { maxContactBlock: 64, maxNameBlock: 12, maxWordBlock: 8 };

/** The keys under which a record is filed; each key is prefixed by its kind so kinds never meet. */
export function blockingKeys(record: NormalisedRecord): string[] {
  const keys: string[] = [];
  for (const national of record.nationals) if (national.length >= 6) keys.push(`p${national}`);
  for (const email of record.emails) keys.push(`e${email}`);
  const { tokens, keys: sounds } = record;
  const sound = (i: number) => (sounds[i] === "" ? tokens[i]! : sounds[i]!);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.length < 2) continue;
    // One word alone: rare family names find each other when the rest of the name differs.
    keys.push(`t${sound(i)}`);
    for (let j = i + 1; j < tokens.length; j++) {
      if (tokens[j]!.length < 2) continue;
      // Sorted by key, not by token: variants of one name may sort differently as text.
      const [x, y] = sound(i) < sound(j) ? [sound(i), sound(j)] : [sound(j), sound(i)];
      keys.push(`n${x} ${y}`);
      if (record.city !== "") keys.push(`c${record.city} ${x} ${y}`);
    }
  }
  return [...new Set(keys)];
}

/**
 * 32-bit FNV-1a: blocks are keyed by hash; a collision only adds a few pairs to compare. The
 * lowest two bits tell the kind of key, for the size limits: 0 phone or e-mail, 1 pair of name
 * words, 2 one word. A signed 32-bit integer, so it fits an Int32Array.
 */
export function blockingHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return ((h >>> 0) & ~3) | kindOf(key);
}

function kindOf(key: string): number {
  if (key[0] === "p" || key[0] === "e") return 0;
  return key[0] === "t" ? 2 : 1;
}

export interface CandidateStats {
  blocks: number;
  /** Blocks over their size limit, not compared within. */
  skippedBlocks: number;
}

/**
 * Calls `visit(i, j)` once for every pair i < j that shares at least one block, in order of i.
 * `keysOf(i)` gives record i's blocking keys.
 */
export function forEachCandidatePair(
  count: number,
  keysOf: (index: number) => readonly string[],
  options: BlockingOptions,
  visit: (i: number, j: number) => void,
  onRecord?: (i: number) => void,
): CandidateStats {
  const start = new Int32Array(count + 1);
  const hashes: number[] = [];
  for (let i = 0; i < count; i++) {
    for (const key of keysOf(i)) hashes.push(blockingHash(key));
    start[i + 1] = hashes.length;
  }
  return forEachCandidatePairOfHashes(
    { count, start, hashes: Int32Array.from(hashes) },
    options,
    visit,
    onRecord,
  );
}

/** Every record's blocking keys as hashes (`blockingHash`): record i's are hashes[start[i] … start[i + 1]). */
export interface BlockingHashes {
  count: number;
  start: Int32Array;
  hashes: Int32Array;
}

/** forEachCandidatePair over keys already hashed, as typed arrays: no string per key in memory. */
export function forEachCandidatePairOfHashes(
  { count, start, hashes }: BlockingHashes,
  options: BlockingOptions,
  visit: (i: number, j: number) => void,
  onRecord?: (i: number) => void,
): CandidateStats {
  // One float per (key, record): the hash above the record index, so a numeric sort groups each
  // block with its members in index order. Doubles hold 53 bits exactly: the hash gets what the
  // index leaves.
  const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  const hashBits = Math.min(32, 53 - indexBits);
  const indexSpan = 2 ** indexBits;
  const size = start[count]!;
  const entries = new Float64Array(size);
  for (let i = 0; i < count; i++) {
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      // Shortened hashes keep their lowest (kind) bits.
      const full = hashes[k]!;
      const h = hashBits === 32 ? full : ((full >>> (32 - hashBits)) & ~3) | (full & 3);
      entries[k] = h * indexSpan + i;
    }
  }
  const sorted = entries.sort();
  const member = new Int32Array(size);
  const blockOf = new Float64Array(size);
  for (let p = 0; p < size; p++) {
    const value = sorted[p]!;
    const h = Math.floor(value / indexSpan);
    member[p] = value - h * indexSpan;
    blockOf[p] = h;
  }

  // Blocks worth comparing, as [start, end) ranges of `member`; then each record's blocks.
  const blockStart: number[] = [];
  const blockEnd: number[] = [];
  const stats: CandidateStats = { blocks: 0, skippedBlocks: 0 };
  const perRecord = new Int32Array(count + 1);
  for (let start = 0; start < size; ) {
    let end = start + 1;
    while (end < size && blockOf[end] === blockOf[start]) end++;
    const length = end - start;
    const kind = blockOf[start]! % 4;
    const limit =
      kind === 0 ? options.maxContactBlock : kind === 1 ? options.maxNameBlock : options.maxWordBlock;
    if (length > limit) stats.skippedBlocks++;
    else if (length > 1) {
      blockStart.push(start);
      blockEnd.push(end);
      for (let p = start; p < end; p++) perRecord[member[p]! + 1]!++;
    }
    start = end;
  }
  stats.blocks = blockStart.length;
  for (let i = 0; i < count; i++) perRecord[i + 1]! += perRecord[i]!;
  const blocksOfRecord = new Int32Array(perRecord[count]!);
  const filled = perRecord.slice(0, count);
  blockStart.forEach((start, b) => {
    for (let p = start; p < blockEnd[b]!; p++) blocksOfRecord[filled[member[p]!]!++] = b;
  });

  const seen = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    for (let k = perRecord[i]!; k < perRecord[i + 1]!; k++) {
      const b = blocksOfRecord[k]!;
      // Members are in index order: walk down from the end while they come after i.
      for (let p = blockEnd[b]! - 1; p >= blockStart[b]!; p--) {
        const j = member[p]!;
        if (j <= i) break;
        if (seen[j] === i) continue;
        seen[j] = i;
        visit(i, j);
      }
    }
    onRecord?.(i);
  }
  return stats;
}
