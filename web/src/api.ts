/** The console's only door to the server: same-origin fetch with the session cookie, problems as errors. */
import type { z } from "zod";
import type { DeadlineSchema } from "../../src/api/routes/accountability.js";
import type { DuplicatePairSchema, MergeSchema } from "../../src/api/routes/duplicates.js";
import type { AccountabilitySettings, LatenessBucket } from "../../src/core/accountability/deadlines.js";
import type { WorkerHealth } from "../../src/core/accountability/health.js";
import type {
  CallbackRequest,
  CallOutcome,
  ObjectionInput,
  ScriptAnswers,
  ScriptInput,
  ScriptStep,
} from "../../src/core/appointments/scripts.js";
import type { AppointmentSettings } from "../../src/core/appointments/settings.js";
import type {
  Activity,
  ApiKey,
  ApiKeyIssued,
  ApiKeyScope,
  AuditEntry,
  Contact,
  ContactDetail,
  Me,
  Organisation,
  Page,
  Problem,
  RecoveryCodesSchema,
  SecuritySettings,
  Session,
  TwoFactorSetupSchema,
  User,
  UserCreateSchema,
  UserPatch,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookEvent,
  Worker,
} from "../../src/core/model.js";
import type { NotificationData } from "../../src/core/notifications/messages.js";
import type { NotificationKind, NotificationPreferences } from "../../src/core/notifications/preferences.js";
import type { Availability, Interval, Weekday } from "../../src/core/schedule/availability.js";
import type { Appointment, MeetingMode } from "../../src/db/appointments.js";
import type { BookingRequest } from "../../src/services/appointments.js";
import type { WorkerAvailability } from "../../src/services/availability.js";
import type { Callback } from "../../src/services/callbacks.js";
import type { CallRecord } from "../../src/services/calls.js";
import type { ContactScript, Objection, Script } from "../../src/services/scripts.js";
import type { Hold, WorkerSlots } from "../../src/services/slots.js";

export type {
  AccountabilitySettings,
  Activity,
  ApiKey,
  ApiKeyIssued,
  ApiKeyScope,
  Appointment,
  AppointmentSettings,
  AuditEntry,
  Availability,
  BookingRequest,
  Callback,
  CallbackRequest,
  CallOutcome,
  CallRecord,
  Contact,
  ContactDetail,
  ContactScript,
  Hold,
  Interval,
  Me,
  MeetingMode,
  NotificationKind,
  NotificationPreferences,
  Objection,
  ObjectionInput,
  Organisation,
  Page,
  Problem,
  Script,
  ScriptAnswers,
  ScriptInput,
  ScriptStep,
  SecuritySettings,
  Session,
  User,
  UserPatch,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookEvent,
  Weekday,
  Worker,
  WorkerAvailability,
  WorkerSlots,
};
export type TwoFactorSetup = z.infer<typeof TwoFactorSetupSchema>;
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;
/** What POST /api/v1/users accepts (locale and time zone have defaults). */
export type UserCreate = z.input<typeof UserCreateSchema>;

/** An open deadline: what a worker owes on a contact, and by when. */
export type Deadline = z.infer<typeof DeadlineSchema>;
export type DuplicatePair = z.infer<typeof DuplicatePairSchema>;
export type Merge = z.infer<typeof MergeSchema>;

// The shapes below answer routes whose zod schemas are not exported (the console ships no zod); they are
// built from the server's own parts so that a change there still fails the console's type check.

/** GET /api/v1/deadlines/board: the overdue deadlines grouped by worker. */
export interface OverdueBoard {
  generatedAt: string;
  buckets: LatenessBucket[];
  total: number;
  workers: Array<{
    workerId: string | null;
    workerName: string | null;
    total: number;
    counts: Partial<Record<LatenessBucket, number>>;
    items: Deadline[];
  }>;
}

/** One line of GET /api/v1/workers/health. */
export type WorkerHealthRow = WorkerHealth & { name: string; load: number; capacity: number };

/** One entry of the inbox, GET /api/v1/notifications. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  contactId: string | null;
  contactName: string | null;
  deadlineId: string | null;
  urgent: boolean;
  data: NotificationData;
  createdAt: string;
  readAt: string | null;
}

export interface Inbox {
  items: Notification[];
  unread: number;
  nextBefore: string | null;
}

/** GET and PUT /api/v1/me/notification-settings. */
export interface NotificationSettings {
  preferences: NotificationPreferences;
  emailEnabled: boolean;
  timeZone: string;
}

/** GET /api/v1/contacts/{id}/slots: the soonest slots with each worker who fits; shortage when there is none. */
export interface ContactSlots {
  workers: WorkerSlots[];
  shortage: boolean;
}

/** A refused or failed request, carrying the server's problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `request failed with status ${status}`);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, (data as Problem | null) ?? null);
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  delete: <T = void>(path: string) => request<T>("DELETE", path),
};

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
