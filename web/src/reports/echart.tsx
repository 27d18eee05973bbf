/**
 * One ECharts chart in a React element: only the chart kinds and components the reports draw (so the
 * bundle stays small), drawn on a canvas, resized with its box. Tooltips are drawn on the canvas too
 * (`richText`): ECharts' HTML tooltips carry inline styles, which the console's CSP refuses.
 */
import {
  BarChart,
  CustomChart,
  EffectScatterChart,
  FunnelChart,
  LineChart,
  ScatterChart,
} from "echarts/charts";
import {
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { type EChartsCoreOption, type ECharts as EChartsInstance, init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

use([
  BarChart,
  CustomChart,
  EffectScatterChart,
  FunnelChart,
  LineChart,
  ScatterChart,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = EChartsCoreOption;

/** The console's palette, as the charts need it (canvas colours cannot read CSS variables). */
export const COLOURS = {
  demand: "#c2410c",
  supply: "#1f5f8b",
  assigned: "#7c3aed",
  accepted: "#0f766e",
  met: "#1b7f4b",
  ink: "#1d2430",
  muted: "#5b6675",
  line: "#d9dee5",
  land: "#e9edf1",
  border: "#b7c0ca",
} as const;

export const TEXT = { color: COLOURS.ink, fontFamily: "system-ui, sans-serif" } as const;

/** A tooltip drawn on the canvas, not in HTML (see above). */
export const TOOLTIP = {
  renderMode: "richText",
  backgroundColor: "#ffffff",
  borderColor: COLOURS.line,
  textStyle: { ...TEXT, fontSize: 13 },
} as const;

export function EChart({
  option,
  label,
  className,
}: {
  option: ChartOption;
  label: string;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsInstance | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = init(element, null, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={`chart ${className ?? ""}`} role="img" aria-label={label} />;
}
