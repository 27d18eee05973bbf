/** How an organisation books meetings: their length, the slot grid, notice, buffers, travel, holds, reminders. */
import { z } from "zod";

export const AppointmentSettingsSchema = z.object({
  durationMinutes: z.number().int().min(15).max(480).describe("a meeting's usual length"),
  stepMinutes: z.number().int().min(5).max(240).describe("slots start every this many minutes"),
  minNoticeMinutes: z.number().int().min(0).max(10_080).describe("no meeting sooner than this from now"),
  bufferMinutes: z.number().int().min(0).max(240).describe("kept free before and after every meeting"),
  travelKmh: z.number().min(1).max(200).describe("speed assumed between in-person meetings"),
  horizonDays: z.number().int().min(1).max(180).describe("how far ahead slots are searched"),
  holdMinutes: z.number().int().min(1).max(60).describe("how long a slot shown to a setter is held"),
  reminderMinutes: z
    .array(z.number().int().min(5).max(43_200))
    .max(5)
    .describe("reminders before each meeting, in minutes (e.g. 1440 = a day, 60 = an hour)"),
  callbackReminderMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .describe("a setter is reminded this long before a callback"),
});
export type AppointmentSettings = z.infer<typeof AppointmentSettingsSchema>;

export const DEFAULT_APPOINTMENTS: AppointmentSettings = {
  durationMinutes: 60,
  stepMinutes: 30,
  minNoticeMinutes: 120,
  bufferMinutes: 15,
  travelKmh: 30,
  horizonDays: 28,
  holdMinutes: 5,
  reminderMinutes: [1440, 60],
  callbackReminderMinutes: 10,
};
