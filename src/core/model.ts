/**
 * The shapes of Handoff's records, as zod schemas: one source for the TypeScript types,
 * the API's validation and its OpenAPI document.
 */
import { z } from "zod";
import { API_KEY_SCOPES } from "./access/api-keys.js";
import { ROLES } from "./access/roles.js";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, TWO_FACTOR_POLICIES } from "./access/sign-in.js";
import { AccountabilitySettingsSchema, DEFAULT_ACCOUNTABILITY } from "./accountability/deadlines.js";
import { AppointmentSettingsSchema, DEFAULT_APPOINTMENTS } from "./appointments/settings.js";
import { DEFAULT_THRESHOLD } from "./dedupe/cluster.js";
import { DEFAULT_TRACK_RECORD, TrackRecordSettingsSchema } from "./dispatch/track-record.js";
import { DEFAULT_REASONS, STATUSES } from "./lifecycle/states.js";
import { isWebhookUrl, WEBHOOK_EVENTS } from "./webhooks.js";
import { WORKER_STATUSES } from "./worker-status.js";

export const LOCALES = ["en", "it", "el"] as const;

const isoTime = z.string().describe("UTC timestamp, ISO-8601");
const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}$/, "must be an ISO 639-1 code such as en, it or el");
const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as IT or GR");
export const timeZone = z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Rome");
const gender = z.enum(["m", "f"]);
const text = (max: number) => z.string().trim().min(1).max(max);

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}

export const StatusSchema = z.enum(STATUSES);

export const ContactSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  phones: z.array(z.string()).describe("E.164 where the number could be read, else as typed"),
  emails: z.array(z.string()),
  gender: gender.nullable(),
  languages: z.array(z.string()),
  placeName: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().nullable(),
  postalCode: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  source: z.string().nullable(),
  campaign: z.string().nullable(),
  inbound: z.boolean().describe("the person reached out themselves"),
  status: StatusSchema,
  statusReason: z.string().nullable(),
  progress: z.string(),
  assignedWorkerId: z.string().nullable(),
  assignedWorkerName: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  statusChangedAt: isoTime,
  assignedAt: isoTime.nullable(),
  lastActivityAt: isoTime,
  erasedAt: isoTime.nullable().describe("when the personal data was erased; the record stays for counts"),
  mergedIntoId: z
    .string()
    .nullable()
    .describe("the contact this one was merged into as a duplicate (it is then closed); null otherwise"),
});
export type Contact = z.infer<typeof ContactSchema>;

const contactFields = {
  displayName: text(200),
  givenName: text(100).nullable(),
  familyName: text(100).nullable(),
  phones: z.array(text(40)).max(10),
  emails: z.array(z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254))).max(10),
  gender: gender.nullable(),
  languages: z.array(languageCode).max(20),
  placeName: text(200).nullable(),
  region: text(200).nullable(),
  country: countryCode.nullable(),
  postalCode: text(20).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lon: z.number().min(-180).max(180).nullable(),
  source: text(100).nullable(),
  campaign: text(100).nullable(),
  inbound: z.boolean(),
};

/** A place is located by both coordinates or by neither. */
function pairedCoordinates(value: { lat?: number | null; lon?: number | null }, ctx: z.RefinementCtx): void {
  const hasLat = value.lat !== undefined && value.lat !== null;
  const hasLon = value.lon !== undefined && value.lon !== null;
  if (hasLat !== hasLon) {
    ctx.addIssue({
      code: "custom",
      path: [hasLat ? "lon" : "lat"],
      message: "lat and lon are given together",
    });
  }
}

export const ContactCreateSchema = z
  .object({
    ...contactFields,
    givenName: contactFields.givenName.optional(),
    familyName: contactFields.familyName.optional(),
    phones: contactFields.phones.default([]),
    emails: contactFields.emails.default([]),
    gender: contactFields.gender.optional(),
    languages: contactFields.languages.default([]),
    placeName: contactFields.placeName.optional(),
    region: contactFields.region.optional(),
    country: contactFields.country.optional(),
    postalCode: contactFields.postalCode.optional(),
    lat: contactFields.lat.optional(),
    lon: contactFields.lon.optional(),
    source: contactFields.source.optional(),
    campaign: contactFields.campaign.optional(),
    inbound: contactFields.inbound.default(false),
  })
  .strict()
  .superRefine(pairedCoordinates);
export type ContactCreate = z.infer<typeof ContactCreateSchema>;

export const ContactPatchSchema = z.object(contactFields).partial().strict().superRefine(pairedCoordinates);
export type ContactPatch = z.infer<typeof ContactPatchSchema>;

export { WORKER_STATUSES };

