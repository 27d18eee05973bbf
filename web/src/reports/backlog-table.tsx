/** The backlog by place: who waits for a worker and for how long, beside the workers there now. */
import { useTranslation } from "react-i18next";
import type { BacklogReport, SupplyReport } from "../../../src/core/reports/schemas.js";
import { countWeight, rowId } from "./filters.js";
import { useFigures } from "./use-figures.js";

type BacklogRow = BacklogReport["rows"][number];
type SupplyRow = SupplyReport["rows"][number];

/** Places with someone waiting, the most waiting first, then the longest wait. */
export function backlogLines(backlog: readonly BacklogRow[], supply: readonly SupplyRow[]) {
  const workers = new Map(supply.map((row) => [rowId(row), row]));
  return backlog
    .filter((row) => countWeight(row.waiting) > 0)
    .map((row) => ({ row, supply: workers.get(rowId(row)) }))
    .sort(
      (a, b) =>
        countWeight(b.row.waiting) - countWeight(a.row.waiting) ||
        (b.row.oldestHours ?? 0) - (a.row.oldestHours ?? 0),
    );
}

export function BacklogTable({ backlog, supply }: { backlog: BacklogRow[]; supply: SupplyRow[] }) {
  const { t } = useTranslation();
  const { count, hours } = useFigures();
  const lines = backlogLines(backlog, supply);
  if (lines.length === 0) return <p className="empty">{t("reports.backlog.none")}</p>;
  return (
    <div className="report-table">
      <table className="workers backlog">
        <thead>
          <tr>
            <th scope="col">{t("reports.by.city")}</th>
            <th scope="col">{t("reports.figures.waiting")}</th>
            <th scope="col">{t("reports.backlog.oldest")}</th>
            <th scope="col">{t("reports.backlog.median")}</th>
            <th scope="col">{t("reports.figures.availableWorkers")}</th>
            <th scope="col">{t("reports.figures.freeCapacity")}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map(({ row, supply: workers }) => (
            <tr key={rowId(row)}>
              <th scope="row">
                {row.key ?? t("reports.unknown")}
                {row.country && <span className="muted"> · {row.country}</span>}
              </th>
              <td>{count(row.waiting)}</td>
              <td>{hours(row.oldestHours)}</td>
              <td>{hours(row.medianHours)}</td>
              <td>{workers ? count(workers.availableWorkers) : 0}</td>
              <td>{workers ? count(workers.freeCapacity) : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
