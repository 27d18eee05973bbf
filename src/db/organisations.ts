/** Query functions for organisations and their settings. */
import type { Kysely } from "kysely";
import { PATHS } from "../core/lifecycle/progress.js";
import {
  type Organisation,
  type OrganisationSettings,
  OrganisationSettingsSchema,
  type Vocabulary,
  VocabularySchema,
} from "../core/model.js";
import type { Db } from "./dialect.js";
import type { Database, OrganisationRow } from "./schema.js";

/**
 * Parsed settings by organisation, kept while the stored JSON text is unchanged (compared whole:
 * updated_at can repeat when clocks are coarse or moved by hand): every request reads them, and
 * validating the JSON each time costs more than the query. The parsed objects are shared, so
 * they are frozen.
 */
const parsed = new Map<
  string,
  { settingsText: string; vocabularyText: string; settings: OrganisationSettings; vocabulary: Vocabulary }
>();

export function settingsOfRow(row: Pick<OrganisationRow, "id" | "updated_at" | "settings" | "vocabulary">) {
  const cached = parsed.get(row.id);
  if (cached?.settingsText === row.settings && cached.vocabularyText === row.vocabulary) return cached;
  const entry = {
    settingsText: row.settings,
    vocabularyText: row.vocabulary,
    settings: deepFreeze(OrganisationSettingsSchema.parse(JSON.parse(row.settings))),
    vocabulary: deepFreeze(VocabularySchema.parse(JSON.parse(row.vocabulary))),
  };
  parsed.set(row.id, entry);
  return entry;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export function toOrganisation(row: OrganisationRow): Organisation {
  const kind = row.kind as Organisation["kind"];
  const { settings, vocabulary } = settingsOfRow(row);
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    kind,
    settings,
    vocabulary,
    progressSteps: [...PATHS[kind]],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findOrganisation(db: Kysely<Database>, id: string) {
  return db.selectFrom("organisations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findOrganisationBySlug(db: Kysely<Database>, slug: string) {
  return db.selectFrom("organisations").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export async function loadSettings(db: Kysely<Database>, organisationId: string): Promise<Organisation> {
  const row = await findOrganisation(db, organisationId);
  if (!row) throw new Error(`organisation ${organisationId} vanished while in use`);
  return toOrganisation(row);
}

export function settingsText(settings: OrganisationSettings): string {
  return JSON.stringify(settings);
}

/**
 * Organisations read lately, per database, for the intake, which needs one on every request (its
 * default country and duplicate settings) before its transaction. A save in this process forgets
 * the organisation at once (forgetOrganisation); one made by another process (another `handoff
 * serve` on the same PostgreSQL, the CLI) is seen here within ORGANISATION_CACHE_MS, as API keys are.
 */
export const ORGANISATION_CACHE_MS = 2_000;
const ORGANISATION_CACHE_SIZE = 1_000;

interface OrganisationCache {
  byId: Map<string, { organisation: Organisation; readAt: number }>;
  /** Bumped by every save, so a read that raced one is not kept. */
  generation: number;
}

const organisationCaches = new WeakMap<Db, OrganisationCache>();

function organisationCacheOf(db: Db): OrganisationCache {
  let cache = organisationCaches.get(db);
  if (!cache) {
    cache = { byId: new Map(), generation: 0 };
    organisationCaches.set(db, cache);
  }
  return cache;
}

/** The organisation, from this process's cache while it is fresh (`now`: clock milliseconds), else read. */
export async function recentOrganisation(db: Db, id: string, now: number): Promise<Organisation> {
  const cache = organisationCacheOf(db);
  const known = cache.byId.get(id);
  if (known && now - known.readAt >= 0 && now - known.readAt < ORGANISATION_CACHE_MS)
    return known.organisation;
  const generation = cache.generation;
  const organisation = await loadSettings(db.kysely, id);
  if (cache.generation === generation) {
    cache.byId.delete(id);
    if (cache.byId.size >= ORGANISATION_CACHE_SIZE) cache.byId.delete(cache.byId.keys().next().value ?? "");
    cache.byId.set(id, { organisation, readAt: now });
  }
  return organisation;
}

/** Forgets an organisation this process may have kept: call once a change to it is committed. */
export function forgetOrganisation(db: Db, id: string): void {
  const cache = organisationCacheOf(db);
  cache.generation += 1;
  cache.byId.delete(id);
}
