/**
 * The words of a notification e-mail, from the notification's kind and data: one line each, and
 * a digest that gathers many lines into one message. Times are shown in the reader's time zone.
 */
import { DateTime } from "luxon";
import type { DeadlineKind } from "../accountability/deadlines.js";
import type { Nouns } from "../vocabulary.js";
import type { NotificationKind } from "./preferences.js";

export interface NotificationData {
  dueAt?: string;
  deadlineKind?: DeadlineKind;
  workerName?: string | null;
  requesterName?: string | null;
  reason?: string | null;
  note?: string | null;
  answer?: string | null;
  placeName?: string | null;
  /**
   * contact_merged: who holds the one record left — the reader ("you"), another worker ("other",
   * named in workerName) or nobody ("dispatch") — or "restored" when a merge was undone.
   */
  keeper?: "you" | "other" | "dispatch" | "restored";
  /** demand_alert: the place's country, its new contacts per available worker (null: no worker), the threshold. */
  country?: string | null;
  contactsPerWorker?: number | null;
  threshold?: number;
}

export interface MessageItem {
  kind: NotificationKind;
  urgent: boolean;
  /** Null when the notification is about no contact, or the contact's data was erased. */
  contactName: string | null;
  contactId: string | null;
  data: NotificationData;
}

export function formatLocal(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("ccc d LLL yyyy, HH:mm ZZZZ");
}

function deadlineLabel(kind: DeadlineKind | undefined): string {
  switch (kind) {
    case "accept":
      return "an answer to the offer";
    case "first_attempt":
      return "the first contact attempt";
    case "first_meeting":
      return "the first meeting";
    case "update":
      return "an update";
    case "update_request":
      return "an answer to an update request";
    default:
      return "a follow-up";
  }
}

/** One sentence saying what happened and what is asked. */
export function notificationLine(item: MessageItem, nouns: Nouns, zone: string): string {
  const d = item.data;
  const name = item.contactName ?? `a ${nouns.contact}`;
  const due = d.dueAt ? formatLocal(d.dueAt, zone) : "";
  const worker = d.workerName ?? `a ${nouns.worker}`;
  switch (item.kind) {
    case "offer_new":
      return `${item.urgent ? "Urgent: " : ""}a new ${nouns.contact} for you, ${name}. Can you make contact? Please accept or decline by ${due}.`;
    case "offer_reminder":
      return `${name} is waiting for your answer: the offer lapses ${due}.`;
    case "offer_expired":
      return `The offer of ${name} to ${worker} lapsed unanswered; the ${nouns.contact} is back with dispatch.`;
    case "offer_declined":
      return `${worker} declined ${name}${d.reason ? `: ${d.reason}` : ""}.`;
    case "deadline_reminder":
      return `Overdue: ${deadlineLabel(d.deadlineKind)} for ${name} was due ${due}.`;
    case "deadline_escalated":
      return `${worker} is late: ${deadlineLabel(d.deadlineKind)} for ${name} was due ${due}.`;
    case "contact_taken_back":
      return `${name} was taken back from ${worker}: ${deadlineLabel(d.deadlineKind)} was due ${due}.`;
    case "update_requested":
      return `${d.requesterName ?? `The ${nouns.dispatcher}`} asks for an update on ${name}${d.note ? `: "${d.note}"` : ""}. Please answer by ${due}.`;
    case "update_answered":
      return `${worker} answered your update request on ${name}: "${d.answer ?? ""}"`;
    case "callback_due":
      return `Time to call ${name} back: you agreed on ${due}${d.note ? ` ("${d.note}")` : ""}.`;
    case "appointment_booked":
      return `A meeting with ${name} was booked for you: ${due}${d.placeName ? `, ${d.placeName}` : ""}.`;
    case "appointment_changed":
      return `Your meeting with ${name} moved to ${due}${d.reason ? ` (${d.reason})` : ""}.`;
    case "appointment_cancelled":
      return `Your meeting with ${name} on ${due} is cancelled${d.reason ? `: ${d.reason}` : ""}.`;
    case "appointment_reminder":
      return `Reminder: you meet ${name} ${due}${d.placeName ? `, ${d.placeName}` : ""}.`;
    case "contact_merged":
      switch (d.keeper) {
        case "other":
          return `${name} is the same person as a ${nouns.contact} ${worker} holds, who keeps them: the two records are now one, and it is no longer yours.`;
        case "dispatch":
          return `${name} is the same person as another ${nouns.contact}, now one record back with dispatch: it is no longer yours.`;
        case "restored":
          return `${name} was merged by mistake and is a separate record again, yours as before.`;
        default:
          return `Two records of ${name} were found to be the same person and are now one, which you keep.`;
      }
    case "demand_alert": {
      const place = `${d.placeName ?? "A place"}${d.country ? ` (${d.country})` : ""}`;
      const ratio =
        d.contactsPerWorker === null || d.contactsPerWorker === undefined
          ? `has new ${nouns.contact}s and no available ${nouns.worker}`
          : `has ${d.contactsPerWorker} new ${nouns.contact}s per available ${nouns.worker}`;
      return `${place} ${ratio}, above the alert threshold of ${d.threshold ?? "?"}.`;
    }
  }
}

const SUBJECTS: Record<NotificationKind, string> = {
  offer_new: "New {contact} offered to you",
  offer_reminder: "An offer waits for your answer",
  offer_expired: "An offer lapsed",
  offer_declined: "An offer was declined",
  deadline_reminder: "Overdue: a {contact} waits for you",
  deadline_escalated: "A {worker} is late",
  contact_taken_back: "A {contact} was taken back",
  update_requested: "Update requested",
  update_answered: "Your update request was answered",
  appointment_booked: "A meeting was booked for you",
  appointment_changed: "A meeting moved",
  appointment_cancelled: "A meeting was cancelled",
  appointment_reminder: "Reminder: a meeting soon",
  callback_due: "A callback is due",
  contact_merged: "Two records of one person were merged",
  demand_alert: "Demand outruns the {worker}s in a place",
};

export interface Email {
  subject: string;
  text: string;
}

/** One notification as one e-mail, or several gathered as a digest. */
export function composeEmail(
  items: readonly MessageItem[],
  options: { nouns: Nouns; zone: string; appUrl: string; digest: boolean },
): Email {
  const { nouns, zone, appUrl } = options;
  const link = (item: MessageItem) =>
    item.contactId ? `${appUrl}/contacts/${item.contactId}` : `${appUrl}/inbox`;
  if (!options.digest && items.length === 1 && items[0]) {
    const item = items[0];
    const subject = SUBJECTS[item.kind].replace("{contact}", nouns.contact).replace("{worker}", nouns.worker);
    return {
      subject: `${item.urgent ? "[Urgent] " : ""}${subject}`,
      text: `${notificationLine(item, nouns, zone)}\n\n${link(item)}\n\nChange what you are sent and when: ${appUrl}/account\n`,
    };
  }
  const lines = items.map((item) => `- ${notificationLine(item, nouns, zone)}\n  ${link(item)}`);
  return {
    subject: `Handoff digest: ${items.length} update${items.length === 1 ? "" : "s"}`,
    text: `${lines.join("\n\n")}\n\nYour inbox: ${appUrl}/inbox\nChange what you are sent and when: ${appUrl}/account\n`,
  };
}
