/** The organisation's dispatch mode and the weights of the model, edited by its admins. */
import { useTranslation } from "react-i18next";
import type { DispatchSettings } from "../../../src/core/model.js";
import { ErrorBox } from "../shell/error-box.js";
import { useSettingsForm } from "./use-settings-form.js";

const MODES = ["manual", "suggest", "auto", "batch"] as const;

export function DispatchSettingsForm() {
  const { t } = useTranslation();
  const { form, setForm, save, submit } = useSettingsForm("dispatch");
  const weight = (key: keyof DispatchSettings["weights"]) => (
    <label>
      {t(`settings.weights.${key}`)}
      <input
        type="number"
        min={0}
        step="any"
        value={form.weights[key]}
        onChange={(e) => setForm({ ...form, weights: { ...form.weights, [key]: Number(e.target.value) } })}
      />
    </label>
  );
  return (
    <form onSubmit={submit} className="editor card">
      <h2>{t("settings.dispatch")}</h2>
      <label>
        {t("settings.mode")}
        <select
          value={form.mode}
          onChange={(e) => setForm({ ...form, mode: e.target.value as DispatchSettings["mode"] })}
        >
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`settings.modes.${m}`)}
            </option>
          ))}
        </select>
      </label>
      {form.mode === "batch" && (
        <label>
          {t("settings.batchEveryMinutes")}
          <input
            type="number"
            min={5}
            max={1440}
            value={form.batchEveryMinutes}
            onChange={(e) => setForm({ ...form, batchEveryMinutes: Number(e.target.value) })}
          />
        </label>
      )}
      <label className="chip">
        <input
          type="checkbox"
          checked={form.sameGenderDefault}
          onChange={(e) => setForm({ ...form, sameGenderDefault: e.target.checked })}
        />
        {t("settings.sameGender")}
      </label>
      {weight("distancePerKm")}
      {weight("trust")}
      {weight("load")}
      {save.error && <ErrorBox error={save.error} />}
      {save.isSuccess && <p className="muted">{t("settings.saved")}</p>}
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t("common.save")}
        </button>
      </div>
    </form>
  );
}
