/** The database as Kysely sees it: one interface per table, the single source of row types. */
import type { Insertable, Selectable, Updateable } from "kysely";

/** Timestamps are UTC ISO-8601 text; lists and objects are JSON text; flags are 0/1 integers. */
type Iso = string;
type JsonText = string;

export interface OrganisationsTable {
  id: string;
  name: string;
  slug: string;
  /** Which progress path and default vocabulary the organisation uses: "ministry" or "sales". */
  kind: string;
  settings: JsonText;
  vocabulary: JsonText;
  created_at: Iso;
  updated_at: Iso;
}

export interface UsersTable {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  locale: string;
  time_zone: string;
  disabled: number;
  created_at: Iso;
  updated_at: Iso;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a stolen table cannot be replayed. */
  id: string;
  user_id: string;
  organisation_id: string;
  created_at: Iso;
  last_seen_at: Iso;
  expires_at: Iso;
  ip: string | null;
  user_agent: string | null;
}

export interface WorkersTable {
  id: string;
  organisation_id: string;
  user_id: string | null;
  name: string;
  gender: string | null;
  languages: JsonText;
  place_name: string | null;
  country: string | null;
  lat: number;
  lon: number;
  max_km: number;
  capacity: number;
  trust: number;
  status: string;
  away_until: Iso | null;
  time_zone: string;
  created_at: Iso;
  updated_at: Iso;
}

export interface ContactsTable {
  id: string;
  organisation_id: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  phones: JsonText;
  emails: JsonText;
  gender: string | null;
  languages: JsonText;
  place_name: string | null;
  region: string | null;
  country: string | null;
  postal_code: string | null;
  lat: number | null;
  lon: number | null;
  source: string | null;
  campaign: string | null;
  inbound: number;
  status: string;
  status_reason: string | null;
  progress: string;
  assigned_worker_id: string | null;
  /** Lower-cased, transliterated name, phones and e-mails: what free-text search matches. */
  search_text: string;
  created_at: Iso;
  updated_at: Iso;
  status_changed_at: Iso;
  assigned_at: Iso | null;
  last_activity_at: Iso;
}

export interface ActivitiesTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  kind: string;
  body: string | null;
  data: JsonText;
  actor_user_id: string | null;
  created_at: Iso;
}

export interface AuditLogTable {
  id: string;
  organisation_id: string;
  actor_user_id: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before: JsonText | null;
  after: JsonText | null;
  ip: string | null;
  created_at: Iso;
}

export interface DeclinesTable {
  organisation_id: string;
  contact_id: string;
  worker_id: string;
  reason: string | null;
  created_at: Iso;
}

export interface DispatchDecisionsTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  worker_id: string | null;
  /** manual, suggest, auto or batch */
  mode: string;
  /** offered or unassignable */
  outcome: string;
  /** Why: the rules passed, the score terms, the runner-up (JSON). */
  trace: JsonText;
  run_id: string | null;
  actor_user_id: string | null;
  created_at: Iso;
}

export interface DispatchRunsTable {
  id: string;
  organisation_id: string;
  /** preview, applied or discarded */
  status: string;
  plan: JsonText;
  summary: JsonText;
  created_by: string | null;
  created_at: Iso;
  applied_at: Iso | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  workers: WorkersTable;
  contacts: ContactsTable;
  activities: ActivitiesTable;
  audit_log: AuditLogTable;
  declines: DeclinesTable;
  dispatch_decisions: DispatchDecisionsTable;
  dispatch_runs: DispatchRunsTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type WorkerRow = Selectable<WorkersTable>;
export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type AuditRow = Selectable<AuditLogTable>;
