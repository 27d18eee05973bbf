/**
 * Appointments as iCalendar text: an iTIP invitation or cancellation to mail, and a feed to subscribe to.
 * Written with `ics`; every instant in UTC, so each calendar shows it in its viewer's own zone.
 */

import { createEvents, type EventAttributes } from "ics";

export interface CalendarAppointment {
  /** Stable for the appointment's life, e.g. "<appointment id>@handoff". */
  uid: string;
  /** Raised on every change; a calendar ignores a message older than what it holds. */
  sequence: number;
  /** UTC epoch milliseconds; iCalendar keeps whole seconds. */
  startMs: number;
  endMs: number;
  /** e.g. "Meeting with Lucia Verdi". */
  title: string;
  description: string | null;
  /** The place's name. */
  location: string | null;
  geo: { lat: number; lon: number } | null;
  status: "booked" | "cancelled";
  organizer: { name: string; email: string };
  attendees: Array<{ name: string; email: string }>;
  /** DTSTAMP and LAST-MODIFIED. */
  updatedMs: number;
}

const PRODUCT_ID = "-//Handoff//Handoff//EN";

/**
 * One VCALENDAR with one VEVENT, to attach to an e-mail as `text/calendar; method=...`.
 * A CANCEL keeps the UID and carries STATUS:CANCELLED, so the calendar removes the event it already has.
 */
export function invitation(appointment: CalendarAppointment, method: "REQUEST" | "CANCEL"): string {
  const event = eventAttributes(appointment, {
    status: method === "CANCEL" ? "cancelled" : appointment.status,
    attendees: "invited",
  });
  return generated(createEvents([event], { productId: PRODUCT_ID, method }));
}

/**
 * A calendar to subscribe to by URL (Google, Apple, Outlook): METHOD:PUBLISH, named by X-WR-CALNAME,
 * cancelled appointments kept with STATUS:CANCELLED so a subscriber's copy disappears too.
 * No ATTENDEE lines: RFC 5546 forbids them in PUBLISH, and the feed then carries no guest's e-mail.
 */
export function calendarFeed(name: string, appointments: readonly CalendarAppointment[]): string {
  const events = appointments.map((appointment) =>
    eventAttributes(appointment, { status: appointment.status, attendees: "none" }),
  );
  return generated(
    createEvents(events, { productId: PRODUCT_ID, method: "PUBLISH", calName: plainText(name) }),
  );
}

/**
 * `ics` accepts `timestamp` (DTSTAMP) but its types omit it; without it DTSTAMP would be the clock's
 * time, and the same appointment would give different text on every call.
 */
type StampedEvent = EventAttributes & { timestamp: number };

function eventAttributes(
  appointment: CalendarAppointment,
  options: { status: CalendarAppointment["status"]; attendees: "invited" | "none" },
): StampedEvent {
  const cancelled = options.status === "cancelled";
  const event: StampedEvent = {
    uid: appointment.uid,
    sequence: appointment.sequence,
    timestamp: appointment.updatedMs,
    lastModified: appointment.updatedMs,
    start: appointment.startMs,
    end: appointment.endMs,
    startInputType: "utc",
    startOutputType: "utc",
    endInputType: "utc",
    endOutputType: "utc",
    title: plainText(appointment.title),
    status: cancelled ? "CANCELLED" : "CONFIRMED",
    // A cancelled meeting should not block anyone's free/busy time.
    transp: cancelled ? "TRANSPARENT" : "OPAQUE",
    organizer: { name: paramText(appointment.organizer.name), email: appointment.organizer.email },
  };
  if (appointment.description !== null) event.description = plainText(appointment.description);
  if (appointment.location !== null) event.location = plainText(appointment.location);
  if (appointment.geo !== null) {
    event.geo = { lat: coordinate(appointment.geo.lat), lon: coordinate(appointment.geo.lon) };
  }
  if (options.attendees === "invited") {
    event.attendees = appointment.attendees.map((attendee) => ({
      name: paramText(attendee.name),
      email: attendee.email,
      role: "REQ-PARTICIPANT",
      partstat: "NEEDS-ACTION",
      rsvp: !cancelled,
    }));
  }
  return event;
}

/** An `ics` error means we handed it something our own types should have ruled out: a bug. */
function generated(result: { error: unknown; value: string | null }): string {
  if (result.error || result.value === null) {
    const reason = (result.error as { message?: unknown } | null)?.message;
    throw new Error(`ics could not write the calendar: ${String(reason ?? "no value")}`);
  }
  return foldedByOctets(result.value);
}

/**
 * `ics` escapes \ ; , and newlines in text, but lets a lone CR and other control characters
 * through, which would break the line structure or are not allowed in TEXT.
 */
function plainText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ");
}

/**
 * A name in CN="..." (and the calendar name): `ics` writes a DQUOTE as \" which RFC 5545 does not
 * allow, and parsers cut the name there; nor may a parameter hold a line break.
 */
function paramText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").replaceAll('"', "'");
}

/** Six decimals (about 10 cm), which also keeps JavaScript from writing a tiny value as "1e-7". */
function coordinate(degrees: number): number {
  return Number(degrees.toFixed(6));
}

/**
 * RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and one space, never splitting a
 * UTF-8 sequence. `ics` folds at 75 characters, which is longer for any accented name.
 */
function foldedByOctets(ics: string): string {
  const lines = ics.replace(/\r\n[ \t]/g, "").split("\r\n");
  return lines.map(foldedLine).join("\r\n");
}

function foldedLine(line: string): string {
  const parts: string[] = [];
  let part = "";
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char);
    const limit = parts.length === 0 ? 75 : 74; // a continuation line starts with its space
    if (octets + size > limit) {
      parts.push(part);
      part = "";
      octets = 0;
    }
    part += char;
    octets += size;
  }
  parts.push(part);
  return parts.join("\r\n ");
}

function utf8Octets(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3;
  return 4;
}
