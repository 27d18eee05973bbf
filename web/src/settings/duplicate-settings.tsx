/** When an arriving contact is linked to a likely duplicate for review, and when it is merged at once. */
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../shell/error-box.js";
import { useSettingsForm } from "./use-settings-form.js";

/** Certainties are edited as percentages, which people read more easily than fractions. */
const percent = (value: number) => Math.round(value * 1000) / 10;

export function DuplicateSettingsForm() {
  const { t } = useTranslation();
  const { form, setForm, save, submit } = useSettingsForm("duplicates");
  return (
    <form onSubmit={submit} className="editor card">
      <h2>{t("settings.duplicates.title")}</h2>
      <p className="muted">{t("settings.duplicates.help")}</p>
      <label>
        {t("settings.duplicates.reviewAbove")}
        <input
          type="number"
          min={0}
          max={100}
          step="any"
          value={percent(form.reviewAbove)}
          onChange={(e) => setForm({ ...form, reviewAbove: Number(e.target.value) / 100 })}
        />
      </label>
      <label className="chip">
        <input
          type="checkbox"
          checked={form.autoMergeAbove !== null}
          onChange={(e) => setForm({ ...form, autoMergeAbove: e.target.checked ? 0.99 : null })}
        />
        {t("settings.duplicates.autoMerge")}
      </label>
      {form.autoMergeAbove !== null && (
        <label>
          {t("settings.duplicates.autoMergeAbove")}
          <input
            type="number"
            min={0}
            max={100}
            step="any"
            value={percent(form.autoMergeAbove)}
            onChange={(e) => setForm({ ...form, autoMergeAbove: Number(e.target.value) / 100 })}
          />
        </label>
      )}
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
