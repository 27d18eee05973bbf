/** Appointments: availability, slots, holds, bookings and their changes, and each worker's calendar feed. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Context } from "../../context.js";
import { AvailabilitySchema } from "../../core/schedule/availability.js";
import { APPOINTMENT_STATUSES, MEETING_MODES } from "../../db/appointments.js";
import {
  appointmentsFor,
  bookAppointment,
  cancelAppointment,
  readAppointment,
  recordOutcome,
  rescheduleAppointment,
} from "../../services/appointments.js";
import { readAvailability, saveAvailability } from "../../services/availability.js";
import {
  calendarFeedFor,
  calendarFeedState,
  rotateCalendarFeed,
  stopCalendarFeed,
} from "../../services/calendar.js";
import { contactSlots, holdSlot, releaseHold, workerSlots } from "../../services/slots.js";
import { callerOf } from "../auth.js";
import { problemResponses, sendFailure } from "../problem.js";
import { sendResult } from "../reply.js";

const isoTime = z.string().describe("UTC timestamp, ISO-8601");
const instant = z.iso.datetime({ offset: true }).describe("an instant, ISO-8601 with a zone (Z or ±hh:mm)");
const IdParams = z.object({ id: z.string().min(1).max(64) });
const minutes = z.coerce.number().int().min(15).max(480);
const latitude = z.coerce.number().min(-90).max(90);
const longitude = z.coerce.number().min(-180).max(180);

const AppointmentSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  contactName: z.string().nullable(),
  workerId: z.string(),
  workerName: z.string().nullable(),
  start: isoTime,
  end: isoTime,
  localDate: z.string().describe("the worker's local date"),
  mode: z.enum(MEETING_MODES),
  placeName: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  status: z.enum(APPOINTMENT_STATUSES),
  sequence: z.number().int().describe("raised on every change: the invitations' SEQUENCE"),
  note: z.string().nullable(),
  cancelReason: z.string().nullable(),
  inviteContact: z.boolean(),
  bookedBy: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const WorkerSlotsSchema = z.object({
  workerId: z.string(),
  name: z.string(),
  timeZone: z.string(),
  slots: z.array(z.object({ start: isoTime, end: isoTime })),
});

const AvailabilityReply = z.object({
  workerId: z.string(),
  timeZone: z.string(),
  availability: AvailabilitySchema,
});

/** Both coordinates or neither. */
function placeOfQuery(q: { lat?: number | undefined; lon?: number | undefined }) {
  return q.lat !== undefined && q.lon !== undefined ? { lat: q.lat, lon: q.lon } : undefined;
}

