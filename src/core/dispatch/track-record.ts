/**
 * A worker's track record, computed from what they did, never typed by hand. Each part is a
 * success rate pulled toward 0.5 by a prior worth `priorStrength` events, so a new worker starts
 * at 0.5 and a few events move them only a little:
 *
 *   rate(successes, trials) = (priorStrength · 0.5 + successes) / (priorStrength + trials)
 *
 *   acceptance = rate(offers accepted, offers answered or expired)
 *   speed      = rate(contacts first reached within speedTargetHours of acceptance, contacts accepted)
 *   meetings   = rate(contacts met in person, contacts accepted)
 *   updates    = rate(updates given on time, updates requested)
 *
 *   trust = Σ weight_i · part_i / Σ weight_i        (in [0, 1])
 */
import { z } from "zod";

export const TrackRecordSettingsSchema = z.object({
  acceptance: z.number().finite().min(0),
  speed: z.number().finite().min(0),
  meetings: z.number().finite().min(0),
  updates: z.number().finite().min(0),
  priorStrength: z.number().finite().positive(),
  speedTargetHours: z.number().finite().positive(),
});
export type TrackRecordSettings = z.infer<typeof TrackRecordSettingsSchema>;

export const DEFAULT_TRACK_RECORD: TrackRecordSettings = {
  acceptance: 0.35,
  speed: 0.25,
  meetings: 0.3,
  updates: 0.1,
  priorStrength: 4,
  speedTargetHours: 48,
};

export interface WorkerHistory {
  accepted: number;
  declined: number;
  expired: number;
  reachedInTime: number;
  met: number;
  updatesOnTime: number;
  updatesDue: number;
}

export const EMPTY_HISTORY: WorkerHistory = {
  accepted: 0,
  declined: 0,
  expired: 0,
  reachedInTime: 0,
  met: 0,
  updatesOnTime: 0,
  updatesDue: 0,
};

export interface TrackRecord {
  acceptance: number;
  speed: number;
  meetings: number;
  updates: number;
  trust: number;
}

export function trackRecord(history: WorkerHistory, settings: TrackRecordSettings): TrackRecord {
  const rate = (successes: number, trials: number) =>
    (settings.priorStrength * 0.5 + successes) / (settings.priorStrength + Math.max(trials, successes));
  const parts = {
    acceptance: rate(history.accepted, history.accepted + history.declined + history.expired),
    speed: rate(history.reachedInTime, history.accepted),
    meetings: rate(history.met, history.accepted),
    updates: rate(history.updatesOnTime, history.updatesDue),
  };
  const weights = settings.acceptance + settings.speed + settings.meetings + settings.updates;
  const trust =
    weights === 0
      ? 0.5
      : (settings.acceptance * parts.acceptance +
          settings.speed * parts.speed +
          settings.meetings * parts.meetings +
          settings.updates * parts.updates) /
        weights;
  return { ...parts, trust: Math.min(1, Math.max(0, trust)) };
}
