/** /api/v1/api-keys: admins issue keys for integrations, rotate and revoke them. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { ApiKeyCreateSchema, ApiKeyIssuedSchema, ApiKeySchema } from "../../core/model.js";
import {
  createApiKey,
  listOrganisationApiKeys,
  revokeApiKey,
  rotateApiKey,
} from "../../services/api-keys.js";
import { callerOf } from "../auth.js";
import { problemResponses } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });

export function apiKeyRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/api-keys",
    {
      schema: {
        tags: ["api keys"],
        summary: "The organisation's API keys, revoked ones too; never their secrets",
        response: { 200: z.array(ApiKeySchema), ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await listOrganisationApiKeys(ctx, callerOf(request))),
  );

  r.post(
    "/api/v1/api-keys",
    {
      schema: {
        tags: ["api keys"],
        summary: "Issue a key; the answer is the only time the whole key is shown",
        body: ApiKeyCreateSchema,
        response: { 201: ApiKeyIssuedSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await createApiKey(ctx, callerOf(request), request.body), 201),
  );

  r.post(
    "/api/v1/api-keys/:id/rotate",
    {
      schema: {
        tags: ["api keys"],
        summary: "Revoke a key and issue its successor with the same name and scopes",
        params: IdParams,
        response: { 201: ApiKeyIssuedSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await rotateApiKey(ctx, callerOf(request), request.params.id), 201),
  );

  r.delete(
    "/api/v1/api-keys/:id",
    {
      schema: {
        tags: ["api keys"],
        summary: "Revoke a key at once",
        params: IdParams,
        response: { 204: z.null().describe("revoked"), ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await revokeApiKey(ctx, callerOf(request), request.params.id);
      return sendResult(reply, result, 204);
    },
  );
}
