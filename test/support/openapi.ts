/** The operations the OpenAPI document lists under /api/v1, for suites that must cover every route. */
import type { FastifyInstance } from "fastify";
import { isRecord, METHODS, type Method } from "./http.js";

/** One operation of the OpenAPI document, reduced to what the sweep needs. */
export interface Operation {
  method: Method;
  /** As documented, with `{param}` placeholders. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The JSON schema of the request body, when the operation takes one. */
  body: unknown;
}

function isMethod(value: string): value is Method {
  return (METHODS as readonly string[]).includes(value);
}

export async function apiOperations(app: FastifyInstance): Promise<Operation[]> {
  const doc: unknown = (await app.inject({ url: "/api/openapi.json" })).json();
  if (!isRecord(doc) || !isRecord(doc.paths)) throw new Error("the OpenAPI document has no paths");
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith("/api/v1/") || !isRecord(item)) continue;
    for (const [verb, operation] of Object.entries(item)) {
      const method = verb.toUpperCase();
      if (!isMethod(method) || !isRecord(operation)) continue;
      const parameters = Array.isArray(operation.parameters) ? operation.parameters.filter(isRecord) : [];
      const namesIn = (where: string) =>
        parameters.filter((p) => p.in === where && typeof p.name === "string").map((p) => String(p.name));
      const requestBody = isRecord(operation.requestBody) ? operation.requestBody : {};
      const content = isRecord(requestBody.content) ? requestBody.content : {};
      const json = isRecord(content["application/json"]) ? content["application/json"] : {};
      operations.push({
        method,
        path,
        pathParams: namesIn("path"),
        queryParams: namesIn("query"),
        body: json.schema,
      });
    }
  }
  return operations;
}