export function appointmentRoutes(app: FastifyInstance, ctx: Context): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["appointments"];

  r.get(
    "/api/v1/workers/:id/availability",
    {
      schema: {
        tags,
        summary: "A worker's weekly hours (in their time zone), exceptions and daily cap",
        params: IdParams,
        response: { 200: AvailabilityReply, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await readAvailability(ctx, callerOf(request), request.params.id)),
  );

  r.put(
    "/api/v1/workers/:id/availability",
    {
      schema: {
        tags,
        summary: "Replace a worker's availability (the worker, dispatchers, admins)",
        params: IdParams,
        body: AvailabilitySchema,
        response: { 200: AvailabilityReply, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await saveAvailability(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.get(
    "/api/v1/workers/:id/slots",
    {
      schema: {
        tags,
        summary: "Free starts in a worker's calendar",
        description:
          "Within their hours and exceptions, after the minimum notice, clear of other meetings by the buffer and, between in-person meetings, the travel time; none on a day at their daily cap.",
        params: IdParams,
        querystring: z.object({
          from: instant.optional().describe("default: now"),
          to: instant.optional().describe("default: the organisation's horizon; at most 62 days after from"),
          durationMinutes: minutes.optional(),
          lat: latitude.optional().describe("where an in-person meeting would be"),
          lon: longitude.optional(),
          limit: z.coerce.number().int().min(1).max(2000).default(500),
        }),
        response: { 200: WorkerSlotsSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      return sendResult(
        reply,
        await workerSlots(ctx, callerOf(request), request.params.id, {
          from: q.from,
          to: q.to,
          durationMinutes: q.durationMinutes,
          place: placeOfQuery(q) ?? null,
          limit: q.limit,
        }),
      );
    },
  );

  r.get(
    "/api/v1/contacts/:id/slots",
    {
      schema: {
        tags,
        summary: "The soonest meetings with anyone who fits the contact",
        description:
          "The worker who holds the contact, or every worker dispatch finds eligible; each with their first slots, soonest first. No slot within the organisation's horizon is recorded as a supply shortage for the contact's place.",
        params: IdParams,
        querystring: z.object({
          mode: z.enum(MEETING_MODES).default("in_person"),
          durationMinutes: minutes.optional(),
          from: instant.optional(),
          to: instant.optional(),
          perWorker: z.coerce.number().int().min(1).max(50).default(5),
        }),
        response: {
          200: z.object({ workers: z.array(WorkerSlotsSchema), shortage: z.boolean() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const result = await contactSlots(ctx, callerOf(request), request.params.id, {
        from: q.from,
        to: q.to,
        durationMinutes: q.durationMinutes,
        perWorker: q.perWorker,
        ...(q.mode === "in_person" ? {} : { place: null }),
      });
      if (!result.ok) return sendFailure(reply, result.error);
      return { workers: result.value.workers, shortage: result.value.shortage };
    },
  );

  r.post(
    "/api/v1/slot-holds",
    {
      schema: {
        tags,
        summary: "Hold a slot for a few minutes while you talk it through",
        body: z
          .object({
            workerId: z.string().min(1).max(64),
            start: instant,
            durationMinutes: minutes.optional(),
            contactId: z.string().min(1).max(64).optional(),
            lat: latitude.optional(),
            lon: longitude.optional(),
          })
          .strict(),
        response: {
          201: z.object({
            id: z.string(),
            workerId: z.string(),
            start: isoTime,
            end: isoTime,
            expiresAt: isoTime,
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return sendResult(
        reply,
        await holdSlot(ctx, callerOf(request), {
          workerId: b.workerId,
          start: b.start,
          durationMinutes: b.durationMinutes,
          contactId: b.contactId,
          place: placeOfQuery(b) ?? null,
        }),
        201,
      );
    },
  );

  r.delete(
    "/api/v1/slot-holds/:id",
    {
      schema: {
        tags,
        summary: "Let go of your hold",
        params: IdParams,
        response: { 200: z.object({ released: z.literal(true) }), ...problemResponses },
      },
    },
    async (request, reply) => sendResult(reply, await releaseHold(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/contacts/:id/appointments",
    {
      schema: {
        tags,
        summary: "Book a meeting with a worker",
        description:
          "Atomic: refused with 409 when the time is taken, held by someone else, outside the worker's hours, too soon, too close to another meeting, or past their daily cap. A contact nobody holds is offered to the worker with the meeting. The worker (and the contact, with inviteContact) get an iCalendar invitation.",
        params: IdParams,
        body: z
          .object({
            workerId: z.string().min(1).max(64),
            start: instant,
            durationMinutes: minutes.optional(),
            mode: z.enum(MEETING_MODES),
            placeName: z.string().trim().min(1).max(200).optional(),
            lat: latitude.optional(),
            lon: longitude.optional(),
            holdId: z.string().min(1).max(64).optional().describe("your hold on this slot"),
            inviteContact: z
              .boolean()
              .optional()
              .describe("e-mail the contact the invitation too; they agreed"),
            note: z.string().trim().min(1).max(2000).optional(),
          })
          .strict(),
        response: { 201: AppointmentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await bookAppointment(ctx, callerOf(request), request.params.id, request.body), 201),
  );

  r.get(
    "/api/v1/appointments",
    {
      schema: {
        tags,
        summary: "Meetings in time order: a worker's agenda, a contact's meetings, a setter's bookings",
        querystring: z.object({
          workerId: z.string().max(64).optional(),
          contactId: z.string().max(64).optional(),
          status: z.enum(APPOINTMENT_STATUSES).optional(),
          from: instant.optional(),
          to: instant.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.object({ items: z.array(AppointmentSchema) }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const result = await appointmentsFor(
        ctx,
        callerOf(request),
        {
          workerId: q.workerId,
          contactId: q.contactId,
          status: q.status,
          fromMs: q.from ? Date.parse(q.from) : undefined,
          toMs: q.to ? Date.parse(q.to) : undefined,
        },
        q.limit,
      );
      if (!result.ok) return sendFailure(reply, result.error);
      return { items: result.value };
    },
  );

  r.get(
    "/api/v1/appointments/:id",
    {
      schema: {
        tags,
        summary: "One meeting",
        params: IdParams,
        response: { 200: AppointmentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await readAppointment(ctx, callerOf(request), request.params.id)),
  );

  r.post(
    "/api/v1/appointments/:id/reschedule",
    {
      schema: {
        tags,
        summary: "Move a meeting; the invitation goes out again with a higher SEQUENCE",
        params: IdParams,
        body: z
          .object({
            start: instant,
            durationMinutes: minutes.optional(),
            reason: z.string().trim().min(1).max(500).optional(),
            holdId: z.string().min(1).max(64).optional(),
          })
          .strict(),
        response: { 200: AppointmentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await rescheduleAppointment(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.post(
    "/api/v1/appointments/:id/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a meeting, with a reason; a METHOD:CANCEL goes to everyone invited",
        params: IdParams,
        body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
        response: { 200: AppointmentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await cancelAppointment(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.post(
    "/api/v1/appointments/:id/outcome",
    {
      schema: {
        tags,
        summary: "How it went: completed (the contact is met) or no-show",
        params: IdParams,
        body: z
          .object({
            outcome: z.enum(["completed", "no_show"]),
            note: z.string().trim().min(1).max(2000).optional(),
          })
          .strict(),
        response: { 200: AppointmentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await recordOutcome(ctx, callerOf(request), request.params.id, request.body)),
  );

  r.post(
    "/api/v1/workers/:id/calendar-feed",
    {
      schema: {
        tags,
        summary: "A new private calendar feed URL for the worker (the old one stops working)",
        description:
          "Subscribe to it in Google, Apple or Outlook calendar. Anyone with the URL sees the meetings: keep it private.",
        params: IdParams,
        response: { 200: z.object({ url: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await rotateCalendarFeed(ctx, callerOf(request), request.params.id)),
  );

  const FeedStateSchema = z.object({
    active: z
      .boolean()
      .describe("whether a feed address is in use (it cannot be shown again, only replaced)"),
  });

  r.get(
    "/api/v1/workers/:id/calendar-feed",
    {
      schema: {
        tags,
        summary: "Whether the worker's private calendar feed is on",
        params: IdParams,
        response: { 200: FeedStateSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await calendarFeedState(ctx, callerOf(request), request.params.id)),
  );

  r.delete(
    "/api/v1/workers/:id/calendar-feed",
    {
      schema: {
        tags,
        summary: "Turns the worker's calendar feed off: its address stops working everywhere",
        params: IdParams,
        response: { 200: FeedStateSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      sendResult(reply, await stopCalendarFeed(ctx, callerOf(request), request.params.id)),
  );

  r.get(
    "/calendar/:file",
    {
      schema: {
        tags,
        summary: "A worker's calendar feed (iCalendar), by the secret in its URL",
        params: z.object({
          file: z.string().regex(/^[A-Za-z0-9_-]{20,64}\.ics$/, "a feed URL this server gave out"),
        }),
      },
    },
    async (request, reply) => {
      const feed = await calendarFeedFor(ctx, request.params.file.replace(/\.ics$/, ""));
      if (feed === null) return sendFailure(reply, { code: "not_found", message: "no such calendar feed" });
      return reply
        .type("text/calendar; charset=utf-8")
        .header("cache-control", "private, max-age=300")
        .send(feed);
    },
  );
}
