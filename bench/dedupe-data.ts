/**
 * Labelled data for the dedupe benchmark: people with Italian, Spanish, English, Greek, Ukrainian
 * and Arabic names, some with several records (typos, transliterations, swapped names, other phone
 * formats, missing fields), households sharing a phone, and common names shared by strangers.
 * Seeded: a size always gives the same records and the same truth.
 */
import type { DedupeRecord } from "../src/core/dedupe/records.js";
import { type People, personName } from "../src/services/demo/names.js";
import { type Random, seededRandom } from "../src/services/demo/random.js";

export interface LabelledRecords {
  records: DedupeRecord[];
  /** The person behind each record: records of one person are the true duplicates. */
  person: Int32Array;
}

type Culture = "it" | "es" | "en" | "el" | "uk" | "ar";
type Country = "IT" | "ES" | "GB" | "GR" | "UA" | "JO";

const CULTURES: ReadonlyArray<[Culture, number]> = [
  ["it", 0.24],
  ["es", 0.2],
  ["en", 0.13],
  ["el", 0.17],
  ["uk", 0.12],
  ["ar", 0.14],
];

const HOME: Record<Culture, ReadonlyArray<[Country, number]>> = {
  it: [["IT", 1]],
  es: [["ES", 1]],
  en: [
    ["GB", 0.8],
    ["IT", 0.1],
    ["ES", 0.1],
  ],
  el: [
    ["GR", 0.85],
    ["IT", 0.15],
  ],
  uk: [
    ["IT", 0.35],
    ["GR", 0.15],
    ["ES", 0.25],
    ["UA", 0.25],
  ],
  ar: [
    ["IT", 0.3],
    ["GR", 0.3],
    ["ES", 0.3],
    ["JO", 0.1],
  ],
};

/** Where people of a culture keep a number from home when they live abroad. */
const ORIGIN: Partial<Record<Culture, Country>> = { uk: "UA", ar: "JO", el: "GR", en: "GB" };

// biome-ignore format: tables read best packed
const CITIES: Record<Country, ReadonlyArray<readonly [weight: number, ...spellings: string[]]>> = {
  IT: [[43, "Roma", "Rome"], [32, "Milano", "Milan"], [30, "Napoli", "Naples"], [22, "Torino", "Turin"], [12, "Palermo"], [10, "Bologna"], [10, "Firenze", "Florence"], [12, "Bari"], [11, "Catania"], [9, "Verona"], [8, "Genova", "Genoa"], [7, "Padova", "Padua"]],
  ES: [[67, "Madrid"], [56, "Barcelona"], [17, "Valencia"], [15, "Sevilla", "Seville"], [8, "Zaragoza"], [10, "Málaga", "Malaga"], [10, "Bilbao"], [7, "Murcia"]],
  GB: [[90, "London"], [28, "Manchester"], [26, "Birmingham"], [18, "Leeds"], [16, "Glasgow"], [10, "Bristol"]],
  GR: [[37, "Αθήνα", "Athens", "Athina"], [11, "Θεσσαλονίκη", "Thessaloniki"], [3, "Πάτρα", "Patras"], [3, "Ηράκλειο", "Heraklion"], [2, "Λάρισα", "Larissa"], [1.5, "Βόλος", "Volos"]],
  UA: [[30, "Київ", "Kyiv", "Kiev"], [7, "Львів", "Lviv"], [10, "Одеса", "Odesa", "Odessa"], [14, "Харків", "Kharkiv"]],
  JO: [[40, "عمّان", "Amman"], [19, "إربد", "Irbid"], [14, "الزرقاء", "Zarqa"]],
};

// ---------------------------------------------------------------------------------------------
// Phones: valid numbers per country as national significant numbers, written in many ways.

interface Phone {
  country: Country;
  callingCode: string;
  /** National significant number. */
  nsn: string;
  /** What a national number starts with at home ("0" in the UK, Ukraine, Jordan). */
  trunk: string;
}

const digits = (random: Random, count: number) => {
  let out = "";
  for (let i = 0; i < count; i++) out += String(random.int(0, 9));
  return out;
};

