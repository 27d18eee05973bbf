import { describe, expect, it } from "vitest";
import { nounsFor } from "../vocabulary.js";
import { composeEmail, type MessageItem, type NotificationData } from "./messages.js";
import { NOTIFICATION_KINDS, type NotificationKind } from "./preferences.js";
import { localeOf } from "./wording.js";

const APP = "https://handoff.test";
// 09:00 UTC: 10:00 in Rome, 11:00 in Athens.
const DUE = "2026-12-03T09:00:00.000Z";

/** Every field a sentence may show, with values that are no word of any language. */
const FULL: NotificationData = {
  dueAt: DUE,
  deadlineKind: "first_meeting",
  workerName: "Gianni Bianchi",
  requesterName: "Anna Neri",
  reason: "R1",
  note: "N1",
  answer: "A1",
  placeName: "Roma",
  keeper: "other",
  country: "IT",
  contactsPerWorker: 3,
  threshold: 2,
};

/** Each kind, and each variant a kind has, with every field set and with the optional ones missing. */
function variants(): MessageItem[] {
  const items: MessageItem[] = [];
  for (const kind of NOTIFICATION_KINDS) {
    const base = { kind, urgent: kind === "offer_new", contactId: "c1" };
    items.push({ ...base, contactName: "Maria Rossi", data: FULL });
    items.push({ ...base, contactName: null, data: { dueAt: DUE } });
    if (kind === "contact_merged") {
      for (const keeper of ["you", "dispatch", "restored"] as const) {
        items.push({ ...base, contactName: "Maria Rossi", data: { ...FULL, keeper } });
      }
    }
    if (kind === "demand_alert") {
      items.push({ ...base, contactName: null, data: { ...FULL, contactsPerWorker: null } });
    }
  }
  return items;
}

function single(item: MessageItem, locale: "en" | "it" | "el", zone = "Europe/Rome") {
  return composeEmail([item], {
    nouns: nounsFor({ pack: "sales", overrides: {} }, locale),
    zone,
    locale,
    appUrl: APP,
    digest: false,
  });
}

function item(kind: NotificationKind, data: NotificationData = FULL, urgent = false): MessageItem {
  return { kind, urgent, contactId: "c1", contactName: "Maria Rossi", data };
}

/** English words of the sentences and the frame that are no Italian word. */
const ENGLISH =
  /\b(the|you|your|offer|offered|meeting|update|was|is|and|with|by|please|reminder|lapsed|lapses|declined|late|back|record|records|dispatch|digest|change|sent|when|urgent|call|answer|answered|same|person|place|new|for|moved|cancelled|booked|available|threshold|above|time|agreed|waits|waiting|requested|overdue|merged|demand|outruns|asks|on|of|to|from|who|now|mistake|again)\b/i;

/** What the test put in, and the addresses: all that may be in Latin letters in a Greek e-mail. */
function withoutData(text: string): string {
  return text
    .replaceAll(APP, "")
    .replace(/\/(contacts\/c1|inbox|account)/g, "")
    .replace(/Maria Rossi|Gianni Bianchi|Anna Neri|Roma|\(IT\)|R1|N1|A1|Handoff/g, "");
}

