/**
 * Realistic dispatch instances for benchmarks: contacts and workers clustered around Italian,
 * Greek and Spanish cities in proportion to their population, seeded so a size always gives the
 * same instance.
 */
import type { DispatchContact, DispatchWorker, Gender } from "../src/core/dispatch/model.js";

interface City {
  name: string;
  lat: number;
  lon: number;
  /** Thousands of inhabitants (metropolitan area, roughly). */
  population: number;
  country: "it" | "gr" | "es";
}

const CITIES: City[] = [
  { name: "Roma", lat: 41.9028, lon: 12.4964, population: 4300, country: "it" },
  { name: "Milano", lat: 45.4642, lon: 9.19, population: 3250, country: "it" },
  { name: "Napoli", lat: 40.8518, lon: 14.2681, population: 3000, country: "it" },
  { name: "Torino", lat: 45.0703, lon: 7.6869, population: 2200, country: "it" },
  { name: "Palermo", lat: 38.1157, lon: 13.3615, population: 1200, country: "it" },
  { name: "Genova", lat: 44.4056, lon: 8.9463, population: 820, country: "it" },
  { name: "Bologna", lat: 44.4949, lon: 11.3426, population: 1000, country: "it" },
  { name: "Firenze", lat: 43.7696, lon: 11.2558, population: 1000, country: "it" },
  { name: "Bari", lat: 41.1171, lon: 16.8719, population: 1230, country: "it" },
  { name: "Catania", lat: 37.5079, lon: 15.083, population: 1100, country: "it" },
  { name: "Venezia", lat: 45.4408, lon: 12.3155, population: 850, country: "it" },
  { name: "Verona", lat: 45.4384, lon: 10.9916, population: 920, country: "it" },
  { name: "Messina", lat: 38.1938, lon: 15.554, population: 600, country: "it" },
  { name: "Padova", lat: 45.4064, lon: 11.8768, population: 930, country: "it" },
  { name: "Trieste", lat: 45.6495, lon: 13.7768, population: 230, country: "it" },
  { name: "Brescia", lat: 45.5416, lon: 10.2118, population: 1250, country: "it" },
  { name: "Parma", lat: 44.8015, lon: 10.3279, population: 450, country: "it" },
  { name: "Taranto", lat: 40.4644, lon: 17.247, population: 560, country: "it" },
  { name: "Prato", lat: 43.8777, lon: 11.1022, population: 260, country: "it" },
  { name: "Modena", lat: 44.6471, lon: 10.9252, population: 700, country: "it" },
  { name: "Reggio Calabria", lat: 38.1113, lon: 15.6473, population: 520, country: "it" },
  { name: "Perugia", lat: 43.1107, lon: 12.3908, population: 650, country: "it" },
  { name: "Cagliari", lat: 39.2238, lon: 9.1217, population: 420, country: "it" },
  { name: "Pescara", lat: 42.4618, lon: 14.2161, population: 450, country: "it" },
  { name: "Ancona", lat: 43.6158, lon: 13.5189, population: 470, country: "it" },
  { name: "Lecce", lat: 40.3515, lon: 18.175, population: 780, country: "it" },
  { name: "Αθήνα", lat: 37.9838, lon: 23.7275, population: 3750, country: "gr" },
  { name: "Θεσσαλονίκη", lat: 40.6401, lon: 22.9444, population: 1100, country: "gr" },
  { name: "Πάτρα", lat: 38.2466, lon: 21.7346, population: 310, country: "gr" },
  { name: "Ηράκλειο", lat: 35.3387, lon: 25.1442, population: 300, country: "gr" },
  { name: "Λάρισα", lat: 39.639, lon: 22.4191, population: 230, country: "gr" },
  { name: "Βόλος", lat: 39.3621, lon: 22.9425, population: 145, country: "gr" },
  { name: "Ιωάννινα", lat: 39.665, lon: 20.8537, population: 170, country: "gr" },
  { name: "Χανιά", lat: 35.5138, lon: 24.018, population: 160, country: "gr" },
  { name: "Καλαμάτα", lat: 37.0389, lon: 22.1142, population: 90, country: "gr" },
  { name: "Ρόδος", lat: 36.4341, lon: 28.2176, population: 120, country: "gr" },
  { name: "Καβάλα", lat: 40.9376, lon: 24.4129, population: 125, country: "gr" },
  { name: "Madrid", lat: 40.4168, lon: -3.7038, population: 6750, country: "es" },
  { name: "Barcelona", lat: 41.3874, lon: 2.1686, population: 5600, country: "es" },
  { name: "Valencia", lat: 39.4699, lon: -0.3763, population: 1700, country: "es" },
  { name: "Sevilla", lat: 37.3891, lon: -5.9845, population: 1550, country: "es" },
  { name: "Zaragoza", lat: 41.6488, lon: -0.8891, population: 780, country: "es" },
  { name: "Málaga", lat: 36.7213, lon: -4.4214, population: 1000, country: "es" },
  { name: "Murcia", lat: 37.9922, lon: -1.1307, population: 680, country: "es" },
  { name: "Palma", lat: 39.5696, lon: 2.6502, population: 560, country: "es" },
  { name: "Las Palmas", lat: 28.1235, lon: -15.4363, population: 640, country: "es" },
  { name: "Bilbao", lat: 43.263, lon: -2.935, population: 1000, country: "es" },
  { name: "Alicante", lat: 38.3452, lon: -0.481, population: 760, country: "es" },
  { name: "Córdoba", lat: 37.8882, lon: -4.7794, population: 330, country: "es" },
  { name: "Valladolid", lat: 41.6523, lon: -4.7245, population: 420, country: "es" },
  { name: "Vigo", lat: 42.2406, lon: -8.7207, population: 480, country: "es" },
  { name: "Gijón", lat: 43.5322, lon: -5.6611, population: 270, country: "es" },
  { name: "A Coruña", lat: 43.3623, lon: -8.4115, population: 420, country: "es" },
  { name: "Granada", lat: 37.1773, lon: -3.5986, population: 530, country: "es" },
  { name: "Vitoria", lat: 42.8467, lon: -2.6716, population: 255, country: "es" },
  { name: "Elche", lat: 38.2699, lon: -0.7126, population: 235, country: "es" },
  { name: "Santa Cruz de Tenerife", lat: 28.4636, lon: -16.2518, population: 420, country: "es" },
  { name: "Oviedo", lat: 43.3619, lon: -5.8494, population: 220, country: "es" },
  { name: "Pamplona", lat: 42.8125, lon: -1.6458, population: 370, country: "es" },
  { name: "Cartagena", lat: 37.6257, lon: -0.9966, population: 215, country: "es" },
];

