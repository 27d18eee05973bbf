/**
 * The authorisation matrix: every operation the OpenAPI document lists under /api/v1, called by every role,
 * anonymously and with each scope of API key, on the caller's own record, on another's in the same
 * organisation and on one of another organisation, against a declared table of what each caller may do.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { generate } from "otplib";
import { expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { Context } from "../../src/context.js";
import type { Role } from "../../src/core/access/roles.js";
import type { ScriptInput } from "../../src/core/appointments/scripts.js";
import { DEFAULT_AVAILABILITY } from "../../src/core/schedule/availability.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { recordCall } from "../../src/services/calls.js";
import { mergeContactPair } from "../../src/services/merge-contacts.js";
import { type Caller, systemCaller } from "../../src/services/record.js";
import { createUser } from "../../src/services/save-user.js";
import { editWorker } from "../../src/services/save-worker.js";
import { createObjection, saveScript } from "../../src/services/scripts.js";
import { tokenId } from "../../src/services/sessions.js";
import { holdSlot } from "../../src/services/slots.js";
import { createWebhook } from "../../src/services/webhooks.js";
import { describeEachDatabase, type TestClock } from "../support/databases.js";
import type { Sent } from "../support/http.js";
import { apiOperations, type Operation } from "../support/openapi.js";
import { sampleOf } from "../support/schema-sample.js";
import {
  addContact,
  assignTo,
  PASSWORD,
  type SeededOrganisation,
  seedOrganisation,
  signInAs,
} from "../support/seed.js";

// ---------------------------------------------------------------------------------------------------------
// The shape of the table

/** The columns: a signed-in user of each role, nobody, and an API key of each scope (all of organisation alpha). */
const CALLERS = [
  "admin",
  "dispatcher",
  "setter",
  "worker",
  "marketer",
  "anonymous",
  "intakeKey",
  "readKey",
] as const;
type CallerName = (typeof CALLERS)[number];

/**
 * Whose record the path names, seen from the caller:
 * - own: the caller's own: for a worker, a contact they hold and their worker record; for any user, their
 *   user record and sessions. Only callers who can own such a record are tried on it.
 * - others: another's in the same organisation: a contact worker2 holds, worker2's record, another user and
 *   their sessions; for records no person owns (API keys, webhooks, dispatch runs), the organisation's.
 * - unassigned: a contact nobody holds yet (what setters work on); contact routes only.
 * - otherOrg: a record of another organisation.
 */
type Relation = "own" | "others" | "unassigned" | "otherOrg";

/** Refused for who the caller is or whose the record is: not signed in, not allowed, not theirs to see. */
type Refusal = 401 | 403 | 404;
/** Allowed, but the sample request is refused on business grounds, with the status and the reason. */
interface BusinessRefusal {
  allow: 400 | 409;
  why: string;
}
/** "allow" is a 2xx. */
type Outcome = "allow" | Refusal | BusinessRefusal;
/**
 * One outcome for every record, or one per relation. When one outcome is given, a record of another
 * organisation gets 404 unless that outcome is a refusal, which then holds there too; per relation, the
 * other organisation's record gets the refusal given for `others`, else 404, unless `otherOrg` says.
 */
type Expectation = Outcome | Partial<Record<Relation, Outcome>>;

/** What the path's parameters name. */
type Target =
  | "none"
  | "contact"
  | "worker"
  | "user"
  | "session"
  | "userSession"
  | "apiKey"
  | "webhook"
  | "run"
  | "appointment"
  | "hold"
  | "script"
  | "objection"
  | "callback"
  | "pair"
  | "merge";

interface BodyContext {
  world: World;
  /** The signed-in user making the request; null for anonymous and API-key callers. */
  user: SignedIn | null;
}

interface Rule {
  target: Target;
  /**
   * The request changes its record: every cell expected to be allowed gets a new one. Cells expected to be
   * refused share the world's record, which only a wrong answer changes (seen in that cell first).
   */
  fresh?: true;
  /**
   * The request ends the caller's sessions or changes how they sign in: on their own record (or on a route
   * that names none) the caller is a new user of the role, signed in for this cell only.
   */
  ownCaller?: true;
  /** The request body (may prepare the caller first); without it, the schema's required fields are sampled. */
  body?: (cell: BodyContext) => unknown;
  /** The body is sent as it is, with this content type, rather than as JSON. */
  contentType?: string;
  admin: Expectation;
  dispatcher: Expectation;
  setter: Expectation;
  worker: Expectation;
  marketer: Expectation;
  /** 401 unless given: only signing in is open to everyone. */
  anonymous?: Expectation;
  /** 403 unless given: a key calls only the routes that declare its scope. */
  intakeKey?: Expectation;
  readKey?: Expectation;
}

type RoleColumns = Record<Role, Expectation>;

const EVERY_ROLE = {
  admin: "allow",
  dispatcher: "allow",
  setter: "allow",
  worker: "allow",
  marketer: "allow",
} as const satisfies RoleColumns;

const ADMINS = {
  admin: "allow",
  dispatcher: 403,
  setter: 403,
  worker: 403,
  marketer: 403,
} as const satisfies RoleColumns;

const DISPATCHERS = {
  admin: "allow",
  dispatcher: "allow",
  setter: 403,
  worker: 403,
  marketer: 403,
} as const satisfies RoleColumns;

/** Supply and demand reports: aggregates for those who dispatch and for marketing; not for setters or the field. */
const REPORTS = {
  admin: "allow",
  dispatcher: "allow",
  setter: 403,
  worker: 403,
  marketer: "allow",
} as const satisfies RoleColumns;

/** A user's own account records; anyone's in the organisation for an admin. */
const SELF = { own: "allow", others: 403 } as const;
const SELF_OR_ADMIN = {
  admin: "allow",
  dispatcher: SELF,
  setter: SELF,
  worker: SELF,
  marketer: SELF,
} as const satisfies RoleColumns;

/** /me/sessions/{id}: a session that is not the caller's is not found among theirs, even for an admin. */
const MINE = { own: "allow", others: 404 } as const;
const OWN_SESSIONS = {
  admin: MINE,
  dispatcher: MINE,
  setter: MINE,
  worker: MINE,
  marketer: MINE,
} as const satisfies RoleColumns;

