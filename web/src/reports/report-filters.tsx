/** The filters of the reports screen, all kept in the URL: period, country, place, campaign, source, grouping. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { DemandReport } from "../../../src/core/reports/schemas.js";
import type { WorkersReport } from "../../../src/core/reports/workers.js";
import { api } from "../api.js";
import {
  type FilterKey,
  filtersFrom,
  GROUPINGS,
  type ReportFilters,
  reportUrl,
  withFilter,
} from "./filters.js";

/** Every value a dimension takes, from the demand report grouped by it (over all time, so choices stay put). */
function useChoices(by: "country" | "city" | "campaign" | "source", country = ""): string[] {
  const all = filtersFrom(new URLSearchParams(country ? { country } : {}));
  const report = useQuery({
    queryKey: ["reports", "choices", by, country],
    queryFn: () => api.get<DemandReport>(reportUrl("demand", all, by)),
    staleTime: 5 * 60_000,
  });
  const keys = (report.data?.rows ?? []).flatMap((row) => (row.key === null ? [] : [row.key]));
  return [...new Set(keys)].sort((a, b) => a.localeCompare(b));
}

/** The teams named in the organisation (the workers report lists them, for marketers too). */
function useTeams(): string[] {
  const report = useQuery({
    queryKey: ["reports", "teams"],
    queryFn: () => api.get<WorkersReport>("/api/v1/reports/workers?from=2000-01-03&to=2000-01-04"),
    staleTime: 5 * 60_000,
  });
  return report.data?.teams ?? [];
}

export function ReportFiltersForm() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const f: ReportFilters = filtersFrom(params);
  // From the address bar, not this render's parameters (nor the router's, which are this render's too):
  // two changes before the page draws again must not undo each other.
  const set = (key: FilterKey | "by", value: string) =>
    setParams(withFilter(new URLSearchParams(window.location.search), key, value), { replace: true });
  const choices = {
    country: useChoices("country"),
    place: useChoices("city", f.country),
    campaign: useChoices("campaign"),
    source: useChoices("source"),
    team: useTeams(),
  };

  const select = (key: "country" | "place" | "campaign" | "source" | "team") => {
    const options = choices[key].includes(f[key]) || !f[key] ? choices[key] : [f[key], ...choices[key]];
    return (
      <label>
        {t(`reports.filter.${key}`)}
        <select value={f[key]} onChange={(e) => set(key, e.target.value)}>
          <option value="">{t("common.any")}</option>
          {options.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
    );
  };

  return (
    <search>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("reports.filters")}>
        <label>
          {t("reports.filter.from")}
          <input
            type="date"
            value={f.from}
            max={f.to || undefined}
            onChange={(e) => set("from", e.target.value)}
          />
        </label>
        <label>
          {t("reports.filter.to")}
          <input
            type="date"
            value={f.to}
            min={f.from || undefined}
            onChange={(e) => set("to", e.target.value)}
          />
        </label>
        {select("country")}
        {select("place")}
        {select("campaign")}
        {select("source")}
        {(choices.team.length > 0 || f.team) && select("team")}
        <label>
          {t("reports.filter.by")}
          <select value={f.by} onChange={(e) => set("by", e.target.value)}>
            {GROUPINGS.map((by) => (
              <option key={by} value={by}>
                {t(`reports.by.${by}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
          {t("reports.filter.clear")}
        </button>
      </form>
    </search>
  );
}