// biome-ignore format: tables read best packed
const IT_MOBILE = ["320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "336", "338", "339", "340", "342", "345", "346", "347", "348", "349", "350", "351", "366", "368", "370", "371", "377", "380", "388", "389", "391", "392", "393"];
const UA_MOBILE = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"];

function mobile(random: Random, country: Country): Phone {
  switch (country) {
    case "IT":
      return { country, callingCode: "39", nsn: random.pick(IT_MOBILE) + digits(random, 7), trunk: "" };
    case "ES":
      return { country, callingCode: "34", nsn: `6${digits(random, 8)}`, trunk: "" };
    case "GB":
      return {
        country,
        callingCode: "44",
        nsn: `7${random.pick(["4", "5", "7", "8", "9"])}${digits(random, 8)}`,
        trunk: "0",
      };
    case "GR":
      return {
        country,
        callingCode: "30",
        nsn: `69${random.pick(["0", "3", "4", "5", "7", "8", "9"])}${digits(random, 7)}`,
        trunk: "",
      };
    case "UA":
      return { country, callingCode: "380", nsn: random.pick(UA_MOBILE) + digits(random, 7), trunk: "0" };
    case "JO":
      return {
        country,
        callingCode: "962",
        nsn: `7${random.pick(["7", "8", "9"])}${digits(random, 7)}`,
        trunk: "0",
      };
  }
}

/** A home line: what a household shares. */
function landline(random: Random, country: Country): Phone {
  switch (country) {
    case "IT":
      return {
        country,
        callingCode: "39",
        nsn: `0${random.pick(["2", "6"])}${digits(random, 8)}`,
        trunk: "",
      };
    case "ES":
      return {
        country,
        callingCode: "34",
        nsn: `9${random.pick(["1", "3", "5"])}${digits(random, 7)}`,
        trunk: "",
      };
    case "GR":
      return {
        country,
        callingCode: "30",
        nsn: `21${random.pick(["0", "3"])}${digits(random, 7)}`,
        trunk: "",
      };
    default:
      return mobile(random, country);
  }
}

function grouped(random: Random, number: string): string {
  const separator = random.weighted([
    [" ", 5],
    ["", 3],
    ["-", 1],
    [".", 0.5],
  ] as const);
  if (separator === "") return number;
  const cut = random.pick([
    [3, 3],
    [3, 4],
    [4, 3],
    [2, 4],
    [3, 7],
  ]);
  const parts: string[] = [];
  let at = 0;
  for (const size of cut) {
    if (at >= number.length) break;
    parts.push(number.slice(at, at + size));
    at += size;
  }
  if (at < number.length) parts.push(number.slice(at));
  return parts.join(separator);
}

/** A phone as someone types it: national at home, else with the country code (+, 00, spaced or not). */
function writePhone(random: Random, phone: Phone, recordCountry: Country | null): string {
  const atHome = recordCountry === phone.country;
  if (atHome && random.chance(0.7)) return grouped(random, phone.trunk + phone.nsn);
  const prefix =
    random.weighted([
      ["+", 6],
      ["00", 2],
    ] as const) + phone.callingCode;
  const space = random.chance(0.7) ? " " : "";
  // Some write the trunk 0 in brackets after the code (UK habit).
  const trunk = phone.trunk !== "" && random.chance(0.15) ? "(0)" : "";
  return `${prefix}${space}${trunk}${grouped(random, phone.nsn)}`;
}

// ---------------------------------------------------------------------------------------------
// Names: transliteration with varying conventions, rare family names, typos.

/** One person's way of writing Greek in Latin letters ("Yiorgos", "Giorgos"; "Christos", "Hristos"). */
function greekScheme(random: Random) {
  return {
    gamma: random.chance(0.3) ? "y" : "g",
    eta: random.chance(0.15) ? "e" : "i",
    upsilon: random.chance(0.5) ? "i" : "y",
    chi: random.weighted([
      ["ch", 5],
      ["h", 3],
      ["kh", 1],
      ["x", 1],
    ] as const),
    phi: random.chance(0.2) ? "ph" : "f",
    xi: random.chance(0.4) ? "ks" : "x",
    ou: random.chance(0.2) ? "u" : "ou",
    ei: random.chance(0.4) ? "i" : "ei",
    oi: random.chance(0.3) ? "i" : "oi",
    ai: random.chance(0.2) ? "e" : "ai",
    ev: random.chance(0.3) ? "eu" : "ev",
    av: random.chance(0.3) ? "au" : "av",
    mp: random.chance(0.4) ? "mb" : "mp",
    nt: random.chance(0.3) ? "nd" : "nt",
    gg: random.chance(0.3) ? "gg" : "ng",
    delta: random.chance(0.05) ? "dh" : "d",
  };
}

function greekToLatin(text: string, scheme: ReturnType<typeof greekScheme>): string {
  const plain = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  let out = "";
  for (let i = 0; i < plain.length; i++) {
    const char = plain[i]!;
    const lower = char.toLowerCase();
    const next = (plain[i + 1] ?? "").toLowerCase();
    const initial = i === 0 || !/\p{L}/u.test(plain[i - 1]!);
    let latin: string | null = null;
    let skip = 1;
    const pair = lower + next;
    const digraphs: Record<string, string> = {
      ου: scheme.ou,
      ει: scheme.ei,
      οι: scheme.oi,
      αι: scheme.ai,
      ευ: scheme.ev,
      αυ: scheme.av,
      μπ: initial ? "b" : scheme.mp,
      ντ: initial ? "d" : scheme.nt,
      γγ: scheme.gg,
      γκ: initial ? "g" : "ng",
    };
    if (digraphs[pair] !== undefined) {
      latin = digraphs[pair]!;
      skip = 2;
    } else {
      const front = /[εηιυ]/.test(next) || pair === "γι";
      const letters: Record<string, string> = {
        α: "a",
        β: "v",
        γ: front ? scheme.gamma : "g",
        δ: scheme.delta,
        ε: "e",
        ζ: "z",
        η: scheme.eta,
        θ: "th",
        ι: "i",
        κ: "k",
        λ: "l",
        μ: "m",
        ν: "n",
        ξ: scheme.xi,
        ο: "o",
        π: "p",
        ρ: "r",
        σ: "s",
        ς: "s",
        τ: "t",
        υ: scheme.upsilon,
        φ: scheme.phi,
        χ: scheme.chi,
        ψ: "ps",
        ω: "o",
      };
      latin = letters[lower] ?? char;
      // "Γιώργος" as "Yorgos": the ι after a y-sounding γ is often dropped.
      if (lower === "γ" && latin === "y" && next === "ι") skip = 2;
    }
    out += char !== lower ? latin.charAt(0).toUpperCase() + latin.slice(1) : latin;
    i += skip - 1;
  }
  return out;
}

function cyrillicScheme(random: Random) {
  return {
    h: random.chance(0.4) ? "g" : "h",
    y: random.chance(0.4) ? "i" : "y",
    i: random.chance(0.3) ? "i" : random.chance(0.5) ? "y" : "j",
    kh: random.weighted([
      ["kh", 5],
      ["h", 4],
      ["ch", 1],
    ] as const),
    ts: random.weighted([
      ["ts", 7],
      ["c", 2],
      ["tz", 1],
    ] as const),
    ia: random.weighted([
      ["ia", 5],
      ["ya", 4],
      ["ja", 1],
    ] as const),
    iu: random.weighted([
      ["iu", 5],
      ["yu", 4],
      ["ju", 1],
    ] as const),
    ie: random.weighted([
      ["ie", 5],
      ["ye", 4],
      ["je", 1],
    ] as const),
    shch: random.chance(0.2) ? "sch" : "shch",
    zh: random.chance(0.1) ? "z" : "zh",
    soft: random.chance(0.2) ? "'" : "",
  };
}

function cyrillicToLatin(text: string, scheme: ReturnType<typeof cyrillicScheme>): string {
  const letters: Record<string, string> = {
    а: "a",
    б: "b",
    в: "v",
    г: scheme.h,
    ґ: "g",
    д: "d",
    е: "e",
    є: scheme.ie,
    ж: scheme.zh,
    з: "z",
    и: scheme.y,
    і: "i",
    ї: "yi",
    й: scheme.i,
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
    х: scheme.kh,
    ц: scheme.ts,
    ч: "ch",
    ш: "sh",
    щ: scheme.shch,
    ь: scheme.soft,
    ю: scheme.iu,
    я: scheme.ia,
    "'": "",
  };
  let out = "";
  for (const char of text) {
    const lower = char.toLowerCase();
    const latin = letters[lower] ?? char;
    out += char !== lower ? latin.charAt(0).toUpperCase() + latin.slice(1) : latin;
  }
  return out;
}

/** Latin spellings of Arabic names vary in vowels, doubling and the article: Mohammed, Muhammad, Mohamed. */
function arabicLatinVariant(random: Random, latin: string): string {
  let out = latin;
  if (random.chance(0.35)) out = out.replace(/o/g, "u");
  if (random.chance(0.3)) out = out.replace(/e/g, "a");
  else if (random.chance(0.2)) out = out.replace(/a(?=[^aeiou]*$)/, "e");
  if (random.chance(0.3)) out = out.replace(/([bcdfghjklmnpqrstvz])\1/g, "$1");
  if (random.chance(0.3)) out = out.replace(/ou/g, "u");
  if (random.chance(0.3)) out = out.replace(/^Al-/, random.pick(["Al ", "Al", "El-", "al-"]));
  return out;
}

// biome-ignore format: tables read best packed
const RARE_PARTS = {
  greekStems: ["Καρα", "Παπα", "Χατζη", "Τσιρ", "Μαυρ", "Ζερβ", "Λιαπ", "Σκορδ", "Γιαννακ", "Κουτσ", "Μπαλ", "Ντουρ", "Φιλιππ", "Σταυρ", "Δρακ", "Κοντ", "Λαζαρ", "Ρηγ", "Σαρ", "Τσολ", "Μιχ", "Αργυρ"],
  greekSyllables: ["λα", "νι", "ρο", "μα", "κο", "τα", "σι", "γο", "πε", "δη", "βα", "θε", "χα", "ζο", "φι", "στα", "τρι", "κλε", "μπο", "ντα"],
  greekEndings: [["όπουλος", "οπούλου"], ["ίδης", "ίδου"], ["άκης", "άκη"], ["άτος", "άτου"], ["ιώτης", "ιώτη"], ["έας", "έα"]] as Array<[string, string]>,
  cyrillicSyllables: ["ба", "ві", "го", "да", "же", "зу", "ка", "ли", "мо", "на", "пе", "ра", "со", "ті", "ху", "ца", "чо", "ши", "ле", "ро", "ме", "ко"],
  cyrillicEndings: [["енко", "енко"], ["чук", "чук"], ["ук", "ук"], ["ак", "ак"], ["ич", "ич"], ["ський", "ська"], ["ів", "ів"]] as Array<[string, string]>,
  latinSyllables: ["ba", "ce", "di", "fo", "ga", "lu", "ma", "ne", "pi", "ro", "sa", "te", "vi", "zo", "bra", "cri", "gra", "tro", "ste", "pla", "ca", "mo", "ri", "to"],
  endings: {
    it: ["ini", "etti", "ucci", "elli", "ato", "one", "ari", "esi", "otti", "ano", "ello", "azzi"],
    es: ["ez", "era", "ero", "ado", "illo", "ales", "oza", "ón", "ejo", "ueta"],
    en: ["son", "ley", "ton", "ford", "wood", "field", "by", "ham", "well", "worth"],
  } as Record<"it" | "es" | "en", string[]>,
};

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A family name few people share, in both gender forms where the language has them. */
function rareFamily(random: Random, culture: Culture): { m: string; f: string } {
  const syllables = (list: readonly string[]) =>
    Array.from({ length: random.int(1, 2) }, () => random.pick(list)).join("");
  if (culture === "el") {
    const stem = random.pick(RARE_PARTS.greekStems) + syllables(RARE_PARTS.greekSyllables);
    const [m, f] = random.pick(RARE_PARTS.greekEndings);
    return { m: stem + m, f: stem + f };
  }
  if (culture === "uk") {
    const stem = capitalise(
      syllables(RARE_PARTS.cyrillicSyllables) + random.pick(RARE_PARTS.cyrillicSyllables),
    );
    const [m, f] = random.pick(RARE_PARTS.cyrillicEndings);
    return { m: stem + m, f: stem + f };
  }
  const ending = random.pick(RARE_PARTS.endings[culture === "es" ? "es" : culture === "en" ? "en" : "it"]);
  const name = capitalise(
    syllables(RARE_PARTS.latinSyllables) + random.pick(RARE_PARTS.latinSyllables) + ending,
  );
  return { m: name, f: name };
}

/** The feminine form of a Greek or Ukrainian masculine family name; others have one form. */
function feminine(family: string, culture: Culture): string {
  if (culture === "el")
    return family
      .replace(/(ό|ο)ς$/, "ου")
      .replace(/(ή|η)ς$/, "η")
      .replace(/(ά|α)ς$/, "α");
  if (culture === "uk") return family.replace(/ський$/, "ська").replace(/цький$/, "цька");
  return family;
}

const NATIVE_LATIN: Record<Culture, boolean> = {
  it: true,
  es: true,
  en: true,
  el: false,
  uk: false,
  ar: false,
};
const PEOPLE: Record<Culture, People> = { it: "it", es: "es", en: "en", el: "el", uk: "uk", ar: "ar" };

interface Person {
  culture: Culture;
  gender: "m" | "f";
  /** Name tokens in the native script, given name(s) first. */
  given: string;
  family: string;
  /** Arabic: the usual Latin spelling of each part. */
  givenLatin: string | null;
  familyLatin: string | null;
  /** Arabic: the father's name, often written between given and family name. */
  father: [native: string, latin: string] | null;
  country: Country;
  city: readonly [number, ...string[]];
  phones: Phone[];
  emails: string[];
  /** Given names in the person's household, shared by its members. */
  household?: string[];
}

function typo(random: Random, word: string): string {
  const chars = [...word];
  if (chars.length < 4) return word;
  const at = random.int(1, chars.length - 2);
  switch (random.int(0, 3)) {
    case 0:
      chars.splice(at, 1);
      break;
    case 1:
      chars.splice(at, 0, chars[at]!);
      break;
    case 2:
      [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
      break;
    default:
      chars[at] = random.pick(chars);
  }
  return chars.join("");
}

function stripAccents(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC");
}

/** One record's name: script, order, typos, case and missing parts vary from record to record. */
function writeName(random: Random, person: Person): string {
  let given = person.given;
  let family = person.family;
  let father = person.father?.[0] ?? null;
  const latin = !NATIVE_LATIN[person.culture] && random.chance(0.35);
  if (latin) {
    if (person.culture === "el") {
      const scheme = greekScheme(random);
      given = greekToLatin(given, scheme);
      family = greekToLatin(family, scheme);
    } else if (person.culture === "uk") {
      const scheme = cyrillicScheme(random);
      given = cyrillicToLatin(given, scheme);
      family = cyrillicToLatin(family, scheme);
    } else {
      given = arabicLatinVariant(random, person.givenLatin ?? given);
      family = arabicLatinVariant(random, person.familyLatin ?? family);
      father = person.father ? arabicLatinVariant(random, person.father[1]) : null;
    }
  } else if (person.culture === "el" && random.chance(0.3)) {
    given = stripAccents(given);
    family = stripAccents(family);
  } else if (person.culture === "ar" && random.chance(0.3)) {
    given = given.replace(/[أإآ]/g, "ا");
    family = family.replace(/[أإآ]/g, "ا");
  } else if (NATIVE_LATIN[person.culture] && random.chance(0.2)) {
    given = stripAccents(given);
    family = stripAccents(family);
  }
  if (father !== null && random.chance(0.4)) father = null;
  // A second family name (Spanish) is often left out.
  if (person.culture === "es" && family.includes(" ") && random.chance(0.3)) family = family.split(" ")[0]!;
  if (random.chance(0.12)) {
    if (random.chance(0.5)) given = typo(random, given);
    else family = typo(random, family);
  }
  if (random.chance(0.03)) given = `${[...given][0]}.`;
  let parts = [given, ...(father ? [father] : []), family];
  if (random.chance(0.03)) parts = [family];
  else if (random.chance(0.15)) parts = [family, ...parts.slice(0, -1)];
  let name = parts.join(" ");
  if (random.chance(0.08)) name = name.toUpperCase();
  else if (random.chance(0.05)) name = name.toLowerCase();
  if (random.chance(0.01)) name = "";
  return name;
}

// biome-ignore format: tables read best packed
const DOMAINS: Record<Country, string[]> = {
  IT: ["gmail.com", "gmail.com", "libero.it", "hotmail.it", "yahoo.it", "alice.it", "outlook.it"],
  ES: ["gmail.com", "gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"],
  GB: ["gmail.com", "gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk"],
  GR: ["gmail.com", "gmail.com", "yahoo.gr", "hotmail.com", "otenet.gr", "hol.gr"],
  UA: ["gmail.com", "gmail.com", "ukr.net", "i.ua", "meta.ua"],
  JO: ["gmail.com", "gmail.com", "hotmail.com", "yahoo.com"],
};

function asciiWord(text: string): string {
  return stripAccents(text)
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function newEmail(random: Random, person: Person, taken: Set<string>): string {
  let given = person.given;
  let family = person.family.split(" ")[0]!;
  if (person.culture === "el") {
    given = greekToLatin(given, greekScheme(random));
    family = greekToLatin(family, greekScheme(random));
  } else if (person.culture === "uk") {
    given = cyrillicToLatin(given, cyrillicScheme(random));
    family = cyrillicToLatin(family, cyrillicScheme(random));
  } else if (person.culture === "ar") {
    given = person.givenLatin ?? "";
    family = person.familyLatin ?? "";
  }
  const g = asciiWord(given) || "info";
  const f = asciiWord(family) || "mail";
  const local = random.pick([
    `${g}.${f}`,
    `${g}${f}`,
    `${g[0]}.${f}`,
    `${f}.${g}`,
    `${g}_${f}`,
    `${g}${f[0]}`,
  ]);
  const domain = random.pick(DOMAINS[person.country]);
  let email = `${local}${random.chance(0.6) ? random.int(1, 9999) : ""}@${domain}`;
  while (taken.has(email)) email = `${local}${random.int(1, 99_999)}@${domain}`;
  taken.add(email);
  return email;
}

function writeEmail(random: Random, email: string): string {
  let out = email;
  const [local, domain] = email.split("@") as [string, string];
  if (domain === "gmail.com" && random.chance(0.05)) {
    out = random.chance(0.5) ? `${local.replace(/\./g, "")}@gmail.com` : `${local}@googlemail.com`;
  }
  if (random.chance(0.1)) out = capitalise(out);
  else if (random.chance(0.03)) out = out.toUpperCase();
  if (random.chance(0.05)) out = ` ${out} `;
  return out;
}

function pickWeighted<T>(random: Random, entries: ReadonlyArray<readonly [T, number]>): T {
  return random.weighted(entries);
}

function newPerson(random: Random, taken: Set<string>): Person {
  const culture = pickWeighted(random, CULTURES);
  const gender = random.chance(0.5) ? "m" : "f";
  const name = personName(random, PEOPLE[culture], gender);
  let family = name.family;
  if (culture !== "ar" && random.chance(0.5)) {
    const rare = rareFamily(random, culture);
    family = gender === "m" ? rare.m : rare.f;
    // Spaniards keep two family names; a rare one joins a common one.
    if (culture === "es") family = `${family} ${name.family.split(" ")[0]}`;
  }
  const father =
    culture === "ar" && random.chance(0.6)
      ? ((n) => [n.given, n.givenLatin ?? n.given] as [string, string])(personName(random, "ar", "m"))
      : null;
  const country = pickWeighted(random, HOME[culture]);
  const city = random.weighted(CITIES[country].map((c) => [c, c[0]] as const));
  const person: Person = {
    culture,
    gender,
    given: name.given,
    family,
    givenLatin: name.givenLatin,
    familyLatin: name.familyLatin,
    father,
    country,
    city,
    phones: [],
    emails: [],
  };
  if (random.chance(0.92)) person.phones.push(mobile(random, country));
  const origin = ORIGIN[culture];
  if (random.chance(0.15)) {
    person.phones.push(origin && origin !== country ? mobile(random, origin) : landline(random, country));
  }
  if (person.phones.length === 0 || random.chance(0.65)) person.emails.push(newEmail(random, person, taken));
  if (random.chance(0.05)) person.emails.push(newEmail(random, person, taken));
  return person;
}

/** A relative of `head`: same family name and home phone, another given name. */
function relative(random: Random, head: Person, taken: Set<string>): Person {
  let gender: "m" | "f" = random.chance(0.5) ? "m" : "f";
  // Greek and Ukrainian family names change with gender; only the masculine → feminine step is safe.
  if ((head.culture === "el" || head.culture === "uk") && head.gender === "f") gender = "f";
  // Relatives of relatives join the same household: no two of its members share a given name.
  head.household ??= [head.given];
  const givenNames = head.household;
  let name = personName(random, PEOPLE[head.culture], gender);
  for (let tries = 0; tries < 100 && givenNames.includes(name.given); tries++) {
    name = personName(random, PEOPLE[head.culture], gender);
  }
  givenNames.push(name.given);
  const family = gender === head.gender ? head.family : feminine(head.family, head.culture);
  const shared = head.phones[0] ?? landline(random, head.country);
  if (head.phones.length === 0) head.phones.push(shared);
  const person: Person = {
    ...head,
    gender,
    given: name.given,
    givenLatin: name.givenLatin,
    family,
    father: head.culture === "ar" && random.chance(0.6) ? head.father : null,
    phones: [shared],
    emails: [],
  };
  if (random.chance(0.5)) person.phones.push(mobile(random, head.country));
  if (random.chance(0.5)) person.emails.push(newEmail(random, person, taken));
  return person;
}

function writeRecord(random: Random, person: Person, id: string): DedupeRecord {
  const country = random.chance(0.92) ? person.country : null;
  const phones = person.phones.filter((_, i) => random.chance(i === 0 ? 0.85 : 0.6));
  const emails = person.emails.filter(() => random.chance(0.7));
  // Every intake channel asks for some way to reach the person.
  if (phones.length === 0 && emails.length === 0) {
    if (person.phones[0]) phones.push(person.phones[0]);
    else if (person.emails[0]) emails.push(person.emails[0]);
  }
  const [, ...spellings] = person.city;
  const city = random.chance(0.85) ? (random.chance(0.75) ? spellings[0]! : random.pick(spellings)) : "";
  return {
    id,
    name: writeName(random, person),
    phones: phones.map((phone) => writePhone(random, phone, country)),
    emails: emails.map((email) => writeEmail(random, email)),
    city: random.chance(0.1) ? city.toLowerCase() : city,
    country,
  };
}

/** How many records one person has: most one, some several. */
const RECORDS_PER_PERSON: ReadonlyArray<[number, number]> = [
  [1, 0.6],
  [2, 0.25],
  [3, 0.1],
  [4, 0.04],
  [5, 0.01],
];
const HOUSEHOLD_SHARE = 0.08;

export function generateDedupeData(count: number, seed = 20261202): LabelledRecords {
  const random = seededRandom(seed);
  const taken = new Set<string>();
  const persons: Person[] = [];
  const owner: number[] = [];
  const drafts: Person[] = [];
  while (owner.length < count) {
    const head = persons.length > 0 && random.chance(HOUSEHOLD_SHARE) ? random.pick(persons) : null;
    const person = head ? relative(random, head, taken) : newPerson(random, taken);
    const index = persons.length;
    persons.push(person);
    const copies = random.weighted(RECORDS_PER_PERSON);
    for (let k = 0; k < copies && owner.length < count; k++) {
      owner.push(index);
      drafts.push(person);
    }
  }
  // Shuffled, so duplicates are not next to each other.
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const width = String(count).length;
  const records: DedupeRecord[] = new Array(count);
  const person = new Int32Array(count);
  order.forEach((source, i) => {
    records[i] = writeRecord(random, drafts[source]!, `r${String(i + 1).padStart(width, "0")}`);
    person[i] = owner[source]!;
  });
  return { records, person };
}

/** Pairwise precision, recall and F1 of "same person": a cluster label per record against the truth. */
export function pairwiseQuality(clusterOf: ArrayLike<number>, person: Int32Array) {
  const choose2 = (n: number) => (n * (n - 1)) / 2;
  const sizes = (key: (i: number) => number) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < person.length; i++) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
    let pairs = 0;
    for (const n of counts.values()) pairs += choose2(n);
    return pairs;
  };
  const predicted = sizes((i) => clusterOf[i]!);
  const actual = sizes((i) => person[i]!);
  // Cluster labels and person ids are both below 2^21 here, so one number keys the intersection.
  const both = sizes((i) => clusterOf[i]! * 2 ** 21 + person[i]!);
  const precision = predicted === 0 ? 1 : both / predicted;
  const recall = actual === 0 ? 1 : both / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, predicted, actual, truePairs: both };
}
