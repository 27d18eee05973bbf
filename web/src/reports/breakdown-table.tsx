/** The breakdown as a table: every key of the grouping with its demand and flow figures. */
import { useTranslation } from "react-i18next";
import type { BreakdownRow } from "./breakdown.js";
import type { Grouping } from "./filters.js";
import { useFigures } from "./use-figures.js";

export function BreakdownTable({ by, rows }: { by: Grouping; rows: BreakdownRow[] }) {
  const { t } = useTranslation();
  const { count, percent, hours } = useFigures();
  if (rows.length === 0) return <p className="empty">{t("reports.noData")}</p>;
  const lastYear = rows.some((row) => row.demand?.lastYear !== undefined);
  return (
    <div className="report-table">
      <table className="workers breakdown-table">
        <thead>
          <tr>
            <th scope="col">{t(`reports.by.${by}`)}</th>
            <th scope="col">{t("reports.series.contacts")}</th>
            {lastYear && <th scope="col">{t("reports.series.lastYear")}</th>}
            <th scope="col">{t("reports.figures.unassignable")}</th>
            <th scope="col">{t("reports.series.assigned")}</th>
            <th scope="col">{t("reports.series.accepted")}</th>
            <th scope="col">{t("reports.series.met")}</th>
            <th scope="col">{t("reports.funnel.medianToAssignment")}</th>
            <th scope="col">{t("reports.funnel.meetingRate")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                {row.key ?? t("reports.unknown")}
                {row.country && by !== "country" && <span className="muted"> · {row.country}</span>}
              </th>
              <td>{count(row.demand?.newContacts ?? 0)}</td>
              {lastYear && <td>{row.demand?.lastYear ? count(row.demand.lastYear.newContacts) : "—"}</td>}
              <td>{count(row.demand?.unassignable ?? 0)}</td>
              <td>{count(row.flow?.assigned ?? 0)}</td>
              <td>{count(row.flow?.accepted ?? 0)}</td>
              <td>{count(row.flow?.met ?? 0)}</td>
              <td>{hours(row.flow?.medianHoursToAssignment ?? null)}</td>
              <td>{percent(row.flow?.meetingRate ?? null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
