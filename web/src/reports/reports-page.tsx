/**
 * Supply and demand: where contacts outrun workers, by place and season. Aggregates only, so marketers
 * see it too (their counts from 1 to 4 read "<5"). The charts load on first use, in their own chunk.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { DemandAlerts } from "../../../src/core/reports/alerts.js";
import type { HexagonsReport } from "../../../src/core/reports/hexagons.js";
import type { Dimension } from "../../../src/core/reports/measures.js";
import type {
  BacklogReport,
  DemandReport,
  FlowReport,
  SupplyReport,
} from "../../../src/core/reports/schemas.js";
import type { StagesReport } from "../../../src/core/reports/stages.js";
import type { WorkersReport } from "../../../src/core/reports/workers.js";
import { api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { AlertList } from "./alert-list.js";
import { BacklogTable } from "./backlog-table.js";
import { mergeBreakdown } from "./breakdown.js";
import { BreakdownTable } from "./breakdown-table.js";
import {
  filtersFrom,
  H3_RESOLUTIONS,
  isPeriod,
  MAP_MODES,
  mapModeFrom,
  type ReportFilters,
  type ReportName,
  reportUrl,
} from "./filters.js";
import { ReportFiltersForm } from "./report-filters.js";
import { StagesTable } from "./stages-table.js";
import { useFigures } from "./use-figures.js";
import { ImproversAndSlippers, WorkerLoadTable } from "./worker-table.js";
import "./reports.css";

const PlaceMap = lazy(() => import("./place-map.js").then((m) => ({ default: m.PlaceMap })));
const BreakdownChart = lazy(() =>
  import("./breakdown-chart.js").then((m) => ({ default: m.BreakdownChart })),
);
const FlowFunnel = lazy(() => import("./flow-funnel.js").then((m) => ({ default: m.FlowFunnel })));
const HexMap = lazy(() => import("./hex-map.js").then((m) => ({ default: m.HexMap })));
const StagesChart = lazy(() => import("./stages-chart.js").then((m) => ({ default: m.StagesChart })));
const LoadChart = lazy(() => import("./worker-load.js").then((m) => ({ default: m.LoadChart })));

function useReport<T>(name: ReportName, f: ReportFilters, by: Dimension, compare = false) {
  // Trends are drawn beside the same period a year earlier.
  const url = `${reportUrl(name, f, by)}${compare ? "&compare=last_year" : ""}`;
  return useQuery({
    queryKey: ["reports", url],
    queryFn: () => api.get<T>(url),
    placeholderData: keepPreviousData,
  });
}

/** A report that is not one of the four grouped ones: its own URL, fetched as it is. */
function useUrl<T>(url: string, enabled = true) {
  return useQuery({
    queryKey: ["reports", url],
    queryFn: () => api.get<T>(url),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function ReportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const f = filtersFrom(params);
  const map = mapModeFrom(params);
  const dispatches = me.user.role === "admin" || me.user.role === "dispatcher";
  const hexagons = useUrl<HexagonsReport>(
    reportUrl("hexagons", f, undefined, undefined, { resolution: map.resolution }),
    map.mode === "hexagons",
  );
  const stages = useUrl<StagesReport>(reportUrl("stages", f, f.by));
  const workers = useUrl<WorkersReport>(reportUrl("workers", f, undefined));
  const alerts = useUrl<DemandAlerts>("/api/v1/reports/alerts", dispatches);
  const setMap = (key: "map" | "res", value: string) =>
    setParams(
      () => {
        // The address bar, not this render's parameters: see the report filters.
        const next = new URLSearchParams(window.location.search);
        if (value && !(key === "map" && value === "cities") && !(key === "res" && value === "5"))
          next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const demand = useReport<DemandReport>("demand", f, f.by, isPeriod(f.by));
  const flow = useReport<FlowReport>("flow", f, f.by);
  const supply = useReport<SupplyReport>("supply", f, "city");
  const backlog = useReport<BacklogReport>("backlog", f, "city");
  const breakdown = useMemo(
    () => mergeBreakdown(demand.data?.rows ?? [], flow.data?.rows ?? []),
    [demand.data, flow.data],
  );
  const fetching = [demand, flow, supply, backlog, stages, workers].some((q) => q.isFetching);
  const error =
    demand.error ??
    flow.error ??
    supply.error ??
    backlog.error ??
    stages.error ??
    workers.error ??
    hexagons.error;

  return (
    <section className="list-page reports">
      <div className="list-head">
        <h1>{t("reports.title")}</h1>
        <span className="muted" aria-live="polite">
          {fetching ? t("common.loading") : ""}
        </span>
      </div>
      <p className="muted">
        {t("reports.help")}
        {me.user.role === "marketer" && ` ${t("reports.small")}`}
      </p>
      <ReportFiltersForm />
      {error && <ErrorBox error={error} />}
      <Figures demand={demand.data} supply={supply.data} backlog={backlog.data} />

      <div className="report-grid">
        {dispatches && alerts.data && (
          <Panel id="report-alerts" title={t("reports.alerts.title")} help={t("reports.alerts.help")} wide>
            <AlertList alerts={alerts.data} />
          </Panel>
        )}
        <Panel
          id="report-map"
          title={t("reports.map.title")}
          help={t(map.mode === "hexagons" ? "reports.hexagons.help" : "reports.map.help")}
          csv={
            map.mode === "hexagons"
              ? [["hexagons", reportUrl("hexagons", f, undefined, "csv", { resolution: map.resolution })]]
              : [["supply", reportUrl("supply", f, "city", "csv")]]
          }
          wide
        >
          <div className="filters map-mode">
            <label>
              {t("reports.hexagons.mode")}
              <select value={map.mode} onChange={(e) => setMap("map", e.target.value)}>
                {MAP_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {t(`reports.hexagons.modes.${mode}`)}
                  </option>
                ))}
              </select>
            </label>
            {map.mode === "hexagons" && (
              <label>
                {t("reports.hexagons.resolution")}
                <select value={map.resolution} onChange={(e) => setMap("res", e.target.value)}>
                  {H3_RESOLUTIONS.map((r) => (
                    <option key={r} value={r}>
                      {t(`reports.hexagons.resolutions.${r}`)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {map.mode === "cities" && supply.data && <PlaceMap rows={supply.data.rows} />}
          {map.mode === "hexagons" && hexagons.data && <HexMap cells={hexagons.data.rows} />}
        </Panel>
        <Panel
          id="report-breakdown"
          title={t(`reports.breakdown.title.${f.by}`)}
          help={t(isPeriod(f.by) ? "reports.breakdown.trendHelp" : "reports.breakdown.barHelp")}
          csv={[
            ["demand", reportUrl("demand", f, f.by, "csv")],
            ["flow", reportUrl("flow", f, f.by, "csv")],
          ]}
        >
          {demand.data && flow.data && <BreakdownChart by={f.by} rows={breakdown} />}
        </Panel>
        <Panel id="report-flow" title={t("reports.funnel.title")} help={t("reports.funnel.help")}>
          {flow.data && (
            <>
              <FlowFunnel totals={flow.data.totals} />
              <FlowRates totals={flow.data.totals} />
            </>
          )}
        </Panel>
        <Panel
          id="report-table"
          title={t(`reports.breakdown.table.${f.by}`)}
          csv={[
            ["demand", reportUrl("demand", f, f.by, "csv")],
            ["flow", reportUrl("flow", f, f.by, "csv")],
          ]}
          wide
        >
          {demand.data && flow.data && <BreakdownTable by={f.by} rows={breakdown} />}
        </Panel>
        <Panel
          id="report-stages"
          title={t("reports.stages.title")}
          help={t("reports.stages.help")}
          csv={[["stages", reportUrl("stages", f, f.by, "csv")]]}
          wide
        >
          {stages.data && (
            <div className="stages-body">
              <StagesChart totals={stages.data.totals} />
              <StagesTable totals={stages.data.totals} />
            </div>
          )}
        </Panel>
        <Panel
          id="report-workers"
          title={t("reports.workers.title")}
          help={t(dispatches ? "reports.workers.help" : "reports.workers.helpMarketer")}
          csv={[["workers", reportUrl("workers", f, undefined, "csv")]]}
          wide={dispatches}
        >
          {workers.data && (
            <>
              <WorkerTotals totals={workers.data.totals} />
              <LoadChart weeks={workers.data.weeks} />
              {dispatches && (
                <>
                  <WorkerLoadTable workers={workers.data.workers} />
                  <ImproversAndSlippers improvers={workers.data.improvers} slippers={workers.data.slippers} />
                </>
              )}
            </>
          )}
        </Panel>
        <Panel
          id="report-backlog"
          title={t("reports.backlog.title")}
          help={t("reports.backlog.help")}
          csv={[["backlog", reportUrl("backlog", f, "city", "csv")]]}
          wide
        >
          {backlog.data && supply.data && (
            <BacklogTable backlog={backlog.data.rows} supply={supply.data.rows} />
          )}
        </Panel>
      </div>
    </section>
  );
}

function Panel({
  id,
  title,
  help,
  csv = [],
  wide = false,
  children,
}: {
  id: string;
  title: string;
  help?: string;
  csv?: Array<[ReportName, string]>;
  wide?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className={`card report-card${wide ? " wide" : ""}`} aria-labelledby={`${id}-title`} id={id}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="csv-links">
          {csv.map(([name, href]) => (
            <a key={name} className="button" href={href} download>
              {t(`reports.csv.${name}`)}
            </a>
          ))}
        </div>
      </div>
      {help && <p className="muted small">{help}</p>}
      <Suspense fallback={<p className="loading">{t("common.loading")}</p>}>{children}</Suspense>
    </section>
  );
}

/** The period's totals at a glance. */
function Figures({
  demand,
  supply,
  backlog,
}: {
  demand: DemandReport | undefined;
  supply: SupplyReport | undefined;
  backlog: BacklogReport | undefined;
}) {
  const { t } = useTranslation();
  const { count, hours } = useFigures();
  if (!demand || !supply || !backlog) return null;
  const figures: Array<[string, string, string]> = [
    ["newContacts", t("reports.figures.newContacts"), count(demand.totals.newContacts)],
    ["unassignable", t("reports.figures.unassignable"), count(demand.totals.unassignable)],
    ["availableWorkers", t("reports.figures.availableWorkers"), count(supply.totals.availableWorkers)],
    ["freeCapacity", t("reports.figures.freeCapacity"), count(supply.totals.freeCapacity)],
    [
      "contactsPerWorker",
      t("reports.figures.contactsPerWorker"),
      supply.totals.contactsPerWorker === null ? "—" : count(supply.totals.contactsPerWorker),
    ],
    ["waiting", t("reports.figures.waiting"), count(backlog.totals.waiting)],
    ["medianWait", t("reports.backlog.median"), hours(backlog.totals.medianHours)],
  ];
  return (
    <dl className="buckets report-figures" aria-label={t("reports.figures.label")}>
      {figures.map(([key, label, value]) => (
        <div key={key} className="bucket" data-figure={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function WorkerTotals({ totals }: { totals: WorkersReport["totals"] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const figures: Array<[string, string]> = [
    ["workers", count(totals.workers)],
    [
      "heldOfCapacity",
      t("reports.workers.heldOf", { held: count(totals.held), capacity: count(totals.capacity) }),
    ],
    ["overloaded", count(totals.overloaded)],
    ["starved", count(totals.starved)],
  ];
  return (
    <dl className="facts worker-totals">
      {figures.map(([key, value]) => (
        <div key={key} data-figure={key}>
          <dt>{t(`reports.workers.totals.${key}`)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function FlowRates({ totals }: { totals: FlowReport["totals"] }) {
  const { t } = useTranslation();
  const { hours, percent } = useFigures();
  return (
    <dl className="facts">
      <dt>{t("reports.funnel.medianToAssignment")}</dt>
      <dd>{hours(totals.medianHoursToAssignment)}</dd>
      <dt>{t("reports.funnel.acceptanceRate")}</dt>
      <dd>{percent(totals.acceptanceRate)}</dd>
      <dt>{t("reports.funnel.medianToFirstContact")}</dt>
      <dd>{hours(totals.medianHoursToFirstContact)}</dd>
      <dt>{t("reports.funnel.meetingRate")}</dt>
      <dd>{percent(totals.meetingRate)}</dd>
    </dl>
  );
}