describe("notification e-mails in the reader's language", () => {
  it("keeps the English e-mails word for word", () => {
    const offer = single(item("offer_new", FULL, true), "en");
    expect(offer.subject).toBe("[Urgent] New lead offered to you");
    expect(offer.text).toBe(
      "Urgent: a new lead for you, Maria Rossi. Can you make contact? Please accept or decline by Thu 3 Dec 2026, 10:00 GMT+1.\n\n" +
        `${APP}/contacts/c1\n\nChange what you are sent and when: ${APP}/account\n`,
    );
    expect(single(item("demand_alert"), "en").text).toContain(
      "Roma (IT) has 3 new leads per available rep, above the alert threshold of 2.",
    );
    const digest = composeEmail([item("offer_reminder"), item("update_answered")], {
      nouns: nounsFor({ pack: "ministry", overrides: {} }, "en"),
      zone: "Europe/Rome",
      locale: "en",
      appUrl: APP,
      digest: true,
    });
    expect(digest.subject).toBe("Handoff digest: 2 updates");
    expect(digest.text).toContain(
      "- Maria Rossi is waiting for your answer: the offer lapses Thu 3 Dec 2026, 10:00 GMT+1.",
    );
    expect(digest.text).toContain(`Your inbox: ${APP}/inbox\nChange what you are sent and when:`);
  });

  it("writes every kind in Italian with no English word left", () => {
    for (const variant of variants()) {
      const email = single(variant, "it");
      expect(`${email.subject}\n${withoutData(email.text)}`, variant.kind).not.toMatch(ENGLISH);
    }
  });

  it("writes every kind in Greek with no Latin letter left but the names and addresses", () => {
    for (const variant of variants()) {
      const email = single(variant, "el");
      expect(withoutData(`${email.subject}\n${email.text}`), variant.kind).not.toMatch(/[A-Za-z]/);
    }
  });

  it("writes the digest's frame in the reader's language", () => {
    const options = { zone: "Europe/Rome", appUrl: APP, digest: true };
    const it = composeEmail([item("offer_reminder"), item("callback_due")], {
      ...options,
      locale: "it",
      nouns: nounsFor({ pack: "ministry", overrides: {} }, "it"),
    });
    expect(it.subject).toBe("Riepilogo Handoff: 2 aggiornamenti");
    expect(it.text).toContain(
      `Le tue notifiche: ${APP}/inbox\nScegli che cosa ricevere e quando: ${APP}/account`,
    );
    const el = composeEmail([item("offer_reminder")], {
      ...options,
      locale: "el",
      nouns: nounsFor({ pack: "ministry", overrides: {} }, "el"),
    });
    expect(el.subject).toBe("Σύνοψη Handoff: 1 ενημέρωση");
    expect(el.text).toContain(`Οι ειδοποιήσεις σας: ${APP}/inbox`);
    expect(withoutData(el.text)).not.toMatch(/[A-Za-z]/);
  });

  it("names the organisation's nouns in the reader's language, as labels", () => {
    const ministry = (locale: "it" | "el") =>
      composeEmail([item("offer_new")], {
        nouns: nounsFor({ pack: "ministry", overrides: {} }, locale),
        zone: "Europe/Rome",
        locale,
        appUrl: APP,
        digest: false,
      });
    expect(ministry("it").subject).toBe("Nuova proposta per te — ricercatore");
    expect(ministry("it").text).toContain("Nuova proposta per te — ricercatore: Maria Rossi.");
    expect(single(item("offer_new"), "it").text).toContain("Nuova proposta per te — lead: Maria Rossi.");
    expect(ministry("el").text).toContain("Νέα πρόταση για εσάς — αναζητητής: Maria Rossi.");
    expect(single(item("offer_new", FULL, true), "el").text).toContain(
      "Επείγον: νέα πρόταση για εσάς — υποψήφιος πελάτης: Maria Rossi.",
    );
    const overridden = composeEmail([item("deadline_escalated")], {
      nouns: nounsFor({ pack: "sales", overrides: { it: { worker: "consulente" } } }, "it"),
      zone: "Europe/Rome",
      locale: "it",
      appUrl: APP,
      digest: false,
    });
    expect(overridden.subject).toBe("Ritardo segnalato — consulente");
  });

  it("writes dates in the reader's language and in their own zone", () => {
    expect(single(item("offer_reminder"), "it", "Europe/Rome").text).toContain("entro gio 3 dic 2026, 10:00");
    expect(single(item("offer_reminder"), "el", "Europe/Athens").text).toContain("έως Πέμ 3 Δεκ 2026, 11:00");
    expect(single(item("offer_reminder"), "it", "America/New_York").text).toContain("gio 3 dic 2026, 04:00");
  });

  it("writes in English for a locale it does not know", () => {
    expect(localeOf("de")).toBe("en");
    expect(localeOf(null)).toBe("en");
    expect(localeOf("el")).toBe("el");
  });
});
