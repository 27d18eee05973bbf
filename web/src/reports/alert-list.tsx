/** Demand alerts, for dispatchers and admins: places whose contacts per available worker crossed the threshold. */
import { useTranslation } from "react-i18next";
import type { DemandAlerts } from "../../../src/core/reports/alerts.js";
import { useFormat } from "../shell/format.js";
import { useFigures } from "./use-figures.js";

export function AlertList({ alerts }: { alerts: DemandAlerts }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const format = useFormat();
  if (alerts.threshold === null) return <p className="muted">{t("reports.alerts.off")}</p>;
  // The hardest pressed first: no worker at all, then the most contacts per worker.
  const open = alerts.items
    .filter((a) => a.clearedAt === null)
    .sort(
      (a, b) =>
        (b.contactsPerWorker ?? Number.POSITIVE_INFINITY) -
          (a.contactsPerWorker ?? Number.POSITIVE_INFINITY) || b.contacts - a.contacts,
    );
  const past = alerts.items.filter((a) => a.clearedAt !== null);
  const line = (a: DemandAlerts["items"][number]) => (
    <li key={a.id} data-alert={a.placeName ?? ""} className={a.clearedAt ? "cleared" : "open"}>
      <strong>
        {a.placeName ?? t("reports.unknown")}
        {a.country && <span className="muted"> · {a.country}</span>}
      </strong>{" "}
      {a.contactsPerWorker === null
        ? t("reports.alerts.noWorker", { contacts: count(a.contacts) })
        : t("reports.alerts.ratio", {
            ratio: count(a.contactsPerWorker),
            contacts: count(a.contacts),
            workers: count(a.availableWorkers),
          })}{" "}
      <span className="muted">
        {a.clearedAt
          ? t("reports.alerts.cleared", {
              raised: format.dateTime(a.raisedAt),
              cleared: format.dateTime(a.clearedAt),
            })
          : t("reports.alerts.since", { raised: format.dateTime(a.raisedAt) })}
      </span>
    </li>
  );
  return (
    <>
      <p className="muted small">
        {t("reports.alerts.threshold", { threshold: count(alerts.threshold), days: alerts.windowDays })}
      </p>
      {open.length === 0 ? (
        <p className="empty">{t("reports.alerts.none")}</p>
      ) : (
        <div className="alerts-scroll">
          <ul className="alerts open">{open.map(line)}</ul>
        </div>
      )}
      {past.length > 0 && (
        <details>
          <summary>{t("reports.alerts.past", { count: past.length })}</summary>
          <div className="alerts-scroll">
            <ul className="alerts past">{past.map(line)}</ul>
          </div>
        </details>
      )}
    </>
  );
}
