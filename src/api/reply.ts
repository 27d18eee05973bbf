/** Sends a service result: the value with a success status, or its failure as a problem. */
import type { FastifyReply } from "fastify";
import type { Result } from "../core/result.js";
import { sendFailure } from "./problem.js";

export function sendResult<T>(reply: FastifyReply, result: Result<T>, status = 200): FastifyReply {
  if (!result.ok) return sendFailure(reply, result.error);
  return reply.code(status).send(result.value);
}
