/** Worker health: who is overloaded (over capacity, slow to answer, overdue piling up) and who is starved. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { HealthSignal } from "../../../src/core/accountability/health.js";
import { api, type WorkerHealthRow } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { LoadBar } from "../workers/worker-list.js";
import { DispatchTabs } from "./tabs.js";

const SORTS = {
  overloaded: (a: WorkerHealthRow, b: WorkerHealthRow) =>
    Number(b.overloaded) - Number(a.overloaded) || Number(b.starved) - Number(a.starved),
  starved: (a: WorkerHealthRow, b: WorkerHealthRow) =>
    Number(b.starved) - Number(a.starved) || Number(b.overloaded) - Number(a.overloaded),
  overdue: (a: WorkerHealthRow, b: WorkerHealthRow) => b.overdue - a.overdue,
  name: () => 0,
} as const;
type Sort = keyof typeof SORTS;

export function HealthPage() {
  const { t } = useTranslation();
  const [sort, setSort] = useState<Sort>("overloaded");
  const health = useQuery({
    queryKey: ["workers", "health"],
    queryFn: () => api.get<{ items: WorkerHealthRow[] }>("/api/v1/workers/health"),
  });
  const rows = [...(health.data?.items ?? [])].sort(
    (a, b) => SORTS[sort](a, b) || a.name.localeCompare(b.name),
  );
  const overloaded = rows.filter((r) => r.overloaded).length;
  const starved = rows.filter((r) => r.starved).length;
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("health.help")}</p>
      {health.error && <ErrorBox error={health.error} />}
      {health.isPending && <p className="loading">{t("common.loading")}</p>}
      {health.data && (
        <div className="field-row">
          <p className="run-summary">{t("health.summary", { overloaded, starved, total: rows.length })}</p>
          <label>
            {t("health.sort")}
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              {(Object.keys(SORTS) as Sort[]).map((key) => (
                <option key={key} value={key}>
                  {t(`health.sorts.${key}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {health.data && (
        <table className="workers health">
          <thead>
            <tr>
              <th scope="col">{t("nouns:worker_cap")}</th>
              <th scope="col">{t("workers.load")}</th>
              <th scope="col" aria-sort={sort === "overloaded" || sort === "starved" ? "descending" : "none"}>
                {t("health.flags")}
              </th>
              <th scope="col">{t("health.signals")}</th>
              <th scope="col">{t("health.medianAnswer")}</th>
              <th scope="col" aria-sort={sort === "overdue" ? "descending" : "none"}>
                {t("health.overdue")}
              </th>
              <th scope="col">{t("health.lastOffer")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <HealthRow key={row.workerId} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HealthRow({ row }: { row: WorkerHealthRow }) {
  const { t } = useTranslation();
  const format = useFormat();
  const explain = useSignalText();
  return (
    <tr className={row.overloaded ? "overloaded" : row.starved ? "starved" : undefined}>
      <td>
        <Link to={`/workers/${row.workerId}`}>{row.name}</Link>
      </td>
      <td>
        <LoadBar load={row.load} capacity={row.capacity} />
      </td>
      <td>
        {row.overloaded && <span className="badge flag-overloaded">{t("health.overloaded")}</span>}
        {row.starved && <span className="badge flag-starved">{t("health.starved")}</span>}
        {!row.overloaded && !row.starved && <span className="muted">{t("health.fine")}</span>}
      </td>
      <td>
        {row.signals.length > 0 ? (
          <ul className="signals">
            {row.signals.map((signal) => (
              <li key={signal}>{explain(signal, row)}</li>
            ))}
          </ul>
        ) : (
          "—"
        )}
      </td>
      <td>
        {row.medianAnswerHours === null
          ? "—"
          : t("health.hours", { hours: format.number(row.medianAnswerHours) })}
      </td>
      <td>{row.overdue}</td>
      <td>
        {row.daysWithoutOffer === 0
          ? t("health.today")
          : t("health.daysAgo", { count: row.daysWithoutOffer })}
      </td>
    </tr>
  );
}

/** Each signal in words, with the figures and the organisation's thresholds behind it. */
function useSignalText() {
  const { t } = useTranslation();
  const format = useFormat();
  const settings = useMe().organisation.settings.accountability;
  return (signal: HealthSignal, row: WorkerHealthRow): string => {
    switch (signal) {
      case "over_capacity":
        return t("health.signal.over_capacity", { load: row.load, capacity: row.capacity });
      case "slow_answers":
        return t("health.signal.slow_answers", {
          hours: format.number(row.medianAnswerHours ?? 0),
          limit: format.number(settings.slowResponseHours),
        });
      case "overdue_pileup":
        return t("health.signal.overdue_pileup", { count: row.overdue });
      case "idle_capacity":
        return t("health.signal.idle_capacity", { count: row.daysWithoutOffer, days: settings.starvedDays });
    }
  };
}
