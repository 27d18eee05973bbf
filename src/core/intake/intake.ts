/**
 * What an intake request may carry (a web form, an ad platform, a chat responder), read leniently
 * the way forms send it (every value a string, lists as repeated fields or `;`/`,`-separated), and
 * turned into a contact, its attribution and its first message.
 */
import { z } from "zod";
import { type ContactCreate, ContactCreateSchema } from "../model.js";

/** A list from a JSON array, repeated form fields, or one string separated by `;` or `,`. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : v.split(/[;,]/)).map((s) => s.trim()).filter((s) => s.length > 0),
  );

/** A form sends "true", "on", "1" or "yes"; JSON sends a boolean. */
/** E-mails are checked here, so one answer names them beside every other bad field. */
const emailList = list.pipe(
  z.array(z.string().toLowerCase().pipe(z.email("not an e-mail address")).pipe(z.string().max(254))).max(10),
);

const flag = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (v) => ["true", "false", "on", "off", "1", "0", "yes", "no", ""].includes(v),
      "must be true or false",
    )
    .transform((v) => ["true", "on", "1", "yes"].includes(v)),
]);

const coordinate = z.union([z.number(), z.string().trim().min(1).pipe(z.coerce.number())]);

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);

export const UTM_FIELDS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

export const IntakeSchema = z
  .object({
    name: text(200).optional().describe("the full name as typed; or givenName and familyName"),
    displayName: text(200).optional().describe("an alias of name"),
    givenName: text(100).optional(),
    familyName: text(100).optional(),
    phone: list.optional().describe("one or more numbers, any format"),
    phones: list.optional(),
    email: emailList.optional(),
    emails: emailList.optional(),
    gender: z.enum(["m", "f", "M", "F", ""]).optional(),
    language: list.optional().describe("ISO 639-1 codes"),
    languages: list.optional(),
    city: text(200).optional().describe("an alias of placeName"),
    placeName: text(200).optional(),
    region: text(200).optional(),
    postalCode: text(20).optional(),
    country: text(2).optional().describe("ISO 3166-1 alpha-2; also the region phones are read in"),
    lat: coordinate.optional(),
    lon: coordinate.optional(),
    source: text(100).optional().describe("where the contact came from: a site, an ad platform, a chat"),
    campaign: text(100).optional(),
    utm_source: text(200).optional(),
    utm_medium: text(200).optional(),
    utm_campaign: text(200).optional(),
    utm_term: text(200).optional(),
    utm_content: text(200).optional(),
    page: text(2000).optional().describe("the page the form was on"),
    message: text(5000).optional().describe("what the person wrote; the first entry of the timeline"),
    inbound: flag.optional().describe("the person reached out themselves (default true)"),
  })
  // Forms carry fields of their own (the submit button, a honeypot): ignored, like unknown CSV columns.
  .loose();
export type IntakeBody = z.input<typeof IntakeSchema>;

export interface IntakeRecord {
  contact: ContactCreate;
  attribution: Record<string, string>;
  message: string | null;
}

export interface IntakeIssue {
  path: string;
  message: string;
}

/** The contact an intake request describes, or every field that is wrong, named by its path. */
export function readIntake(
  body: unknown,
): { ok: true; value: IntakeRecord } | { ok: false; issues: IntakeIssue[] } {
  const parsed = IntakeSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map(toIssue) };
  const b = parsed.data;
  const joined = [b.givenName, b.familyName].filter(Boolean).join(" ");
  const displayName = b.name || b.displayName || joined;
  const phones = [...(b.phone ?? []), ...(b.phones ?? [])];
  const emails = [...(b.email ?? []), ...(b.emails ?? [])];
  if (!displayName && phones.length === 0 && emails.length === 0) {
    return { ok: false, issues: [{ path: "name", message: "give a name, a phone or an e-mail" }] };
  }
  const candidate = {
    displayName: displayName || phones[0] || emails[0] || "",
    ...(b.givenName ? { givenName: b.givenName } : {}),
    ...(b.familyName ? { familyName: b.familyName } : {}),
    phones,
    emails,
    ...(b.gender ? { gender: b.gender.toLowerCase() } : {}),
    languages: [...(b.language ?? []), ...(b.languages ?? [])].map((l) => l.toLowerCase()),
    ...(b.placeName || b.city ? { placeName: b.placeName || b.city } : {}),
    ...(b.region ? { region: b.region } : {}),
    ...(b.postalCode ? { postalCode: b.postalCode } : {}),
    ...(b.country ? { country: b.country.toUpperCase() } : {}),
    ...(b.lat !== undefined ? { lat: b.lat } : {}),
    ...(b.lon !== undefined ? { lon: b.lon } : {}),
    ...(b.source || b.utm_source ? { source: b.source || b.utm_source } : {}),
    ...(b.campaign || b.utm_campaign ? { campaign: b.campaign || b.utm_campaign } : {}),
    inbound: b.inbound ?? true,
  };
  const contact = ContactCreateSchema.safeParse(candidate);
  if (!contact.success) return { ok: false, issues: contact.error.issues.map(toIssue).map(renamed) };
  const attribution: Record<string, string> = {};
  for (const field of [...UTM_FIELDS, "page"] as const) {
    const value = b[field];
    if (value) attribution[field] = value;
  }
  return { ok: true, value: { contact: contact.data, attribution, message: b.message || null } };
}

function toIssue(issue: z.core.$ZodIssue): IntakeIssue {
  return { path: issue.path.map(String).join(".") || "body", message: issue.message };
}

/** Issues found on the contact are named by the intake field the caller sent. */
function renamed(issue: IntakeIssue): IntakeIssue {
  const [head, ...rest] = issue.path.split(".");
  const names: Record<string, string> = { displayName: "name", placeName: "placeName" };
  return { ...issue, path: [names[head ?? ""] ?? head, ...rest].join(".") };
}
