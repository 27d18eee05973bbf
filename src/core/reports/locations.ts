/** Where a report's city lies on the map: the gazetteer's point, or else a coarse mean of the coordinates recorded there. */

export interface Location {
  lat: number;
  lon: number;
}

/** Coordinates recorded in one place (contacts' or workers'), summed, with how many there are. */
export interface CoordinateSum {
  lat: number;
  lon: number;
  n: number;
}

/**
 * A tenth of a degree is about 11 km: no finer than the city's name already tells, so the mean over one
 * contact does not give away where that person lives.
 */
const COARSE = 10;

function coarse(value: number): number {
  return Math.round(value * COARSE) / COARSE;
}

/** The mean of every coordinate summed, rounded to a tenth of a degree; null when none was recorded. */
export function meanLocation(sums: readonly CoordinateSum[]): Location | null {
  let lat = 0;
  let lon = 0;
  let n = 0;
  for (const sum of sums) {
    lat += sum.lat;
    lon += sum.lon;
    n += sum.n;
  }
  return n > 0 ? { lat: coarse(lat / n), lon: coarse(lon / n) } : null;
}

/** The gazetteer's point when it knows the place, else the coarse mean of what was recorded there. */
export function locationOf(gazetteer: Location | null, recorded: readonly CoordinateSum[]): Location | null {
  return gazetteer ? { lat: gazetteer.lat, lon: gazetteer.lon } : meanLocation(recorded);
}
