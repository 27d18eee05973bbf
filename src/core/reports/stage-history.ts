/**
 * The stages a contact went through, as rows of contact_stage_changes: the stage it entered, the worker
 * holding it then, and when. Derived from the timeline (a contact is new from its arrival; each status
 * entry says where it went next) for contacts stored before the table existed, and for the demo.
 */

export interface StageEntry {
  contactId: string;
  organisationId: string;
  status: string;
  workerId: string | null;
  enteredAt: string;
}

interface StatusActivity {
  contact_id: string;
  created_at: string;
  /** JSON text: `{from, to, workerId, …}` as applyStatusChange writes it. */
  data: string;
}

/** A contact's stage entries: new at its arrival, then one per status change on its timeline. */
export function stageEntriesOf(
  contact: { id: string; organisation_id: string; created_at: string },
  activities: readonly StatusActivity[],
): StageEntry[] {
  const entries: StageEntry[] = [
    {
      contactId: contact.id,
      organisationId: contact.organisation_id,
      status: "new",
      workerId: null,
      enteredAt: contact.created_at,
    },
  ];
  const ordered = [...activities].sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const activity of ordered) {
    let data: { to?: unknown; workerId?: unknown };
    try {
      data = JSON.parse(activity.data) as typeof data;
    } catch {
      continue;
    }
    if (typeof data.to !== "string") continue;
    entries.push({
      contactId: contact.id,
      organisationId: contact.organisation_id,
      status: data.to,
      workerId: typeof data.workerId === "string" ? data.workerId : null,
      enteredAt: activity.created_at,
    });
  }
  return entries;
}

/**
 * Each stage change with the end of its stay: the time of the same contact's next change, in the order
 * the reports read them (time entered, then id); null for each contact's last.
 */
export function withLeftAt<T extends { id: string; contact_id: string; entered_at: string }>(
  rows: readonly T[],
): Array<T & { left_at: string | null }> {
  const ordered = [...rows].sort(
    (a, b) =>
      a.contact_id.localeCompare(b.contact_id) ||
      a.entered_at.localeCompare(b.entered_at) ||
      a.id.localeCompare(b.id),
  );
  return ordered.map((row, i) => {
    const next = ordered[i + 1];
    return { ...row, left_at: next && next.contact_id === row.contact_id ? next.entered_at : null };
  });
}
