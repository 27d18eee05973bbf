/** Dispatch as the API shows it: zod schemas for validation, the OpenAPI document and the console's types. */
import { z } from "zod";
import { ContactSchema } from "../model.js";
import { RULES } from "./model.js";

export const RankedWorkerSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  marginal: z.number().describe("what this assignment adds to the plan's objective: score − load cost"),
  score: z.number(),
  distanceKm: z.number(),
  assignTerm: z.number().describe("assign_value · priority"),
  distanceTerm: z.number().describe("distance_per_km · d"),
  trustTerm: z.number().describe("trust · (1 − worker trust)"),
  loadTerm: z.number().describe("load · (active + 1) / capacity"),
  sharedLanguages: z.array(z.string()),
  genderRule: z.enum(["same", "any"]),
  active: z.number().int(),
  capacity: z.number().int(),
  trust: z.number(),
});
export type RankedWorkerShape = z.infer<typeof RankedWorkerSchema>;

export const ExcludedWorkerSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  rule: z.enum(RULES).describe("the first rule of contract.md the worker fails"),
});

export const SuggestionsSchema = z.object({
  contact: ContactSchema,
  ranked: z.array(RankedWorkerSchema),
  excluded: z.array(ExcludedWorkerSchema),
  excludedByRule: z.record(z.string(), z.number().int()),
});
export type SuggestionsShape = z.infer<typeof SuggestionsSchema>;

export const QueueSchema = z.object({
  items: z.array(SuggestionsSchema),
  nextCursor: z.string().nullable(),
});

export const DecisionTraceSchema = z.object({
  mode: z.string(),
  rulesPassed: z.array(z.string()).optional(),
  overridden: z.string().nullable().optional(),
  score: z.record(z.string(), z.number()).optional(),
  runnerUp: z
    .object({ workerId: z.string(), name: z.string(), marginal: z.number(), distanceKm: z.number() })
    .nullable()
    .optional(),
  reason: z.string().nullable().optional(),
  rule: z.string().nullable().optional(),
});

export const DecisionSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  workerId: z.string().nullable(),
  workerName: z.string().nullable(),
  mode: z.string(),
  outcome: z.string(),
  trace: DecisionTraceSchema,
  runId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  createdAt: z.string(),
});
export type DecisionShape = z.infer<typeof DecisionSchema>;

export const PlannedContactSchema = z.object({
  contactId: z.string(),
  displayName: z.string(),
  placeName: z.string().nullable(),
  status: z.string(),
  workerId: z.string().nullable(),
  workerName: z.string().nullable(),
  distanceKm: z.number().nullable(),
  reason: z.enum(["no_eligible_worker", "no_capacity"]).nullable(),
  rule: z.string().nullable(),
});

export const DispatchRunSchema = z.object({
  id: z.string(),
  status: z.enum(["preview", "applied", "discarded"]),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
  summary: z.object({
    contacts: z.number().int(),
    workers: z.number().int(),
    assigned: z.number().int(),
    noEligibleWorker: z.number().int(),
    noCapacity: z.number().int(),
    objective: z.number(),
    millis: z.number(),
  }),
  plan: z.array(PlannedContactSchema),
  skipped: z.array(z.object({ contactId: z.string(), message: z.string() })).optional(),
});
export type DispatchRunShape = z.infer<typeof DispatchRunSchema>;

export const GapSchema = z.object({
  country: z.string().nullable(),
  placeName: z.string().nullable(),
  unassignable: z.number().int().describe("contacts no worker can serve"),
  waiting: z.number().int().describe("contacts ready for dispatch, not yet offered"),
  reasons: z.record(z.string(), z.number().int()),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});
export type GapShape = z.infer<typeof GapSchema>;
