/** When to call back, as agreed on the phone: a date and time on the person's clock, in their time zone. */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { CallbackRequest } from "../api.js";
import { ZoneField } from "../appointments/zone-field.js";
import { addDays, wallClock } from "../appointments/zoned.js";
import { fieldError } from "../shell/error-box.js";

export interface CallbackDraft {
  date: string;
  time: string;
  timeZone: string;
  note: string;
}

/** Tomorrow at ten, on the person's clock: a sensible first guess to change. */
export function callbackDraft(timeZone: string, now: number): CallbackDraft {
  return { date: addDays(wallClock(now, timeZone).date, 1), time: "10:00", timeZone, note: "" };
}

export function callbackRequest(draft: CallbackDraft): CallbackRequest {
  return {
    at: `${draft.date}T${draft.time}`,
    timeZone: draft.timeZone.trim(),
    ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
  };
}

export function CallbackPicker({
  value,
  onChange,
  error,
}: {
  value: CallbackDraft;
  onChange: (value: CallbackDraft) => void;
  error: unknown;
}) {
  const { t } = useTranslation();
  const id = useId();
  const set = (change: Partial<CallbackDraft>) => onChange({ ...value, ...change });
  const atError = fieldError(error, "callback.at") ?? fieldError(error, "callback");
  const noteError = fieldError(error, "callback.note");
  return (
    <fieldset className="choices callback-picker">
      <legend>{t("call.callbackWhen")}</legend>
      <div className="field-row">
        <label>
          {t("call.callbackDate")}
          <input
            type="date"
            required
            value={value.date}
            aria-invalid={atError ? true : undefined}
            onChange={(e) => set({ date: e.target.value })}
          />
        </label>
        <label>
          {t("call.callbackTime")}
          <input
            type="time"
            required
            value={value.time}
            aria-invalid={atError ? true : undefined}
            onChange={(e) => set({ time: e.target.value })}
          />
        </label>
      </div>
      {atError && <small className="field-error">{atError}</small>}
      <ZoneField
        label={t("call.callbackZone")}
        value={value.timeZone}
        onChange={(timeZone) => set({ timeZone })}
        error={fieldError(error, "callback.timeZone")}
      />
      <div className="field">
        <label htmlFor={`${id}-note`}>{t("call.callbackNote")}</label>
        <input
          id={`${id}-note`}
          maxLength={2000}
          value={value.note}
          onChange={(e) => set({ note: e.target.value })}
        />
        {noteError && <small className="field-error">{noteError}</small>}
      </div>
    </fieldset>
  );
}
