/** Jaro-Winkler similarity between two short strings (name tokens), written here to stay allocation-free. */

// Scratch flags reused across calls: scoring a million records compares tens of millions of tokens.
let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

/** Similarity in [0, 1]: 1 for equal strings, 0 when no character matches; symmetric in its arguments. */
export function jaroWinkler(first: string, second: string): number {
  if (first === second) return 1;
  // Jaro's greedy matching depends on which string is scanned; a fixed order keeps the measure symmetric.
  const a = first < second ? first : second;
  const b = first < second ? second : first;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > matchedA.length || lb > matchedB.length) {
    matchedA = new Uint8Array(Math.max(la, lb) * 2);
    matchedB = new Uint8Array(Math.max(la, lb) * 2);
  }
  for (let i = 0; i < la; i++) matchedA[i] = 0;
  for (let j = 0; j < lb; j++) matchedB[j] = 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const code = a.charCodeAt(i);
    const end = Math.min(lb - 1, i + window);
    for (let j = Math.max(0, i - window); j <= end; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === code) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) halfTranspositions++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - halfTranspositions / 2) / matches) / 3;
  // Winkler's boost for a shared prefix, only once the strings are already alike (his 0.7 rule).
  if (jaro <= 0.7) return jaro;
  let prefix = 0;
  while (prefix < 4 && prefix < la && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
