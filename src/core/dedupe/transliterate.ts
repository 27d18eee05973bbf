/** Names in Greek, Cyrillic and Arabic script to the Latin letters people use when they type them. */
import { foldText } from "../contacts/normalise.js";

// any-ascii maps letter by letter, which misses how these scripts are usually romanised: Greek
// digraphs (ευ → ev, μπ → b), Ukrainian г → h and и → y, and Arabic long vowels (ي → i, not y).
// The rules below run first, on lower-case text; foldText then handles every other script.

const GREEK: ReadonlyArray<[RegExp, string]> = [
  [/ευ/g, "ev"],
  [/αυ/g, "av"],
  [/ηυ/g, "iv"],
  [/γγ/g, "ng"],
  [/(^|[^\p{L}])γκ/gu, "$1g"],
  [/γκ/g, "ng"],
  [/γ([ξχ])/g, "n$1"],
  [/(^|[^\p{L}])μπ/gu, "$1b"],
  [/(^|[^\p{L}])ντ/gu, "$1d"],
];

/** Ukrainian national romanisation (2010), with the forms used at the start of a word. */
const UKRAINIAN: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "h",
  ґ: "g",
  д: "d",
  е: "e",
  є: "ie",
  ж: "zh",
  з: "z",
  и: "y",
  і: "i",
  ї: "i",
  й: "i",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ь: "",
  ю: "iu",
  я: "ia",
  ы: "y",
  э: "e",
  ъ: "",
  ё: "e",
};
const UKRAINIAN_INITIAL: Record<string, string> = { є: "ye", ї: "yi", й: "y", ю: "yu", я: "ya" };
/** Letters only Russian has: a name with one of them is romanised the Russian way (г → g, и → i). */
const RUSSIAN_ONLY = /[ыэъё]/;
const RUSSIAN: Record<string, string> = {
  ...UKRAINIAN,
  г: "g",
  и: "i",
  й: "y",
  е: "e",
  ё: "yo",
  ю: "yu",
  я: "ya",
};

/** Arabic and Persian letters; short vowels are not written, so the Latin form is mostly consonants. */
const ARABIC: Record<string, string> = {
  ا: "a",
  أ: "a",
  إ: "i",
  آ: "a",
  ٱ: "a",
  ء: "",
  ئ: "i",
  ؤ: "u",
  ب: "b",
  ت: "t",
  ث: "th",
  ج: "j",
  ح: "h",
  خ: "kh",
  د: "d",
  ذ: "dh",
  ر: "r",
  ز: "z",
  س: "s",
  ش: "sh",
  ص: "s",
  ض: "d",
  ط: "t",
  ظ: "z",
  ع: "",
  غ: "gh",
  ف: "f",
  ق: "q",
  ك: "k",
  ل: "l",
  م: "m",
  ن: "n",
  ه: "h",
  ة: "a",
  و: "u",
  ي: "i",
  ى: "a",
  پ: "p",
  چ: "ch",
  ژ: "zh",
  گ: "g",
  ک: "k",
  ی: "i",
  ـ: "",
};
// At the start of a word و and ي are consonants (w, y), and ع carries the vowel written after it.
const ARABIC_INITIAL: Record<string, string> = { و: "w", ي: "y", ی: "y", ع: "a" };

const isLetter = (char: string | undefined) => char !== undefined && /\p{L}/u.test(char);

function mapScript(
  text: string,
  letters: Record<string, string>,
  initial: Record<string, string>,
  skip: RegExp,
): string {
  let out = "";
  let previous: string | undefined;
  for (const char of text) {
    if (skip.test(char)) continue;
    const latin = letters[char];
    if (latin === undefined) out += char;
    else out += isLetter(previous) ? latin : (initial[char] ?? latin);
    previous = char;
  }
  return out;
}

const GREEK_LETTER = /[\u0370-\u03ff\u1f00-\u1fff]/;
const CYRILLIC_LETTER = /[\u0400-\u04ff]/;
const ARABIC_LETTER = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/;
/** Arabic short-vowel marks and other signs above or below a letter: not written in most names. */
const ARABIC_MARKS = /[\u064b-\u065f\u0670\u06d6-\u06ed]/;
const NEVER = /$^/;

/** "Ευαγγελία Παπαδοπούλου" → "evangelia papadopoulou", "Юлія" → "yuliia", "محمد" → "mhmd". */
export function latinName(name: string): string {
  let text = name.toLowerCase();
  if (GREEK_LETTER.test(text)) {
    // Accents go first so the digraph rules see plain letters (ού → ου).
    text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    for (const [pattern, latin] of GREEK) text = text.replace(pattern, latin);
  }
  if (CYRILLIC_LETTER.test(text)) {
    const russian = RUSSIAN_ONLY.test(text);
    text = mapScript(text, russian ? RUSSIAN : UKRAINIAN, russian ? {} : UKRAINIAN_INITIAL, NEVER);
  }
  if (ARABIC_LETTER.test(text)) text = mapScript(text, ARABIC, ARABIC_INITIAL, ARABIC_MARKS);
  return foldText(text);
}
