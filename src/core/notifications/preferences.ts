/**
 * What each person is told, and when: per kind of notification, e-mail immediately, in a digest
 * at set local times, or not at all, with quiet hours in their own time zone. The in-app inbox
 * keeps every notification whatever the e-mail choice. Time-zone arithmetic is luxon's.
 */
import { DateTime } from "luxon";
import { z } from "zod";

export const NOTIFICATION_KINDS = [
  "offer_new",
  "offer_reminder",
  "offer_expired",
  "offer_declined",
  "deadline_reminder",
  "deadline_escalated",
  "contact_taken_back",
  "update_requested",
  "update_answered",
  "appointment_booked",
  "appointment_changed",
  "appointment_cancelled",
  "appointment_reminder",
  "callback_due",
  "contact_merged",
  "demand_alert",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const CHANNELS = ["immediate", "digest", "off"] as const;
export type Channel = (typeof CHANNELS)[number];

const localTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time as HH:MM, 00:00 to 23:59")
  .describe("local time, HH:MM");

export const NotificationPreferencesSchema = z.object({
  channels: z
    .partialRecord(z.enum(NOTIFICATION_KINDS), z.enum(CHANNELS))
    .describe("per kind: e-mail immediately, in the digest, or not at all (the inbox keeps all)"),
  digestTimes: z.array(localTime).max(6).describe("when the digest is sent, in the person's own time zone"),
  quietHours: z
    .object({ start: localTime, end: localTime })
    .nullable()
    .describe("no e-mail in this local window except urgent offers; held until it ends"),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

export const DEFAULT_CHANNELS: Record<NotificationKind, Channel> = {
  offer_new: "immediate",
  offer_reminder: "immediate",
  offer_expired: "digest",
  offer_declined: "digest",
  deadline_reminder: "immediate",
  deadline_escalated: "immediate",
  contact_taken_back: "immediate",
  update_requested: "immediate",
  update_answered: "digest",
  appointment_booked: "immediate",
  appointment_changed: "immediate",
  appointment_cancelled: "immediate",
  appointment_reminder: "immediate",
  callback_due: "immediate",
  contact_merged: "digest",
  demand_alert: "immediate",
};

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  channels: DEFAULT_CHANNELS,
  digestTimes: ["08:00"],
  quietHours: { start: "21:00", end: "07:00" },
};

export function channelFor(preferences: NotificationPreferences, kind: NotificationKind): Channel {
  return preferences.channels[kind] ?? DEFAULT_CHANNELS[kind];
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `now` falls in the quiet window (which may run past midnight) in time zone `zone`. */
export function inQuietHours(now: Date, quiet: NotificationPreferences["quietHours"], zone: string): boolean {
  if (!quiet) return false;
  const local = DateTime.fromJSDate(now, { zone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The local wall-clock time `hhmm` on the local day `days` after today's, as a UTC instant. On a
 * day when that time does not exist (the spring-forward gap), luxon moves it forward past the gap.
 */
function localAt(now: Date, zone: string, hhmm: string, days: number): Date {
  const minutes = minutesOf(hhmm);
  return DateTime.fromJSDate(now, { zone })
    .startOf("day")
    .plus({ days })
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60 })
    .toJSDate();
}

/**
 * When an e-mail chosen as "immediate" goes out: now, unless it falls in the quiet hours and is
 * not urgent, then when they end.
 */
export function emailDueAt(
  now: Date,
  preferences: NotificationPreferences,
  zone: string,
  urgent: boolean,
): Date {
  const quiet = preferences.quietHours;
  if (urgent || !quiet || !inQuietHours(now, quiet, zone)) return now;
  for (let days = 0; days <= 1; days++) {
    // On the night the clocks go back the end's local time comes twice; when the first has passed
    // (now is in the repeated hour), the quiet hours end at the second, not a day later.
    const end = DateTime.fromJSDate(localAt(now, zone, quiet.end, days), { zone });
    for (const at of end.getPossibleOffsets()) if (at.toMillis() > now.getTime()) return at.toJSDate();
  }
  return now;
}

/** The latest digest time at or before `now` (looking back two days), or null when none is set. */
export function lastDigestSlot(now: Date, digestTimes: readonly string[], zone: string): Date | null {
  let best: Date | null = null;
  for (const time of digestTimes) {
    for (let days = -2; days <= 0; days++) {
      const at = localAt(now, zone, time, days);
      if (at.getTime() <= now.getTime() && (!best || at.getTime() > best.getTime())) best = at;
    }
  }
  return best;
}

/**
 * Whether a digest is due: the latest slot has passed since the last digest went out, and it came
 * after the oldest notification waiting for it (so a first event does not trigger a digest for a
 * slot that passed before it happened).
 */
export function digestDue(
  now: Date,
  preferences: NotificationPreferences,
  zone: string,
  lastDigestAt: string | null,
  oldestPendingAt: string,
): Date | null {
  const slot = lastDigestSlot(now, preferences.digestTimes, zone);
  if (!slot) return null;
  if (slot.getTime() < Date.parse(oldestPendingAt)) return null;
  if (lastDigestAt && slot.getTime() <= Date.parse(lastDigestAt)) return null;
  return slot;
}
