/** /settings/appointments: how the organisation books meetings: their length, the slot grid, notice, buffers, travel, holds and reminders. */

import { useTranslation } from "react-i18next";
import type { AppointmentSettings } from "../api.js";
import { fieldError } from "../shell/error-box.js";
import { SaveBar } from "../shell/save-bar.js";
import { TextField } from "../shell/text-field.js";
import { SettingsTabs } from "./settings-tabs.js";
import { useSettingsForm } from "./use-settings-form.js";

type NumberKey = {
  [K in keyof AppointmentSettings]: AppointmentSettings[K] extends number ? K : never;
}[keyof AppointmentSettings];

/** The schema's bounds (src/core/appointments/settings.ts), so that the browser stops a number out of range first. */
const BOUNDS: Record<NumberKey, { min: number; max: number; step: number | "any" }> = {
  durationMinutes: { min: 15, max: 480, step: 1 },
  stepMinutes: { min: 5, max: 240, step: 1 },
  minNoticeMinutes: { min: 0, max: 10_080, step: 1 },
  bufferMinutes: { min: 0, max: 240, step: 1 },
  travelKmh: { min: 1, max: 200, step: "any" },
  horizonDays: { min: 1, max: 180, step: 1 },
  holdMinutes: { min: 1, max: 60, step: 1 },
  callbackReminderMinutes: { min: 0, max: 1440, step: 1 },
};
const REMINDER = { min: 5, max: 43_200, most: 5 };

export function AppointmentsPage() {
  const { t } = useTranslation();
  const { form, setForm, save, submit } = useSettingsForm("appointments");

  const field = (key: NumberKey) => (
    <TextField
      key={key}
      label={t(`appointmentSettings.fields.${key}`)}
      hint={t(`appointmentSettings.hints.${key}`)}
      type="number"
      required
      min={BOUNDS[key].min}
      max={BOUNDS[key].max}
      step={BOUNDS[key].step}
      value={form[key]}
      onChange={(e) => setForm({ ...form, [key]: Number(e.target.value) })}
      error={fieldError(save.error, `settings.appointments.${key}`)}
    />
  );
  const setReminders = (reminderMinutes: number[]) => setForm({ ...form, reminderMinutes });
  const remindersError = fieldError(save.error, "settings.appointments.reminderMinutes");

  return (
    <section className="narrow">
      <SettingsTabs />
      <form onSubmit={submit} className="editor card sections" aria-labelledby="appointment-settings-title">
        <h2 id="appointment-settings-title">{t("appointmentSettings.title")}</h2>
        <p className="muted">{t("appointmentSettings.help")}</p>
        <fieldset className="choices">
          <legend>{t("appointmentSettings.meetings")}</legend>
          {field("durationMinutes")}
          {field("stepMinutes")}
          {field("horizonDays")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("appointmentSettings.spacing")}</legend>
          {field("minNoticeMinutes")}
          {field("bufferMinutes")}
          {field("travelKmh")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("appointmentSettings.setters")}</legend>
          {field("holdMinutes")}
          {field("callbackReminderMinutes")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("appointmentSettings.reminders")}</legend>
          <p className="muted small">{t("appointmentSettings.remindersHelp")}</p>
          {form.reminderMinutes.length === 0 && (
            <p className="muted">{t("appointmentSettings.noReminders")}</p>
          )}
          <ul className="time-list">
            {form.reminderMinutes.map((minutes, i) => {
              const error = fieldError(save.error, `settings.appointments.reminderMinutes.${i}`);
              return (
                // Two reminders may be equal while being typed: they have no identity but their place.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <li key={i}>
                  <label className="inline">
                    <span className="visually-hidden">{t("appointmentSettings.reminder", { n: i + 1 })}</span>
                    <input
                      type="number"
                      required
                      min={REMINDER.min}
                      max={REMINDER.max}
                      step={1}
                      aria-invalid={error ? true : undefined}
                      value={minutes}
                      onChange={(e) =>
                        setReminders(
                          form.reminderMinutes.map((x, j) => (j === i ? Number(e.target.value) : x)),
                        )
                      }
                    />
                  </label>
                  <span className="muted">{t("appointmentSettings.minutesBefore")}</span>
                  <button
                    type="button"
                    onClick={() => setReminders(form.reminderMinutes.filter((_, j) => j !== i))}
                  >
                    {t("appointmentSettings.removeReminder", { n: i + 1 })}
                  </button>
                  {error && <small className="field-error">{error}</small>}
                </li>
              );
            })}
          </ul>
          <div className="buttons">
            <button
              type="button"
              disabled={form.reminderMinutes.length >= REMINDER.most}
              onClick={() => setReminders([...form.reminderMinutes, 60])}
            >
              {t("appointmentSettings.addReminder")}
            </button>
          </div>
          {remindersError && <small className="field-error">{remindersError}</small>}
        </fieldset>
        <SaveBar save={save} />
      </form>
    </section>
  );
}
