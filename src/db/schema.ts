/** The database as Kysely sees it: one interface per table, the single source of row types. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

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
  /** Base32 TOTP secret; set at enrolment, in force once totp_enabled_at is set. */
  totp_secret: string | null;
  totp_enabled_at: Iso | null;
  /** The last TOTP time step accepted, so a code is never accepted twice. */
  totp_last_step: number | null;
  password_changed_at: Iso | null;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 of the code: codes are long random strings, so a fast hash is enough. */
  code_hash: string;
  used_at: Iso | null;
  created_at: Iso;
}

export interface SignInFailuresTable {
  id: string;
  ip: string;
  email: string;
  created_at: Iso;
}

export interface ApiKeysTable {
  id: string;
  organisation_id: string;
  name: string;
  scopes: JsonText;
  /** The first characters of the key, shown so people can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key. */
  secret_hash: string;
  created_by: string | null;
  created_at: Iso;
  last_used_at: Iso | null;
  last_used_ip: string | null;
  revoked_at: Iso | null;
}

export interface WebhooksTable {
  id: string;
  organisation_id: string;
  url: string;
  events: JsonText;
  /** The HMAC-SHA256 signing secret; shown to the admin, needed in clear to sign. */
  secret: string;
  active: Generated<number>;
  created_at: Iso;
  updated_at: Iso;
}

export interface OutboxTable {
  id: string;
  organisation_id: string;
  /** What delivers it: "webhook", "email", … */
  kind: string;
  target_id: string | null;
  payload: JsonText;
  idempotency_key: string;
  due_at: Iso;
  attempts: Generated<number>;
  last_error: string | null;
  delivered_at: Iso | null;
  /** Set when retries are exhausted. */
  failed_at: Iso | null;
  created_at: Iso;
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
  /** When they were last offered a contact (their latest `offered` dispatch decision); null if never. */
  last_offer_at: Iso | null;
  time_zone: string;
  created_at: Iso;
  updated_at: Iso;
  /** Weekly hours, exceptions and the daily cap (JSON, in time_zone); null = the default week. */
  availability: JsonText | null;
  /** SHA-256 of the secret in the worker's calendar feed URL. */
  calendar_token_hash: string | null;
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
  /** Set when the personal data was erased; the row stays for anonymous counts. */
  erased_at: Iso | null;
  /** Where the contact came from beyond source and campaign: utm_* fields, the page, as JSON. */
  attribution: JsonText | null;
  /** When the current worker accepted; these four are cleared whenever the contact changes hands. */
  accepted_at: Iso | null;
  first_attempt_at: Iso | null;
  first_meeting_at: Iso | null;
  /** The last update the worker gave: a call, a meeting, a note, progress, an answered request. */
  last_update_at: Iso | null;
  /** What the setter learnt on calls: question id → answer (JSON). */
  script_answers: JsonText | null;
  call_attempts: number;
  /** The person's own IANA time zone, when known (callbacks are agreed in it). */
  time_zone: string | null;
  /** The contact a merge folded this one into (it is then closed as a duplicate). */
  merged_into_id: string | null;
}

/**
 * Columns added by migration 0009, kept apart from the tables' own interfaces so that code building a
 * whole row (services, the demo, benchmarks) need not name them: they are optional on insert.
 */
type Optional<T> = ColumnType<T, T | undefined, T | undefined>;

/** The team a worker belongs to, for reports by team; null: none. */
export interface WorkerTeamColumn {
  team: Optional<string | null>;
}

/** The H3 cells of a contact's lat/lon at resolutions 4–7 (src/core/reports/hexagons.ts); null without a location. */
export interface ContactCellColumns {
  h3_r4: Optional<string | null>;
  h3_r5: Optional<string | null>;
  h3_r6: Optional<string | null>;
  h3_r7: Optional<string | null>;
}

export interface ScriptsTable {
  id: string;
  organisation_id: string;
  /** The campaign it is for; "" is the organisation's default. */
  campaign: string;
  name: string;
  steps: JsonText;
  created_at: Iso;
  updated_at: Iso;
}

export interface ObjectionsTable {
  id: string;
  organisation_id: string;
  objection: string;
  answers: JsonText;
  search_text: string;
  created_at: Iso;
  updated_at: Iso;
}

export interface CallbacksTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  setter_id: string | null;
  due_at: Iso;
  time_zone: string;
  local_time: string;
  note: string | null;
  created_at: Iso;
  reminded_at: Iso | null;
  done_at: Iso | null;
}

export interface AppointmentsTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  worker_id: string;
  starts_at: Iso;
  ends_at: Iso;
  start_ms: number;
  end_ms: number;
  local_date: string;
  /** in_person, phone or video */
  mode: string;
  place_name: string | null;
  lat: number | null;
  lon: number | null;
  /** booked, cancelled, completed or no_show */
  status: string;
  sequence: Generated<number>;
  note: string | null;
  cancel_reason: string | null;
  invite_contact: Generated<number>;
  /** The reminder lead times (minutes) already sent, as JSON. */
  reminders_sent: JsonText;
  booked_by: string | null;
  created_at: Iso;
  updated_at: Iso;
}

