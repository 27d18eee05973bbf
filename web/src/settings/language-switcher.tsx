/** Switches the console's language; remembered for the signed-in user on the server. */
import { useContext } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api.js";
import { changeLanguage, LANGUAGES, type Language } from "../i18n/index.js";
import { MeContext } from "../shell/me.js";

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const me = useContext(MeContext);

  async function choose(language: Language) {
    await changeLanguage(language);
    if (me) await api.patch(`/api/v1/users/${me.user.id}`, { locale: language });
  }

  return (
    <label className="language">
      <span className="visually-hidden">{t("settings.consoleLanguage")}</span>
      <select value={i18n.language} onChange={(e) => void choose(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
