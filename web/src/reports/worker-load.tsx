/** Workers' load against capacity, week by week, in total: contacts held and the capacity beside them. */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { WorkersReport } from "../../../src/core/reports/workers.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { countValue } from "./filters.js";
import { useFigures } from "./use-figures.js";

export function LoadChart({ weeks }: { weeks: WorkersReport["weeks"] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const option = useMemo((): ChartOption => {
    const held = t("reports.workers.held");
    const capacity = t("reports.workers.capacity");
    return {
      textStyle: TEXT,
      legend: { top: 0, textStyle: TEXT, data: [held, capacity] },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      tooltip: {
        ...TOOLTIP,
        trigger: "axis",
        formatter: (params: Array<{ dataIndex: number }>) => {
          const w = weeks[params[0]?.dataIndex ?? -1];
          return w
            ? [w.week, `${held}: ${count(w.held)}`, `${capacity}: ${count(w.capacity)}`].join("\n")
            : "";
        },
      },
      xAxis: {
        type: "category",
        data: weeks.map((w) => w.week),
        axisLabel: { ...TEXT, color: COLOURS.muted },
      },
      yAxis: {
        type: "value",
        minInterval: 1,
        axisLabel: { ...TEXT, color: COLOURS.muted },
        splitLine: { lineStyle: { color: COLOURS.line } },
      },
      series: [
        {
          name: held,
          type: "line",
          data: weeks.map((w) => countValue(w.held)),
          itemStyle: { color: COLOURS.demand },
          lineStyle: { color: COLOURS.demand, width: 2 },
          areaStyle: { color: "rgba(194, 65, 12, 0.12)" },
        },
        {
          name: capacity,
          type: "line",
          data: weeks.map((w) => countValue(w.capacity)),
          itemStyle: { color: COLOURS.supply },
          lineStyle: { color: COLOURS.supply, width: 2, type: "dashed" },
          symbol: "none",
        },
      ],
    };
  }, [weeks, t, count]);
  return <EChart option={option} className="load" label={t("reports.workers.chartLabel")} />;
}
