/**
 * The server's lists of notification kinds and e-mail channels. The modules that hold them carry
 * zod, which the console does not ship, so they are listed here, typed so that a kind added or
 * removed on the server fails the console's type check until it is added or removed here too.
 */
import type { Channel, NotificationKind } from "../../../src/core/notifications/preferences.js";
import { keysOf } from "../shell/keys-of.js";

export const NOTIFICATION_KINDS = keysOf<NotificationKind>({
  offer_new: true,
  offer_reminder: true,
  offer_expired: true,
  offer_declined: true,
  deadline_reminder: true,
  deadline_escalated: true,
  contact_taken_back: true,
  update_requested: true,
  update_answered: true,
  appointment_booked: true,
  appointment_changed: true,
  appointment_cancelled: true,
  appointment_reminder: true,
  callback_due: true,
  contact_merged: true,
  demand_alert: true,
});

export const CHANNELS = keysOf<Channel>({ immediate: true, digest: true, off: true });
