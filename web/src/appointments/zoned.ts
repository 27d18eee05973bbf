/**
 * Wall-clock dates and times of an instant in an IANA time zone, read from Intl (never computed from
 * offsets), and plain calendar arithmetic on local dates written YYYY-MM-DD.
 */

const readers = new Map<string, Intl.DateTimeFormat>();

function readerFor(zone: string): Intl.DateTimeFormat {
  let reader = readers.get(zone);
  if (!reader) {
    reader = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    readers.set(zone, reader);
  }
  return reader;
}

/** The local date (YYYY-MM-DD) and time (HH:MM) of an instant in a zone. */
export function wallClock(instant: string | number, zone: string): { date: string; time: string } {
  const parts: Record<string, string> = {};
  for (const part of readerFor(zone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A local date `days` later (or earlier), by the calendar: daylight saving plays no part in a date. */
export function addDays(date: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whether a name is a time zone this browser knows. */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Items grouped by a local date they carry, in the order given (which is time order from the server). */
export function byDate<T>(
  items: readonly T[],
  dateOf: (item: T) => string,
): Array<{ date: string; items: T[] }> {
  const groups: Array<{ date: string; items: T[] }> = [];
  for (const item of items) {
    const date = dateOf(item);
    const last = groups[groups.length - 1];
    if (last && last.date === date) last.items.push(item);
    else groups.push({ date, items: [item] });
  }
  return groups;
}

/** A countdown's minutes and seconds, "4:05"; "0:00" once it has run out. */
export function minutesAndSeconds(ms: number): string {
  const rest = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(rest / 60)}:${String(rest % 60).padStart(2, "0")}`;
}
