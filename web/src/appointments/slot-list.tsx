/** Free slots as buttons, by day in the worker's time zone, with the time in the user's own zone beside. */
import { useTranslation } from "react-i18next";
import { useFormat } from "../shell/format.js";
import { byDate, wallClock } from "./zoned.js";

export interface SlotView {
  start: string;
  end: string;
}

export function SlotList({
  slots,
  zone,
  worker,
  picked,
  disabled,
  onPick,
}: {
  slots: readonly SlotView[];
  /** The worker's time zone: the one the slots are read in. */
  zone: string;
  worker: string;
  /** The start of the slot chosen, if one of these. */
  picked: string | null;
  disabled?: boolean;
  onPick: (slot: SlotView) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const elsewhere = zone !== format.timeZone;
  const days = byDate(slots, (slot) => wallClock(slot.start, zone).date);
  return (
    <div className="slot-days">
      {days.map((day) => (
        <div key={day.date} className="slot-day">
          <h4>{format.day(day.date)}</h4>
          <ul className="slots">
            {day.items.map((slot) => {
              const on = picked === slot.start;
              const mine = elsewhere ? format.time(slot.start) : null;
              return (
                <li key={slot.start}>
                  <button
                    type="button"
                    className={on ? "slot on" : "slot"}
                    aria-pressed={on}
                    disabled={disabled}
                    aria-label={t("slots.pick", { when: format.when(slot.start, zone), worker })}
                    onClick={() => onPick(slot)}
                  >
                    <span>{format.time(slot.start, zone)}</span>
                    {mine && <small>{t("slots.yourTime", { time: mine })}</small>}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}
