/**
 * Demand alerts as pure decisions: a place is over when its new contacts per available worker go above the
 * organisation's threshold. An alert is raised
 * once when a place crosses, stays open while it is over, and clears when it drops back, so that the
 * next crossing raises a new one.
 */
import { z } from "zod";

export interface PlacePressure {
  country: string | null;
  placeName: string;
  /** New contacts in the alert window. */
  contacts: number;
  availableWorkers: number;
}

export interface OpenAlert {
  id: string;
  placeKey: string;
}

/** One place, one key: a city is known by its country too. */
export function placeKey(place: { country: string | null; placeName: string }): string {
  return `${place.country ?? ""}|${place.placeName}`;
}

/** Contacts per available worker, to 2 decimals; null when no worker is available. */
export function pressureOf(place: PlacePressure): number | null {
  return place.availableWorkers > 0
    ? Math.round((place.contacts / place.availableWorkers) * 100) / 100
    : null;
}

/**
 * Above the threshold. A place with no available worker counts as having one: its new contacts alone must
 * pass the threshold, so that a village with a couple of arrivals and nobody near does not alert.
 */
export function isOver(place: PlacePressure, threshold: number): boolean {
  return place.contacts / Math.max(1, place.availableWorkers) > threshold;
}

/** Which places get a new alert (over, none open) and which open alerts clear (no longer over). */
export function planAlerts(
  places: readonly PlacePressure[],
  open: readonly OpenAlert[],
  threshold: number,
): { raise: PlacePressure[]; clear: string[] } {
  const over = new Map(places.filter((p) => isOver(p, threshold)).map((p) => [placeKey(p), p]));
  const opened = new Set(open.map((a) => a.placeKey));
  return {
    raise: [...over.entries()].filter(([key]) => !opened.has(key)).map(([, p]) => p),
    clear: open.filter((a) => !over.has(a.placeKey)).map((a) => a.id),
  };
}

export const DemandAlertSchema = z.object({
  id: z.string(),
  placeName: z.string().nullable(),
  country: z.string().nullable(),
  contacts: z.number().int().describe("new contacts in the window when it crossed"),
  availableWorkers: z.number().int(),
  contactsPerWorker: z.number().nullable().describe("null: contacts and no available worker"),
  threshold: z.number(),
  raisedAt: z.string(),
  clearedAt: z
    .string()
    .nullable()
    .describe("when it dropped back to the threshold or below; null: still over"),
});
export const DemandAlertsSchema = z.object({
  threshold: z.number().nullable().describe("the organisation's threshold; null: alerts are off"),
  windowDays: z.number().int(),
  items: z.array(DemandAlertSchema).describe("open alerts, and those raised in the last 30 days"),
});
export type DemandAlerts = z.infer<typeof DemandAlertsSchema>;
