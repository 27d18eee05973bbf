/**
 * Demand per worker on the hexagonal grid: each H3 cell drawn from its outline (the API sends it), coloured
 * by new contacts per available worker, yellow to red; grey where a marketer's counts are too small to
 * show; pale where workers wait and no contact came. ECharts draws the cells as a custom series on the map.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { HexagonsReport } from "../../../src/core/reports/hexagons.js";
import { ErrorBox } from "../shell/error-box.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { countWeight } from "./filters.js";
import { boundsOf } from "./place-map.js";
import { useFigures } from "./use-figures.js";
import { loadWorldMap, WORLD } from "./world-map.js";

type Cell = HexagonsReport["rows"][number];

const SCALE = [
  [251, 191, 36],
  [234, 88, 12],
  [185, 28, 28],
] as const;

/**
 * How hard a cell is pressed: new contacts per available worker, a cell without workers counted as if it
 * had one (as the alerts count it); null when a marketer's counts hide it.
 */
export function cellPressure(
  cell: Pick<Cell, "contacts" | "availableWorkers" | "contactsPerWorker">,
): number | null {
  if (cell.contactsPerWorker !== null) return cell.contactsPerWorker;
  if (cell.availableWorkers === 0) return countWeight(cell.contacts);
  return null;
}

/** Yellow at none to red at the worst; grey when hidden; pale blue where only workers are. */
export function cellColour(
  cell: Pick<Cell, "contacts" | "availableWorkers" | "contactsPerWorker">,
  worst: number,
): string {
  if (countWeight(cell.contacts) === 0) return "#cfe0ec";
  const pressure = cellPressure(cell);
  if (pressure === null) return "#9aa4ae";
  const scaled = Math.min(1, pressure / Math.max(worst, 1e-9)) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const [a, b] = [SCALE[i] ?? SCALE[0], SCALE[i + 1] ?? SCALE[2]];
  const mix = a.map((x, k) => Math.round(x + ((b[k] ?? x) - x) * f));
  return `rgb(${mix.join(", ")})`;
}

export function HexMap({ cells }: { cells: Cell[] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const world = useQuery({ queryKey: ["reports", "world-map"], queryFn: loadWorldMap, staleTime: Infinity });
  const option = useMemo((): ChartOption => {
    const worst = Math.max(1, ...cells.map((c) => cellPressure(c) ?? 0));
    return {
      textStyle: TEXT,
      tooltip: {
        ...TOOLTIP,
        trigger: "item",
        formatter: (params: { dataIndex: number }) => {
          const c = cells[params.dataIndex];
          if (!c) return "";
          return [
            t("reports.hexagons.cell", { cell: c.key }),
            `${t("reports.map.demand")}: ${count(c.contacts)}`,
            `${t("reports.figures.availableWorkers")}: ${count(c.availableWorkers)}`,
            `${t("reports.figures.contactsPerWorker")}: ${c.contactsPerWorker === null ? "—" : count(c.contactsPerWorker)}`,
            `${t("reports.map.supply")}: ${count(c.freeCapacity)}`,
          ].join("\n");
        },
      },
      geo: {
        map: WORLD,
        roam: true,
        scaleLimit: { min: 0.8, max: 60 },
        boundingCoords: boundsOf(cells),
        silent: true,
        itemStyle: { areaColor: COLOURS.land, borderColor: COLOURS.border, borderWidth: 0.6 },
        label: { show: false },
      },
      series: [
        {
          type: "custom",
          coordinateSystem: "geo",
          data: cells.map((c) => [c.lon, c.lat]),
          renderItem: (
            params: { dataIndex: number },
            api: { coord: (point: [number, number]) => [number, number] },
          ) => {
            const c = cells[params.dataIndex];
            if (!c) return null;
            return {
              type: "polygon",
              shape: { points: c.boundary.map((point) => api.coord(point)) },
              style: { fill: cellColour(c, worst), stroke: "#ffffff", lineWidth: 0.6, opacity: 0.85 },
            };
          },
        },
      ],
    };
  }, [cells, t, count]);
  if (world.error) return <ErrorBox error={world.error} />;
  if (world.isPending) return <p className="loading">{t("common.loading")}</p>;
  if (cells.length === 0) return <p className="empty">{t("reports.map.none")}</p>;
  return (
    <>
      <EChart
        option={option}
        className="map hexagons"
        label={t("reports.hexagons.label", { count: cells.length })}
      />
      <p className="muted small legend-scale">
        <span className="swatch low" /> {t("reports.hexagons.low")} <span className="swatch high" />{" "}
        {t("reports.hexagons.high", {
          worst: count(Math.max(1, ...cells.map((c) => c.contactsPerWorker ?? 0))),
        })}{" "}
        <span className="swatch none" /> {t("reports.hexagons.onlyWorkers")}
      </p>
    </>
  );
}
