/** The console's only door to the server: same-origin fetch with the session cookie, problems as errors. */
import type { z } from "zod";
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

export type {
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
  SecuritySettings,
  Session,
  User,
  UserPatch,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookEvent,
  Worker,
};
export type TwoFactorSetup = z.infer<typeof TwoFactorSetupSchema>;
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;
/** What POST /api/v1/users accepts (locale and time zone have defaults). */
export type UserCreate = z.input<typeof UserCreateSchema>;

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
