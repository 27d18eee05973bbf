/** The server's lists for appointment setting, in its order: weekdays, meeting modes, call outcomes, script steps. */
import type { CallOutcome, SCRIPT_STEP_KINDS } from "../../../src/core/appointments/scripts.js";
import type { Status } from "../../../src/core/lifecycle/states.js";
import type { APPOINTMENT_STATUSES } from "../../../src/db/appointments.js";
import type { MeetingMode, Weekday } from "../api.js";
import { keysOf } from "../shell/keys-of.js";

export const WEEKDAYS = keysOf<Weekday>({
  mon: true,
  tue: true,
  wed: true,
  thu: true,
  fri: true,
  sat: true,
  sun: true,
});

export const MEETING_MODES = keysOf<MeetingMode>({ in_person: true, phone: true, video: true });

export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const CALL_OUTCOMES = keysOf<CallOutcome>({
  qualified: true,
  not_now: true,
  disqualified: true,
  no_answer: true,
});

export type StepKind = (typeof SCRIPT_STEP_KINDS)[number];
export const STEP_KINDS = keysOf<StepKind>({ say: true, question: true });

/** The statuses a setter's call applies to (the server's CALLABLE_STATUSES): a contact still being qualified. */
export const CALLABLE: ReadonlySet<Status> = new Set<Status>(["new", "qualifying", "ready", "nurture"]);
