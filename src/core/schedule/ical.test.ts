import fc from "fast-check";
import ICAL from "ical.js";
import { DateTime } from "luxon";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CalendarAppointment, calendarFeed, invitation } from "./ical.js";

const ROME = "Europe/Rome";

function romeMs(iso: string): number {
  return DateTime.fromISO(iso, { zone: ROME }).toMillis();
}

function appointment(overrides: Partial<CalendarAppointment> = {}): CalendarAppointment {
  return {
    uid: "ap_1@handoff",
    sequence: 0,
    startMs: romeMs("2026-03-27T10:00"),
    endMs: romeMs("2026-03-27T11:00"),
    title: "Meeting with Lucia Verdi",
    description: "First meeting; bring the booklet",
    location: "Caffè Gilli, Piazza della Repubblica",
    geo: { lat: 43.771389, lon: 11.254167 },
    status: "booked",
    organizer: { name: "Marco Rossi", email: "marco@example.org" },
    attendees: [{ name: "Lucia Verdi", email: "lucia@example.com" }],
    updatedMs: Date.UTC(2026, 2, 20, 8, 15, 0),
    ...overrides,
  };
}

/** Parses with Mozilla's parser, which throws on malformed text. */
function calendarOf(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text));
}

function onlyEvent(text: string): { calendar: ICAL.Component; vevent: ICAL.Component; event: ICAL.Event } {
  const calendar = calendarOf(text);
  const vevents = calendar.getAllSubcomponents("vevent");
  expect(vevents).toHaveLength(1);
  const vevent = calendar.getFirstSubcomponent("vevent")!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

function inRome(time: ICAL.Time): DateTime {
  return DateTime.fromJSDate(time.toJSDate(), { zone: ROME });
}

describe("invitation", () => {
  it("writes a REQUEST as one VCALENDAR with one confirmed VEVENT", () => {
    const { calendar, vevent, event } = onlyEvent(invitation(appointment({ sequence: 3 }), "REQUEST"));

    expect(calendar.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(calendar.getFirstPropertyValue("version")).toBe("2.0");
    expect(event.uid).toBe("ap_1@handoff");
    expect(event.sequence).toBe(3);
    expect(vevent.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(event.summary).toBe("Meeting with Lucia Verdi");
    expect(event.description).toBe("First meeting; bring the booklet");
    expect(event.location).toBe("Caffè Gilli, Piazza della Repubblica");
    expect(vevent.getFirstPropertyValue("geo")).toEqual([43.771389, 11.254167]);
    expect(event.startDate.toJSDate().getTime()).toBe(romeMs("2026-03-27T10:00"));
    expect(event.endDate.toJSDate().getTime()).toBe(romeMs("2026-03-27T11:00"));
    const stamp = Date.UTC(2026, 2, 20, 8, 15, 0);
    expect((vevent.getFirstPropertyValue("dtstamp") as ICAL.Time).toJSDate().getTime()).toBe(stamp);
    expect((vevent.getFirstPropertyValue("last-modified") as ICAL.Time).toJSDate().getTime()).toBe(stamp);
  });

  it("names the organizer and every attendee by mailto address, asking attendees to reply", () => {
    const { vevent } = onlyEvent(
      invitation(
        appointment({
          attendees: [
            { name: "Lucia Verdi", email: "lucia@example.com" },
            { name: "Anna Bianchi", email: "anna@example.net" },
          ],
        }),
        "REQUEST",
      ),
    );

    const organizer = vevent.getFirstProperty("organizer")!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe("mailto:marco@example.org");
    expect(organizer.getParameter("cn")).toBe("Marco Rossi");
    const attendees = vevent.getAllProperties("attendee");
    expect(attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
      "mailto:lucia@example.com",
      "mailto:anna@example.net",
    ]);
    expect(attendees.map((a) => a.getParameter("cn"))).toEqual(["Lucia Verdi", "Anna Bianchi"]);
    expect(attendees[0]!.getParameter("rsvp")).toBe("TRUE");
    expect(attendees[0]!.getParameter("partstat")).toBe("NEEDS-ACTION");
  });

  it("cancels with the same UID, the given SEQUENCE and STATUS:CANCELLED", () => {
    const request = onlyEvent(invitation(appointment({ sequence: 1 }), "REQUEST"));
    const cancel = onlyEvent(invitation(appointment({ sequence: 2 }), "CANCEL"));

    expect(cancel.calendar.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(cancel.event.uid).toBe(request.event.uid);
    expect(cancel.event.sequence).toBe(2);
    expect(cancel.vevent.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(cancel.vevent.getFirstPropertyValue("transp")).toBe("TRANSPARENT");
    expect(cancel.vevent.getAllProperties("attendee")).toHaveLength(1);
    expect(cancel.vevent.getFirstProperty("attendee")!.getParameter("rsvp")).toBe("FALSE");
  });

  it("leaves out description, location and geo when there are none", () => {
    const { vevent } = onlyEvent(
      invitation(appointment({ description: null, location: null, geo: null }), "REQUEST"),
    );

    expect(vevent.hasProperty("description")).toBe(false);
    expect(vevent.hasProperty("location")).toBe(false);
    expect(vevent.hasProperty("geo")).toBe(false);
  });

  describe("time", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("writes every instant in UTC, ending in Z", () => {
      const text = invitation(appointment(), "REQUEST");
      const { event } = onlyEvent(text);

      expect(text).toMatch(/\r\nDTSTART:20260327T090000Z\r\n/);
      expect(text).toMatch(/\r\nDTEND:20260327T100000Z\r\n/);
      expect(text).toMatch(/\r\nDTSTAMP:20260320T081500Z\r\n/);
      expect(event.startDate.zone).toBe(ICAL.Timezone.utcTimezone);
    });

    it("gives the same text whatever the clock says", () => {
      vi.useFakeTimers();
      vi.setSystemTime(Date.UTC(2020, 0, 1));
      const before = invitation(appointment(), "REQUEST");
      vi.setSystemTime(Date.UTC(2031, 5, 6));

      expect(invitation(appointment(), "REQUEST")).toBe(before);
    });
  });

  describe("the right times in the right zones", () => {
    it.each([
      ["before the spring change (UTC+1)", "2026-03-27", "2026-03-27T09:00:00.000Z"],
      ["after the spring change (UTC+2)", "2026-03-30", "2026-03-30T08:00:00.000Z"],
    ])("shows 10:00-11:00 in Rome as 10:00-11:00 in Rome %s", (_, day, utcStart) => {
      const start = romeMs(`${day}T10:00`);
      const { event } = onlyEvent(
        invitation(appointment({ startMs: start, endMs: romeMs(`${day}T11:00`) }), "REQUEST"),
      );

      expect(event.startDate.toJSDate().toISOString()).toBe(utcStart);
      expect(inRome(event.startDate).toFormat("yyyy-MM-dd HH:mm")).toBe(`${day} 10:00`);
      expect(inRome(event.endDate).toFormat("yyyy-MM-dd HH:mm")).toBe(`${day} 11:00`);
    });

    it("keeps a meeting across the autumn change three real hours long", () => {
      // 25 October 2026: Rome's clocks go back from 03:00 to 02:00, so 01:30-03:30 lasts 3 hours.
      const start = romeMs("2026-10-25T01:30");
      const end = romeMs("2026-10-25T03:30");
      expect(end - start).toBe(3 * 3_600_000);

      const { event } = onlyEvent(invitation(appointment({ startMs: start, endMs: end }), "REQUEST"));

      expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).toBe(3 * 3_600_000);
      expect(inRome(event.startDate).toFormat("yyyy-MM-dd HH:mm ZZ")).toBe("2026-10-25 01:30 +02:00");
      expect(inRome(event.endDate).toFormat("yyyy-MM-dd HH:mm ZZ")).toBe("2026-10-25 03:30 +01:00");
    });
  });

  describe("text", () => {
    const octets = (line: string) => Buffer.byteLength(line, "utf8");

    it("ends every line with CRLF and folds it at 75 octets, even when accented", () => {
      const text = invitation(
        appointment({
          title: `Incontro con Niccolò Bevilacqua — ${"è".repeat(80)} 😀😀😀`,
          description: "Prima riga\nseconda riga, più lunga ".repeat(6),
        }),
        "REQUEST",
      );

      expect(text.endsWith("\r\n")).toBe(true);
      expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
      const lines = text.split("\r\n").slice(0, -1);
      expect(lines.filter((line) => line.startsWith(" ")).length).toBeGreaterThan(3);
      for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
      expect(onlyEvent(text).event.summary).toBe(
        `Incontro con Niccolò Bevilacqua — ${"è".repeat(80)} 😀😀😀`,
      );
    });

    it("gives back any printable title, place, description and names as written", () => {
      const printable = fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 });
      // A name sits in CN="...": no DQUOTE there, and ^ is RFC 6868's escape character.
      const name = printable.filter((s) => !/["^]/.test(s));
      fc.assert(
        fc.property(
          printable,
          printable,
          printable,
          name,
          name,
          (title, location, description, who, with_) => {
            const { vevent, event } = onlyEvent(
              invitation(
                appointment({
                  title,
                  location,
                  description,
                  organizer: { name: who, email: "o@example.org" },
                  attendees: [{ name: with_, email: "a@example.org" }],
                }),
                "REQUEST",
              ),
            );

            expect(event.summary).toBe(title);
            expect(event.location).toBe(location);
            expect(event.description).toBe(description);
            expect(vevent.getFirstProperty("organizer")!.getParameter("cn")).toBe(who);
            expect(vevent.getFirstProperty("attendee")!.getParameter("cn")).toBe(with_);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("keeps line breaks in the description and turns control characters into spaces", () => {
      const { event } = onlyEvent(
        invitation(appointment({ description: "one\r\ntwo\rthree\u0007four" }), "REQUEST"),
      );

      expect(event.description).toBe("one\ntwo\nthree four");
    });

    it("writes a double quote in a name as a single one, which a parameter can hold", () => {
      const { vevent } = onlyEvent(
        invitation(
          appointment({ organizer: { name: 'Roberto "Bob" Neri', email: "bob@example.org" } }),
          "REQUEST",
        ),
      );

      expect(vevent.getFirstProperty("organizer")!.getParameter("cn")).toBe("Roberto 'Bob' Neri");
    });

    it("writes a coordinate as a plain decimal, never with an exponent", () => {
      const text = invitation(appointment({ geo: { lat: 0.0000001, lon: -0.0000042 } }), "REQUEST");

      expect(text).toMatch(/\r\nGEO:0;-0\.000004\r\n/);
    });
  });

  it("throws on input that ics refuses, as that is a bug upstream", () => {
    expect(() =>
      invitation(appointment({ organizer: { name: "Marco", email: "not an address" } }), "REQUEST"),
    ).toThrow(/organizer\.email/);
  });
});

describe("calendarFeed", () => {
  const appointments = [
    appointment({ uid: "ap_1@handoff", title: "Meeting with Lucia Verdi" }),
    appointment({
      uid: "ap_2@handoff",
      sequence: 4,
      title: "Meeting with Anna Bianchi",
      status: "cancelled",
      startMs: romeMs("2026-03-30T10:00"),
      endMs: romeMs("2026-03-30T11:00"),
    }),
    appointment({ uid: "ap_3@handoff", title: "Meeting with Paolo Neri", location: null, geo: null }),
  ];

  it("publishes every appointment as its own VEVENT under the calendar's name", () => {
    const calendar = calendarOf(calendarFeed("Marco Rossi — Handoff", appointments));

    expect(calendar.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe("Marco Rossi — Handoff");
    const events = calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
    expect(events.map((event) => event.uid)).toEqual(["ap_1@handoff", "ap_2@handoff", "ap_3@handoff"]);
    expect(events.map((event) => event.summary)).toEqual(appointments.map((a) => a.title));
    expect(events.map((event) => event.startDate.toJSDate().getTime())).toEqual(
      appointments.map((a) => a.startMs),
    );
  });

  it("keeps a cancelled appointment, marked STATUS:CANCELLED with its SEQUENCE", () => {
    const calendar = calendarOf(calendarFeed("Marco", appointments));
    const vevents = calendar.getAllSubcomponents("vevent");

    expect(vevents.map((vevent) => vevent.getFirstPropertyValue("status"))).toEqual([
      "CONFIRMED",
      "CANCELLED",
      "CONFIRMED",
    ]);
    expect(vevents[1]!.getFirstPropertyValue("sequence")).toBe(4);
  });

  it("names the organizer but lists no attendees, as PUBLISH requires", () => {
    const text = calendarFeed("Marco", appointments);
    const vevents = calendarOf(text).getAllSubcomponents("vevent");

    for (const vevent of vevents) {
      expect(String(vevent.getFirstPropertyValue("organizer")).toLowerCase()).toBe(
        "mailto:marco@example.org",
      );
      expect(vevent.hasProperty("attendee")).toBe(false);
    }
    expect(text).not.toContain("lucia@example.com");
  });

  it("publishes an empty calendar when there are no appointments", () => {
    const calendar = calendarOf(calendarFeed("Marco", []));

    expect(calendar.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(calendar.getAllSubcomponents("vevent")).toEqual([]);
  });
});