export const WorkerSchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  gender: gender.nullable(),
  languages: z.array(z.string()),
  placeName: z.string().nullable(),
  country: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  maxKm: z.number().describe("how far the worker travels to meet in person"),
  capacity: z.number().int().describe("most contacts held at once"),
  load: z.number().int().describe("contacts held now: offered, active or paused"),
  trust: z.number().describe("track record, 0..1"),
  status: z.enum(WORKER_STATUSES),
  awayUntil: isoTime.nullable(),
  timeZone: z.string(),
  team: z.string().nullable().describe("the team the worker belongs to (reports filter by it); null: none"),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Worker = z.infer<typeof WorkerSchema>;

const workerFields = {
  userId: z.string().min(1).nullable(),
  name: text(200),
  gender: gender.nullable(),
  languages: z.array(languageCode).min(1, "at least one language").max(20),
  placeName: text(200).nullable(),
  country: countryCode.nullable(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  maxKm: z.number().positive().max(20000),
  capacity: z.number().int().min(0).max(10000),
  trust: z.number().min(0).max(1),
  status: z.enum(WORKER_STATUSES),
  awayUntil: z.iso.datetime({ offset: true }).nullable(),
  timeZone,
  team: text(100).nullable(),
};

export const WorkerCreateSchema = z
  .object({
    ...workerFields,
    userId: workerFields.userId.optional(),
    gender: workerFields.gender.optional(),
    placeName: workerFields.placeName.optional(),
    country: workerFields.country.optional(),
    trust: workerFields.trust.default(0.5),
    status: workerFields.status.default("active"),
    awayUntil: workerFields.awayUntil.optional(),
    timeZone: workerFields.timeZone.default("UTC"),
    team: workerFields.team.optional(),
  })
  .strict();
export type WorkerCreate = z.infer<typeof WorkerCreateSchema>;

export const WorkerPatchSchema = z.object(workerFields).partial().strict();
export type WorkerPatch = z.infer<typeof WorkerPatchSchema>;

export const RoleSchema = z.enum(ROLES);

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  locale: z.enum(LOCALES),
  timeZone: z.string(),
  workerId: z.string().nullable(),
  disabled: z.boolean(),
  twoFactorEnabled: z.boolean(),
  createdAt: isoTime,
});
export type User = z.infer<typeof UserSchema>;

export const UserCreateSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email()),
    name: text(200),
    role: RoleSchema,
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH),
    locale: z.enum(LOCALES).default("en"),
    timeZone: timeZone.default("UTC"),
  })
  .strict();
export type UserCreate = z.infer<typeof UserCreateSchema>;

