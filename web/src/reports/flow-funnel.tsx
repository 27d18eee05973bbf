/** The flow as a funnel: of the contacts who arrived, how many were assigned, accepted and met. */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FlowReport } from "../../../src/core/reports/schemas.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { countWeight } from "./filters.js";
import { useFigures } from "./use-figures.js";

export const STEPS = ["contacts", "assigned", "accepted", "met"] as const;

export function FlowFunnel({ totals }: { totals: FlowReport["totals"] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const option = useMemo((): ChartOption => {
    const colours = [COLOURS.demand, COLOURS.assigned, COLOURS.accepted, COLOURS.met];
    const data = STEPS.map((step, i) => ({
      name: t(`reports.series.${step}`),
      value: countWeight(totals[step]),
      shown: count(totals[step]),
      itemStyle: { color: colours[i] },
    }));
    return {
      textStyle: TEXT,
      tooltip: {
        ...TOOLTIP,
        trigger: "item",
        formatter: (params: { data?: { name: string; shown: string } }) =>
          params.data ? `${params.data.name}: ${params.data.shown}` : "",
      },
      series: [
        {
          type: "funnel",
          sort: "none",
          left: "10%",
          width: "80%",
          top: 8,
          bottom: 8,
          minSize: "8%",
          gap: 3,
          label: {
            position: "inside",
            color: "#ffffff",
            fontFamily: TEXT.fontFamily,
            formatter: (params: { data: { name: string; shown: string } }) =>
              `${params.data.name}: ${params.data.shown}`,
          },
          data,
        },
      ],
    };
  }, [totals, t, count]);
  return <EChart option={option} className="funnel" label={t("reports.funnel.label")} />;
}
