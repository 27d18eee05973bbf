/**
 * The base map under the places: Natural Earth's countries at 1:50m (the world-atlas package), bundled
 * with the console and converted from TopoJSON here, so the map needs no tile server and no network.
 * Loaded on first use, in its own chunk.
 */
import { getMap, registerMap } from "echarts/core";
import type * as TopoJson from "topojson-client";

type Topology = Parameters<typeof TopoJson.feature>[0];

export const WORLD = "world";

export async function loadWorldMap(): Promise<true> {
  if (getMap(WORLD)) return true;
  const [{ default: text }, { feature }] = await Promise.all([
    import("world-atlas/countries-50m.json?raw"),
    import("topojson-client"),
  ]);
  const topology = JSON.parse(text) as Topology;
  const countries = topology.objects.countries;
  if (!countries) throw new Error("the bundled world map has no countries");
  registerMap(WORLD, feature(topology, countries) as Parameters<typeof registerMap>[1]);
  return true;
}
