/**
 * Digests: at each person's set local times, everything that waited for a digest goes out as one
 * e-mail. The person's settings row is locked while the digest is written, and the outbox refuses
 * a second message with the same key, so two sweepers never send one digest twice.
 */
import type { Context } from "../context.js";
import { digestDue } from "../core/notifications/preferences.js";
import { forUpdate } from "../db/dialect.js";
import { usersAwaitingDigest } from "../db/notifications.js";
import { EMAIL_KIND, preferencesOf } from "./notify.js";

export async function sendDigests(ctx: Context): Promise<number> {
  if (!ctx.mailer) return 0;
  const now = ctx.clock.now();
  let sent = 0;
  for (const waiting of await usersAwaitingDigest(ctx.db.kysely)) {
    const queued = await ctx.db.kysely.transaction().execute(async (trx) => {
      const at = now.toISOString();
      await trx
        .insertInto("notification_settings")
        .values({
          user_id: waiting.user_id,
          organisation_id: waiting.organisation_id,
          preferences: JSON.stringify(preferencesOf(null)),
          last_digest_at: null,
          updated_at: at,
        })
        .onConflict((oc) => oc.column("user_id").doNothing())
        .execute();
      const settings = await forUpdate(
        ctx.db.dialect,
        trx.selectFrom("notification_settings").selectAll().where("user_id", "=", waiting.user_id),
      ).executeTakeFirstOrThrow();
      const slot = digestDue(
        now,
        preferencesOf(settings.preferences),
        waiting.time_zone,
        settings.last_digest_at,
        String(waiting.oldest),
      );
      if (!slot) return false;
      const pending = await trx
        .selectFrom("notifications")
        .select("id")
        .where("user_id", "=", waiting.user_id)
        .where("email", "=", "digest")
        .where("withdrawn_at", "is", null)
        .orderBy("id")
        .execute();
      if (pending.length === 0) return false;
      const ids = pending.map((p) => p.id);
      await trx.updateTable("notifications").set({ email: "queued" }).where("id", "in", ids).execute();
      await trx
        .updateTable("notification_settings")
        .set({ last_digest_at: slot.toISOString() })
        .where("user_id", "=", waiting.user_id)
        .execute();
      await trx
        .insertInto("outbox")
        .values({
          id: ctx.newId(),
          organisation_id: waiting.organisation_id,
          kind: EMAIL_KIND,
          target_id: waiting.user_id,
          payload: JSON.stringify({ notificationIds: ids, digestAt: slot.toISOString() }),
          idempotency_key: `digest-${waiting.user_id}-${slot.toISOString()}`,
          due_at: at,
          last_error: null,
          delivered_at: null,
          failed_at: null,
          created_at: at,
        })
        .execute();
      return true;
    });
    if (queued) sent += 1;
  }
  return sent;
}
