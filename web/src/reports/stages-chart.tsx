/**
 * Where contacts pile up: a bar per stage of the median hours a stay in it lasts (and, lighter, the
 * 90th percentile), labelled with how many contacts are in that stage now.
 */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { StagesReport } from "../../../src/core/reports/stages.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { useFigures } from "./use-figures.js";

type Stage = StagesReport["totals"][number];

/**
 * Stages a contact is parked or done in: their stays run for months (a closed contact's until now), so
 * beside the working stages they would flatten every bar. The table lists them.
 */
const PARKED: ReadonlySet<string> = new Set(["nurture", "unassignable", "closed"]);

export function StagesChart({ totals: all }: { totals: Stage[] }) {
  const totals = useMemo(() => all.filter((s) => !PARKED.has(s.stage)), [all]);
  const { t } = useTranslation();
  const { count, hours } = useFigures();
  const option = useMemo((): ChartOption => {
    const names = totals.map((s) => t(`status.${s.stage}`, { defaultValue: s.stage }));
    // Stays of weeks read better in days than in thousands of hours.
    const inDays = Math.max(0, ...totals.map((s) => s.p90Hours ?? 0)) > 96;
    const scale = (hoursValue: number | null) =>
      hoursValue === null ? null : Math.round((inDays ? hoursValue / 24 : hoursValue) * 10) / 10;
    const median = t("reports.stages.median");
    const p90 = t("reports.stages.p90");
    return {
      textStyle: TEXT,
      legend: { top: 0, textStyle: TEXT, data: [median, p90] },
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      tooltip: {
        ...TOOLTIP,
        trigger: "axis",
        formatter: (params: Array<{ dataIndex: number }>) => {
          const s = totals[params[0]?.dataIndex ?? -1];
          if (!s) return "";
          return [
            names[params[0]?.dataIndex ?? 0],
            `${t("reports.stages.now")}: ${count(s.now)}`,
            `${median}: ${hours(s.medianHours)}`,
            `${p90}: ${hours(s.p90Hours)}`,
            `${t("reports.stages.stays")}: ${count(s.stays)}`,
          ].join("\n");
        },
      },
      xAxis: {
        type: "category",
        data: names,
        axisLabel: { ...TEXT, color: COLOURS.muted, interval: 0, rotate: names.length > 6 ? 30 : 0 },
      },
      yAxis: {
        type: "value",
        name: t(inDays ? "reports.stages.axisDays" : "reports.stages.axis"),
        nameTextStyle: { ...TEXT, color: COLOURS.muted },
        axisLabel: { ...TEXT, color: COLOURS.muted },
        splitLine: { lineStyle: { color: COLOURS.line } },
      },
      series: [
        {
          name: median,
          type: "bar",
          data: totals.map((s) => scale(s.medianHours)),
          itemStyle: { color: COLOURS.supply },
          label: {
            show: true,
            position: "top",
            color: COLOURS.ink,
            fontFamily: TEXT.fontFamily,
            formatter: (p: { dataIndex: number }) => {
              const s = totals[p.dataIndex];
              return s ? t("reports.stages.nowLabel", { now: count(s.now) }) : "";
            },
          },
        },
        {
          name: p90,
          type: "bar",
          data: totals.map((s) => scale(s.p90Hours)),
          itemStyle: { color: "rgba(31, 95, 139, 0.3)" },
        },
      ],
    };
  }, [totals, t, count, hours]);
  if (totals.length === 0) return <p className="empty">{t("reports.noData")}</p>;
  return <EChart option={option} className="stages" label={t("reports.stages.chartLabel")} />;
}
