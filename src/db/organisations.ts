/** Query functions for organisations and their settings. */
import type { Kysely } from "kysely";
import { PATHS } from "../core/lifecycle/progress.js";
import {
  type Organisation,
  type OrganisationSettings,
  OrganisationSettingsSchema,
  VocabularySchema,
} from "../core/model.js";
import type { Database, OrganisationRow } from "./schema.js";

export function toOrganisation(row: OrganisationRow): Organisation {
  const kind = row.kind as Organisation["kind"];
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    kind,
    settings: OrganisationSettingsSchema.parse(JSON.parse(row.settings)),
    vocabulary: VocabularySchema.parse(JSON.parse(row.vocabulary)),
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
