/** The HTTP server: plugins, error handling, the OpenAPI document and every route. */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Context } from "../context.js";
import { ping } from "../db/dialect.js";
import { registerAuth } from "./auth.js";
import { frameworkError, handleError, notFound } from "./problem.js";
import { adminRoutes } from "./routes/admin.js";
import { contactRoutes } from "./routes/contacts.js";
import { dispatchRoutes } from "./routes/dispatch.js";
import { sessionRoutes } from "./routes/session.js";
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
  await app.register(helmet, { global: true });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Handoff API",
        version: API_VERSION,
        description:
          "Contacts from media and marketing to a face-to-face relationship. Sign in at /api/v1/auth/login; the session cookie authenticates every other route.",
      },
      components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "handoff_session" } } },
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
  adminRoutes(app, ctx);
  await app.ready();
  return app;
}
