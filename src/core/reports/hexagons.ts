/**
 * The hexagonal grid of the maps: H3 cells (Uber's hierarchical grid, `h3-js`) at resolutions 4 to 7,
 * from about 1,770 km² down to about 5 km² a cell. A contact's cells are kept beside its coordinates, so
 * the database groups by them; a cell's outline is drawn from its boundary.
 */
import { cellToBoundary, cellToLatLng, isValidCell, latLngToCell } from "h3-js";
import { z } from "zod";
import { SMALL } from "./figures.js";

export const H3_RESOLUTIONS = [4, 5, 6, 7] as const;
export type H3Resolution = (typeof H3_RESOLUTIONS)[number];
export const DEFAULT_H3_RESOLUTION: H3Resolution = 5;

export interface H3Cells {
  h3_r4: string | null;
  h3_r5: string | null;
  h3_r6: string | null;
  h3_r7: string | null;
}

const NO_CELLS: H3Cells = { h3_r4: null, h3_r5: null, h3_r6: null, h3_r7: null };

/** The column that holds the cells of one resolution. */
export function h3Column(resolution: H3Resolution): keyof H3Cells {
  return `h3_r${resolution}`;
}

/** A place's cell at every resolution of the grid; none without both coordinates. */
export function h3CellsOf(lat: number | null | undefined, lon: number | null | undefined): H3Cells {
  if (lat === null || lat === undefined || lon === null || lon === undefined) return NO_CELLS;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return NO_CELLS;
  return {
    h3_r4: latLngToCell(lat, lon, 4),
    h3_r5: latLngToCell(lat, lon, 5),
    h3_r6: latLngToCell(lat, lon, 6),
    h3_r7: latLngToCell(lat, lon, 7),
  };
}

export function h3CellOf(lat: number, lon: number, resolution: H3Resolution): string {
  return latLngToCell(lat, lon, resolution);
}

/** A cell's centre and its outline as [lon, lat] pairs (the order maps draw in), rounded to 5 decimals. */
export function h3Shape(
  cell: string,
): { lat: number; lon: number; boundary: Array<[number, number]> } | null {
  if (!isValidCell(cell)) return null;
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const [lat, lon] = cellToLatLng(cell);
  return {
    lat: round(lat),
    lon: round(lon),
    boundary: cellToBoundary(cell).map(([a, b]) => [round(b), round(a)] as [number, number]),
  };
}

const count = z
  .union([z.number().int(), z.literal(SMALL)])
  .describe(`a count; "${SMALL}" for a marketer when 1–4`);
const Measures = z.object({
  contacts: count.describe("contacts that arrived in the period, in the cell"),
  availableWorkers: count.describe("available workers living in the cell"),
  freeCapacity: count.describe("their capacity less the contacts they hold"),
  contactsPerWorker: z.number().nullable().describe("contacts per available worker; null without workers"),
});
/** The hexagonal map's answer: demand per worker per cell. */
export const HexagonsReportSchema = z.object({
  by: z.literal("h3"),
  resolution: z.number().int(),
  rows: z.array(
    Measures.extend({
      key: z.string().describe("the H3 cell"),
      lat: z.number().describe("the cell's centre"),
      lon: z.number(),
      boundary: z.array(z.tuple([z.number(), z.number()])).describe("the cell's outline as [lon, lat] pairs"),
    }),
  ),
  totals: Measures,
});
export type HexagonsReport = z.infer<typeof HexagonsReportSchema>;
