/** The stages as a table: how many are in each now, and how long a stay lasts (median, 90th percentile). */
import { useTranslation } from "react-i18next";
import type { StagesReport } from "../../../src/core/reports/stages.js";
import { useFigures } from "./use-figures.js";

type Stage = StagesReport["totals"][number];

/** The stages as a table, for reading the figures exactly. */
export function StagesTable({ totals }: { totals: Stage[] }) {
  const { t } = useTranslation();
  const { count, hours } = useFigures();
  return (
    <div className="report-table">
      <table className="workers stages">
        <thead>
          <tr>
            <th scope="col">{t("reports.stages.stage")}</th>
            <th scope="col">{t("reports.stages.now")}</th>
            <th scope="col">{t("reports.stages.median")}</th>
            <th scope="col">{t("reports.stages.p90")}</th>
            <th scope="col">{t("reports.stages.stays")}</th>
          </tr>
        </thead>
        <tbody>
          {totals.map((s) => (
            <tr key={s.stage} data-stage={s.stage}>
              <th scope="row">{t(`status.${s.stage}`, { defaultValue: s.stage })}</th>
              <td>{count(s.now)}</td>
              <td>{hours(s.medianHours)}</td>
              <td>{hours(s.p90Hours)}</td>
              <td>{count(s.stays)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