export interface SlotHoldsTable {
  id: string;
  organisation_id: string;
  worker_id: string;
  contact_id: string | null;
  start_ms: number;
  end_ms: number;
  held_by: string | null;
  expires_at: Iso;
  created_at: Iso;
}

export interface SupplyShortagesTable {
  id: string;
  organisation_id: string;
  contact_id: string | null;
  reason: string;
  place_name: string | null;
  country: string | null;
  lat: number | null;
  lon: number | null;
  created_at: Iso;
}

export interface DeadlinesTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  worker_id: string | null;
  /** accept, first_attempt, first_meeting, update or update_request */
  kind: string;
  due_at: Iso;
  /** How far up the escalation ladder: 0 none, 1 reminded, 2 dispatchers told. */
  level: Generated<number>;
  /** When the sweeper looks at it next; null once closed or at the end of its ladder. */
  next_at: Iso | null;
  /** For an update request: the dispatcher who asked, and what they asked. */
  requested_by: string | null;
  note: string | null;
  created_at: Iso;
  closed_at: Iso | null;
  /** met, expired, taken_back, declined or cancelled */
  outcome: string | null;
  /** For an update request: the worker's answer. */
  answer: string | null;
}

export interface NotificationsTable {
  id: string;
  organisation_id: string;
  user_id: string;
  kind: string;
  contact_id: string | null;
  deadline_id: string | null;
  urgent: Generated<number>;
  data: JsonText;
  /** none, digest (waiting for the next digest) or queued (in the outbox) */
  email: string;
  created_at: Iso;
  read_at: Iso | null;
  withdrawn_at: Iso | null;
}

export interface NotificationSettingsTable {
  user_id: string;
  organisation_id: string;
  preferences: JsonText;
  last_digest_at: Iso | null;
  updated_at: Iso;
}

