/** Dates, times and numbers in the user's language and time zone, or in another zone when a meeting is read in it. */
import { useTranslation } from "react-i18next";
import { useMe } from "./me.js";

const LOCALE_TAGS: Record<string, string> = { en: "en-GB", it: "it-IT", el: "el-GR" };

export function useFormat() {
  const { i18n } = useTranslation();
  const me = useMe();
  const tag = LOCALE_TAGS[i18n.language] ?? "en-GB";
  const timeZone = me.user.timeZone;
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short", timeZone });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone });
  const number = new Intl.NumberFormat(tag);
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: "auto" });
  const day = new Intl.DateTimeFormat(tag, {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  });
  const zoned = new Map<string, { time: Intl.DateTimeFormat; when: Intl.DateTimeFormat }>();
  const inZone = (zone: string) => {
    let formats = zoned.get(zone);
    if (!formats) {
      formats = {
        time: new Intl.DateTimeFormat(tag, { hour: "2-digit", minute: "2-digit", timeZone: zone }),
        when: new Intl.DateTimeFormat(tag, {
          weekday: "short",
          day: "numeric",
          month: "short",
          hour: "2-digit",
          minute: "2-digit",
          timeZone: zone,
        }),
      };
      zoned.set(zone, formats);
    }
    return formats;
  };
  return {
    /** The user's own time zone. */
    timeZone,
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    date: (iso: string) => date.format(new Date(iso)),
    number: (n: number) => number.format(n),
    /** A local date, YYYY-MM-DD, as a day: "Wednesday 15 May". */
    day: (localDate: string) => day.format(new Date(`${localDate}T12:00:00Z`)),
    /** The time of day in a zone (the user's by default): "10:00". */
    time: (iso: string, zone = timeZone) => inZone(zone).time.format(new Date(iso)),
    /** Day and time in a zone (the user's by default): "Wed 15 May, 10:00". */
    when: (iso: string, zone = timeZone) => inZone(zone).when.format(new Date(iso)),
    /** "3 days ago", "yesterday", "in 2 hours", in the user's language. */
    ago: (iso: string, now = Date.now()) => {
      const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
      if (Math.abs(minutes) < 60) return relative.format(minutes, "minute");
      const hours = Math.round(minutes / 60);
      if (Math.abs(hours) < 24) return relative.format(hours, "hour");
      const days = Math.round(hours / 24);
      if (Math.abs(days) < 60) return relative.format(days, "day");
      return relative.format(Math.round(days / 30), "month");
    },
  };
}
