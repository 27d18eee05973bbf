/** The user's own settings (language, time zone) and, for everyone, the organisation's words. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type User } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { AlertSettingsForm } from "./alert-settings.js";
import { DispatchSettingsForm } from "./dispatch-settings.js";
import { DuplicateSettingsForm } from "./duplicate-settings.js";
import { LanguageSwitcher } from "./language-switcher.js";
import { SettingsTabs } from "./settings-tabs.js";

const ZONES = Intl.supportedValuesOf("timeZone");

export function SettingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [timeZone, setTimeZone] = useState(me.user.timeZone);
  const save = useMutation({
    mutationFn: () => api.patch<User>(`/api/v1/users/${me.user.id}`, { timeZone }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["me"] }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <section className="narrow">
      <SettingsTabs />
      <dl className="facts">
        <dt>{t("settings.name")}</dt>
        <dd>{me.user.name}</dd>
        <dt>{t("settings.email")}</dt>
        <dd>{me.user.email}</dd>
        <dt>{t("settings.role")}</dt>
        <dd>{t(`roles.${me.user.role}`)}</dd>
        <dt>{t("settings.organisation")}</dt>
        <dd>
          {me.organisation.name} ({t(`settings.kind.${me.organisation.kind}`)})
        </dd>
      </dl>
      <div className="field-row">
        <span>{t("settings.language")}</span>
        <LanguageSwitcher />
      </div>
      <form onSubmit={submit} className="field-row">
        <label>
          {t("settings.timeZone")}
          <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {ZONES.map((zone) => (
              <option key={zone}>{zone}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={save.isPending || timeZone === me.user.timeZone}>
          {t("common.save")}
        </button>
      </form>
      {save.error && <ErrorBox error={save.error} />}
      {me.user.role === "admin" && <DispatchSettingsForm />}
      {me.user.role === "admin" && <DuplicateSettingsForm />}
      {me.user.role === "admin" && <AlertSettingsForm />}
      <h2>{t("settings.words")}</h2>
      <p className="muted">{t("settings.wordsHelp")}</p>
      <dl className="facts">
        <dt>{t("settings.nounContact")}</dt>
        <dd>{t("nouns:contact")}</dd>
        <dt>{t("settings.nounWorker")}</dt>
        <dd>{t("nouns:worker")}</dd>
        <dt>{t("settings.nounSetter")}</dt>
        <dd>{t("nouns:setter")}</dd>
      </dl>
    </section>
  );
}
