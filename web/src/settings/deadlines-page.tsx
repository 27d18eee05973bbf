/** /settings/deadlines: how long each stage may take, when dispatchers hear of a late one, and the health flags. */

import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountabilitySettings } from "../api.js";
import { fieldError } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { SaveBar } from "../shell/save-bar.js";
import { TextField } from "../shell/text-field.js";
import { SettingsTabs } from "./settings-tabs.js";
import { useSettingsForm } from "./use-settings-form.js";

type NumberKey = {
  [K in keyof AccountabilitySettings]: AccountabilitySettings[K] extends number | null ? K : never;
}[keyof AccountabilitySettings];

/** The schema's bounds: hours from a quarter of an hour to 90 days, days from half a day to a year. */
const BOUNDS = { hours: { min: 0.25, max: 24 * 90 }, days: { min: 0.5, max: 365 } } as const;
const UNIT: Record<NumberKey, keyof typeof BOUNDS> = {
  acceptHours: "hours",
  firstAttemptHours: "hours",
  firstMeetingDays: "days",
  defaultUpdateEveryDays: "days",
  updateRequestHours: "hours",
  escalateAfterHours: "hours",
  takeBackAfterHours: "hours",
  starvedDays: "days",
  slowResponseHours: "hours",
};

export function DeadlinesPage() {
  const { t } = useTranslation();
  const { form, setForm, save, submit } = useSettingsForm("accountability");

  const field = (key: NumberKey, nullable = false) => (
    <NumberSetting
      name={key}
      nullable={nullable}
      value={form[key]}
      onChange={(value) => setForm({ ...form, [key]: value })}
      error={fieldError(save.error, `settings.accountability.${key}`)}
    />
  );

  return (
    <section className="narrow">
      <SettingsTabs />
      <form onSubmit={submit} className="editor card sections" aria-labelledby="deadlines-settings-title">
        <h2 id="deadlines-settings-title">{t("deadlineSettings.title")}</h2>
        <p className="muted">{t("deadlineSettings.help")}</p>
        <fieldset className="choices">
          <legend>{t("deadlineSettings.offers")}</legend>
          {field("acceptHours")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("deadlineSettings.afterAccepting")}</legend>
          {field("firstAttemptHours", true)}
          {field("firstMeetingDays", true)}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("deadlineSettings.updates")}</legend>
          {field("defaultUpdateEveryDays", true)}
          <StepUpdates
            value={form.updateEveryDays}
            fallback={form.defaultUpdateEveryDays}
            onChange={(updateEveryDays) => setForm({ ...form, updateEveryDays })}
            error={(step) => fieldError(save.error, `settings.accountability.updateEveryDays.${step}`)}
          />
          {field("updateRequestHours")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("deadlineSettings.late")}</legend>
          {field("escalateAfterHours")}
          <label className="choice">
            <input
              type="checkbox"
              checked={form.takeBack}
              onChange={(e) => setForm({ ...form, takeBack: e.target.checked })}
            />
            <span className="choice-text">
              <strong>{t("deadlineSettings.takeBack")}</strong>
              <small className="muted">{t("deadlineSettings.takeBackHelp")}</small>
            </span>
          </label>
          {form.takeBack && field("takeBackAfterHours")}
        </fieldset>
        <fieldset className="choices">
          <legend>{t("deadlineSettings.health")}</legend>
          {field("starvedDays")}
          {field("slowResponseHours")}
        </fieldset>
        <SaveBar save={save} />
      </form>
    </section>
  );
}

/** A number of hours or days; when `nullable`, a box to say there is no such deadline at all. */
function NumberSetting({
  name,
  nullable,
  value,
  onChange,
  error,
}: {
  name: NumberKey;
  nullable: boolean;
  value: number | null;
  onChange: (value: number | null) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const [last, setLast] = useState(value ?? 1);
  const bounds = BOUNDS[UNIT[name]];
  return (
    <div className="setting">
      <TextField
        label={t(`deadlineSettings.fields.${name}`)}
        hint={t(`deadlineSettings.hints.${name}`)}
        type="number"
        step="any"
        min={bounds.min}
        max={bounds.max}
        required
        disabled={value === null}
        value={value ?? last}
        onChange={(e) => {
          setLast(Number(e.target.value));
          onChange(Number(e.target.value));
        }}
        error={error}
      />
      {nullable && (
        <label className="choice">
          <input
            type="checkbox"
            checked={value === null}
            onChange={(e) => onChange(e.target.checked ? null : last)}
          />
          <span className="choice-text">{t(`deadlineSettings.none.${name}`)}</span>
        </label>
      )}
    </div>
  );
}

type StepMode = "default" | "every" | "none";

/** Per progress step: the default interval, an interval of its own, or no updates at all. */
function StepUpdates({
  value,
  fallback,
  onChange,
  error,
}: {
  value: Record<string, number | null>;
  fallback: number | null;
  onChange: (value: Record<string, number | null>) => void;
  error: (step: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const steps = useMe().organisation.progressSteps;
  const set = (step: string, days: number | null | undefined) => {
    const { [step]: _old, ...rest } = value;
    onChange(days === undefined ? rest : { ...rest, [step]: days });
  };
  return (
    <div className="step-updates">
      <p className="muted small">{t("deadlineSettings.perStep")}</p>
      <div className="setting-rows">
        {steps.map((step) => {
          const own = value[step];
          const mode: StepMode = own === undefined ? "default" : own === null ? "none" : "every";
          const name = t(`progress.${step}`, { defaultValue: step });
          const problem = error(step);
          return (
            <div key={step} className="setting-row">
              <span aria-hidden="true">{name}</span>
              <span className="setting-controls">
                <select
                  aria-label={t("deadlineSettings.stepMode", { step: name })}
                  value={mode}
                  onChange={(e) => {
                    const next = e.target.value as StepMode;
                    set(step, next === "default" ? undefined : next === "none" ? null : (fallback ?? 7));
                  }}
                >
                  <option value="default">
                    {fallback === null
                      ? t("deadlineSettings.stepDefaultNone")
                      : t("deadlineSettings.stepDefault", { days: fallback })}
                  </option>
                  <option value="every">{t("deadlineSettings.stepEvery")}</option>
                  <option value="none">{t("deadlineSettings.stepNone")}</option>
                </select>
                {mode === "every" && (
                  <input
                    type="number"
                    step="any"
                    min={BOUNDS.days.min}
                    max={BOUNDS.days.max}
                    required
                    aria-label={t("deadlineSettings.stepDays", { step: name })}
                    aria-invalid={problem ? true : undefined}
                    value={own ?? ""}
                    onChange={(e) => set(step, Number(e.target.value))}
                  />
                )}
              </span>
              {problem && <small className="field-error">{problem}</small>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
