/** The settings screens: everyone's own; for admins the integrations, users, deadlines, appointments, scripts, security and the audit log; for dispatchers the scripts. */
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { useMe } from "../shell/me.js";

export function SettingsTabs() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="list-head">
      <h1>{t("settings.title")}</h1>
      {me.user.role === "dispatcher" && (
        <nav className="tabs" aria-label={t("settings.title")}>
          <NavLink className="tab" to="/settings" end>
            {t("settings.general")}
          </NavLink>
          <NavLink className="tab" to="/settings/scripts">
            {t("scripts.tab")}
          </NavLink>
        </nav>
      )}
      {me.user.role === "admin" && (
        <nav className="tabs" aria-label={t("settings.title")}>
          <NavLink className="tab" to="/settings" end>
            {t("settings.general")}
          </NavLink>
          <NavLink className="tab" to="/settings/api-keys">
            {t("apiKeys.title")}
          </NavLink>
          <NavLink className="tab" to="/settings/intake">
            {t("intake.title")}
          </NavLink>
          <NavLink className="tab" to="/settings/webhooks">
            {t("webhooks.title")}
          </NavLink>
          <NavLink className="tab" to="/settings/users">
            {t("users.title")}
          </NavLink>
          <NavLink className="tab" to="/settings/deadlines">
            {t("deadlineSettings.tab")}
          </NavLink>
          <NavLink className="tab" to="/settings/appointments">
            {t("appointmentSettings.tab")}
          </NavLink>
          <NavLink className="tab" to="/settings/scripts">
            {t("scripts.tab")}
          </NavLink>
          <NavLink className="tab" to="/settings/security">
            {t("security.title")}
          </NavLink>
          <NavLink className="tab" to="/settings/audit">
            {t("audit.title")}
          </NavLink>
        </nav>
      )}
    </div>
  );
}
