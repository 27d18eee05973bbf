/** Opaque cursors for keyset pagination: the last row's sort value and id. */
import { z } from "zod";

export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

const CursorShape = z.tuple([z.string(), z.string()]);

export function decodeCursor(cursor: string): { value: string; id: string } | null {
  try {
    const parsed = CursorShape.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? { value: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

export const cursorParam = z
  .string()
  .max(500)
  .refine((c) => decodeCursor(c) !== null, "not a cursor this API gave out")
  .optional();

export const limitParam = z.coerce.number().int().min(1).max(500).default(50);

export { pageOf } from "../core/model.js";
