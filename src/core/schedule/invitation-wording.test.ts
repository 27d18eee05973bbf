import { describe, expect, it } from "vitest";
import { formatLocal } from "../notifications/messages.js";
import type { Locale } from "../notifications/wording.js";
import { invitation } from "./ical.js";
import { eventWords, type InvitationFacts, invitationEmail } from "./invitation-wording.js";

const START = "2026-12-03T09:00:00.000Z";

function facts(locale: Locale, changes: Partial<InvitationFacts> = {}): InvitationFacts {
  return {
    method: "REQUEST",
    sequence: 0,
    when: formatLocal(START, "Europe/Athens", locale),
    mode: "in_person",
    placeName: "Roma",
    counterpart: "Maria Rossi",
    cancelReason: null,
    ...changes,
  };
}

/** Every method and mode, with and without the optional parts. */
const VARIANTS: Array<Partial<InvitationFacts>> = [
  {},
  { sequence: 2 },
  { mode: "phone" },
  { mode: "video", counterpart: null },
  { placeName: null },
  { method: "CANCEL", cancelReason: "R1" },
  { method: "CANCEL", mode: "phone" },
];

const withoutData = (text: string) => text.replace(/Maria Rossi|Roma|R1/g, "");

describe("invitations in the recipient's language", () => {
  it("keeps the English invitation word for word", () => {
    expect(invitationEmail(facts("en"), "en")).toEqual({
      subject: "Meeting: Thu 3 Dec 2026, 11:00 GMT+2",
      text: "Meeting on Thu 3 Dec 2026, 11:00 GMT+2, Roma, with Maria Rossi.\nThe invitation is attached; your calendar app adds it.\n",
    });
    expect(invitationEmail(facts("en", { method: "CANCEL", mode: "video" }), "en")).toEqual({
      subject: "Cancelled: meeting on Thu 3 Dec 2026, 11:00 GMT+2",
      text: "The meeting on Thu 3 Dec 2026, 11:00 GMT+2 (by video) is cancelled.\n",
    });
    expect(eventWords({ contactName: null, mode: "phone", placeName: null }, "en")).toEqual({
      title: "Meeting with a contact",
      location: "Phone call",
    });
  });

  it("writes every invitation in Greek, with the date in Greek", () => {
    for (const changes of VARIANTS) {
      const email = invitationEmail(facts("el", changes), "el");
      expect(withoutData(`${email.subject}\n${email.text}`), JSON.stringify(changes)).not.toMatch(/[A-Za-z]/);
    }
    expect(invitationEmail(facts("el", { sequence: 1 }), "el").subject).toBe(
      "Η συνάντηση μετακινήθηκε: Πέμ 3 Δεκ 2026, 11:00 Χειμερινή ώρα Ανατολικής Ευρώπης",
    );
  });

  it("writes every invitation in Italian, with the date in Italian", () => {
    for (const changes of VARIANTS) {
      const email = invitationEmail(facts("it", changes), "it");
      expect(withoutData(`${email.subject}\n${email.text}`), JSON.stringify(changes)).not.toMatch(
        /\b(meeting|on|with|the|is|cancelled|moved|by|phone|video|invitation|attached|your|calendar|adds|agreed|place)\b/i,
      );
    }
    expect(invitationEmail(facts("it", { method: "CANCEL" }), "it").subject).toBe(
      "Incontro annullato: gio 3 dic 2026, 11:00 EET",
    );
  });

  it("gives the calendar event a title and location in the recipient's language", () => {
    const event = (locale: Locale, mode: InvitationFacts["mode"]) => ({
      uid: "a1@handoff",
      sequence: 0,
      startMs: Date.parse(START),
      endMs: Date.parse(START) + 3_600_000,
      ...eventWords({ contactName: "Maria Rossi", mode, placeName: "Roma" }, locale),
      description: null,
      geo: null,
      status: "booked" as const,
      organizer: { name: "Alpha", email: "handoff@alpha.test" },
      attendees: [{ name: "Gianni", email: "gianni@alpha.test" }],
      updatedMs: Date.parse(START),
    });
    const greek = invitation(event("el", "video"), "REQUEST").replace(/\r\n /g, "");
    expect(greek).toContain("SUMMARY:Συνάντηση με Maria Rossi");
    expect(greek).toContain("LOCATION:Βιντεοκλήση");
    const italian = invitation(event("it", "in_person"), "REQUEST").replace(/\r\n /g, "");
    expect(italian).toContain("SUMMARY:Incontro con Maria Rossi");
    expect(italian).toContain("LOCATION:Roma");
    expect(eventWords({ contactName: null, mode: "phone", placeName: null }, "it")).toEqual({
      title: "Incontro con una persona senza nome",
      location: "Telefonata",
    });
  });
});
