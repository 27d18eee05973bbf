/** The threshold of contacts per available worker above which a place alerts the dispatchers. */
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../shell/error-box.js";
import { useSettingsForm } from "./use-settings-form.js";

export function AlertSettingsForm() {
  const { t } = useTranslation();
  const { form, setForm, save, submit } = useSettingsForm("alerts");
  return (
    <form onSubmit={submit} className="editor card" aria-labelledby="alert-settings-title">
      <h2 id="alert-settings-title">{t("settings.alerts.title")}</h2>
      <p className="muted">{t("settings.alerts.help")}</p>
      <label className="chip">
        <input
          type="checkbox"
          checked={form.contactsPerWorker !== null}
          onChange={(e) => setForm({ ...form, contactsPerWorker: e.target.checked ? 10 : null })}
        />
        {t("settings.alerts.on")}
      </label>
      {form.contactsPerWorker !== null && (
        <>
          <label>
            {t("settings.alerts.threshold")}
            <input
              type="number"
              min={0.1}
              step="any"
              value={form.contactsPerWorker}
              onChange={(e) => setForm({ ...form, contactsPerWorker: Number(e.target.value) })}
            />
          </label>
          <label>
            {t("settings.alerts.windowDays")}
            <input
              type="number"
              min={1}
              max={365}
              step={1}
              value={form.windowDays}
              onChange={(e) => setForm({ ...form, windowDays: Number(e.target.value) })}
            />
          </label>
        </>
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
