/** A consonant skeleton of a Latin name token, equal across common spelling and transliteration variants. */

// Sounds that scripts and languages spell differently fall into one class: b/p/f/v (Greek β, μπ,
// αυ → av/af), c/k/q, g/h/ch/kh (Ukrainian г is h or g, Greek χ is ch or h), d/t (ντ, θ → th),
// s/z (ts, sh, zh), m/n. Vowels and the half-vowels
// j/w/y are dropped, because Arabic does not write short vowels and Greek and Ukrainian vowels
// have several Latin spellings; "mohammed", "muhammad" and Arabic "mhmd" all give NHND.
const DIGRAPHS: ReadonlyArray<[string, string]> = [
  ["shch", "S"],
  ["sch", "S"],
  ["sh", "S"],
  ["zh", "S"],
  ["ts", "S"],
  ["tz", "S"],
  ["ch", "H"],
  ["kh", "H"],
  ["gh", "H"],
  ["ph", "B"],
  ["th", "D"],
  ["dh", "D"],
  ["ck", "K"],
  ["gg", "NH"],
  ["gk", "H"],
];

/** The digraphs by their first letter, so most letters skip the search. */
const DIGRAPHS_AT = new Map<string, Array<[string, string]>>();
for (const digraph of DIGRAPHS) {
  const list = DIGRAPHS_AT.get(digraph[0][0]!) ?? [];
  list.push(digraph);
  DIGRAPHS_AT.set(digraph[0][0]!, list);
}

// biome-ignore format: a table reads best packed
const LETTER_CLASS: Record<string, string> = {
  b: "B", p: "B", f: "B", v: "B",
  c: "K", k: "K", q: "K", x: "KS", g: "H",
  d: "D", t: "D",
  s: "S", z: "S",
  l: "L", m: "N", n: "N", r: "R", h: "H",
};

/** "papadopoulos" → "BBDBLS", "giorgos" → "HRHS"; "" for a token of vowels only. */
export function phoneticKey(token: string): string {
  let key = "";
  let last = "";
  let i = 0;
  while (i < token.length) {
    let symbols: string | undefined;
    for (const [spelling, sound] of DIGRAPHS_AT.get(token[i]!) ?? []) {
      if (token.startsWith(spelling, i)) {
        symbols = sound;
        i += spelling.length;
        break;
      }
    }
    if (symbols === undefined) {
      symbols = LETTER_CLASS[token[i]!] ?? "";
      i += 1;
      // A vowel separates two equal consonants ("papa" keeps both p); a doubled letter does not.
      if (symbols === "") {
        last = "";
        continue;
      }
    }
    for (const symbol of symbols) {
      if (symbol !== last) key += symbol;
      last = symbol;
    }
  }
  return key;
}

const VOWELS = new Set(["a", "e", "i", "o", "u", "y", "j", "w"]);

/** Whether two words start with the same sound class ("f"/"p", "c"/"k", any two vowels). */
export function sameInitialSound(a: string, b: string): boolean {
  const x = a[0] ?? "";
  const y = b[0] ?? "";
  if (x === y) return true;
  if (VOWELS.has(x) || VOWELS.has(y)) return VOWELS.has(x) && VOWELS.has(y);
  const cx = LETTER_CLASS[x];
  return cx !== undefined && cx[0] === LETTER_CLASS[y]?.[0];
}

export function startsWithVowel(word: string): boolean {
  return VOWELS.has(word[0] ?? "");
}