export const UserPatchSchema = z
  .object({
    name: text(200),
    role: RoleSchema,
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH),
    locale: z.enum(LOCALES),
    timeZone,
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type UserPatch = z.infer<typeof UserPatchSchema>;

export const ReasonListsSchema = z.object({
  paused: z.array(text(100)).min(1),
  nurture: z.array(text(100)).min(1),
  unassignable: z.array(text(100)).min(1),
  closed: z.array(text(100)).min(1),
});

export const DISPATCH_MODES = ["manual", "suggest", "auto", "batch"] as const;

/** How an organisation dispatches, and the weights of the model in contract.md. */
export const DispatchSettingsSchema = z.object({
  mode: z
    .enum(DISPATCH_MODES)
    .describe(
      "manual: dispatchers choose; suggest: ranked suggestions; auto: offer on arrival; batch: a plan every N minutes",
    ),
  batchEveryMinutes: z.number().int().min(5).max(1440),
  sameGenderDefault: z.boolean(),
  assignValue: z.number().finite().min(0),
  weights: z.object({
    distancePerKm: z.number().finite().min(0),
    trust: z.number().finite().min(0),
    load: z.number().finite().min(0),
  }),
  trackRecord: TrackRecordSettingsSchema.default(DEFAULT_TRACK_RECORD).describe(
    "how each worker's trust is computed from their history",
  ),
});
export type DispatchSettings = z.infer<typeof DispatchSettingsSchema>;

export const DEFAULT_DISPATCH: DispatchSettings = {
  mode: "suggest",
  batchEveryMinutes: 30,
  sameGenderDefault: true,
  assignValue: 10_000,
  weights: { distancePerKm: 1, trust: 50, load: 100 },
  trackRecord: DEFAULT_TRACK_RECORD,
};

/** Sign-in and data-protection rules of one organisation. */
export const SecuritySettingsSchema = z.object({
  twoFactor: z
    .enum(TWO_FACTOR_POLICIES)
    .describe("who must use a second factor: privileged (admins, dispatchers), everyone, or optional"),
  sessionIdleMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .describe("a session ends after this long without a request"),
  retentionMonths: z
    .number()
    .int()
    .min(1)
    .max(240)
    .nullable()
    .describe("closed contacts are anonymised this many months after they closed; null keeps them"),
});
export type SecuritySettings = z.infer<typeof SecuritySettingsSchema>;

export const DEFAULT_SECURITY: SecuritySettings = {
  twoFactor: "privileged",
  sessionIdleMinutes: 60,
  retentionMonths: null,
};

export const DuplicateSettingsSchema = z.object({
  reviewAbove: z
    .number()
    .min(0)
    .max(1)
    .describe("an arriving contact this alike to a stored one (0–1) is linked to it for review"),
  autoMergeAbove: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe(
      "at or above this certainty an arriving contact is merged into the stored one at once (undoable); null never",
    ),
});
export type DuplicateSettings = z.infer<typeof DuplicateSettingsSchema>;

export const DEFAULT_DUPLICATES: DuplicateSettings = { reviewAbove: DEFAULT_THRESHOLD, autoMergeAbove: 0.99 };

/** When dispatchers are alerted that a place's demand outruns its workers. */
export const AlertSettingsSchema = z.object({
  contactsPerWorker: z
    .number()
    .positive()
    .max(100000)
    .nullable()
    .describe(
      "alert the dispatchers when a place's new contacts per available worker go above this; null: no alerts",
    ),
  windowDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .describe("the new contacts counted: those of this many days up to now"),
});
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;

export const DEFAULT_ALERTS: AlertSettings = { contactsPerWorker: null, windowDays: 30 };

export const OrganisationSettingsSchema = z.object({
  defaultCountry: countryCode.nullable().default(null),
  timeZone: timeZone.default("UTC"),
  reasons: ReasonListsSchema.default(DEFAULT_REASONS),
  dispatch: DispatchSettingsSchema.default(DEFAULT_DISPATCH),
  security: SecuritySettingsSchema.default(DEFAULT_SECURITY),
  accountability: AccountabilitySettingsSchema.default(DEFAULT_ACCOUNTABILITY).describe(
    "deadlines per stage, the escalation ladder, and the worker-health thresholds",
  ),
  appointments: AppointmentSettingsSchema.default(DEFAULT_APPOINTMENTS).describe(
    "meeting length, the slot grid, notice, buffers, travel speed, holds and reminders",
  ),
  duplicates: DuplicateSettingsSchema.default(DEFAULT_DUPLICATES).describe(
    "when an arriving contact is linked to a likely duplicate, and when it is merged at once",
  ),
  alerts: AlertSettingsSchema.default(DEFAULT_ALERTS).describe(
    "the contacts per available worker above which dispatchers are alerted, per place",
  ),
});
export type OrganisationSettings = z.infer<typeof OrganisationSettingsSchema>;

export const VocabularySchema = z.object({
  pack: z.enum(["ministry", "sales"]),
  /** Per locale, per noun key: words that replace the pack's. */
  overrides: z.record(z.string(), z.record(z.string(), z.string().max(60))).default({}),
});
export type Vocabulary = z.infer<typeof VocabularySchema>;

export const OrganisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  kind: z.enum(["ministry", "sales"]),
  settings: OrganisationSettingsSchema,
  vocabulary: VocabularySchema,
  progressSteps: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Organisation = z.infer<typeof OrganisationSchema>;

// Patches list their fields without defaults: a field left out stays as it is.
export const OrganisationPatchSchema = z
  .object({
    name: text(200),
    settings: z
      .object({
        defaultCountry: countryCode.nullable(),
        timeZone,
        reasons: ReasonListsSchema,
        dispatch: DispatchSettingsSchema,
        security: SecuritySettingsSchema,
        accountability: AccountabilitySettingsSchema,
        appointments: AppointmentSettingsSchema,
        duplicates: DuplicateSettingsSchema,
        alerts: AlertSettingsSchema,
      })
      .partial()
      .strict(),
    vocabulary: z
      .object({
        pack: z.enum(["ministry", "sales"]),
        overrides: z.record(z.string(), z.record(z.string(), z.string().max(60))),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type OrganisationPatch = z.infer<typeof OrganisationPatchSchema>;

export const ACTIVITY_KINDS = [
  "created",
  "updated",
  "comment",
  "call",
  "meeting",
  "status",
  "progress",
  "update_request",
  "update",
  "appointment",
  "merge",
] as const;

export const ActivitySchema = z.object({
  id: z.string(),
  contactId: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable(),
  createdAt: isoTime,
});
export type Activity = z.infer<typeof ActivitySchema>;

/** A contact as the API shows it on its own page: with the moves this caller may make next. */
export const ContactDetailSchema = ContactSchema.extend({
  allowedStatuses: z.array(StatusSchema).describe("statuses this caller may move the contact to now"),
  allowedProgress: z.array(z.string()).describe("progress steps this caller may move the contact to now"),
});
export type ContactDetail = z.infer<typeof ContactDetailSchema>;

export const MeSchema = z.object({
  user: UserSchema,
  organisation: OrganisationSchema,
  nouns: z
    .record(z.enum(LOCALES), z.record(z.string(), z.string()))
    .describe("the organisation's words, per locale"),
  security: z.object({
    twoFactorEnabled: z.boolean(),
    twoFactorRequired: z.boolean().describe("the organisation requires a second factor of this user's role"),
    mustEnrolTwoFactor: z
      .boolean()
      .describe("required but not set up yet: until it is, only enrolment and sign-out are open"),
    unusedRecoveryCodes: z.number().int(),
  }),
});
export type Me = z.infer<typeof MeSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  actorUserId: z.string().nullable(),
  actorApiKeyId: z.string().nullable().describe("set when the change came through an API key"),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  createdAt: isoTime,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Everything stored about one contact, for a data-subject access request. */
export const ContactExportSchema = z.object({
  exportedAt: isoTime,
  contact: ContactSchema,
  activities: z.array(ActivitySchema),
  decisions: z.array(
    z.object({
      id: z.string(),
      workerId: z.string().nullable(),
      mode: z.string(),
      outcome: z.string(),
      trace: z.unknown(),
      createdAt: isoTime,
    }),
  ),
  declines: z.array(z.object({ workerId: z.string(), reason: z.string().nullable(), createdAt: isoTime })),
  audit: z.array(AuditEntrySchema),
});
export type ContactExport = z.infer<typeof ContactExportSchema>;

export const SignInSchema = z
  .object({
    email: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    code: z
      .string()
      .trim()
      .min(6)
      .max(40)
      .optional()
      .describe("the 6-digit code of the authenticator app, or a recovery code"),
  })
  .strict();

export const SessionSchema = z.object({
  id: z.string(),
  createdAt: isoTime,
  lastSeenAt: isoTime,
  expiresAt: isoTime,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean().describe("the session making this request"),
});
export type Session = z.infer<typeof SessionSchema>;

export const PasswordChangeSchema = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .strict();

export const TwoFactorSetupSchema = z.object({
  secret: z.string().describe("base32, for typing into an authenticator app by hand"),
  uri: z.string().describe("otpauth:// URI"),
  qrCode: z.string().describe("the URI as a QR code, an SVG data: URL"),
});

export const RecoveryCodesSchema = z.object({
  recoveryCodes: z.array(z.string()).describe("shown once: each signs in once in place of a code"),
});

export function pageOf<T extends z.ZodType>(schema: T) {
  return z.object({
    items: z.array(schema),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last page"),
  });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), in: z.string().optional() }))
      .optional()
      .describe("each bad field, by its path"),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe("RFC 9457 problem details");
export type Problem = z.infer<typeof ProblemSchema>;

export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** An API key as listed: never its secret, which only its creator saw, once. */
export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("the key's first characters, to tell keys apart"),
  scopes: z.array(ApiKeyScopeSchema),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable().describe("to the minute"),
  lastUsedIp: z.string().nullable(),
  revokedAt: isoTime.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

const scopeList = z
  .array(ApiKeyScopeSchema)
  .min(1)
  .max(API_KEY_SCOPES.length)
  .transform((scopes) => [...new Set(scopes)]);

export const ApiKeyCreateSchema = z.object({ name: text(100), scopes: scopeList }).strict();
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;

export const ApiKeyIssuedSchema = ApiKeySchema.extend({
  key: z.string().describe("the whole key, shown this once: send it as Authorization: Bearer <key>"),
});
export type ApiKeyIssued = z.infer<typeof ApiKeyIssuedSchema>;

export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(isWebhookUrl, "must be an http:// or https:// URL")
  .describe("where deliveries are POSTed");

const eventList = z
  .array(WebhookEventSchema)
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventSchema),
  active: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookCreateSchema = z
  .object({ url: webhookUrl, events: eventList, active: z.boolean().default(true) })
  .strict();
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

export const WebhookPatchSchema = z
  .object({ url: webhookUrl, events: eventList, active: z.boolean() })
  .partial()
  .strict();
export type WebhookPatch = z.infer<typeof WebhookPatchSchema>;

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe("the signing secret (whsec_…), shown this once"),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  idempotencyKey: z.string().describe("sent as Handoff-Delivery; the same on every retry"),
  status: z.enum(["pending", "retrying", "delivered", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  deliveredAt: isoTime.nullable(),
  failedAt: isoTime.nullable(),
  createdAt: isoTime,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
