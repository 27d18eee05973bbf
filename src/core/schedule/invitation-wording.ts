/**
 * The words of a meeting invitation in each console language: the e-mail's subject and text, and the
 * calendar event's title and location. Every locale fills the same table (a missing one is a type error).
 */
import type { Locale } from "../notifications/wording.js";

export interface InvitationFacts {
  method: "REQUEST" | "CANCEL";
  /** 0 for the first invitation; raised on every change. */
  sequence: number;
  /** The start, already formatted in the recipient's zone and language. */
  when: string;
  mode: "in_person" | "phone" | "video";
  placeName: string | null;
  /** Whom the recipient meets: the contact for the worker, the organisation for the contact; null: unknown. */
  counterpart: string | null;
  cancelReason: string | null;
}

interface InvitationWords {
  /** The event's title; null: the contact's name is unknown (or erased). */
  title(contactName: string | null): string;
  /** The event's location for a meeting that is not in person. */
  remote: Record<"phone" | "video", string>;
  /** Where, in a sentence. */
  where: Record<"phone" | "video", string> & { in_person: (placeName: string | null) => string };
  cancelledSubject(when: string): string;
  subject(when: string, moved: boolean): string;
  cancelledText(when: string, where: string, reason: string | null): string;
  text(when: string, where: string, counterpart: string | null): string;
}

const WORDS: Record<Locale, InvitationWords> = {
  en: {
    title: (name) => `Meeting with ${name ?? "a contact"}`,
    remote: { phone: "Phone call", video: "Video call" },
    where: { in_person: (place) => place ?? "the agreed place", phone: "by phone", video: "by video" },
    cancelledSubject: (when) => `Cancelled: meeting on ${when}`,
    subject: (when, moved) => `${moved ? "Meeting moved" : "Meeting"}: ${when}`,
    cancelledText: (when, where, reason) =>
      `The meeting on ${when} (${where}) is cancelled${reason ? `: ${reason}` : ""}.\n`,
    text: (when, where, counterpart) =>
      `Meeting on ${when}, ${where}, with ${counterpart ?? "the contact"}.\nThe invitation is attached; your calendar app adds it.\n`,
  },
  it: {
    title: (name) => `Incontro con ${name ?? "una persona senza nome"}`,
    remote: { phone: "Telefonata", video: "Videochiamata" },
    where: {
      in_person: (place) => place ?? "nel luogo concordato",
      phone: "per telefono",
      video: "in videochiamata",
    },
    cancelledSubject: (when) => `Incontro annullato: ${when}`,
    subject: (when, moved) => `${moved ? "Incontro spostato" : "Incontro"}: ${when}`,
    cancelledText: (when, where, reason) =>
      `L'incontro (${when}, ${where}) è annullato${reason ? `: ${reason}` : ""}.\n`,
    text: (when, where, counterpart) =>
      `Incontro: ${when}, ${where}${counterpart ? `, con ${counterpart}` : ""}.\nL'invito è allegato; la tua app del calendario lo aggiunge.\n`,
  },
  el: {
    title: (name) => `Συνάντηση με ${name ?? "άτομο χωρίς όνομα"}`,
    remote: { phone: "Τηλεφωνική κλήση", video: "Βιντεοκλήση" },
    where: {
      in_person: (place) => place ?? "στο σημείο που συμφωνήθηκε",
      phone: "τηλεφωνικά",
      video: "με βιντεοκλήση",
    },
    cancelledSubject: (when) => `Ακυρωμένη συνάντηση: ${when}`,
    subject: (when, moved) => `${moved ? "Η συνάντηση μετακινήθηκε" : "Συνάντηση"}: ${when}`,
    cancelledText: (when, where, reason) =>
      `Η συνάντηση (${when}, ${where}) ακυρώθηκε${reason ? `: ${reason}` : ""}.\n`,
    text: (when, where, counterpart) =>
      `Συνάντηση: ${when}, ${where}${counterpart ? `, με ${counterpart}` : ""}.\nΗ πρόσκληση επισυνάπτεται· η εφαρμογή ημερολογίου σας την προσθέτει.\n`,
  },
};

/** The calendar event's title and location, in one language. */
export function eventWords(
  meeting: { contactName: string | null; mode: InvitationFacts["mode"]; placeName: string | null },
  locale: Locale,
): { title: string; location: string | null } {
  const words = WORDS[locale];
  return {
    title: words.title(meeting.contactName),
    location: meeting.mode === "in_person" ? meeting.placeName : words.remote[meeting.mode],
  };
}

/** The e-mail that carries the invitation (or its cancellation), in the recipient's language. */
export function invitationEmail(facts: InvitationFacts, locale: Locale): { subject: string; text: string } {
  const words = WORDS[locale];
  const where = facts.mode === "in_person" ? words.where.in_person(facts.placeName) : words.where[facts.mode];
  return facts.method === "CANCEL"
    ? {
        subject: words.cancelledSubject(facts.when),
        text: words.cancelledText(facts.when, where, facts.cancelReason),
      }
    : {
        subject: words.subject(facts.when, facts.sequence > 0),
        text: words.text(facts.when, where, facts.counterpart),
      };
}
