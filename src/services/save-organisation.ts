/** Organisations: created by the command line or the demo, their settings edited by their admins. */

import type { Context } from "../context.js";
import { canEditOrganisation } from "../core/access/roles.js";
import {
  DEFAULT_SECURITY,
  type Organisation,
  type OrganisationPatch,
  OrganisationSettingsSchema,
  type SecuritySettings,
  VocabularySchema,
} from "../core/model.js";
import { fail, ok, type Result } from "../core/result.js";
import { isUniqueViolation } from "../db/dialect.js";
import { findOrganisation, forgetOrganisation, toOrganisation } from "../db/organisations.js";
import { startRollups } from "../db/report-rollups.js";
import { audit, type Caller, diff, systemCaller } from "./record.js";

export interface NewOrganisation {
  name: string;
  slug: string;
  kind: "ministry" | "sales";
  defaultCountry?: string | null;
  timeZone?: string;
  /** Sign-in rules; by default admins and dispatchers must use a second factor. */
  security?: Partial<SecuritySettings>;
}

export async function createOrganisation(
  ctx: Context,
  input: NewOrganisation,
): Promise<Result<Organisation>> {
  const now = ctx.clock.now().toISOString();
  const settings = OrganisationSettingsSchema.parse({
    defaultCountry: input.defaultCountry ?? null,
    timeZone: input.timeZone ?? "UTC",
    security: { ...DEFAULT_SECURITY, ...input.security },
  });
  const vocabulary = VocabularySchema.parse({ pack: input.kind });
  const row = {
    id: ctx.newId(),
    name: input.name,
    slug: input.slug,
    kind: input.kind,
    settings: JSON.stringify(settings),
    vocabulary: JSON.stringify(vocabulary),
    created_at: now,
    updated_at: now,
  };
  const organisation = toOrganisation(row);
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("organisations").values(row).execute();
      await startRollups(trx, row.id, now);
      await audit(trx, ctx, systemCaller(row.id), {
        action: "organisation.create",
        entity: "organisation",
        entityId: row.id,
        after: organisation,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      return fail("conflict", `an organisation "${input.slug}" exists already`, {
        errors: [{ path: "slug", message: "already in use" }],
      });
    }
    throw error;
  }
  return ok(organisation);
}

export async function editOrganisation(
  ctx: Context,
  caller: Caller,
  patch: OrganisationPatch,
): Promise<Result<Organisation>> {
  if (!canEditOrganisation(caller))
    return fail("forbidden", `a ${caller.role} cannot change the organisation`);
  const saved = await ctx.db.kysely.transaction().execute(async (trx) => {
    const row = await findOrganisation(trx, caller.organisationId);
    if (!row) return fail<Organisation>("not_found", "no such organisation");
    const before = toOrganisation(row);
    const next: Organisation = {
      ...before,
      name: patch.name ?? before.name,
      settings: { ...before.settings, ...patch.settings },
      vocabulary: { ...before.vocabulary, ...patch.vocabulary },
    };
    next.updatedAt = ctx.clock.now().toISOString();
    await trx
      .updateTable("organisations")
      .set({
        name: next.name,
        settings: JSON.stringify(next.settings),
        vocabulary: JSON.stringify(next.vocabulary),
        updated_at: next.updatedAt,
      })
      .where("id", "=", caller.organisationId)
      .execute();
    await audit(trx, ctx, caller, {
      action: "organisation.update",
      entity: "organisation",
      entityId: caller.organisationId,
      ...diff(before, next),
    });
    return ok(next);
  });
  // The intake keeps organisations for a moment (recentOrganisation): it sees the change at once.
  forgetOrganisation(ctx.db, caller.organisationId);
  return saved;
}