/**
 * Working one contact: admins and dispatchers reach every contact, setters those nobody holds, workers
 * their own; anyone else's is not found. Marketers see no personal data at all.
 */
const CONTACT_WORK = {
  admin: "allow",
  dispatcher: "allow",
  setter: { others: 404, unassigned: "allow" },
  worker: { own: "allow", others: 404, unassigned: 404 },
  marketer: 403,
} as const satisfies RoleColumns;

/** Dispatch views of one contact: for those who dispatch or book meetings; never for the field or marketing. */
const DISPATCH_VIEWS = {
  admin: "allow",
  dispatcher: "allow",
  setter: { others: 404, unassigned: "allow" },
  worker: 403,
  marketer: 403,
} as const satisfies RoleColumns;

/** A worker's record: the roster is open to those who dispatch or book; a worker sees only their own. */
const WORKER_RECORD = {
  admin: "allow",
  dispatcher: "allow",
  setter: "allow",
  worker: { own: "allow", others: 404 },
  marketer: 403,
} as const satisfies RoleColumns;

/** Managing a worker's record: dispatchers and admins; a worker their own. */
const WORKER_MANAGEMENT = {
  admin: "allow",
  dispatcher: "allow",
  setter: 403,
  worker: { own: "allow", others: 404 },
  marketer: 403,
} as const satisfies RoleColumns;

/** Offering to alpha's first worker: a contact another worker holds must be released first. */
const OFFER = {
  others: { allow: 409, why: "an active contact is not offered again until it is released" },
  unassigned: "allow",
} as const;

/** Asking for an update: only when a worker holds the contact. */
const UPDATE_REQUEST = {
  others: "allow",
  unassigned: { allow: 409, why: "nobody holds the contact, so there is no one to ask" },
} as const;

/** Answering is allowed, but the sample contact has no open update request. */
const NO_OPEN_REQUEST = { allow: 409, why: "no update request is open on the contact" } as const;

/** Booking with alpha's first worker: a contact worker2 holds is booked with worker2 or not at all. */
const BOOKING = {
  others: { allow: 409, why: "another worker holds the contact" },
  unassigned: "allow",
} as const;

/** A meeting: dispatchers and admins reach every one, a worker their own; a setter only those they booked. */
const MEETING = {
  admin: "allow",
  dispatcher: "allow",
  setter: 404,
  worker: { own: "allow", others: 404 },
  marketer: 403,
} as const satisfies RoleColumns;

/** Recording how a meeting went: allowed, but the world's meetings have not started yet. */
const NOT_YET = { allow: 409, why: "the meeting has not started yet" } as const;

/** Appointment setting: setters, dispatchers and admins work from scripts, objections and callbacks. */
const SETTING = {
  admin: "allow",
  dispatcher: "allow",
  setter: "allow",
  worker: 403,
  marketer: 403,
} as const satisfies RoleColumns;

/** A call outcome is for contacts being qualified: one a worker holds is not qualified by phone. */
const CALL = {
  others: { allow: 409, why: "a worker holds the contact, so it is no longer being qualified" },
  unassigned: "allow",
} as const;

/** A campaign names a script within the caller's organisation: a name another organisation uses is free here. */
const ANY_CAMPAIGN = { others: "allow", otherOrg: "allow" } as const;

const SAMPLE_SCRIPT: ScriptInput = {
  name: "Welcome",
  steps: [
    { id: "hello", kind: "say", text: "Hello!" },
    { id: "meet", kind: "question", text: "Would you like to meet?", options: ["yes", "no"] },
  ],
};

const NEW_PASSWORD = "a fresh and rather long passphrase";

// ---------------------------------------------------------------------------------------------------------
// The table: one entry per documented operation

