/**
 * POST /api/v1/intake: contacts from web forms, ad platforms and chat responders, authenticated by
 * an API key with the `intake` scope. Takes JSON or a plain HTML form post.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { IntakeSchema } from "../../core/intake/intake.js";
import { intakeContact } from "../../services/intake.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";

const IntakeHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .describe("the same key sent again returns the contact the first request created, and creates nothing"),
});

const IntakeQuery = z.object({
  key: z.string().max(100).optional().describe("the API key, for HTML forms that cannot send a header"),
});

const IntakeCreatedSchema = z.object({
  id: z.string(),
  status: z.string(),
  replayed: z.boolean().describe("true when the Idempotency-Key was seen before"),
});

/** Form fields, repeated names becoming lists. */
function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

const THANKS = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Thank you</title></head>
<body><p>Thank you: your message has arrived. Someone will be in touch soon.</p></body></html>`;

/** The headers already set on the reply (helmet's, the rate limit's), for a hijacked reply. */
function securityHeaders(reply: { getHeaders(): Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(Object.entries(reply.getHeaders()).map(([k, v]) => [k, String(v)]));
}

export function intakeRoutes(app: FastifyInstance, ctx: Context): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, parseForm(String(body))),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      "/api/v1/intake",
      {
        config: { apiKeyScope: "intake", keyInQuery: true, crossSite: true },
        schema: {
          tags: ["intake"],
          summary:
            "A contact arrives: from a web form, an ad platform or a chat responder (API key, scope intake)",
          description:
            "JSON or application/x-www-form-urlencoded (a plain HTML form can post here, with ?key=). Phones are read in `country` or the organisation's; a place name without coordinates is located offline. The person is flagged inbound unless `inbound` is false. Answers 201 with the contact's id, or 400 naming every bad field.",
          security: [{ apiKey: [] }],
          headers: IntakeHeaders,
          querystring: IntakeQuery,
          body: IntakeSchema,
          response: { 201: IntakeCreatedSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const result = await intakeContact(
          ctx,
          callerOf(request),
          request.body,
          request.headers["idempotency-key"] ?? null,
        );
        if (!result.ok) return sendFailure(reply, result.error);
        const { contact, replayed } = result.value;
        if (replayed) reply.header("idempotent-replayed", "true");
        const fromForm = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded");
        if (fromForm && request.headers.accept?.includes("text/html")) {
          // A person's browser posted the form: a page to read rather than JSON. The raw reply skips
          // the JSON serializer, which would hold the page against the 201 schema.
          reply.hijack();
          reply.raw.writeHead(201, { "content-type": "text/html; charset=utf-8", ...securityHeaders(reply) });
          reply.raw.end(THANKS);
          return reply;
        }
        return reply.code(201).send({ id: contact.id, status: contact.status, replayed });
      },
    );
  });
}
