/**
 * The outbox: delivers side effects written beside the changes that caused them, at least once,
 * with retries. Each kind of message has its deliverer (webhooks, e-mail); a process claims only
 * kinds it can deliver. Safe to run in several processes at once.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Context } from "../context.js";
import { SIGNATURE_HEADER, signatureHeader } from "../core/webhook-signature.js";
import { type AttemptOutcome, nextStep } from "../core/webhooks.js";
import { forUpdateSkipLocked } from "../db/dialect.js";
import { findWebhook, type OutboxRow } from "../db/webhooks.js";
import { deliverEmail, deliverInvitation } from "../notify/email.js";
import { addressPolicy, guardedLookup, literalAddress } from "../notify/webhook-address.js";
import { INVITATION_KIND } from "../services/calendar.js";
import { EMAIL_KIND } from "../services/notify.js";
import { WEBHOOK_KIND } from "../services/webhooks.js";

/** Delivers one message; resolves with the outcome and throws only on a bug. */
export type Deliverer = (ctx: Context, row: OutboxRow, signal: AbortSignal) => Promise<AttemptOutcome>;

export interface DeliverOptions {
  /** The most rows claimed per call. */
  limit?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Aborts the requests under way; their rows are left claimed and retried after the lease. */
  signal?: AbortSignal;
  deliverers?: Record<string, Deliverer>;
}

export interface DeliverReport {
  delivered: number;
  retried: number;
  failed: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A claimed row is hidden this long. Longer than any attempt takes, so a row is never sent twice at
 * once; if its process dies mid-delivery, another takes it over when the lease runs out.
 */
const CLAIM_LEASE_MS = 5 * 60_000;
/** Stored errors are for people to read, not whole response bodies. */
const ERROR_MAX = 500;

export const DELIVERERS: Record<string, Deliverer> = { [WEBHOOK_KIND]: deliverWebhook };

/** What this process can deliver: webhooks always, e-mail when an SMTP server is configured. */
export function deliverersOf(ctx: Context): Record<string, Deliverer> {
  const mailer = ctx.mailer;
  if (!mailer) return DELIVERERS;
  return {
    ...DELIVERERS,
    [EMAIL_KIND]: (c, row) => deliverEmail(c, mailer, row),
    [INVITATION_KIND]: (_c, row) => deliverInvitation(mailer, row),
  };
}

/** Claims the rows that are due, delivers them, and records each outcome. */
export async function deliverDue(ctx: Context, options: DeliverOptions = {}): Promise<DeliverReport> {
  const deliverers = options.deliverers ?? deliverersOf(ctx);
  const claimed = await claimDue(ctx, Object.keys(deliverers), options.limit ?? 20);
  const report: DeliverReport = { delivered: 0, retried: 0, failed: 0 };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await Promise.all(
    claimed.map(async (row) => {
      const deliver = deliverers[row.kind];
      if (!deliver) return;
      const signal = options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      let outcome: AttemptOutcome;
      try {
        outcome = await deliver(ctx, row, signal);
      } catch (error) {
        outcome = { ok: false, error: describe(error) };
      }
      if (options.signal?.aborted) return;
      const step = nextStep(row.attempts, outcome, ctx.clock.now());
      const now = ctx.clock.now().toISOString();
      await ctx.db.kysely
        .updateTable("outbox")
        .set(
          step.kind === "delivered"
            ? { attempts: step.attempts, delivered_at: now }
            : step.kind === "retry"
              ? { attempts: step.attempts, due_at: step.dueAt.toISOString(), last_error: step.error }
              : { attempts: step.attempts, failed_at: now, last_error: step.error },
        )
        .where("id", "=", row.id)
        .where("delivered_at", "is", null)
        .execute();
      if (step.kind === "delivered") report.delivered += 1;
      else if (step.kind === "retry") report.retried += 1;
      else report.failed += 1;
      if (step.kind !== "delivered") {
        ctx.log.warn(
          { outboxId: row.id, kind: row.kind, attempts: step.attempts, error: step.error },
          "delivery failed",
        );
      }
    }),
  );
  return report;
}

/** In one transaction: the due rows, locked and skipped by other claimers, moved out of sight. */
async function claimDue(ctx: Context, kinds: string[], limit: number): Promise<OutboxRow[]> {
  if (kinds.length === 0) return [];
  const now = ctx.clock.now();
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const rows = await forUpdateSkipLocked(
      ctx.db.dialect,
      trx
        .selectFrom("outbox")
        .selectAll()
        .where("delivered_at", "is", null)
        .where("failed_at", "is", null)
        .where("due_at", "<=", now.toISOString())
        .where("kind", "in", kinds)
        .orderBy("due_at")
        .limit(limit),
    ).execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable("outbox")
      .set({ due_at: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString() })
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows;
  });
}

/** POSTs the stored body, signed with the webhook's secret at the moment of sending. */
async function deliverWebhook(ctx: Context, row: OutboxRow, signal: AbortSignal): Promise<AttemptOutcome> {
  const hook = await findWebhook(ctx.db.kysely, row.organisation_id, row.target_id ?? "");
  if (!hook) return { ok: false, error: "the webhook no longer exists" };
  // Kept for retrying rather than dropped: enabled again in time, the webhook still gets it.
  if (hook.active !== 1) return { ok: false, error: "the webhook is disabled" };
  const policy = addressPolicy(ctx.config.webhookAllow);
  const url = new URL(hook.url);
  // A name is checked on the addresses it resolves to (guardedLookup); an address written in the URL here.
  const literal = literalAddress(url.hostname);
  const refusal = literal === null ? null : policy.refusal(literal);
  if (refusal !== null) return { ok: false, error: `refused: ${literal} is ${refusal}` };
  const event = (JSON.parse(row.payload) as { event?: string }).event ?? "";
  const seconds = Math.floor(ctx.clock.now().getTime() / 1000);
  const response = await post(url, row.payload, {
    signal,
    lookup: guardedLookup(policy),
    headers: {
      "content-type": "application/json",
      "user-agent": "Handoff-Webhooks/1",
      "handoff-event": event,
      "handoff-delivery": row.idempotency_key,
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(hook.secret, seconds, row.payload),
    },
  });
  if (response.status >= 200 && response.status < 300) return { ok: true };
  return {
    ok: false,
    error: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
  };
}

interface PostOptions {
  signal: AbortSignal;
  lookup: ReturnType<typeof guardedLookup>;
  headers: Record<string, string>;
}

/**
 * One POST without following redirects (a redirect could lead somewhere the admin never entered: it
 * counts as a failure). The response body is of no interest and is drained to free the socket.
 */
function post(url: URL, body: string, options: PostOptions): Promise<{ status: number; statusText: string }> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: "POST",
        signal: options.signal,
        lookup: options.lookup,
        headers: { ...options.headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "" });
      },
    );
    request.on("error", (error) => reject(options.signal.aborted ? options.signal.reason : error));
    request.end(body);
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const text =
      error.name === "TimeoutError" ? "no answer within the time limit" : `${error.message}${cause}`;
    return text.slice(0, ERROR_MAX);
  }
  return String(error).slice(0, ERROR_MAX);
}

/**
 * Runs deliverDue every `everyMs` until stopped, one run at a time. Stopping aborts the requests
 * under way and waits for the run to end, so the database can be closed right after.
 */
export function startOutbox(ctx: Context, everyMs = 5_000): () => Promise<void> {
  const stopping = new AbortController();
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = deliverDue(ctx, { signal: stopping.signal })
      .catch((error: unknown) => ctx.log.error({ err: error }, "outbox delivery failed"))
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await running;
  };
}