const TABLE: Record<string, Rule> = {
  // Signing in and out, and the caller's own account.
  "POST /api/v1/auth/login": {
    target: "none",
    body: ({ user }) => ({ email: user?.email ?? "setter@alpha.test", password: PASSWORD }),
    ...EVERY_ROLE,
    anonymous: "allow",
  },
  "POST /api/v1/auth/logout": { target: "none", ownCaller: true, ...EVERY_ROLE },
  "GET /api/v1/me": { target: "none", ...EVERY_ROLE },
  "POST /api/v1/me/password": {
    target: "none",
    ownCaller: true,
    body: () => ({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
    ...EVERY_ROLE,
  },
  "GET /api/v1/me/sessions": { target: "none", ...EVERY_ROLE },
  "DELETE /api/v1/me/sessions/{id}": { target: "session", fresh: true, ...OWN_SESSIONS },
  "POST /api/v1/me/two-factor/setup": { target: "none", ...EVERY_ROLE },
  "POST /api/v1/me/two-factor/confirm": {
    target: "none",
    ownCaller: true,
    body: ({ world, user }) => startTwoFactor(world, user),
    ...EVERY_ROLE,
  },
  "POST /api/v1/me/two-factor/disable": {
    target: "none",
    ownCaller: true,
    body: ({ world, user }) => enrolTwoFactor(world, user),
    ...EVERY_ROLE,
  },
  "POST /api/v1/me/two-factor/recovery-codes": {
    target: "none",
    ownCaller: true,
    body: ({ world, user }) => enrolTwoFactor(world, user),
    ...EVERY_ROLE,
  },

  // Other users' sessions and second factor. A user may list and end their own sessions here too, as at /me.
  "GET /api/v1/users/{id}/sessions": { target: "user", ...SELF_OR_ADMIN },
  "DELETE /api/v1/users/{id}/sessions": { target: "user", ownCaller: true, ...SELF_OR_ADMIN },
  "DELETE /api/v1/users/{id}/sessions/{sessionId}": { target: "userSession", fresh: true, ...SELF_OR_ADMIN },
  // Without the password: even one's own second factor is cleared only by an admin.
  "DELETE /api/v1/users/{id}/two-factor": { target: "user", ownCaller: true, ...ADMINS },

  // Contacts.
  "GET /api/v1/contacts": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: "allow",
    marketer: 403,
    readKey: "allow",
  },
  // Each caller exports what they may see (a worker, only their own), as the list does.
  "GET /api/v1/contacts/export": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: "allow",
    marketer: 403,
    readKey: "allow",
  },
  "POST /api/v1/contacts": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: 403,
    marketer: 403,
    intakeKey: "allow",
  },
  // Contacts from web forms and ad platforms: only with an intake key, never a session (other sites post here).
  "POST /api/v1/intake": {
    target: "none",
    body: ({ world }) => ({ name: `Ines ${next(world)}`, source: "web form" }),
    admin: 401,
    dispatcher: 401,
    setter: 401,
    worker: 401,
    marketer: 401,
    intakeKey: "allow",
  },
  "GET /api/v1/contacts/{id}": { target: "contact", ...CONTACT_WORK, readKey: "allow" },
  "PATCH /api/v1/contacts/{id}": {
    target: "contact",
    fresh: true,
    body: () => ({ placeName: "Roma" }),
    ...CONTACT_WORK,
  },
  "POST /api/v1/contacts/{id}/status": {
    target: "contact",
    fresh: true,
    // A move every role that works contacts may make, from new and from active alike.
    body: () => ({ to: "paused", reason: "contact asked to wait" }),
    ...CONTACT_WORK,
  },
  "POST /api/v1/contacts/{id}/progress": {
    target: "contact",
    fresh: true,
    body: () => ({ to: "attempted" }),
    ...CONTACT_WORK,
  },
  "GET /api/v1/contacts/{id}/activities": { target: "contact", ...CONTACT_WORK },
  "POST /api/v1/contacts/{id}/activities": { target: "contact", fresh: true, ...CONTACT_WORK },
  "GET /api/v1/contacts/{id}/export": { target: "contact", ...ADMINS },
  "POST /api/v1/contacts/{id}/erase": { target: "contact", fresh: true, ...ADMINS },
  "GET /api/v1/contacts/{id}/suggestions": { target: "contact", ...DISPATCH_VIEWS },
  "GET /api/v1/contacts/{id}/decisions": { target: "contact", ...DISPATCH_VIEWS },
  "POST /api/v1/contacts/{id}/assign": {
    target: "contact",
    fresh: true,
    body: ({ world }) => ({ workerId: world.alpha.workers.worker.id }),
    ...DISPATCHERS,
    admin: OFFER,
    dispatcher: OFFER,
  },

  // Workers.
  "GET /api/v1/workers": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: "allow",
    marketer: 403,
  },
  "POST /api/v1/workers": {
    target: "none",
    body: ({ world }) => ({
      name: `Worker ${next(world)}`,
      languages: ["it"],
      lat: 41.9,
      lon: 12.5,
      maxKm: 10,
      capacity: 2,
    }),
    ...DISPATCHERS,
  },
  "GET /api/v1/workers/{id}": { target: "worker", ...WORKER_RECORD },
  "PATCH /api/v1/workers/{id}": { target: "worker", body: () => ({ capacity: 999 }), ...WORKER_MANAGEMENT },
  "GET /api/v1/workers/{id}/track-record": { target: "worker", ...WORKER_MANAGEMENT },
  "POST /api/v1/workers/track-record/refresh": { target: "none", ...DISPATCHERS },

  // Dispatch.
  "GET /api/v1/dispatch/queue": { target: "none", ...DISPATCHERS },
  "POST /api/v1/dispatch/runs": { target: "none", ...DISPATCHERS },
  "GET /api/v1/dispatch/runs/{id}": { target: "run", ...DISPATCHERS },
  "POST /api/v1/dispatch/runs/{id}/apply": { target: "run", fresh: true, ...DISPATCHERS },
  "GET /api/v1/dispatch/gaps": { target: "none", ...DISPATCHERS },

  // Accountability: deadlines, the overdue board, update requests and worker health.
  "GET /api/v1/deadlines": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: 403,
    // Their own deadlines only, whatever they ask for.
    worker: "allow",
    marketer: 403,
  },
  "GET /api/v1/deadlines/board": { target: "none", ...DISPATCHERS },
  "GET /api/v1/workers/health": { target: "none", ...DISPATCHERS },
  "POST /api/v1/contacts/{id}/update-requests": {
    target: "contact",
    fresh: true,
    body: () => ({ note: "How is it going?" }),
    ...DISPATCHERS,
    admin: UPDATE_REQUEST,
    dispatcher: UPDATE_REQUEST,
  },
  "POST /api/v1/contacts/{id}/update-answer": {
    target: "contact",
    body: () => ({ answer: "We met on Sunday." }),
    admin: { others: NO_OPEN_REQUEST, unassigned: NO_OPEN_REQUEST },
    dispatcher: { others: 403, unassigned: 403, otherOrg: 404 },
    setter: { others: 404, unassigned: 403 },
    worker: { own: NO_OPEN_REQUEST, others: 404, unassigned: 404 },
    marketer: 403,
  },

  // Notifications: everyone has an inbox and settings of their own, and sees only those.
  "GET /api/v1/notifications": { target: "none", ...EVERY_ROLE },
  "GET /api/v1/notifications/unread-count": { target: "none", ...EVERY_ROLE },
  "POST /api/v1/notifications/read": { target: "none", body: () => ({}), ...EVERY_ROLE },
  "GET /api/v1/me/notification-settings": { target: "none", ...EVERY_ROLE },
  "PUT /api/v1/me/notification-settings": {
    target: "none",
    body: () => ({ channels: { offer_new: "immediate" }, digestTimes: ["08:00"], quietHours: null }),
    ...EVERY_ROLE,
  },

  // Appointments: availability, slots, holds, bookings.
  "GET /api/v1/workers/{id}/availability": { target: "worker", ...WORKER_RECORD },
  "PUT /api/v1/workers/{id}/availability": {
    target: "worker",
    body: () => DEFAULT_AVAILABILITY,
    ...WORKER_MANAGEMENT,
  },
  "GET /api/v1/workers/{id}/slots": { target: "worker", ...WORKER_RECORD },
  "POST /api/v1/workers/{id}/calendar-feed": { target: "worker", ...WORKER_MANAGEMENT },
  "GET /api/v1/workers/{id}/calendar-feed": { target: "worker", ...WORKER_MANAGEMENT },
  "DELETE /api/v1/workers/{id}/calendar-feed": { target: "worker", ...WORKER_MANAGEMENT },
  "GET /api/v1/contacts/{id}/slots": { target: "contact", ...CONTACT_WORK },
  "POST /api/v1/contacts/{id}/appointments": {
    target: "contact",
    fresh: true,
    body: ({ world }) => ({
      workerId: world.alpha.workers.worker.id,
      start: nextStart(world),
      durationMinutes: 15,
      mode: "phone",
    }),
    admin: BOOKING,
    dispatcher: BOOKING,
    setter: { others: 404, unassigned: "allow" },
    worker: { own: "allow", others: 404, unassigned: 404 },
    marketer: 403,
  },
  "POST /api/v1/slot-holds": {
    target: "none",
    body: ({ world }) => ({
      workerId: world.alpha.workers.worker.id,
      start: nextStart(world),
      durationMinutes: 15,
    }),
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: 403,
    marketer: 403,
  },
  // Only the one who holds a slot lets it go; the world's holds are a bystander's.
  "DELETE /api/v1/slot-holds/{id}": {
    target: "hold",
    admin: 404,
    dispatcher: 404,
    setter: 404,
    worker: 404,
    marketer: 404,
  },
  "GET /api/v1/appointments": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: "allow",
    marketer: 403,
  },
  "GET /api/v1/appointments/{id}": { target: "appointment", ...MEETING },
  "POST /api/v1/appointments/{id}/reschedule": {
    target: "appointment",
    fresh: true,
    body: ({ world }) => ({ start: nextStart(world), durationMinutes: 15 }),
    ...MEETING,
  },
  "POST /api/v1/appointments/{id}/cancel": {
    target: "appointment",
    fresh: true,
    body: () => ({ reason: "the contact asked" }),
    ...MEETING,
  },
  "POST /api/v1/appointments/{id}/outcome": {
    target: "appointment",
    fresh: true,
    body: () => ({ outcome: "completed" }),
    ...MEETING,
    admin: NOT_YET,
    dispatcher: NOT_YET,
    worker: { own: NOT_YET, others: 404 },
  },

  // Appointment setting: scripts, objections, call outcomes and callbacks.
  "GET /api/v1/scripts": { target: "none", ...SETTING },
  "PUT /api/v1/scripts/{campaign}": {
    target: "script",
    fresh: true,
    body: () => SAMPLE_SCRIPT,
    ...DISPATCHERS,
    admin: ANY_CAMPAIGN,
    dispatcher: ANY_CAMPAIGN,
  },
  "DELETE /api/v1/scripts/{campaign}": { target: "script", fresh: true, ...DISPATCHERS },
  "GET /api/v1/contacts/{id}/script": { target: "contact", ...DISPATCH_VIEWS },
  "POST /api/v1/contacts/{id}/calls": {
    target: "contact",
    fresh: true,
    body: () => ({ outcome: "no_answer" }),
    ...DISPATCH_VIEWS,
    admin: CALL,
    dispatcher: CALL,
  },
  "GET /api/v1/callbacks": { target: "none", ...SETTING },
  // A setter marks their own callbacks done; dispatchers and admins anyone's.
  "POST /api/v1/callbacks/{id}/done": {
    target: "callback",
    fresh: true,
    ...SETTING,
    setter: { own: "allow", others: 404 },
  },
  "GET /api/v1/objections": { target: "none", ...SETTING },
  "POST /api/v1/objections": {
    target: "none",
    body: () => ({ objection: "I have no time", answers: ["Twenty minutes are enough."] }),
    ...DISPATCHERS,
  },
  "PATCH /api/v1/objections/{id}": {
    target: "objection",
    body: () => ({ answers: ["When would suit you?"] }),
    ...DISPATCHERS,
  },
  "DELETE /api/v1/objections/{id}": { target: "objection", fresh: true, ...DISPATCHERS },

  // Duplicates: the review queue, merges and their undoing.
  "GET /api/v1/duplicates": { target: "none", ...DISPATCHERS },
  "POST /api/v1/duplicates/{id}/distinct": { target: "pair", fresh: true, ...DISPATCHERS },
  "POST /api/v1/duplicates/scan": { target: "none", ...DISPATCHERS },
  "GET /api/v1/merges": { target: "none", ...DISPATCHERS },
  "POST /api/v1/merges": {
    target: "none",
    body: async ({ world }) => ({
      survivorId: await newContact(world, "unassigned"),
      mergedId: await newContact(world, "unassigned"),
    }),
    ...DISPATCHERS,
  },
  "POST /api/v1/merges/{id}/undo": { target: "merge", fresh: true, ...DISPATCHERS },

  // Imports: a file of contacts, for those who may create contacts (as POST /api/v1/contacts).
  "GET /api/v1/imports/fields": {
    target: "none",
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: 403,
    marketer: 403,
  },
  "POST /api/v1/imports": {
    target: "none",
    contentType: "text/csv",
    body: ({ world }) => `name,email\nImported ${next(world)},imported-${next(world)}@alpha.test\n`,
    admin: "allow",
    dispatcher: "allow",
    setter: "allow",
    worker: 403,
    marketer: 403,
  },

  // Supply and demand reports.
  "GET /api/v1/reports/demand": { target: "none", ...REPORTS },
  "GET /api/v1/reports/supply": { target: "none", ...REPORTS },
  "GET /api/v1/reports/flow": { target: "none", ...REPORTS },
  "GET /api/v1/reports/backlog": { target: "none", ...REPORTS },
  "GET /api/v1/reports/stages": { target: "none", ...REPORTS },
  "GET /api/v1/reports/workers": { target: "none", ...REPORTS },
  "GET /api/v1/reports/hexagons": { target: "none", ...REPORTS },
  "GET /api/v1/reports/alerts": { target: "none", ...DISPATCHERS },

  // Users, the organisation and the audit log.
  "GET /api/v1/users": { target: "none", ...ADMINS },
  "POST /api/v1/users": {
    target: "none",
    body: ({ world }) => ({
      email: `new-${next(world)}@alpha.test`,
      name: "New user",
      role: "setter",
      password: "a long enough password",
    }),
    ...ADMINS,
  },
  "GET /api/v1/users/{id}": { target: "user", ...SELF_OR_ADMIN },
  "PATCH /api/v1/users/{id}": {
    target: "user",
    body: ({ world }) => ({ name: `Renamed ${next(world)}` }),
    ...SELF_OR_ADMIN,
  },
  "GET /api/v1/organisation": { target: "none", ...EVERY_ROLE },
  "PATCH /api/v1/organisation": {
    target: "none",
    body: ({ world }) => ({ name: `Org alpha ${next(world)}` }),
    ...ADMINS,
  },
  "GET /api/v1/audit": { target: "none", ...ADMINS },

  // Integrations: admins only, and never a key.
  "GET /api/v1/api-keys": { target: "none", ...ADMINS },
  "POST /api/v1/api-keys": { target: "none", ...ADMINS },
  "POST /api/v1/api-keys/{id}/rotate": { target: "apiKey", fresh: true, ...ADMINS },
  "DELETE /api/v1/api-keys/{id}": { target: "apiKey", fresh: true, ...ADMINS },
  "GET /api/v1/webhooks": { target: "none", ...ADMINS },
  "POST /api/v1/webhooks": {
    target: "none",
    body: () => ({ url: "https://crm.example/hook", events: ["contact.created"] }),
    ...ADMINS,
  },
  "PATCH /api/v1/webhooks/{id}": { target: "webhook", body: () => ({ active: true }), ...ADMINS },
  "DELETE /api/v1/webhooks/{id}": { target: "webhook", fresh: true, ...ADMINS },
  "GET /api/v1/webhooks/{id}/deliveries": { target: "webhook", ...ADMINS },
  "POST /api/v1/webhooks/{id}/test": { target: "webhook", ...ADMINS },
};

