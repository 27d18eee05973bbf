/**
 * /agenda: a worker's meetings for the coming weeks, by day in their own time zone, each with what can
 * be done to it: move, cancel, and once it has begun, say how it went. Dispatchers open anyone's with
 * ?workerId=. The private calendar feed is handed out here too.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError, type Appointment, api, type Page, query, type Worker, type WorkerSlots } from "../api.js";
import { useRefreshOnNews } from "../notifications/bell.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { useNow } from "../shell/now.js";
import { CalendarFeed } from "./calendar-feed.js";
import { SlotList, type SlotView } from "./slot-list.js";
import { byDate } from "./zoned.js";

const DAY = 24 * 3_600_000;
const WEEK_CHOICES = [1, 2, 4, 8] as const;
/** How far back a meeting still waits to be told how it went. */
const PAST_DAYS = 14;

export function AgendaPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const dispatches = me.user.role === "admin" || me.user.role === "dispatcher";
  const workerId = (dispatches ? params.get("workerId") : null) ?? me.user.workerId ?? "";
  const workers = useQuery({
    queryKey: ["workers", "all"],
    queryFn: () => api.get<Page<Worker>>(`/api/v1/workers${query({ limit: 500 })}`),
    enabled: dispatches,
  });

  const choose = dispatches && (
    <label>
      {t("nouns:worker_cap")}
      <select
        value={workerId}
        onChange={(e) => {
          const next = new URLSearchParams(params);
          next.set("workerId", e.target.value);
          setParams(next, { replace: true });
        }}
      >
        {!workerId && <option value="">{t("common.choose")}</option>}
        {workers.data?.items.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </label>
  );
  if (!workerId) {
    return (
      <section className="list-page">
        <div className="list-head">
          <h1>{t("agenda.title")}</h1>
        </div>
        <p className="muted">{t("agenda.chooseWorker")}</p>
        {workers.error && <ErrorBox error={workers.error} />}
        <div className="field-row">{choose}</div>
      </section>
    );
  }
  return <WorkerAgenda key={workerId} workerId={workerId} picker={choose || null} />;
}

