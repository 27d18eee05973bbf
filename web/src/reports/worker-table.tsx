/**
 * For dispatchers and admins: each worker with what they hold against their capacity, a sparkline of the
 * weeks, the way it went, their health flags; and who improves and who slips. A marketer sees none of it.
 */
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { WorkersReport } from "../../../src/core/reports/workers.js";
import { useFigures } from "./use-figures.js";

type Worker = WorkersReport["workers"][number];
type Change = WorkersReport["improvers"][number];

const ARROWS = { up: "↑", down: "↓", flat: "→" } as const;

/** A worker's weeks as a tiny line, drawn with SVG attributes (the CSP allows no inline style). */
export function Sparkline({ series, label }: { series: number[]; label: string }) {
  const width = 96;
  const height = 24;
  const top = Math.max(1, ...series);
  const step = series.length > 1 ? width / (series.length - 1) : 0;
  const points = series
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / top) * (height - 4)).toFixed(1)}`)
    .join(" ");
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img">
      <title>{label}</title>
      <polyline points={points} fill="none" stroke="#1f5f8b" strokeWidth={1.5} />
    </svg>
  );
}

/** Rows drawn at first and added by each "Show more", not the whole organisation (10,000 rows with an SVG sparkline each at the benchmark's size). */
export const WORKER_ROWS = 50;

export function WorkerLoadTable({ workers }: { workers: Worker[] }) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState(WORKER_ROWS);
  // The fullest first: where the load presses.
  const sorted = useMemo(
    () =>
      [...workers].sort(
        (a, b) =>
          b.held / Math.max(1, b.capacity) - a.held / Math.max(1, a.capacity) || a.name.localeCompare(b.name),
      ),
    [workers],
  );
  const found = useMemo(() => {
    const words = query.trim().toLocaleLowerCase(i18n.language).split(/\s+/).filter(Boolean);
    if (words.length === 0) return sorted;
    return sorted.filter((w) => {
      const text = [w.name, w.placeName ?? "", w.team ?? ""].join(" ").toLocaleLowerCase(i18n.language);
      return words.every((word) => text.includes(word));
    });
  }, [sorted, query, i18n.language]);
  if (sorted.length === 0) return <p className="empty">{t("reports.noData")}</p>;
  const shown = found.slice(0, rows);
  return (
    <div className="report-table">
      {sorted.length > WORKER_ROWS && (
        <input
          type="search"
          className="worker-search"
          aria-label={t("reports.workers.search")}
          placeholder={t("reports.workers.search")}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setRows(WORKER_ROWS);
          }}
        />
      )}
      <table className="workers worker-load">
        <thead>
          <tr>
            <th scope="col">{t("reports.workers.name")}</th>
            <th scope="col">{t("reports.workers.team")}</th>
            <th scope="col">{t("reports.workers.heldOfCapacity")}</th>
            <th scope="col">{t("reports.workers.weeks")}</th>
            <th scope="col">{t("reports.workers.flags")}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((w) => (
            <tr key={w.id} data-worker={w.id}>
              <th scope="row">
                <Link to={`/workers/${w.id}`}>{w.name}</Link>
                {w.placeName && <span className="muted"> · {w.placeName}</span>}
              </th>
              <td>{w.team ?? "—"}</td>
              <td className={w.held > w.capacity ? "over" : undefined}>
                {t("reports.workers.heldOf", { held: w.held, capacity: w.capacity })}
              </td>
              <td className="trend">
                <Sparkline series={w.series} label={t(`reports.workers.trend.${w.trend}`)} />{" "}
                <span aria-hidden="true" title={t(`reports.workers.trend.${w.trend}`)}>
                  {ARROWS[w.trend]}
                </span>
              </td>
              <td>
                {w.overloaded && <span className="badge flag-overloaded">{t("health.overloaded")}</span>}
                {w.starved && <span className="badge flag-starved">{t("health.starved")}</span>}
                {!w.overloaded && !w.starved && <span className="muted">{t("health.fine")}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {found.length > WORKER_ROWS && (
        <p className="muted worker-rows">
          {t("reports.workers.shown", { shown: shown.length, total: found.length })}{" "}
          {shown.length < found.length && (
            <button type="button" onClick={() => setRows((n) => n + WORKER_ROWS)}>
              {t("common.more")}
            </button>
          )}
        </p>
      )}
      {found.length === 0 && <p className="empty">{t("reports.noData")}</p>}
    </div>
  );
}

/** Who improves and who slips: the last 30 days against the 30 before. */
export function ImproversAndSlippers({ improvers, slippers }: { improvers: Change[]; slippers: Change[] }) {
  const { t } = useTranslation();
  const { hours, percent } = useFigures();
  const list = (title: string, changes: Change[], kind: string) => (
    <section className={`changes ${kind}`} aria-label={title}>
      <h3>{title}</h3>
      {changes.length === 0 ? (
        <p className="muted">{t("reports.workers.noChange")}</p>
      ) : (
        <ul>
          {changes.map((c) => (
            <li key={c.workerId} data-worker={c.workerId}>
              <Link to={`/workers/${c.workerId}`}>{c.name}</Link>{" "}
              <span className="muted">
                {t("reports.workers.change", {
                  acceptanceBefore: percent(c.before.acceptanceRate),
                  acceptanceRecent: percent(c.recent.acceptanceRate),
                  firstBefore: hours(c.before.medianHoursToFirstContact),
                  firstRecent: hours(c.recent.medianHoursToFirstContact),
                  meetingBefore: percent(c.before.meetingRate),
                  meetingRecent: percent(c.recent.meetingRate),
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <div className="improvers-slippers">
      {list(t("reports.workers.improvers"), improvers, "improvers")}
      {list(t("reports.workers.slippers"), slippers, "slippers")}
    </div>
  );
}
