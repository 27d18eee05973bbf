/** Dates, times and numbers in the user's language and time zone. */
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
  return {
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    date: (iso: string) => date.format(new Date(iso)),
    number: (n: number) => number.format(n),
    /** "3 days ago", "yesterday", in the user's language. */
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
