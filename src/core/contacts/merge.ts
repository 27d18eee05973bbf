/**
 * Merging two records of one person: which value of each field survives, by the reviewer's choice
 * or by rule, and how both rows look afterwards. Phones, e-mails and languages are never lost.
 */
import { searchText } from "./normalise.js";

/** The fields a reviewer chooses between; the others follow the rules of `mergeContacts`. */
export const MERGE_FIELDS = ["name", "gender", "place", "origin", "handling"] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeSide = "survivor" | "merged";
export type MergeChoices = Partial<Record<MergeField, MergeSide>>;

/** The columns of a contact row a merge reads and writes (a structural subset of the stored row). */
export interface MergeableContact {
  id: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  phones: string;
  emails: string;
  gender: string | null;
  languages: string;
  place_name: string | null;
  region: string | null;
  country: string | null;
  postal_code: string | null;
  lat: number | null;
  lon: number | null;
  time_zone: string | null;
  source: string | null;
  campaign: string | null;
  attribution: string | null;
  inbound: number;
  status: string;
  status_reason: string | null;
  progress: string;
  assigned_worker_id: string | null;
  assigned_at: string | null;
  status_changed_at: string;
  accepted_at: string | null;
  first_attempt_at: string | null;
  first_meeting_at: string | null;
  last_update_at: string | null;
  script_answers: string | null;
  call_attempts: number;
  created_at: string;
  last_activity_at: string;
  merged_into_id: string | null;
  erased_at: string | null;
}

/** The columns each choosable field stands for. */
export const FIELD_COLUMNS = {
  name: ["display_name", "given_name", "family_name"],
  gender: ["gender"],
  place: ["place_name", "region", "country", "postal_code", "lat", "lon", "time_zone"],
  origin: ["source", "campaign", "attribution"],
  handling: [
    "status",
    "status_reason",
    "progress",
    "assigned_worker_id",
    "assigned_at",
    "status_changed_at",
    "accepted_at",
    "first_attempt_at",
    "first_meeting_at",
    "last_update_at",
  ],
} as const satisfies Record<MergeField, ReadonlyArray<keyof MergeableContact>>;

export interface MergePlan<Row extends MergeableContact> {
  /** The survivor's columns that change. */
  survivor: Partial<Row>;
  /** The merged contact's columns that change: closed as a duplicate of the survivor. */
  merged: Partial<Row>;
  /** Which side each choosable field was taken from. */
  taken: Record<MergeField, MergeSide>;
}

/** Why two contacts cannot be merged, or null when they can. */
export function mergeRefusal(survivor: MergeableContact, merged: MergeableContact): string | null {
  if (survivor.id === merged.id) return "a contact cannot be merged with itself";
  if (survivor.erased_at || merged.erased_at) return "an erased contact cannot be merged";
  if (survivor.merged_into_id) return "the survivor was itself merged into another contact";
  if (merged.merged_into_id) return "that contact was already merged into another";
  return null;
}

/**
 * Decides the merge. By default the survivor keeps its values, except where it has none (no
 * gender, no place) or where the other record is further along (it has a worker and the survivor
 * has none); the origin is the earlier record's, since that was the first touch.
 */
export function mergeContacts<Row extends MergeableContact>(
  survivor: Row,
  merged: Row,
  choices: MergeChoices,
  now: string,
): MergePlan<Row> {
  const defaults: Record<MergeField, MergeSide> = {
    name: "survivor",
    gender: survivor.gender === null && merged.gender !== null ? "merged" : "survivor",
    place:
      survivor.place_name === null &&
      survivor.lat === null &&
      (merged.place_name !== null || merged.lat !== null)
        ? "merged"
        : "survivor",
    origin: merged.created_at < survivor.created_at ? "merged" : "survivor",
    handling:
      survivor.assigned_worker_id === null && merged.assigned_worker_id !== null ? "merged" : "survivor",
  };
  const taken = { ...defaults, ...choices };
  const update: Record<string, unknown> = {};
  for (const field of MERGE_FIELDS) {
    if (taken[field] !== "merged") continue;
    for (const column of FIELD_COLUMNS[field]) update[column] = merged[column];
  }
  const union = (a: string, b: string) => [...new Set([...JSON.parse(a), ...JSON.parse(b)])] as string[];
  const phones = union(survivor.phones, merged.phones);
  const emails = union(survivor.emails, merged.emails);
  update.phones = JSON.stringify(phones);
  update.emails = JSON.stringify(emails);
  update.languages = JSON.stringify(union(survivor.languages, merged.languages));
  update.inbound = survivor.inbound || merged.inbound ? 1 : 0;
  update.call_attempts = survivor.call_attempts + merged.call_attempts;
  update.script_answers = mergedAnswers(survivor.script_answers, merged.script_answers);
  // ISO times sort as text.
  update.created_at = [survivor.created_at, merged.created_at].sort()[0];
  update.last_activity_at = [survivor.last_activity_at, merged.last_activity_at].sort()[1];
  const after = { ...survivor, ...update } as Row;
  update.search_text = searchText({
    displayName: after.display_name,
    givenName: after.given_name,
    familyName: after.family_name,
    phones,
    emails,
    placeName: after.place_name,
    postalCode: after.postal_code,
  });
  update.updated_at = now;
  for (const column of Object.keys(update)) {
    if (column !== "updated_at" && update[column] === (survivor as Record<string, unknown>)[column])
      delete update[column];
  }
  const mergedUpdate: Record<string, unknown> = {
    status: "closed",
    status_reason: "duplicate",
    merged_into_id: survivor.id,
    assigned_worker_id: null,
    assigned_at: null,
    accepted_at: null,
    status_changed_at: now,
    updated_at: now,
  };
  return { survivor: update as Partial<Row>, merged: mergedUpdate as Partial<Row>, taken };
}

/** The survivor's answers, with the other record's for questions the survivor never asked. */
function mergedAnswers(survivor: string | null, merged: string | null): string | null {
  if (merged === null) return survivor;
  if (survivor === null) return merged;
  return JSON.stringify({ ...JSON.parse(merged), ...JSON.parse(survivor) });
}
