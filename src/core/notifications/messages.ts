/**
 * The words of a notification e-mail, from the notification's kind and data: one line each, and
 * a digest that gathers many lines into one message. Times are shown in the reader's time zone, and
 * everything is written in the reader's language (the sentences are in ./wording.ts).
 */
import { DateTime } from "luxon";
import type { DeadlineKind } from "../accountability/deadlines.js";
import type { Nouns } from "../vocabulary.js";
import type { NotificationKind } from "./preferences.js";
import { type Locale, WORDING } from "./wording.js";

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

/** An instant in the reader's zone, with day and month names in their language. */
export function formatLocal(iso: string, zone: string, locale: Locale): string {
  return DateTime.fromISO(iso, { zone }).setLocale(locale).toFormat("ccc d LLL yyyy, HH:mm ZZZZ");
}

/** One sentence saying what happened and what is asked, in the reader's language. */
export function notificationLine(
  item: MessageItem,
  reader: { nouns: Nouns; zone: string; locale: Locale },
): string {
  const { nouns, zone, locale } = reader;
  const words = WORDING[locale];
  const d = item.data;
  return words.lines[item.kind]({
    nouns,
    urgent: item.urgent,
    name: item.contactName ?? words.someContact(nouns),
    worker: d.workerName ?? words.someWorker(nouns),
    due: d.dueAt ? formatLocal(d.dueAt, zone, locale) : "",
    owed: words.owed[d.deadlineKind ?? "follow_up"],
    data: d,
  });
}

export interface Email {
  subject: string;
  text: string;
}

/** One notification as one e-mail, or several gathered as a digest. */
export function composeEmail(
  items: readonly MessageItem[],
  options: { nouns: Nouns; zone: string; locale: Locale; appUrl: string; digest: boolean },
): Email {
  const { nouns, locale, appUrl } = options;
  const words = WORDING[locale];
  const link = (item: MessageItem) =>
    item.contactId ? `${appUrl}/contacts/${item.contactId}` : `${appUrl}/inbox`;
  if (!options.digest && items.length === 1 && items[0]) {
    const item = items[0];
    const subject = words.subjects[item.kind](nouns);
    return {
      subject: item.urgent ? words.urgentSubject(subject) : subject,
      text: `${notificationLine(item, options)}\n\n${link(item)}\n\n${words.preferences}: ${appUrl}/account\n`,
    };
  }
  const lines = items.map((item) => `- ${notificationLine(item, options)}\n  ${link(item)}`);
  return {
    subject: words.digestSubject(items.length),
    text: `${lines.join("\n\n")}\n\n${words.inbox}: ${appUrl}/inbox\n${words.preferences}: ${appUrl}/account\n`,
  };
}
