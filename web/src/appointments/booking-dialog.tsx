/**
 * "Book a meeting": how and how long, then the soonest slots with everyone who fits the contact.
 * Picking a slot holds it for a few minutes while it is agreed on the phone; Book turns the hold into
 * the meeting; closing lets the hold go. A time taken meanwhile is said, and the slots are asked again.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  ApiError,
  type Appointment,
  api,
  type BookingRequest,
  type Contact,
  type ContactSlots,
  type Hold,
  type MeetingMode,
  query,
} from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { useNow } from "../shell/now.js";
import { TextField } from "../shell/text-field.js";
import { MEETING_MODES } from "./lists.js";
import { SlotList, type SlotView } from "./slot-list.js";
import { minutesAndSeconds } from "./zoned.js";

const PER_WORKER = 8;
const MINUTE = 60_000;

/** Common meeting lengths, and the organisation's own. */
export function durationChoices(usual: number): number[] {
  return [...new Set([15, 30, 45, 60, 90, 120, 180, 240, usual])].sort((a, b) => a - b);
}

interface Picked extends SlotView {
  workerId: string;
  workerName: string;
  timeZone: string;
}

function releaseHold(id: string): void {
  // Letting go is a courtesy: the hold lapses by itself in a few minutes if this fails.
  api.delete(`/api/v1/slot-holds/${encodeURIComponent(id)}`).catch(() => undefined);
}

