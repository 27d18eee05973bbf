/**
 * Demand against supply by place, on a map: a bubble for the new contacts of each city, coloured by
 * contacts per available worker; a ring for the free capacity of its workers now; a pulse where the
 * workers there are all full.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { SupplyReport } from "../../../src/core/reports/schemas.js";
import { ErrorBox } from "../shell/error-box.js";
import { type ChartOption, COLOURS, EChart, TEXT, TOOLTIP } from "./echart.js";
import { countWeight } from "./filters.js";
import { useFigures } from "./use-figures.js";
import { loadWorldMap, WORLD } from "./world-map.js";

type Row = SupplyReport["rows"][number];
type Placed = Row & { lat: number; lon: number };

export function isPlaced(row: Row): row is Placed {
  return row.key !== null && row.lat !== null && row.lon !== null;
}

/** The part of the world the places lie in, with a margin, and never narrower than a few degrees. */
export function boundsOf(
  places: ReadonlyArray<{ lat: number; lon: number }>,
): [[number, number], [number, number]] {
  if (places.length === 0)
    return [
      [-170, 75],
      [190, -60],
    ];
  const lats = places.map((p) => p.lat);
  const lons = places.map((p) => p.lon);
  const span = (values: number[]) => Math.max(4, Math.max(...values) - Math.min(...values));
  const padLat = span(lats) * 0.2;
  const padLon = span(lons) * 0.2;
  const middle = (values: number[]) => (Math.max(...values) + Math.min(...values)) / 2;
  const halfLat = span(lats) / 2 + padLat;
  const halfLon = span(lons) / 2 + padLon;
  return [
    [middle(lons) - halfLon, Math.min(85, middle(lats) + halfLat)],
    [middle(lons) + halfLon, Math.max(-85, middle(lats) - halfLat)],
  ];
}

/** Bubble area follows the figure: the radius grows with its square root. */
function sizer(max: number) {
  return (value: number) => (value <= 0 ? 0 : 6 + 34 * Math.sqrt(value / Math.max(max, 1)));
}

/** Shown in grey: contacts per worker left out because the counts are too small to show a marketer. */
export const HIDDEN_PRESSURE = -1;

/**
 * How hard a place is pressed: new contacts per available worker; a place with contacts and no worker
 * at all is pressed as hard as the hardest (`worst`); one whose ratio is suppressed is HIDDEN_PRESSURE.
 */
export function pressureOf(row: Row, worst: number): number {
  if (row.contactsPerWorker !== null) return row.contactsPerWorker;
  if (row.availableWorkers === 0 && countWeight(row.contacts) > 0) return worst;
  return row.availableWorkers === 0 ? 0 : HIDDEN_PRESSURE;
}

/** Places where contacts arrived and workers are, every one of them full. */
export function withoutRoom(rows: readonly Placed[]): Placed[] {
  return rows.filter(
    (r) => countWeight(r.contacts) > 0 && countWeight(r.availableWorkers) > 0 && r.freeCapacity === 0,
  );
}

export function PlaceMap({ rows }: { rows: Row[] }) {
  const { t } = useTranslation();
  const { count } = useFigures();
  const world = useQuery({ queryKey: ["reports", "world-map"], queryFn: loadWorldMap, staleTime: Infinity });
  const placed = useMemo(() => rows.filter(isPlaced), [rows]);
  const unplaced = rows.length - placed.length;

  const option = useMemo((): ChartOption => {
    const max = Math.max(1, ...placed.flatMap((r) => [countWeight(r.contacts), countWeight(r.freeCapacity)]));
    const size = sizer(max);
    const worst = Math.max(1, ...placed.map((r) => r.contactsPerWorker ?? 0));
    const point = (r: Placed, weight: number) => ({
      name: r.country ? `${r.key}, ${r.country}` : (r.key ?? ""),
      value: [r.lon, r.lat, weight, pressureOf(r, worst)],
      row: r,
    });
    const names = {
      demand: t("reports.map.demand"),
      supply: t("reports.map.supply"),
      full: t("reports.map.full"),
    };
    return {
      textStyle: TEXT,
      legend: { top: 0, data: [names.demand, names.supply, names.full], textStyle: TEXT },
      tooltip: {
        ...TOOLTIP,
        trigger: "item",
        formatter: (params: { data?: { name: string; row?: Placed } }) => {
          const r = params.data?.row;
          if (!r) return "";
          return [
            params.data?.name ?? "",
            `${names.demand}: ${count(r.contacts)}`,
            `${t("reports.figures.availableWorkers")}: ${count(r.availableWorkers)}`,
            `${t("reports.figures.contactsPerWorker")}: ${r.contactsPerWorker === null ? "—" : count(r.contactsPerWorker)}`,
            `${names.supply}: ${count(r.freeCapacity)}`,
          ].join("\n");
        },
      },
      visualMap: {
        type: "continuous",
        seriesIndex: 0,
        dimension: 3,
        min: 0,
        max: worst,
        text: [count(Math.round(worst)), `0 · ${t("reports.figures.contactsPerWorker")}`],
        textStyle: { ...TEXT, fontSize: 11, color: COLOURS.muted },
        orient: "horizontal",
        left: 8,
        bottom: 8,
        itemWidth: 10,
        itemHeight: 120,
        inRange: { color: ["#fbbf24", "#ea580c", "#b91c1c"] },
        outOfRange: { color: "#9aa4ae" },
      },
      geo: {
        map: WORLD,
        roam: true,
        scaleLimit: { min: 0.8, max: 20 },
        boundingCoords: boundsOf(placed),
        silent: true,
        itemStyle: { areaColor: COLOURS.land, borderColor: COLOURS.border, borderWidth: 0.6 },
        label: { show: false },
      },
      series: [
        {
          name: names.demand,
          type: "scatter",
          coordinateSystem: "geo",
          data: placed.map((r) => point(r, countWeight(r.contacts))),
          symbolSize: (value: number[]) => size(value[2] ?? 0),
          itemStyle: { color: COLOURS.demand, opacity: 0.75, borderColor: "#ffffff", borderWidth: 0.5 },
          z: 2,
        },
        {
          name: names.supply,
          type: "scatter",
          coordinateSystem: "geo",
          data: placed.map((r) => point(r, countWeight(r.freeCapacity))),
          symbolSize: (value: number[]) => size(value[2] ?? 0),
          itemStyle: { color: "rgba(31, 95, 139, 0.06)", borderColor: COLOURS.supply, borderWidth: 1.5 },
          z: 3,
        },
        {
          name: names.full,
          type: "effectScatter",
          coordinateSystem: "geo",
          data: withoutRoom(placed).map((r) => point(r, countWeight(r.contacts))),
          symbolSize: 7,
          showEffectOn: "render",
          rippleEffect: { brushType: "stroke", scale: 3 },
          itemStyle: { color: "#7f1d1d" },
          z: 4,
        },
      ],
    };
  }, [placed, t, count]);

  if (world.error) return <ErrorBox error={world.error} />;
  if (world.isPending) return <p className="loading">{t("common.loading")}</p>;
  return (
    <>
      {placed.length === 0 ? (
        <p className="empty">{t("reports.map.none")}</p>
      ) : (
        <EChart option={option} className="map" label={t("reports.map.label", { count: placed.length })} />
      )}
      {unplaced > 0 && <p className="muted">{t("reports.map.unplaced", { count: unplaced })}</p>}
    </>
  );
}
