/** A deadline's time left ("1 d 4 h left") or lateness, counting live; red when it presses. */
import { useTranslation } from "react-i18next";
import type { Deadline } from "../api.js";
import { useFormat } from "../shell/format.js";
import { useNow } from "../shell/now.js";
import { type TimeLeft, timeLeft } from "./time-left.js";

function useDuration() {
  const { t } = useTranslation();
  return (left: TimeLeft) => {
    if (left.days > 0) return t("deadlines.duration.days", { days: left.days, hours: left.hours });
    if (left.hours > 0) return t("deadlines.duration.hours", { hours: left.hours, minutes: left.minutes });
    return t("deadlines.duration.minutes", { minutes: left.minutes, seconds: left.seconds });
  };
}

export function Countdown({ deadline }: { deadline: Pick<Deadline, "dueAt" | "createdAt"> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const left = timeLeft(deadline, useNow());
  const time = duration(left);
  return (
    <time
      className={left.pressing ? "countdown pressing" : "countdown"}
      dateTime={deadline.dueAt}
      title={t("deadlines.dueAt", { due: format.dateTime(deadline.dueAt) })}
    >
      {left.overdue ? t("deadlines.late", { time }) : t("deadlines.left", { time })}
    </time>
  );
}