export function BookingDialog({
  contact,
  onClose,
  onBooked,
}: {
  contact: Pick<Contact, "id" | "displayName" | "emails" | "placeName" | "lat" | "lon">;
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const client = useQueryClient();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const settings = me.organisation.settings.appointments;
  // A worker books in their own calendar and holds nothing: the server keeps holds for those who book for others.
  const holds = me.user.role !== "worker";
  const [mode, setMode] = useState<MeetingMode>("in_person");
  const [duration, setDuration] = useState(settings.durationMinutes);
  const [placeName, setPlaceName] = useState("");
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [hold, setHold] = useState<Hold | null>(null);
  const [inviteContact, setInviteContact] = useState(false);
  const [note, setNote] = useState("");
  const held = useRef<string | null>(null);
  held.current = hold?.id ?? null;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  // Leaving the page with a slot held lets it go, as closing does.
  useEffect(
    () => () => {
      if (held.current) releaseHold(held.current);
    },
    [],
  );

  const slotsKey = ["slots", "contact", contact.id, mode, duration, from ?? "now"];
  const slots = useQuery({
    queryKey: slotsKey,
    queryFn: () =>
      api.get<ContactSlots>(
        `/api/v1/contacts/${contact.id}/slots${query({ mode, durationMinutes: duration, perWorker: PER_WORKER, from })}`,
      ),
    staleTime: 0,
  });

  function letGo() {
    if (held.current) releaseHold(held.current);
    held.current = null;
    setHold(null);
  }

  const inPerson = mode === "in_person" && contact.lat !== null && contact.lon !== null;
  const take = useMutation({
    mutationFn: (slot: Picked) =>
      api.post<Hold>("/api/v1/slot-holds", {
        workerId: slot.workerId,
        start: slot.start,
        durationMinutes: duration,
        contactId: contact.id,
        ...(inPerson ? { lat: contact.lat, lon: contact.lon } : {}),
      }),
    onSuccess: (next) => setHold(next),
    onError: () => {
      setPicked(null);
      void slots.refetch();
    },
  });

  const book = useMutation({
    mutationFn: (slot: Picked) => {
      const body: BookingRequest = {
        workerId: slot.workerId,
        start: slot.start,
        durationMinutes: duration,
        mode,
        ...(mode === "in_person" && placeName.trim() ? { placeName: placeName.trim() } : {}),
        ...(hold ? { holdId: hold.id } : {}),
        ...(inviteContact ? { inviteContact: true } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      return api.post<Appointment>(`/api/v1/contacts/${contact.id}/appointments`, body);
    },
    onSuccess: (appointment) => {
      held.current = null;
      setHold(null);
      // A setter sees only contacts nobody holds, and the booking hands this one to the worker: the page
      // keeps what it shows rather than asking again and being told the contact is gone.
      if (me.user.role !== "setter") {
        void client.invalidateQueries({ queryKey: ["contact", contact.id] });
        void client.invalidateQueries({ queryKey: ["timeline", contact.id] });
      }
      void client.invalidateQueries({ queryKey: ["appointments"] });
      void client.invalidateQueries({ queryKey: ["contacts"] });
      dialog.current?.close();
      onBooked(appointment);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        letGo();
        setPicked(null);
        void slots.refetch();
      }
    },
  });

  function pick(slot: Picked) {
    if (picked?.start === slot.start && picked.workerId === slot.workerId) return;
    letGo();
    book.reset();
    setPicked(slot);
    if (holds) take.mutate(slot);
  }

  /** A change of mode, length or window makes other slots: the one held goes. */
  function reset(change: () => void) {
    letGo();
    setPicked(null);
    take.reset();
    book.reset();
    change();
  }

  function close() {
    letGo();
    dialog.current?.close();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (picked) book.mutate(picked);
  }

  const workers = slots.data?.workers ?? [];
  // The next page starts where the first worker's list ends, so that nobody's slots are skipped.
  const lastShown = workers
    .map((w) => w.slots[w.slots.length - 1]?.start)
    .filter((s): s is string => s !== undefined)
    .sort()[0];
  const email = contact.emails[0];

  return (
    <dialog
      ref={dialog}
      className="dialog booking"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <form onSubmit={submit} className="editor">
        <div className="card-head">
          <h2 id={`${id}-title`}>{t("booking.title", { name: contact.displayName })}</h2>
          <button type="button" className="link-button" onClick={close}>
            {t("booking.close")}
          </button>
        </div>
        <fieldset className="choices">
          <legend>{t("booking.mode")}</legend>
          <div className="buttons">
            {MEETING_MODES.map((m) => (
              <label key={m} className={mode === m ? "chip on" : "chip"}>
                <input
                  type="radio"
                  name={`${id}-mode`}
                  value={m}
                  checked={mode === m}
                  onChange={() => reset(() => setMode(m))}
                />
                {t(`meetingModes.${m}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field-row">
          <label>
            {t("booking.duration")}
            <select value={duration} onChange={(e) => reset(() => setDuration(Number(e.target.value)))}>
              {durationChoices(settings.durationMinutes).map((minutes) => (
                <option key={minutes} value={minutes}>
                  {t("booking.minutes", { count: minutes })}
                </option>
              ))}
            </select>
          </label>
          {mode === "in_person" && (
            <TextField
              label={t("booking.place")}
              placeholder={contact.placeName ?? ""}
              maxLength={200}
              value={placeName}
              onChange={(e) => setPlaceName(e.target.value)}
            />
          )}
        </div>

        <section aria-labelledby={`${id}-slots`} className="slot-picker">
          <h3 id={`${id}-slots`}>{t("booking.slots")}</h3>
          <p className="muted small">{t("booking.slotsHelp", { zone: format.timeZone })}</p>
          {slots.isPending && <p className="loading">{t("common.loading")}</p>}
          {slots.error && <ErrorBox error={slots.error} />}
          {slots.data?.shortage && (
            <p className="notice-box" role="status">
              {from ? t("booking.noneLater") : t("booking.shortage", { days: settings.horizonDays })}
            </p>
          )}
          {workers.map((worker) => (
            <div key={worker.workerId} className="slot-worker">
              <h4>
                {worker.name}{" "}
                <small className="muted">{t("booking.theirZone", { zone: worker.timeZone })}</small>
              </h4>
              <SlotList
                slots={worker.slots}
                zone={worker.timeZone}
                worker={worker.name}
                picked={picked?.workerId === worker.workerId ? picked.start : null}
                disabled={take.isPending || book.isPending}
                onPick={(slot) =>
                  pick({
                    ...slot,
                    workerId: worker.workerId,
                    workerName: worker.name,
                    timeZone: worker.timeZone,
                  })
                }
              />
            </div>
          ))}
          <div className="buttons">
            {from && (
              <button type="button" onClick={() => reset(() => setFrom(undefined))}>
                {t("booking.soonest")}
              </button>
            )}
            {lastShown && (
              <button
                type="button"
                onClick={() => reset(() => setFrom(new Date(Date.parse(lastShown) + MINUTE).toISOString()))}
              >
                {t("booking.later")}
              </button>
            )}
          </div>
        </section>

        {picked && (
          <div className="picked card">
            <p>
              <strong>
                {t("booking.picked", {
                  when: format.when(picked.start, picked.timeZone),
                  worker: picked.workerName,
                })}
              </strong>
              {picked.timeZone !== format.timeZone && (
                <>
                  {" "}
                  <span className="muted">
                    {t("booking.pickedYours", { when: format.when(picked.start) })}
                  </span>
                </>
              )}
            </p>
            {take.isPending && <p className="muted">{t("booking.holding")}</p>}
            {hold && <HoldCountdown expiresAt={hold.expiresAt} />}
          </div>
        )}
        {take.error && <ErrorBox error={take.error} />}

        {email && (
          <label className="choice">
            <input
              type="checkbox"
              checked={inviteContact}
              onChange={(e) => setInviteContact(e.target.checked)}
            />
            <span className="choice-text">
              {t("booking.invite", { email })}
              <small className="muted">{t("booking.inviteHelp")}</small>
            </span>
          </label>
        )}
        <div className="field">
          <label htmlFor={`${id}-note`}>{t("booking.note")}</label>
          <textarea
            id={`${id}-note`}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        {book.error && <ErrorBox error={book.error} />}
        <div className="buttons">
          <button type="submit" className="primary" disabled={!picked || take.isPending || book.isPending}>
            {t("booking.book")}
          </button>
          <button type="button" onClick={close}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** How long the slot stays held for the setter, ticking; once it lapses, what that means. */
function HoldCountdown({ expiresAt }: { expiresAt: string }) {
  const { t } = useTranslation();
  const left = Date.parse(expiresAt) - useNow();
  if (left <= 0) return <p className="countdown pressing">{t("booking.holdLapsed")}</p>;
  return (
    <p className="hold">
      {t("booking.held")}{" "}
      <time className={left < MINUTE ? "countdown pressing" : "countdown"} dateTime={expiresAt}>
        {minutesAndSeconds(left)}
      </time>
    </p>
  );
}
