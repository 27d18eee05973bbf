/** Malformed requests to every documented route never make the server fail: no 5xx, always problem+json. */
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { describeEachDatabase } from "../support/databases.js";
import { apiOperations, type Operation } from "../support/openapi.js";
import { addContact, seedOrganisation, signInAs } from "../support/seed.js";

/** Path segments a hostile or careless client might send. */
const segment = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom("..", "%00", "%2e%2e%2f", "' OR 1=1 --", "😀", "a".repeat(500), "-1", "0", "null", "%ZZ"),
  fc.uuid(),
);

/** Bodies: anything JSON can carry, plus wrong shapes for the right keys. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      "displayName",
      "email",
      "password",
      "to",
      "workerId",
      "settings",
      "scopes",
      "url",
      "code",
      "limit",
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

const query = fc.dictionary(
  fc.constantFrom("limit", "cursor", "before", "status", "q", "sort", "from", "to", "workerId", "place", "x"),
  fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("-1", "1e309", "NaN", "[]", "%")),
  { maxKeys: 3 },
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
);

/** The body as the content type claims it is: JSON, a form, or whatever text. */
function asText(value: unknown, type: string): string {
  const json = JSON.stringify(value) ?? "null";
  if (type.startsWith("application/x-www-form-urlencoded") && value !== null && typeof value === "object") {
    return new URLSearchParams(
      Object.entries(value).map(([k, v]) => [k, JSON.stringify(v) ?? ""]),
    ).toString();
  }
  return json;
}

function urlFor(operation: Operation, params: string[], search: Record<string, string>): string {
  let i = 0;
  const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++] ?? ""));
  const qs = new URLSearchParams(Object.entries(search)).toString();
  return qs ? `${path}?${qs}` : path;
}

/** Routes that end the caller's own session; fuzzing them would sign the fuzzer out. */
const SIGNS_OUT = new Set(["POST /api/v1/auth/logout", "POST /api/v1/me/password"]);

describeEachDatabase("fuzzing every route", (env) => {
  it("never answers 5xx to malformed paths, queries and bodies, and answers problem+json to every refusal", async () => {
    const { ctx } = env();
    // Without the rate limit: the fuzzer sends hundreds of requests a minute on purpose.
    const app: FastifyInstance = await buildApp({ ...ctx, config: { ...ctx.config, rateLimitPerMinute: 0 } });
    try {
      const org = await seedOrganisation(ctx, app, "alpha");
      const contactId = await addContact(app, org.cookies.dispatcher);
      let cookie = org.cookies.admin;
      const operations = (await apiOperations(app)).filter((op) => !SIGNS_OUT.has(`${op.method} ${op.path}`));
      expect(operations.length).toBeGreaterThan(30);
      for (const operation of operations) {
        const params = fc.array(fc.oneof(segment, fc.constant(contactId)), {
          minLength: operation.pathParams.length,
          maxLength: operation.pathParams.length,
        });
        await fc.assert(
          fc.asyncProperty(params, query, body, contentType, async (p, q, b, type) => {
            const url = urlFor(operation, p, q);
            const withBody = operation.method !== "GET" && operation.method !== "DELETE";
            const response = await app.inject({
              method: operation.method,
              url,
              headers: { cookie, ...(withBody ? { "content-type": type } : {}) },
              ...(withBody ? { payload: asText(b, type) } : {}),
            });
            const label = `${operation.method} ${url} ${type} ${JSON.stringify(b)?.slice(0, 200)}`;
            expect(response.statusCode, `${label} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
            if (response.statusCode >= 400) {
              expect(response.headers["content-type"], label).toContain("application/problem+json");
              expect(response.body, label).not.toMatch(/\bat .+\.(ts|js):\d+/);
            }
            // A fuzzed request may legitimately end the session (revoking one's own sessions).
            if (response.statusCode === 401 && !operation.path.startsWith("/api/v1/auth/")) {
              cookie = await signInAs(app, `admin@${org.slug}.test`);
            }
          }),
          { numRuns: 20, seed: 20261202, endOnFailure: true },
        );
      }
    } finally {
      await app.close();
    }
  }, 300_000);
});
