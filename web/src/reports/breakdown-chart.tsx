/**
 * The breakdown as a chart: trends over weeks or months as lines (new contacts, assigned, met, and a
 * dashed line for new contacts in the same period a year earlier), or the busiest places, sources or
 * campaigns as bars. Contacts count in the period they arrived in.
 */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { type BreakdownRow, busiest } from "./breakdown.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { countValue, type Grouping, isPeriod } from "./filters.js";
import { useFigures } from "./use-figures.js";

/** Bars beyond this many would be too thin to read; the table below has them all. */
export const MOST_BARS = 12;

export function BreakdownChart({ by, rows }: { by: Grouping; rows: BreakdownRow[] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const option = useMemo((): ChartOption => {
    const period = isPeriod(by);
    const shown = period ? rows : busiest(rows, MOST_BARS).reverse();
    const label = (r: BreakdownRow) => r.key ?? t("reports.unknown");
    const series = [
      {
        name: t("reports.series.contacts"),
        colour: COLOURS.demand,
        value: (r: BreakdownRow) => r.demand?.newContacts,
      },
      {
        name: t("reports.series.assigned"),
        colour: COLOURS.assigned,
        value: (r: BreakdownRow) => r.flow?.assigned,
      },
      { name: t("reports.series.met"), colour: COLOURS.met, value: (r: BreakdownRow) => r.flow?.met },
      // Seasonality: the same period a year earlier, where the report has it.
      ...(period && rows.some((r) => r.demand?.lastYear)
        ? [
            {
              name: t("reports.series.lastYear"),
              colour: COLOURS.demand,
              value: (r: BreakdownRow) => r.demand?.lastYear?.newContacts,
              dashed: true,
            },
          ]
        : []),
    ];
    const category = {
      type: "category",
      data: shown.map(label),
      axisLabel: { ...TEXT, color: COLOURS.muted },
    };
    const values = {
      type: "value",
      minInterval: 1,
      axisLabel: { ...TEXT, color: COLOURS.muted },
      splitLine: { lineStyle: { color: COLOURS.line } },
    };
    return {
      textStyle: TEXT,
      legend: { top: 0, textStyle: TEXT },
      grid: { left: period ? 48 : 140, right: 24, top: 40, bottom: 32 },
      tooltip: {
        ...TOOLTIP,
        trigger: "axis",
        formatter: (params: Array<{ dataIndex: number; seriesIndex: number }>) => {
          const row = shown[params[0]?.dataIndex ?? -1];
          if (!row) return "";
          return [label(row), ...series.map((s) => `${s.name}: ${count(s.value(row) ?? 0)}`)].join("\n");
        },
      },
      xAxis: period ? category : values,
      yAxis: period ? values : category,
      series: series.map((s) => ({
        name: s.name,
        type: period ? "line" : "bar",
        data: shown.map((r) => countValue(s.value(r) ?? 0)),
        itemStyle: { color: s.colour },
        lineStyle: { color: s.colour, width: 2, type: "dashed" in s ? "dashed" : "solid" },
        symbolSize: 5,
        connectNulls: false,
      })),
    };
  }, [by, rows, t, count]);
  return (
    <EChart
      option={option}
      className="breakdown"
      label={t(isPeriod(by) ? "reports.breakdown.trendLabel" : "reports.breakdown.barLabel")}
    />
  );
}