const LOCAL: Record<City["country"], string> = { it: "it", gr: "el", es: "es" };

/** mulberry32: a small, fast, seedable generator; benchmarks must not depend on Math.random. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DispatchInstance {
  contacts: DispatchContact[];
  workers: DispatchWorker[];
}

export function generateDispatchInstance(
  contactCount: number,
  workerCount: number,
  seed = 1,
): DispatchInstance {
  const random = seeded(seed);
  const between = (min: number, max: number) => min + (max - min) * random();
  const integer = (min: number, max: number) => Math.floor(between(min, max + 1));
  const chance = (p: number) => random() < p;
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const totalPopulation = CITIES.reduce((sum, city) => sum + city.population, 0);
  const pickCity = (): City => {
    let left = random() * totalPopulation;
    for (const city of CITIES) {
      left -= city.population;
      if (left < 0) return city;
    }
    return CITIES[CITIES.length - 1]!;
  };
  /** A point around the city: a larger city spreads further (σ from 4 km to about 20 km). */
  const around = (city: City) => {
    const sigmaKm = 3 + Math.sqrt(city.population) * 0.25;
    const km = () => gaussian() * sigmaKm;
    const lat = city.lat + km() / 111.2;
    const lon = city.lon + km() / (111.2 * Math.cos((city.lat * Math.PI) / 180));
    return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
  };
  const gender = (unknown: number): Gender | null => (chance(unknown) ? null : chance(0.5) ? "m" : "f");

  const workers: DispatchWorker[] = [];
  const workersByCity = new Map<City, string[]>();
  for (let i = 0; i < workerCount; i++) {
    const city = pickCity();
    const id = `w${String(i + 1).padStart(6, "0")}`;
    const languages = [LOCAL[city.country]];
    if (chance(0.6)) languages.push("en");
    if (chance(0.08)) languages.push("ar");
    if (city.country !== "es" && chance(0.05)) languages.push("es");
    const capacity = integer(3, 25);
    workers.push({
      id,
      name: `Worker ${i + 1}`,
      gender: gender(0.03),
      languages,
      ...around(city),
      maxKm: integer(10, 80),
      capacity,
      active: integer(0, capacity - 1),
      trust: Math.round(between(0.3, 0.95) * 100) / 100,
      status: chance(0.1) ? "paused" : "active",
    });
    const list = workersByCity.get(city) ?? [];
    list.push(id);
    workersByCity.set(city, list);
  }

  const contacts: DispatchContact[] = [];
  for (let i = 0; i < contactCount; i++) {
    const city = pickCity();
    const roll = random();
    const languages =
      roll < 0.05
        ? []
        : roll < 0.75
          ? [LOCAL[city.country]]
          : roll < 0.85
            ? ["en"]
            : roll < 0.93
              ? ["ar"]
              : ["en", "ar"];
    const located = !chance(0.05);
    const place = located ? around(city) : { lat: null, lon: null };
    const nearby = workersByCity.get(city) ?? [];
    const declinedBy = chance(0.03) && nearby.length > 0 ? [nearby[integer(0, nearby.length - 1)]!] : [];
    const priorityRoll = random();
    contacts.push({
      id: `c${String(i + 1).padStart(7, "0")}`,
      name: `Contact ${i + 1}`,
      gender: gender(0.08),
      languages,
      lat: place.lat,
      lon: place.lon,
      genderMatch: chance(0.2) ? "any" : chance(0.05) ? "same" : null,
      priority: priorityRoll < 0.6 ? 1 : priorityRoll < 0.9 ? 2 : 3,
      declinedBy,
    });
  }
  return { contacts, workers };
}
