/**
 * Webhooks as data: the events, what each delivery carries, and when a failed delivery is tried
 * again. Free of Node modules, so the console can import the event list (signing is beside it).
 */

export const WEBHOOK_EVENTS = [
  "contact.created",
  "contact.assigned",
  "contact.disqualified",
  "appointment.booked",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent by "send test"; delivered to that one webhook whatever it subscribes to. */
export const PING_EVENT = "ping";

/**
 * The JSON body of every delivery. Only ids and states: an integration that needs the person's
 * details fetches them with an API key, so personal data is never copied to a third party's logs.
 */
export interface WebhookEnvelope {
  /** The event's id; with the webhook's id it makes the Handoff-Delivery idempotency key. */
  id: string;
  event: WebhookEvent | typeof PING_EVENT;
  organisationId: string;
  occurredAt: string;
  data: EventData;
}

/** What an event says about a contact: its id, where it stands, who holds it. */
export type EventData = Record<string, string | null>;

export function contactEventData(contact: {
  id: string;
  status: string;
  assignedWorkerId: string | null;
}): EventData {
  return { contactId: contact.id, status: contact.status, workerId: contact.assignedWorkerId };
}

export function eventEnvelope(input: {
  eventId: string;
  event: WebhookEvent;
  organisationId: string;
  occurredAt: string;
  data: EventData;
}): WebhookEnvelope {
  return {
    id: input.eventId,
    event: input.event,
    organisationId: input.organisationId,
    occurredAt: input.occurredAt,
    data: input.data,
  };
}

export function pingEnvelope(input: {
  eventId: string;
  organisationId: string;
  occurredAt: string;
  webhookId: string;
}): WebhookEnvelope {
  return {
    id: input.eventId,
    event: PING_EVENT,
    organisationId: input.organisationId,
    occurredAt: input.occurredAt,
    data: { webhookId: input.webhookId },
  };
}

/** Exactly once per (event, webhook), across every retry: receivers deduplicate on it. */
export function idempotencyKey(eventId: string, webhookId: string): string {
  return `${eventId}:${webhookId}`;
}

/** Which events a webhook with these subscriptions receives (a ping goes to whoever is tested). */
export function subscribes(events: readonly string[], event: WebhookEvent): boolean {
  return events.includes(event);
}

/** Only http and https: no file:, no javascript:, nothing a fetch would treat specially. */
export function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Retry policy: 1 minute, doubling, at most 6 hours apart; 12 attempts in all (about 1.5 days). */
export const MAX_ATTEMPTS = 12;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;

/** The wait after the n-th failed attempt (n from 1). */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_RETRY_MS);
}

export type AttemptOutcome = { ok: true } | { ok: false; error: string };

/** What to store after an attempt: delivered, due again later, or given up. */
export type NextStep =
  | { kind: "delivered"; attempts: number }
  | { kind: "retry"; attempts: number; dueAt: Date; error: string }
  | { kind: "failed"; attempts: number; error: string };

export function nextStep(previousAttempts: number, outcome: AttemptOutcome, now: Date): NextStep {
  const attempts = previousAttempts + 1;
  if (outcome.ok) return { kind: "delivered", attempts };
  if (attempts >= MAX_ATTEMPTS) return { kind: "failed", attempts, error: outcome.error };
  return {
    kind: "retry",
    attempts,
    dueAt: new Date(now.getTime() + retryDelayMs(attempts)),
    error: outcome.error,
  };
}

/** A delivery as the console shows it. */
export type DeliveryState = "pending" | "retrying" | "delivered" | "failed";

export function deliveryState(row: {
  attempts: number;
  deliveredAt: string | null;
  failedAt: string | null;
}): DeliveryState {
  if (row.deliveredAt) return "delivered";
  if (row.failedAt) return "failed";
  return row.attempts > 0 ? "retrying" : "pending";
}