export interface IdempotencyKeysTable {
  organisation_id: string;
  key: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  request_hash: string;
  contact_id: string;
  created_at: Iso;
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
  actor_api_key_id?: string | null;
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

export interface ContactMatchKeysTable {
  organisation_id: string;
  /** A blocking key (src/core/dedupe/blocking.ts) or a counting key (src/core/dedupe/arrival.ts). */
  key: string;
  contact_id: string;
}

export interface DuplicatePairsTable {
  id: string;
  organisation_id: string;
  /** contact_a < contact_b */
  contact_a: string;
  contact_b: string;
  score: number;
  /** The fields that matched, as a JSON list ("phone", "email", "name", …). */
  fields: JsonText;
  /** open, merged or distinct */
  status: string;
  found_at: Iso;
  /** intake, import, scan or the user id of a manual merge */
  found_by: string;
  decided_at: Iso | null;
  decided_by: string | null;
}

export interface MergesTable {
  id: string;
  organisation_id: string;
  survivor_id: string;
  merged_id: string;
  pair_id: string | null;
  /** Both contact rows before the merge, and the survivor's after it (JSON). */
  survivor_before: JsonText;
  merged_before: JsonText;
  survivor_after: JsonText;
  /** Ids of the rows moved from the merged contact to the survivor, per table (JSON). */
  moved: JsonText;
  automatic: number;
  created_at: Iso;
  created_by: string;
  undone_at: Iso | null;
  undone_by: string | null;
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

/** Every status a contact entered, with the worker holding it from then on: time spent in each stage. */
export interface ContactStageChangesTable {
  id: string;
  organisation_id: string;
  contact_id: string;
  status: string;
  worker_id: string | null;
  entered_at: Iso;
  /** When the contact's next change was entered (the end of this stay); null while it lasts. */
  left_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>;
}

/** A place whose contacts per available worker crossed the organisation's threshold; open until it drops back. */
export interface DemandAlertsTable {
  id: string;
  organisation_id: string;
  country: string | null;
  place_name: string | null;
  /** country|place: at most one open alert per key. */
  place_key: string;
  contacts: number;
  workers: number;
  /** Null: contacts and no available worker at all. */
  ratio: number | null;
  threshold: number;
  raised_at: Iso;
  cleared_at: Iso | null;
}

/** A contact's keys the reports group and filter by, copied onto each row that counts it. */
export interface ReportContactKeys {
  created_at: Iso;
  /** The ISO week (`2026-W09`) and month (`2026-03`) the contact arrived in. */
  week: string;
  month: string;
  country: string | null;
  region: string | null;
  place_name: string | null;
  source: string | null;
  campaign: string | null;
  /** The contact's H3 cells (migration 0013), for the hexagonal map. */
  h3_r4: string | null;
  h3_r5: string | null;
  h3_r6: string | null;
  h3_r7: string | null;
}

/** One contact as the reports count it (migration 0010), kept by the sweeper from report_changes. */
export interface ReportFactsTable extends ReportContactKeys {
  contact_id: string;
  organisation_id: string;
  created_ms: number;
  unassignable: number;
  /** The reason given, for an unassignable contact only. */
  reason: string | null;
  /** 1 while the contact waits for a worker (new, qualifying, ready). */
  waiting: number;
  accepted: number;
  met: number;
  offers_answered: number;
  offers_accepted: number;
  to_assignment_ms: number | null;
  to_first_contact_ms: number | null;
}

/** Report facts summed per week or month of arrival and per place, source, campaign and reason. */
export interface ReportRollupsTable {
  organisation_id: string;
  /** week or month */
  grain: string;
  period: string;
  /** The key (period, country, region, place, source, campaign, reason) as JSON text. */
  cell: string;
  country: string | null;
  region: string | null;
  place_name: string | null;
  source: string | null;
  campaign: string | null;
  reason: string | null;
  contacts: number;
  unassignable: number;
  waiting: number;
  accepted: number;
  met: number;
  offers_answered: number;
  offers_accepted: number;
  /** How many have an assignment time, and a first-attempt time after acceptance. */
  assigned: number;
  first_contacted: number;
  /** Set in the grains by cell only (migration 0013): the cells their contacts lie in. */
  h3_r4: string | null;
  h3_r5: string | null;
  h3_r6: string | null;
  h3_r7: string | null;
}

/** Contacts whose report facts may be out of date: noted by triggers, worked off by the sweeper. */
export interface ReportChangesTable {
  id: Generated<number>;
  organisation_id: string;
  contact_id: string;
}

/** An organisation whose report facts are built; the row a refresh locks. */
export interface ReportRefreshesTable {
  organisation_id: string;
  built_at: Iso | null;
  refreshed_at: Iso | null;
  /** The instant the stage rollups count the open stays as of (migration 0016). */
  stays_at: Iso | null;
}

/** Each worker's held contacts at a past week's edge, kept once counted (migration 0023). */
export interface ReportHeldWeeksTable {
  organisation_id: string;
  at: Iso;
  /** `worker id:count` per worker who held any then, joined by commas. */
  counts: string;
}

/** A stay (a stage change, until the next one or now) or a contact's status now, with its contact's keys. */
export interface ReportStaysTable extends ReportContactKeys {
  id: string;
  organisation_id: string;
  contact_id: string;
  kind: "stay" | "status";
  stage: string;
  entered_ms: number | null;
  left_ms: number | null;
  duration_ms: number | null;
}

/** A column of the stage rollups: stays finished (done) or under way (open) in one duration bucket. */
export type StayBucketColumn = `${"done" | "open"}_h${string}`;

/** Stays summed per month or week of arrival and place (or H3 cell) and stage (migration 0016). */
export type ReportStageRollupsTable = {
  organisation_id: string;
  grain: string;
  period: string;
  cell: string;
  stage: string;
  country: string | null;
  region: string | null;
  place_name: string | null;
  h3_r5: string | null;
  now_contacts: number;
  stays: number;
} & Record<StayBucketColumn, number>;

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  workers: WorkersTable & WorkerTeamColumn;
  contacts: ContactsTable & ContactCellColumns;
  activities: ActivitiesTable;
  audit_log: AuditLogTable;
  declines: DeclinesTable;
  dispatch_decisions: DispatchDecisionsTable;
  dispatch_runs: DispatchRunsTable;
  contact_match_keys: ContactMatchKeysTable;
  duplicate_pairs: DuplicatePairsTable;
  merges: MergesTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_failures: SignInFailuresTable;
  api_keys: ApiKeysTable;
  webhooks: WebhooksTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  deadlines: DeadlinesTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  scripts: ScriptsTable;
  objections: ObjectionsTable;
  callbacks: CallbacksTable;
  appointments: AppointmentsTable;
  slot_holds: SlotHoldsTable;
  supply_shortages: SupplyShortagesTable;
  contact_stage_changes: ContactStageChangesTable;
  demand_alerts: DemandAlertsTable;
  report_facts: ReportFactsTable;
  report_rollups: ReportRollupsTable;
  report_changes: ReportChangesTable;
  report_refreshes: ReportRefreshesTable;
  report_stays: ReportStaysTable;
  report_stage_rollups: ReportStageRollupsTable;
  report_held_weeks: ReportHeldWeeksTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type WorkerRow = Selectable<WorkersTable & WorkerTeamColumn>;
export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type DuplicatePairRow = Selectable<DuplicatePairsTable>;
export type MergeRow = Selectable<MergesTable>;
