/** Sending requests through the app and checking problem+json answers, shared by the integration suites. */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export const METHODS: readonly Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export interface Sent {
  method: Method;
  url: string;
  payload?: unknown;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  details?: Record<string, unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sends a request as JSON, with the caller's session cookie when there is one. */
export function send(
  app: FastifyInstance,
  cookie: string | undefined,
  request: Sent,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  if (request.payload === undefined) return app.inject({ method: request.method, url: request.url, headers });
  return app.inject({
    method: request.method,
    url: request.url,
    headers: { ...headers, "content-type": "application/json" },
    payload: JSON.stringify(request.payload),
  });
}

/**
 * Checks the RFC 9457 shape (status, non-blank type, title and detail, no stack trace) and, when
 * given, that the errors name exactly these paths.
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  options: { label?: string; paths?: string[] } = {},
): ProblemBody {
  const label = options.label ?? "";
  expect(response.statusCode, `${label} ${response.body}`).toBe(status);
  expect(response.headers["content-type"], label).toContain("application/problem+json");
  const body = response.json<ProblemBody>();
  expect(body, label).toMatchObject({
    status,
    type: expect.stringMatching(/\S/),
    title: expect.stringMatching(/\S/),
  });
  expect(body.detail, label).toEqual(expect.stringMatching(/\S/));
  expect(response.body, label).not.toMatch(/\n\s+at /);
  if (options.paths) {
    expect(
      body.errors?.map((e) => e.path),
      label,
    ).toEqual(options.paths);
    for (const error of body.errors ?? []) expect(error.message, label).toEqual(expect.stringMatching(/\S/));
  }
  return body;
}
