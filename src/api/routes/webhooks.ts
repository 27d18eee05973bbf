/** /api/v1/webhooks: admins subscribe URLs to events, watch the deliveries and send a test. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import {
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookDeliverySchema,
  WebhookPatchSchema,
  WebhookSchema,
} from "../../core/model.js";
import {
  createWebhook,
  deleteWebhook,
  editWebhook,
  listOrganisationWebhooks,
  testWebhook,
  webhookDeliveries,
} from "../../services/webhooks.js";
import { callerOf } from "../auth.js";
import { problemResponses } from "../problem.js";
import { sendResult } from "../reply.js";

const IdParams = z.object({ id: z.string().min(1).max(64) });

export function webhookRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "The organisation's webhooks (their secrets are shown only when created)",
        response: { 200: z.array(WebhookSchema), ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await listOrganisationWebhooks(ctx, callerOf(request))),
  );

  r.post(
    "/api/v1/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Subscribe an http(s) URL to events; the answer carries the signing secret, once",
        body: WebhookCreateSchema,
        response: { 201: WebhookCreatedSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await createWebhook(ctx, callerOf(request), request.body), 201),
  );

  r.patch(
    "/api/v1/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Change a webhook's URL or events, or enable or disable it",
        params: IdParams,
        body: WebhookPatchSchema,
        response: { 200: WebhookSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await editWebhook(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.delete(
    "/api/v1/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Delete a webhook and its pending deliveries",
        params: IdParams,
        response: { 204: z.null().describe("deleted"), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await deleteWebhook(ctx, callerOf(request), request.params.id), 204),
  );

  r.get(
    "/api/v1/webhooks/:id/deliveries",
    {
      schema: {
        tags: ["webhooks"],
        summary: "The 50 most recent deliveries: status, attempts, last error",
        params: IdParams,
        response: { 200: z.array(WebhookDeliverySchema), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await webhookDeliveries(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/webhooks/:id/test",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Queue a ping event to this webhook",
        params: IdParams,
        response: { 202: z.object({ idempotencyKey: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await testWebhook(ctx, callerOf(request), request.params.id), 202),
  );
}