// ---------------------------------------------------------------------------------------------------------
// Reading the table

function isRole(caller: CallerName): caller is Role {
  return caller !== "anonymous" && caller !== "intakeKey" && caller !== "readKey";
}

/** The records a caller is tried on for a target; null for a route that names none. */
function relationsFor(target: Target, caller: CallerName): Array<Relation | null> {
  switch (target) {
    case "none":
      return [null];
    case "contact":
      return caller === "worker"
        ? ["own", "others", "unassigned", "otherOrg"]
        : ["others", "unassigned", "otherOrg"];
    case "worker":
      return caller === "worker" ? ["own", "others", "otherOrg"] : ["others", "otherOrg"];
    case "user":
    case "session":
    case "userSession":
      return isRole(caller) ? ["own", "others", "otherOrg"] : ["others", "otherOrg"];
    case "appointment":
      return caller === "worker" ? ["own", "others", "otherOrg"] : ["others", "otherOrg"];
    case "apiKey":
    case "webhook":
    case "run":
    case "hold":
    case "script":
    case "objection":
    case "pair":
    case "merge":
      return ["others", "otherOrg"];
    case "callback":
      return caller === "setter" ? ["own", "others", "otherOrg"] : ["others", "otherOrg"];
  }
}

function declared(rule: Rule, caller: CallerName): Expectation {
  switch (caller) {
    case "anonymous":
      return rule.anonymous ?? 401;
    case "intakeKey":
      return rule.intakeKey ?? 403;
    case "readKey":
      return rule.readKey ?? 403;
    default:
      return rule[caller];
  }
}

