/** Expected failures as values: a service returns a Result, only bugs throw. */

export type ErrorCode = "not_found" | "conflict" | "forbidden" | "invalid" | "unauthorized" | "rate_limited";

export interface FieldIssue {
  path: string;
  message: string;
}

export interface Failure {
  code: ErrorCode;
  message: string;
  errors?: FieldIssue[];
  /** Extra facts a client can act on, e.g. the allowed next states. */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  code: ErrorCode,
  message: string,
  extra: Omit<Failure, "code" | "message"> = {},
): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
