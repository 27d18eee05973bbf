/** The HTTP server: plugins, error handling, the OpenAPI document and every route. */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Context } from "../context.js";
import { ping } from "../db/dialect.js";
import { registerAuth, SESSION_COOKIE } from "./auth.js";
import { frameworkError, handleError, notFound } from "./problem.js";
import { accountabilityRoutes } from "./routes/accountability.js";
import { adminRoutes } from "./routes/admin.js";
import { apiKeyRoutes } from "./routes/api-keys.js";
import { appointmentRoutes } from "./routes/appointments.js";
import { callRoutes } from "./routes/calls.js";
import { contactRoutes } from "./routes/contacts.js";
import { dispatchRoutes } from "./routes/dispatch.js";
import { duplicateRoutes } from "./routes/duplicates.js";
import { importRoutes } from "./routes/imports.js";
import { intakeRoutes } from "./routes/intake.js";
import { notificationRoutes } from "./routes/notifications.js";
import { reportInsightRoutes } from "./routes/report-insights.js";
import { reportRoutes } from "./routes/reports.js";
import { sessionRoutes } from "./routes/session.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { workerRoutes } from "./routes/workers.js";

export const API_VERSION = "1.0.0";

/** The built console (npm run build); served from the same origin as the API. */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

export async function buildApp(ctx: Context): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    frameworkErrors: frameworkError,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  const hasConsole = existsSync(`${WEB_DIST}index.html`);
  app.setNotFoundHandler((request, reply) => {
    // The console routes its own paths: any other page URL gets its index.html.
    const isPage = request.method === "GET" && !request.url.startsWith("/api/") && request.url !== "/healthz";
    if (hasConsole && isPage) return reply.type("text/html").sendFile("index.html");
    return notFound(request, reply);
  });

  await app.register(cookie);
  await app.register(helmet, {
    global: true,
    // The console loads only its own bundle: no inline script, no third-party origin.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(ctx.config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only where the deployment is served over HTTPS.
    strictTransportSecurity: ctx.config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "no-referrer" },
    crossOriginEmbedderPolicy: false,
  });
  if (ctx.config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: ctx.config.rateLimitPerMinute,
      timeWindow: "1 minute",
      // Per session or API key when there is one, so people behind one office address do not share.
      keyGenerator: (request) => {
        const token = request.cookies?.[SESSION_COOKIE] ?? request.headers.authorization;
        return token
          ? `t:${createHash("sha256").update(token).digest("base64url").slice(0, 22)}`
          : `a:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `too many requests: at most ${context.max} per ${context.after}; try again in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Handoff API",
        version: API_VERSION,
        description:
          "Contacts from media and marketing to a face-to-face relationship. Sign in at /api/v1/auth/login; the session cookie authenticates every other route.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "handoff_session" },
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "an API key, hk_…; routes name the scope they need",
          },
        },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  registerAuth(app, ctx);
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: "index.html",
      cacheControl: false,
      // Asset names carry a content hash: cache them for good; index.html must always be fresh.
      setHeaders: (reply, path) => {
        reply.header(
          "cache-control",
          path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
  }

  app.get("/healthz", { schema: { hide: true } }, async (_request, reply) => {
    await ping(ctx.db);
    return reply.send({ status: "ok", database: ctx.db.dialect });
  });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  sessionRoutes(app, ctx);
  contactRoutes(app, ctx);
  workerRoutes(app, ctx);
  dispatchRoutes(app, ctx);
  intakeRoutes(app, ctx);
  adminRoutes(app, ctx);
  apiKeyRoutes(app, ctx);
  webhookRoutes(app, ctx);
  accountabilityRoutes(app, ctx);
  duplicateRoutes(app, ctx);
  callRoutes(app, ctx);
  notificationRoutes(app, ctx);
  appointmentRoutes(app, ctx);
  reportRoutes(app, ctx);
  reportInsightRoutes(app, ctx);
  importRoutes(app, ctx);
  await app.ready();
  return app;
}
