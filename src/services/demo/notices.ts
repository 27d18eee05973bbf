/** What the demo's history told its people, as rows of their inboxes. */
import type { Insertable } from "kysely";
import type { NotificationData } from "../../core/notifications/messages.js";
import type { NotificationKind } from "../../core/notifications/preferences.js";
import type { NotificationsTable } from "../../db/schema.js";

/** Notices older than this were read by the time the demo starts; newer ones wait in the inbox. */
const DEMO_READ_AFTER_MS = 2 * 24 * 3_600_000;

export function demoNotice(
  organisationId: string,
  userId: string,
  at: string,
  now: string,
  newId: (at: number) => string,
  notice: { kind: NotificationKind; contactId: string; deadlineId?: string; data: NotificationData },
): Insertable<NotificationsTable> {
  const old = Date.parse(now) - Date.parse(at) > DEMO_READ_AFTER_MS;
  return {
    // Ids sort like their times: the inbox lists by id.
    id: newId(Date.parse(at)),
    organisation_id: organisationId,
    user_id: userId,
    kind: notice.kind,
    contact_id: notice.contactId,
    deadline_id: notice.deadlineId ?? null,
    data: JSON.stringify(notice.data),
    email: "none",
    created_at: at,
    read_at: old ? new Date(Date.parse(at) + 3_600_000).toISOString() : null,
    withdrawn_at: null,
  };
}