function isOutcome(expectation: Expectation): expectation is Outcome {
  return typeof expectation !== "object" || "allow" in expectation;
}

function isRefusal(outcome: Outcome | undefined): outcome is Refusal {
  return typeof outcome === "number";
}

/** The outcome the table expects for one cell. */
function outcomeFor(rule: Rule, caller: CallerName, relation: Relation | null): Outcome {
  const expectation = declared(rule, caller);
  if (isOutcome(expectation)) {
    return relation === "otherOrg" && !isRefusal(expectation) ? 404 : expectation;
  }
  if (relation === null)
    throw new Error(`${caller}: one outcome is expected for a route that names no record`);
  if (relation === "otherOrg") {
    return expectation.otherOrg ?? (isRefusal(expectation.others) ? expectation.others : 404);
  }
  const outcome = expectation[relation];
  if (outcome === undefined) throw new Error(`${caller}: no outcome for the ${relation} record`);
  return outcome;
}

/** What is wrong with an entry: an outcome per record where none is named, or a record the caller is not tried on. */
function entryProblems(key: string, rule: Rule): string[] {
  const problems: string[] = [];
  for (const caller of CALLERS) {
    const expectation = declared(rule, caller);
    if (isOutcome(expectation)) continue;
    const relations = relationsFor(rule.target, caller);
    for (const relation of Object.keys(expectation)) {
      if (!relations.includes(relation as Relation))
        problems.push(`${key}: ${caller} is never tried on a record that is ${relation}`);
    }
    for (const relation of relations) {
      if (relation === null) problems.push(`${key}: ${caller} needs one outcome, the route names no record`);
      else if (relation !== "otherOrg" && !(relation in expectation))
        problems.push(`${key}: ${caller} has no outcome for a record that is ${relation}`);
    }
  }
  return problems;
}

function describeOutcome(outcome: Outcome): string {
  if (outcome === "allow") return "allow";
  if (typeof outcome === "number") return String(outcome);
  return `allow, refused ${outcome.allow} as ${outcome.why}`;
}

/** The answer in the table's terms; when it differs from what was expected, with the problem's detail. */
function describeResponse(response: LightMyRequestResponse, expected: Outcome): string {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return "allow";
  if (!String(response.headers["content-type"]).includes("application/problem+json"))
    return `${status} without problem+json: ${response.body.slice(0, 200)}`;
  if (status === expected || (typeof expected === "object" && expected.allow === status))
    return describeOutcome(expected);
  const detail = response.json<{ detail?: string }>().detail ?? "";
  return `${status} (${detail})`;
}

// ---------------------------------------------------------------------------------------------------------
// The world the cells run in

interface UserRef {
  id: string;
  email: string;
}

interface SignedIn extends UserRef {
  cookie: string;
}

interface World {
  app: FastifyInstance;
  ctx: Context;
  clock: TestClock;
  alpha: SeededOrganisation;
  beta: SeededOrganisation;
  /** "Another user" of each organisation: cells on others' users act on their record and sessions. */
  bystanders: Record<"alpha" | "beta", UserRef>;
  /** Contacts for the cells that do not change them; `own` is held by alpha's worker, `others` by worker2. */
  contacts: Record<Relation, string>;
  apiKeys: Record<"alpha" | "beta", string>;
  webhooks: Record<"alpha" | "beta", string>;
  runs: Record<"alpha" | "beta", string>;
  /** Meetings for the cells that do not change them: `own` with alpha's worker, `others` with worker2. */
  appointments: Record<"own" | "others" | "otherOrg", string>;
  /** Slots held by each organisation's bystander. */
  holds: Record<"alpha" | "beta", string>;
  /** A campaign with a script in each organisation (only there). */
  scripts: Record<"alpha" | "beta", string>;
  objections: Record<"alpha" | "beta", string>;
  /** A callback each organisation's bystander (a setter) agreed. */
  callbacks: Record<"alpha" | "beta", string>;
  /** A pair of likely duplicates waiting for review, and a merge, in each organisation. */
  pairs: Record<"alpha" | "beta", string>;
  merges: Record<"alpha" | "beta", string>;
  /** A session of each bystander that cells expected to be refused name. */
  sessions: Record<"alpha" | "beta", string>;
  /** The secrets the API-key callers present: alpha's keys of each scope. */
  keys: Record<"intakeKey" | "readKey", string>;
  serial: number;
}

