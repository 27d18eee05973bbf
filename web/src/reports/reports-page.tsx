/**
 * Supply and demand: where contacts outrun workers, by place and season. Aggregates only, so marketers
 * see it too (their counts from 1 to 4 read "<5"). The charts load on first use, in their own chunk.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { Dimension } from "../../../src/core/reports/measures.js";
import type {
  BacklogReport,
  DemandReport,
  FlowReport,
  SupplyReport,
} from "../../../src/core/reports/schemas.js";
import { api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { BacklogTable } from "./backlog-table.js";
import { mergeBreakdown } from "./breakdown.js";
import { BreakdownTable } from "./breakdown-table.js";
import { filtersFrom, isPeriod, type ReportFilters, type ReportName, reportUrl } from "./filters.js";
import { ReportFiltersForm } from "./report-filters.js";
import { useFigures } from "./use-figures.js";
import "./reports.css";

const PlaceMap = lazy(() => import("./place-map.js").then((m) => ({ default: m.PlaceMap })));
const BreakdownChart = lazy(() =>
  import("./breakdown-chart.js").then((m) => ({ default: m.BreakdownChart })),
);
const FlowFunnel = lazy(() => import("./flow-funnel.js").then((m) => ({ default: m.FlowFunnel })));

function useReport<T>(name: ReportName, f: ReportFilters, by: Dimension, compare = false) {
  // Trends are drawn beside the same period a year earlier.
  const url = `${reportUrl(name, f, by)}${compare ? "&compare=last_year" : ""}`;
  return useQuery({
    queryKey: ["reports", url],
    queryFn: () => api.get<T>(url),
    placeholderData: keepPreviousData,
  });
}

export function ReportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params] = useSearchParams();
  const f = filtersFrom(params);
  const demand = useReport<DemandReport>("demand", f, f.by, isPeriod(f.by));
  const flow = useReport<FlowReport>("flow", f, f.by);
  const supply = useReport<SupplyReport>("supply", f, "city");
  const backlog = useReport<BacklogReport>("backlog", f, "city");
  const breakdown = useMemo(
    () => mergeBreakdown(demand.data?.rows ?? [], flow.data?.rows ?? []),
    [demand.data, flow.data],
  );
  const fetching = [demand, flow, supply, backlog].some((q) => q.isFetching);
  const error = demand.error ?? flow.error ?? supply.error ?? backlog.error;

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
        <Panel
          id="report-map"
          title={t("reports.map.title")}
          help={t("reports.map.help")}
          csv={[["supply", reportUrl("supply", f, "city", "csv")]]}
          wide
        >
          {supply.data && <PlaceMap rows={supply.data.rows} />}
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