function WorkerAgenda({ workerId, picker }: { workerId: string; picker: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const weeks = Number(params.get("weeks")) || 4;
  const own = me.user.workerId === workerId;
  const worker = useQuery({
    queryKey: ["worker", workerId],
    queryFn: () => api.get<Worker>(`/api/v1/workers/${encodeURIComponent(workerId)}`),
  });
  const key = ["appointments", "agenda", workerId, weeks];
  useRefreshOnNews(key);
  const agenda = useQuery({
    queryKey: key,
    queryFn: () => {
      const now = Date.now();
      return api.get<{ items: Appointment[] }>(
        `/api/v1/appointments${query({
          workerId,
          from: new Date(now - PAST_DAYS * DAY).toISOString(),
          to: new Date(now + weeks * 7 * DAY).toISOString(),
          limit: 1000,
        })}`,
      );
    },
  });
  const now = useNow();
  if (worker.error) return <ErrorBox error={worker.error} />;
  const zone = worker.data?.timeZone ?? format.timeZone;
  const items = agenda.data?.items ?? [];
  const waiting = items.filter((a) => a.status === "booked" && Date.parse(a.start) <= now);
  const coming = items.filter((a) => Date.parse(a.start) > now);
  const days = byDate(coming, (a) => a.localDate);

  return (
    <section className="list-page agenda">
      <div className="list-head">
        <h1>{own ? t("agenda.title") : t("agenda.of", { name: worker.data?.name ?? "" })}</h1>
        <span className="muted">{t("agenda.zone", { zone })}</span>
      </div>
      <div className="filters">
        {picker}
        <label>
          {t("agenda.weeks")}
          <select
            value={weeks}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set("weeks", e.target.value);
              setParams(next, { replace: true });
            }}
          >
            {WEEK_CHOICES.map((n) => (
              <option key={n} value={n}>
                {t("agenda.weekCount", { count: n })}
              </option>
            ))}
          </select>
        </label>
        <Link className="button" to={`/workers/${workerId}#availability`}>
          {t("agenda.availability")}
        </Link>
      </div>
      <CalendarFeed workerId={workerId} own={own} />
      {agenda.error && <ErrorBox error={agenda.error} />}
      {agenda.isPending && <p className="loading">{t("common.loading")}</p>}
      {waiting.length > 0 && (
        <section aria-labelledby="agenda-waiting">
          <h2 id="agenda-waiting">{t("agenda.howDidItGo")}</h2>
          <ul className="queue meetings">
            {waiting.map((a) => (
              <MeetingItem key={a.id} appointment={a} zone={zone} withDay />
            ))}
          </ul>
        </section>
      )}
      {agenda.data && coming.length === 0 && <p className="empty">{t("agenda.none", { count: weeks })}</p>}
      {days.map((day) => (
        <section key={day.date} aria-labelledby={`day-${day.date}`} className="agenda-day">
          <h2 id={`day-${day.date}`}>{format.day(day.date)}</h2>
          <ul className="queue meetings">
            {day.items.map((a) => (
              <MeetingItem key={a.id} appointment={a} zone={zone} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

type Action = "reschedule" | "cancel" | null;

function MeetingItem({
  appointment: a,
  zone,
  withDay = false,
}: {
  appointment: Appointment;
  zone: string;
  withDay?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [action, setAction] = useState<Action>(null);
  const started = Date.parse(a.start) <= useNow();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["appointments"] });
    void client.invalidateQueries({ queryKey: ["timeline", a.contactId] });
    void client.invalidateQueries({ queryKey: ["contact", a.contactId] });
  };
  const outcome = useMutation({
    mutationFn: (result: "completed" | "no_show") =>
      api.post<Appointment>(`/api/v1/appointments/${a.id}/outcome`, { outcome: result }),
    onSuccess: refresh,
  });
  const elsewhere = zone !== format.timeZone;
  const label = a.contactName ?? t("inbox.aContact");
  return (
    <li className={`card meeting status-${a.status}`}>
      <div className="meeting-head">
        <time dateTime={a.start} className="meeting-time">
          {withDay ? format.when(a.start, zone) : format.time(a.start, zone)}–{format.time(a.end, zone)}
        </time>
        {elsewhere && <small className="muted">{t("slots.yourTime", { time: format.when(a.start) })}</small>}
        <Link to={`/contacts/${a.contactId}`}>
          <strong>{label}</strong>
        </Link>
        <span className="badge">{t(`meetingModes.${a.mode}`)}</span>
        {a.mode === "in_person" && a.placeName && <span>{a.placeName}</span>}
        {a.status !== "booked" && (
          <span className={`badge appointment-${a.status}`}>{t(`appointmentStatus.${a.status}`)}</span>
        )}
      </div>
      {a.note && <p className="request-text">{a.note}</p>}
      {a.cancelReason && (
        <p className="request-text muted">{t("agenda.cancelledBecause", { reason: a.cancelReason })}</p>
      )}
      {a.status === "booked" && (
        <div className="buttons">
          {started && (
            <>
              <button type="button" disabled={outcome.isPending} onClick={() => outcome.mutate("completed")}>
                {t("agenda.completed")}
              </button>
              <button type="button" disabled={outcome.isPending} onClick={() => outcome.mutate("no_show")}>
                {t("agenda.noShow")}
              </button>
            </>
          )}
          <button
            type="button"
            className={action === "reschedule" ? "on" : ""}
            aria-expanded={action === "reschedule"}
            aria-label={t("agenda.rescheduleWith", { name: label })}
            onClick={() => setAction(action === "reschedule" ? null : "reschedule")}
          >
            {t("agenda.reschedule")}
          </button>
          <button
            type="button"
            className={action === "cancel" ? "on" : ""}
            aria-expanded={action === "cancel"}
            aria-label={t("agenda.cancelWith", { name: label })}
            onClick={() => setAction(action === "cancel" ? null : "cancel")}
          >
            {t("agenda.cancel")}
          </button>
        </div>
      )}
      {outcome.error && <ErrorBox error={outcome.error} />}
      {action === "reschedule" && (
        <RescheduleForm
          appointment={a}
          zone={zone}
          onDone={() => {
            setAction(null);
            refresh();
          }}
        />
      )}
      {action === "cancel" && (
        <CancelForm
          appointment={a}
          onDone={() => {
            setAction(null);
            refresh();
          }}
        />
      )}
    </li>
  );
}

const MINUTE = 60_000;

/** The worker's free slots for a meeting of the same length, at the same place; pick one and move it there. */
function RescheduleForm({
  appointment: a,
  zone,
  onDone,
}: {
  appointment: Appointment;
  zone: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const minutes = Math.round((Date.parse(a.end) - Date.parse(a.start)) / MINUTE);
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [picked, setPicked] = useState<SlotView | null>(null);
  const [reason, setReason] = useState("");
  const place = a.mode === "in_person" && a.lat !== null && a.lon !== null ? { lat: a.lat, lon: a.lon } : {};
  const slots = useQuery({
    queryKey: ["slots", "worker", a.workerId, minutes, place, from ?? "now"],
    queryFn: () =>
      api.get<WorkerSlots>(
        `/api/v1/workers/${a.workerId}/slots${query({ durationMinutes: minutes, limit: 24, from, ...place })}`,
      ),
    staleTime: 0,
  });
  const move = useMutation({
    mutationFn: (slot: SlotView) =>
      api.post<Appointment>(`/api/v1/appointments/${a.id}/reschedule`, {
        start: slot.start,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: onDone,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        setPicked(null);
        void slots.refetch();
      }
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (picked) move.mutate(picked);
  }
  const list = slots.data?.slots ?? [];
  const last = list[list.length - 1];
  return (
    <form onSubmit={submit} className="move-form reschedule">
      <h3>{t("agenda.moveTo")}</h3>
      {slots.isPending && <p className="loading">{t("common.loading")}</p>}
      {slots.error && <ErrorBox error={slots.error} />}
      {slots.data && list.length === 0 && <p className="notice-box">{t("agenda.noSlots")}</p>}
      <SlotList
        slots={list}
        zone={zone}
        worker={a.workerName ?? ""}
        picked={picked?.start ?? null}
        disabled={move.isPending}
        onPick={setPicked}
      />
      <div className="buttons">
        {from && (
          <button type="button" onClick={() => setFrom(undefined)}>
            {t("booking.soonest")}
          </button>
        )}
        {last && (
          <button
            type="button"
            onClick={() => setFrom(new Date(Date.parse(last.start) + MINUTE).toISOString())}
          >
            {t("booking.later")}
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t("agenda.rescheduleReason")}</label>
        <input
          id={`${id}-reason`}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {picked && <p className="muted">{t("agenda.movingTo", { when: format.when(picked.start, zone) })}</p>}
      {move.error && <ErrorBox error={move.error} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={!picked || move.isPending}>
          {t("agenda.move")}
        </button>
      </div>
    </form>
  );
}

function CancelForm({ appointment: a, onDone }: { appointment: Appointment; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState("");
  const cancel = useMutation({
    mutationFn: () => api.post<Appointment>(`/api/v1/appointments/${a.id}/cancel`, { reason: reason.trim() }),
    onSuccess: onDone,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) cancel.mutate();
  }
  return (
    <form onSubmit={submit} className="move-form">
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t("agenda.cancelReason")}</label>
        <input
          id={`${id}-reason`}
          required
          maxLength={500}
          value={reason}
          placeholder={t("agenda.cancelReasonHint")}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {cancel.error && <ErrorBox error={cancel.error} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={cancel.isPending || !reason.trim()}>
          {t("agenda.confirmCancel")}
        </button>
      </div>
    </form>
  );
}