function next(world: World): number {
  world.serial += 1;
  return world.serial;
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function adminOf(org: SeededOrganisation): Caller {
  return { ...systemCaller(org.id), userId: org.userIds.admin };
}

function inject(
  app: FastifyInstance,
  headers: Record<string, string>,
  request: Sent,
  contentType?: string,
): Promise<LightMyRequestResponse> {
  if (request.payload === undefined) return app.inject({ method: request.method, url: request.url, headers });
  return app.inject({
    method: request.method,
    url: request.url,
    headers: { ...headers, "content-type": contentType ?? "application/json" },
    payload: contentType ? String(request.payload) : JSON.stringify(request.payload),
  });
}

function createdId(response: LightMyRequestResponse): string {
  if (response.statusCode !== 201) throw new Error(`creating failed: ${response.body}`);
  return response.json<{ id: string }>().id;
}

async function addUser(world: World, org: SeededOrganisation, role: Role): Promise<UserRef> {
  const email = `${role}-${next(world)}@${org.slug}.test`;
  const user = must(
    await createUser(world.ctx, systemCaller(org.id), {
      email,
      name: `A ${role} of ${org.slug}`,
      role,
      password: PASSWORD,
      locale: "en",
      timeZone: "Europe/Rome",
    }),
  );
  return { id: user.id, email };
}

/** Signs the user in once more and answers the id of that new session. */
async function newSession(world: World, user: UserRef): Promise<string> {
  const cookie = await signInAs(world.app, user.email);
  return tokenId(cookie.slice(cookie.indexOf("=") + 1));
}

async function newContact(world: World, relation: Relation): Promise<string> {
  const { app, alpha, beta } = world;
  const n = next(world);
  if (relation === "otherOrg") return addContact(app, beta.cookies.dispatcher, { displayName: `Bruno ${n}` });
  const id = await addContact(app, alpha.cookies.dispatcher, { displayName: `Alba ${n}` });
  if (relation === "own")
    await assignTo(app, alpha.cookies.dispatcher, alpha.cookies.worker, id, alpha.workers.worker.id);
  if (relation === "others")
    await assignTo(app, alpha.cookies.dispatcher, alpha.cookies.worker2, id, alpha.workers.worker2.id);
  return id;
}

async function newApiKey(world: World, org: SeededOrganisation): Promise<string> {
  const name = `Key ${next(world)}`;
  return must(await createApiKey(world.ctx, adminOf(org), { name, scopes: ["intake"] })).id;
}

async function newWebhook(world: World, org: SeededOrganisation): Promise<string> {
  const url = `https://${org.slug}.example/hook/${next(world)}`;
  return must(
    await createWebhook(world.ctx, adminOf(org), { url, events: ["contact.assigned"], active: true }),
  ).id;
}

async function newRun(world: World, org: SeededOrganisation): Promise<string> {
  return createdId(
    await inject(
      world.app,
      { cookie: org.cookies.dispatcher },
      { method: "POST", url: "/api/v1/dispatch/runs" },
    ),
  );
}

/**
 * A start no other cell uses: 15-minute phone meetings on the half hour, 08:30–14:00 UTC on weekdays
 * from the day after the world's clock, inside both seeded workers' default hours (Rome and Athens).
 */
function nextStart(world: World): string {
  const k = next(world);
  const DAY = 86_400_000;
  let day = Date.parse("2026-03-03T00:00:00Z");
  for (let weekdays = Math.floor(k / 12); weekdays > 0; ) {
    day += DAY;
    if (![0, 6].includes(new Date(day).getUTCDay())) weekdays -= 1;
  }
  return new Date(day + (8.5 * 60 + (k % 12) * 30) * 60_000).toISOString();
}

async function newAppointment(world: World, relation: "own" | "others" | "otherOrg"): Promise<string> {
  const org = relation === "otherOrg" ? world.beta : world.alpha;
  const contactId = await newContact(world, relation);
  const workerId = relation === "others" ? org.workers.worker2.id : org.workers.worker.id;
  return createdId(
    await inject(
      world.app,
      { cookie: org.cookies.dispatcher },
      {
        method: "POST",
        url: `/api/v1/contacts/${contactId}/appointments`,
        payload: { workerId, start: nextStart(world), durationMinutes: 15, mode: "phone" },
      },
    ),
  );
}

async function newHold(world: World, org: SeededOrganisation, user: UserRef): Promise<string> {
  const caller: Caller = { ...systemCaller(org.id), role: "setter", userId: user.id };
  const start = nextStart(world);
  return must(
    await holdSlot(world.ctx, caller, { workerId: org.workers.worker.id, start, durationMinutes: 15 }),
  ).id;
}

async function newScript(world: World, org: SeededOrganisation): Promise<string> {
  const campaign = `${org.slug}-campaign-${next(world)}`;
  must(await saveScript(world.ctx, adminOf(org), campaign, SAMPLE_SCRIPT));
  return campaign;
}

async function newObjection(world: World, org: SeededOrganisation): Promise<string> {
  const input = { objection: `Objection ${next(world)}`, answers: ["A prepared answer."] };
  return must(await createObjection(world.ctx, adminOf(org), input)).id;
}

/** A callback the user (a setter) agreed a week ahead, on a new contact nobody holds. */
async function newCallback(world: World, org: SeededOrganisation, user: UserRef): Promise<string> {
  const contactId = await newContact(world, org === world.beta ? "otherOrg" : "unassigned");
  const caller: Caller = { ...systemCaller(org.id), role: "setter", userId: user.id };
  const at = new Date(world.clock.now().getTime() + 7 * 86_400_000).toISOString().slice(0, 16);
  const call = await recordCall(world.ctx, caller, contactId, {
    outcome: "not_now",
    callback: { at, timeZone: "UTC" },
  });
  const callback = must(call).callback;
  if (!callback) throw new Error("the call scheduled no callback");
  return callback.id;
}

/** Two new contacts nobody holds in the organisation. */
async function twoContacts(world: World, org: SeededOrganisation): Promise<[string, string]> {
  const relation = org === world.beta ? "otherOrg" : "unassigned";
  return [await newContact(world, relation), await newContact(world, relation)];
}

/** A pair of the organisation's contacts queued for review, as intake would queue it. */
async function newPair(world: World, org: SeededOrganisation): Promise<string> {
  const [one, other] = await twoContacts(world, org);
  const [a, b] = one < other ? [one, other] : [other, one];
  const id = `pair-${next(world)}`;
  // Intake may have linked the two already (their names are alike): this pair replaces that one.
  await world.ctx.db.kysely
    .deleteFrom("duplicate_pairs")
    .where("contact_a", "=", a)
    .where("contact_b", "=", b)
    .execute();
  await world.ctx.db.kysely
    .insertInto("duplicate_pairs")
    .values({
      id,
      organisation_id: org.id,
      contact_a: a,
      contact_b: b,
      score: 0.9,
      fields: '["name"]',
      status: "open",
      found_at: world.clock.now().toISOString(),
      found_by: "intake",
      decided_at: null,
      decided_by: null,
    })
    .execute();
  return id;
}

async function newMerge(world: World, org: SeededOrganisation): Promise<string> {
  const [survivorId, mergedId] = await twoContacts(world, org);
  return must(await mergeContactPair(world.ctx, adminOf(org), { survivorId, mergedId })).id;
}

/** Two organisations with a user of every role, a bystander user, contacts in every relation and integrations. */
async function buildWorld(ctx: Context, app: FastifyInstance, clock: TestClock): Promise<World> {
  const alpha = await seedOrganisation(ctx, app, "alpha");
  const beta = await seedOrganisation(ctx, app, "beta");
  // Every cell that changes a contact gets a new one, and many of them are held by the two workers.
  for (const org of [alpha, beta]) {
    for (const worker of [org.workers.worker, org.workers.worker2])
      must(await editWorker(ctx, systemCaller(org.id), worker.id, { capacity: 1000 }));
  }
  const world: World = {
    app,
    ctx,
    clock,
    alpha,
    beta,
    bystanders: { alpha: { id: "", email: "" }, beta: { id: "", email: "" } },
    contacts: { own: "", others: "", unassigned: "", otherOrg: "" },
    apiKeys: { alpha: "", beta: "" },
    webhooks: { alpha: "", beta: "" },
    runs: { alpha: "", beta: "" },
    appointments: { own: "", others: "", otherOrg: "" },
    holds: { alpha: "", beta: "" },
    scripts: { alpha: "", beta: "" },
    objections: { alpha: "", beta: "" },
    callbacks: { alpha: "", beta: "" },
    pairs: { alpha: "", beta: "" },
    merges: { alpha: "", beta: "" },
    sessions: { alpha: "", beta: "" },
    keys: { intakeKey: "", readKey: "" },
    serial: 0,
  };
  for (const relation of ["own", "others", "unassigned", "otherOrg"] as const)
    world.contacts[relation] = await newContact(world, relation);
  for (const [name, org] of [
    ["alpha", alpha],
    ["beta", beta],
  ] as const) {
    world.bystanders[name] = await addUser(world, org, "setter");
    world.apiKeys[name] = await newApiKey(world, org);
    world.webhooks[name] = await newWebhook(world, org);
    world.runs[name] = await newRun(world, org);
    world.sessions[name] = await newSession(world, world.bystanders[name]);
    world.holds[name] = await newHold(world, org, world.bystanders[name]);
    world.scripts[name] = await newScript(world, org);
    world.objections[name] = await newObjection(world, org);
    world.callbacks[name] = await newCallback(world, org, world.bystanders[name]);
    world.pairs[name] = await newPair(world, org);
    world.merges[name] = await newMerge(world, org);
  }
  for (const relation of ["own", "others", "otherOrg"] as const)
    world.appointments[relation] = await newAppointment(world, relation);
  const keyOf = async (scope: "intake" | "contacts:read") =>
    must(await createApiKey(ctx, adminOf(alpha), { name: `Caller ${scope}`, scopes: [scope] })).key;
  world.keys = { intakeKey: await keyOf("intake"), readKey: await keyOf("contacts:read") };
  return world;
}

/** Starts two-factor set-up for the user and answers the code their authenticator app shows. */
async function startTwoFactor(world: World, user: SignedIn | null): Promise<{ code: string }> {
  if (!user) return { code: "000000" };
  const started = await inject(
    world.app,
    { cookie: user.cookie },
    { method: "POST", url: "/api/v1/me/two-factor/setup" },
  );
  if (started.statusCode !== 200) throw new Error(`two-factor set-up failed: ${started.body}`);
  const { secret } = started.json<{ secret: string }>();
  return { code: await generate({ secret, epoch: Math.floor(world.clock.now().getTime() / 1000) }) };
}

/** Turns two-factor authentication on for the user; answers the body that proves their password. */
async function enrolTwoFactor(world: World, user: SignedIn | null): Promise<{ password: string }> {
  if (user) {
    const confirmed = await inject(
      world.app,
      { cookie: user.cookie },
      { method: "POST", url: "/api/v1/me/two-factor/confirm", payload: await startTwoFactor(world, user) },
    );
    if (confirmed.statusCode !== 200) throw new Error(`two-factor confirmation failed: ${confirmed.body}`);
  }
  return { password: PASSWORD };
}

// ---------------------------------------------------------------------------------------------------------
// Running one cell

interface Identity {
  user: SignedIn | null;
  headers: Record<string, string>;
}

async function identityOf(
  world: World,
  caller: CallerName,
  rule: Rule,
  relation: Relation | null,
): Promise<Identity> {
  if (caller === "anonymous") return { user: null, headers: {} };
  if (!isRole(caller)) return { user: null, headers: { authorization: `Bearer ${world.keys[caller]}` } };
  const { alpha } = world;
  let user: SignedIn = {
    id: alpha.userIds[caller],
    email: `${caller}@alpha.test`,
    cookie: alpha.cookies[caller],
  };
  if (rule.ownCaller && (relation === null || relation === "own")) {
    const added = await addUser(world, alpha, caller);
    user = { ...added, cookie: await signInAs(world.app, added.email) };
  }
  return { user, headers: { cookie: user.cookie } };
}

function userFor(world: World, relation: Relation, identity: Identity): UserRef {
  if (relation === "otherOrg") return world.bystanders.beta;
  if (relation !== "own") return world.bystanders.alpha;
  if (!identity.user) throw new Error("only a signed-in caller has a record of their own");
  return identity.user;
}

/**
 * The values of the path's parameters: the record the cell names, a new one when the cell is expected to
 * change it. The caller's own session is always a new one: naming the current one would sign them out.
 */
async function pathParams(
  world: World,
  rule: Rule,
  relation: Relation,
  identity: Identity,
  allowed: boolean,
): Promise<Record<string, string>> {
  const org = relation === "otherOrg" ? world.beta : world.alpha;
  const side = relation === "otherOrg" ? "beta" : "alpha";
  const fresh = rule.fresh === true && allowed;
  const sessionOf = async (user: UserRef) =>
    fresh || relation === "own" ? newSession(world, user) : world.sessions[side];
  switch (rule.target) {
    case "none":
      return {};
    case "contact":
      return { id: fresh ? await newContact(world, relation) : world.contacts[relation] };
    case "worker": {
      const { worker, worker2 } = org.workers;
      return { id: relation === "others" ? worker2.id : worker.id };
    }
    case "user":
      return { id: userFor(world, relation, identity).id };
    case "session":
      return { id: await sessionOf(userFor(world, relation, identity)) };
    case "userSession": {
      const user = userFor(world, relation, identity);
      return { id: user.id, sessionId: await sessionOf(user) };
    }
    case "apiKey":
      return { id: fresh ? await newApiKey(world, org) : world.apiKeys[side] };
    case "webhook":
      return { id: fresh ? await newWebhook(world, org) : world.webhooks[side] };
    case "run":
      return { id: fresh ? await newRun(world, org) : world.runs[side] };
    case "appointment": {
      const which = relation === "unassigned" ? "others" : relation;
      return { id: fresh ? await newAppointment(world, which) : world.appointments[which] };
    }
    case "hold":
      return { id: world.holds[side] };
    case "script":
      return { campaign: fresh ? await newScript(world, org) : world.scripts[side] };
    case "objection":
      return { id: fresh ? await newObjection(world, org) : world.objections[side] };
    case "pair":
      return { id: fresh ? await newPair(world, org) : world.pairs[side] };
    case "merge":
      return { id: fresh ? await newMerge(world, org) : world.merges[side] };
    case "callback": {
      const owner = relation === "own" ? { id: org.userIds.setter, email: "" } : world.bystanders[side];
      return {
        id: fresh || relation === "own" ? await newCallback(world, org, owner) : world.callbacks[side],
      };
    }
  }
}

async function runCell(
  world: World,
  operation: Operation,
  rule: Rule,
  caller: CallerName,
  relation: Relation | null,
  outcome: Outcome,
): Promise<LightMyRequestResponse> {
  const identity = await identityOf(world, caller, rule, relation);
  const allowed = !isRefusal(outcome);
  const params = relation === null ? {} : await pathParams(world, rule, relation, identity, allowed);
  const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`no value for {${name}} of ${operation.path}`);
    return encodeURIComponent(value);
  });
  const idFor = (name: string) =>
    name === "workerId" ? world.alpha.workers.worker.id : name === "userId" ? world.bystanders.alpha.id : "";
  const payload = rule.body
    ? await rule.body({ world, user: identity.user })
    : operation.body === undefined
      ? undefined
      : sampleOf(operation.body, "body", idFor, false);
  return inject(world.app, identity.headers, { method: operation.method, url, payload }, rule.contentType);
}

