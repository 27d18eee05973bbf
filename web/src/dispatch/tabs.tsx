/** The dispatch screens: queue, batch plan, coverage gaps, duplicates, the overdue board, worker health. */
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

export function DispatchTabs() {
  const { t } = useTranslation();
  return (
    <div className="list-head">
      <h1>{t("dispatch.title")}</h1>
      <nav className="tabs" aria-label={t("dispatch.title")}>
        <NavLink className="tab" to="/dispatch" end>
          {t("dispatch.queue")}
        </NavLink>
        <NavLink className="tab" to="/dispatch/batch">
          {t("dispatch.batch")}
        </NavLink>
        <NavLink className="tab" to="/dispatch/gaps">
          {t("dispatch.gaps")}
        </NavLink>
        <NavLink className="tab" to="/dispatch/duplicates">
          {t("duplicates.title")}
        </NavLink>
        <NavLink className="tab" to="/dispatch/overdue">
          {t("dispatch.overdue")}
        </NavLink>
        <NavLink className="tab" to="/dispatch/health">
          {t("dispatch.health")}
        </NavLink>
      </nav>
    </div>
  );
}
