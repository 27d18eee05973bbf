/** RFC 9457 problem+json: every error the API answers, mapped from failure codes in one place. */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { type Problem, ProblemSchema } from "../core/model.js";
import type { ErrorCode, Failure, FieldIssue } from "../core/result.js";
import { isUnstorableText } from "../db/dialect.js";

const STATUS: Record<ErrorCode, { status: number; title: string }> = {
  invalid: { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Not signed in" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  rate_limited: { status: 429, title: "Too many requests" },
};

/** The problem responses every authenticated route may give, for the OpenAPI document. */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  429: ProblemSchema,
} as const;

function problem(status: number, title: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://handoff.dev/problems/${status}`, title, status, detail, ...extra };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type("application/problem+json").send(body);
}

/** A failure as the problem the API answers with. */
export function problemOf(failure: Failure): Problem {
  const { status, title } = STATUS[failure.code];
  return problem(status, title, failure.message, {
    ...(failure.errors ? { errors: failure.errors } : {}),
    ...(failure.details ? { details: failure.details } : {}),
  });
}

export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  const retry = failure.details?.retryAfterSeconds;
  if (typeof retry === "number") reply.header("retry-after", String(retry));
  return sendProblem(reply, problemOf(failure));
}

function validationIssues(error: FastifyError): FieldIssue[] {
  const where = error.validationContext ?? "body";
  return (error.validation ?? []).flatMap((v) => {
    const base = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
    // An unknown field is named by its own path, not by the object that holds it.
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === "unrecognized_keys" && Array.isArray(keys)) {
      return keys.map((key) => ({
        path: base ? `${base}.${key}` : String(key),
        message: "unknown field",
        in: where,
      }));
    }
    return [{ path: base || where, message: v.message ?? "is not valid", in: where }];
  });
}

/** Framework errors (bad JSON, wrong media type, too large, rate limited) and bugs, as problems. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = validationIssues(error);
    const fields = errors.map((e) => e.path).join(", ");
    return sendProblem(reply, problem(400, "Bad request", `invalid ${fields}`, { errors }));
  }
  if (isUnstorableText(error)) {
    return sendProblem(
      reply,
      problem(400, "Bad request", "text may not contain the NUL character (\\u0000)", {
        errors: [{ path: "body", message: "contains a NUL character" }],
      }),
    );
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const badJson = error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError;
    if (badJson) {
      const detail = `the body is not valid JSON: ${error.message}`;
      return sendProblem(
        reply,
        problem(400, "Bad request", detail, { errors: [{ path: "body", message: error.message }] }),
      );
    }
    return sendProblem(reply, problem(status, titleFor(status), error.message));
  }
  request.log.error({ err: error }, "request failed");
  return sendProblem(
    reply,
    problem(500, "Internal error", "something went wrong on our side; it has been logged"),
  );
}

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return "Bad request";
    case 401:
      return "Not signed in";
    case 404:
      return "Not found";
    case 413:
      return "Payload too large";
    case 414:
      return "URI too long";
    case 415:
      return "Unsupported media type";
    case 429:
      return "Too many requests";
    default:
      return "Request refused";
  }
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problem(404, "Not found", `no route ${request.method} ${request.url.split("?")[0]}`),
  );
}

/** Errors raised before routing, such as a malformed URL. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, problem(error.statusCode ?? 400, titleFor(error.statusCode ?? 400), error.message));
}
