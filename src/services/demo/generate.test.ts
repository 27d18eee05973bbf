import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNTABILITY, wantedDeadlines } from "../../core/accountability/deadlines.js";
import { OVERDUE_PILEUP } from "../../core/accountability/health.js";
import { PATHS } from "../../core/lifecycle/progress.js";
import { DEFAULT_REASONS, REASONED_STATUSES, STATUSES } from "../../core/lifecycle/states.js";
import { factsOfRow } from "../../db/deadlines.js";
import { demoCities } from "./cities.js";
import { type City, type DemoData, generateDemo } from "./generate.js";
import { type DemoProfile, PROFILES } from "./profiles.js";
import { deriveSeed, historicalIds, seededRandom } from "./random.js";

const NOW = new Date("2026-03-02T09:00:00.000Z");
const HOLDING = new Set(["offered", "active", "paused"]);

let cities: City[] = [];

function generate(profile: DemoProfile, seed: number): DemoData {
  return generateDemo({
    profile,
    organisationId: `org-${profile.slug}`,
    cities,
    now: NOW,
    random: seededRandom(deriveSeed(seed, profile.slug)),
    newId: historicalIds(seededRandom(deriveSeed(seed, "ids"))),
    reasons: DEFAULT_REASONS,
    users: { setter: "setter", dispatcher: "dispatcher", worker: "worker", worker2: "worker2" },
  });
}

beforeAll(async () => {
  cities = await demoCities();
});

describe("the demo generator", () => {
  it("makes the same organisation from the same seed, and another from another seed", () => {
    const small = { ...PROFILES[0]!, contactCount: 300, workerCount: 20 };
    const first = generate(small, 7);
    const again = generate(small, 7);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const other = generate(small, 8);
    expect(other.contacts.map((c) => c.display_name)).not.toEqual(first.contacts.map((c) => c.display_name));
  });

  for (const profile of PROFILES) {
    describe(profile.name, () => {
      let data: DemoData;
      beforeAll(() => {
        data = generate(profile, 1);
      });

      it("has every lifecycle status, each reasoned one with a reason from the list", () => {
        const statuses = new Set(data.contacts.map((c) => c.status));
        expect([...statuses].sort()).toEqual([...STATUSES].sort());
        for (const c of data.contacts) {
          const reasoned = (REASONED_STATUSES as readonly string[]).includes(c.status);
          if (reasoned)
            expect(DEFAULT_REASONS[c.status as keyof typeof DEFAULT_REASONS]).toContain(c.status_reason);
          else expect(c.status_reason).toBeNull();
        }
      });

      it("never gives a worker more contacts than their capacity, and offers only to active workers", () => {
        const workers = new Map(data.workers.map((w) => [w.id, w]));
        const load = new Map<string, number>();
        for (const c of data.contacts) {
          if (!HOLDING.has(c.status)) continue;
          expect(c.assigned_worker_id).not.toBeNull();
          load.set(c.assigned_worker_id!, (load.get(c.assigned_worker_id!) ?? 0) + 1);
          if (c.status === "offered") expect(workers.get(c.assigned_worker_id!)?.status).toBe("active");
        }
        for (const [id, held] of load) expect(held).toBeLessThanOrEqual(workers.get(id)!.capacity);
      });

      it("moves only contacts that have had a worker along the progress path", () => {
        const path = PATHS[profile.kind] as readonly string[];
        const everAssigned = new Set(
          data.activities
            .filter((a) => a.kind === "status" && JSON.parse(a.data).to === "active")
            .map((a) => a.contact_id),
        );
        for (const c of data.contacts) {
          expect(path).toContain(c.progress);
          if (c.progress !== "none") expect(everAssigned.has(c.id)).toBe(true);
        }
      });

      it("keeps every timeline in order, in the past, with ids that sort like their times", () => {
        const ids = new Set([...data.contacts, ...data.workers, ...data.activities].map((r) => r.id));
        expect(ids.size).toBe(data.contacts.length + data.workers.length + data.activities.length);
        const byContact = new Map<string, typeof data.activities>();
        for (const a of data.activities) {
          const timeline = byContact.get(a.contact_id) ?? [];
          timeline.push(a);
          byContact.set(a.contact_id, timeline);
        }
        expect(byContact.size).toBe(data.contacts.length);
        const problems: string[] = [];
        for (const c of data.contacts) {
          const timeline = [...byContact.get(c.id)!].sort((a, b) => (a.id < b.id ? -1 : 1));
          if (timeline[0]?.kind !== "created" || timeline[0].created_at !== c.created_at) {
            problems.push(`${c.id} does not start with its creation`);
          }
          for (let i = 1; i < timeline.length; i++) {
            if (timeline[i]!.created_at <= timeline[i - 1]!.created_at)
              problems.push(`${c.id} is out of order`);
          }
          if (timeline.at(-1)!.created_at !== c.last_activity_at)
            problems.push(`${c.id} last activity differs`);
          if (c.last_activity_at > NOW.toISOString()) problems.push(`${c.id} has a future activity`);
        }
        expect(problems).toEqual([]);
      });

      it("stores phones in E.164 and places contacts in the organisation's countries", () => {
        const countries = Object.keys(profile.countries);
        const phones = data.contacts.flatMap((c) => JSON.parse(c.phones) as string[]);
        expect(phones.filter((p) => !/^\+\d{8,15}$/.test(p))).toEqual([]);
        expect(data.contacts.filter((c) => !countries.includes(c.country ?? ""))).toEqual([]);
        expect(data.workers.filter((w) => w.user_id !== null).map((w) => w.user_id)).toEqual([
          "worker",
          "worker2",
        ]);
      });

      it("records each worker's latest offer, as dispatch does", () => {
        const latest = new Map<string, string>();
        for (const a of data.activities) {
          const change =
            a.kind === "status" ? (JSON.parse(a.data) as { to: string; workerId: string | null }) : null;
          if (change?.to !== "offered" || !change.workerId) continue;
          if ((latest.get(change.workerId) ?? "") < a.created_at) latest.set(change.workerId, a.created_at);
        }
        expect(latest.size).toBeGreaterThan(data.workers.length / 2);
        for (const w of data.workers) expect(w.last_offer_at, w.name).toBe(latest.get(w.id) ?? null);
      });

      it("leaves most workers on top of their deadlines, and some not", () => {
        const overdue = new Map<string, number>();
        for (const c of data.contacts) {
          const wanted = wantedDeadlines(factsOfRow(c), DEFAULT_ACCOUNTABILITY);
          for (const w of wanted) {
            if (w.dueAt < NOW.toISOString()) overdue.set(w.workerId, (overdue.get(w.workerId) ?? 0) + 1);
          }
        }
        const piling = data.workers.filter((w) => (overdue.get(w.id) ?? 0) >= OVERDUE_PILEUP).length;
        expect(piling).toBeGreaterThan(data.workers.length * 0.05);
        expect(piling).toBeLessThan(data.workers.length * 0.35);
      });
    });
  }
});
