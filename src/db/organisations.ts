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