// ---------------------------------------------------------------------------------------------------------
// The tests

it("declares, for every caller, an outcome for exactly the records that caller is tried on", () => {
  expect(Object.entries(TABLE).flatMap(([key, rule]) => entryProblems(key, rule))).toEqual([]);
});

/**
 * About 800 cells, many of them signing someone in (argon2). The callers share one world: a cell expected
 * to change its record gets a new one, and one that ends its caller's sessions gets a caller of its own.
 */
const MATRIX_TIMEOUT = 120_000;

describeEachDatabase("authorisation matrix", (env) => {
  it("has one entry per documented operation, naming a record exactly when the path has parameters", async () => {
    const { app } = env();
    const operations = await apiOperations(app);
    expect(Object.keys(TABLE).sort()).toEqual(operations.map((op) => `${op.method} ${op.path}`).sort());
    for (const operation of operations) {
      const rule = TABLE[`${operation.method} ${operation.path}`];
      expect(rule?.target === "none", `${operation.method} ${operation.path}`).toBe(
        operation.pathParams.length === 0,
      );
    }
  });

  it(
    "answers every caller as the table says, on every documented operation and record",
    async () => {
      const { ctx, clock } = env();
      // Without the rate limit: the matrix sends a thousand requests a minute on purpose.
      const app = await buildApp({ ...ctx, config: { ...ctx.config, rateLimitPerMinute: 0 } });
      try {
        const world = await buildWorld(ctx, app, clock);
        const operations = await apiOperations(app);
        const answers: string[] = [];
        const expected: string[] = [];
        for (const caller of CALLERS) {
          for (const operation of operations) {
            const key = `${operation.method} ${operation.path}`;
            const rule = TABLE[key];
            if (!rule) {
              answers.push(`${key} is documented but not in the table`);
              continue;
            }
            for (const relation of relationsFor(rule.target, caller)) {
              const label = `${caller} ${key}${relation ? ` [${relation}]` : ""}`;
              const outcome = outcomeFor(rule, caller, relation);
              const response = await runCell(world, operation, rule, caller, relation, outcome);
              answers.push(`${label} → ${describeResponse(response, outcome)}`);
              expected.push(`${label} → ${describeOutcome(outcome)}`);
            }
          }
        }
        expect(answers).toEqual(expected);
      } finally {
        await app.close();
      }
    },
    MATRIX_TIMEOUT,
  );
});
