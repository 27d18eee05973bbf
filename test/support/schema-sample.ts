/** Request bodies built from the OpenAPI document's JSON schemas, for suites that call every documented route. */
import { isRecord } from "./http.js";

/**
 * A value that satisfies a JSON schema well enough to reach the handler: the required properties only,
 * or every property when `full`; strings named like ids (`workerId`, `userId`) come from `idFor`.
 */
export function sampleOf(
  schema: unknown,
  name: string,
  idFor: (name: string) => string,
  full: boolean,
): unknown {
  if (!isRecord(schema)) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("const" in schema) return schema.const;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const option = options.find((o) => !(isRecord(o) && o.type === "null"));
      return sampleOf(option, name, idFor, full);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const value: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) {
        if (full || required.includes(key)) value[key] = sampleOf(sub, key, idFor, full);
      }
      return value;
    }
    case "array":
      return [sampleOf(schema.items, name, idFor, full)];
    case "string":
      return sampleString(schema, name, idFor);
    case "integer":
    case "number": {
      let value = 1;
      if (typeof schema.minimum === "number" && value < schema.minimum) value = schema.minimum;
      if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
        value = schema.exclusiveMinimum + 1;
      if (typeof schema.maximum === "number" && value > schema.maximum) value = schema.maximum;
      return value;
    }
    case "boolean":
      return true;
    default:
      return null;
  }
}

function sampleString(
  schema: Record<string, unknown>,
  name: string,
  idFor: (name: string) => string,
): string {
  if (/id$/i.test(name)) return idFor(name);
  if (schema.format === "email" || /email/i.test(name)) return "sample@example.org";
  if (schema.format === "date-time") return "2026-04-01T00:00:00Z";
  if (schema.pattern === "^[a-z]{2}$") return "it";
  if (schema.pattern === "^[A-Z]{2}$") return "IT";
  if (/zone/i.test(name)) return "Europe/Rome";
  const min = typeof schema.minLength === "number" ? schema.minLength : 1;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : 200;
  return "sample text".padEnd(Math.max(min, 12), "x").slice(0, max);
}
