/**
 * A worker's availability, on their page: hours for each weekday, dated exceptions (away all day, or
 * other hours), and the most meetings in a day, all read in the worker's own time zone. The server
 * checks it and names the field it refuses.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { type Availability, api, type Interval, type Worker, type WorkerAvailability } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { WEEKDAYS } from "./lists.js";
import { addDays, wallClock } from "./zoned.js";

type Exception = Availability["exceptions"][number];

/** A time box cannot say 24:00: an interval that ends at midnight shows 00:00 and is sent as 24:00. */
const toBox = (end: string) => (end === "24:00" ? "00:00" : end);
const fromBox = (end: string) => (end === "00:00" ? "24:00" : end);
const NEW_HOURS: Interval = { start: "09:00", end: "17:00" };

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The hours to add after a day's last interval: an hour later, for up to four hours; none once the day is full. */
export function nextHours(intervals: readonly Interval[]): Interval | null {
  const last = intervals[intervals.length - 1];
  if (!last) return NEW_HOURS;
  const [h = 0, m = 0] = last.end.split(":").map(Number);
  const start = Math.min(h * 60 + m + 60, 23 * 60);
  if (h * 60 + m >= 23 * 60) return null;
  return { start: hhmm(start), end: hhmm(Math.min(start + 240, 24 * 60)) };
}

export function AvailabilityCard({ worker, editable }: { worker: Worker; editable: boolean }) {
  const { t } = useTranslation();
  const saved = useQuery({
    queryKey: ["availability", worker.id],
    queryFn: () => api.get<WorkerAvailability>(`/api/v1/workers/${worker.id}/availability`),
  });
  // Linked to from the agenda as #availability: the router does not scroll to it by itself.
  const { hash } = useLocation();
  const card = useRef<HTMLElement>(null);
  const loaded = saved.data !== undefined;
  useEffect(() => {
    if (hash === "#availability" && loaded) card.current?.scrollIntoView();
  }, [hash, loaded]);
  return (
    <section ref={card} className="card" id="availability" aria-labelledby="availability-title">
      <div className="card-head">
        <h2 id="availability-title">{t("availability.title")}</h2>
        <Link to={`/agenda?workerId=${worker.id}`}>{t("availability.agenda")}</Link>
      </div>
      <p className="muted">{t("availability.help", { zone: saved.data?.timeZone ?? worker.timeZone })}</p>
      {saved.error && <ErrorBox error={saved.error} />}
      {saved.isPending && <p className="loading">{t("common.loading")}</p>}
      {saved.data && <AvailabilityForm saved={saved.data} editable={editable} />}
    </section>
  );
}

function AvailabilityForm({ saved, editable }: { saved: WorkerAvailability; editable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState<Availability>(saved.availability);
  const [lastCap, setLastCap] = useState(saved.availability.maxPerDay ?? 4);
  const save = useMutation({
    mutationFn: (availability: Availability) =>
      api.put<WorkerAvailability>(`/api/v1/workers/${saved.workerId}/availability`, availability),
    onSuccess: (next) => client.setQueryData(["availability", saved.workerId], next),
  });
  const errorAt = (path: string) => fieldError(save.error, path);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(form);
  }
  const setExceptions = (exceptions: Exception[]) => setForm({ ...form, exceptions });
  const today = wallClock(Date.now(), saved.timeZone).date;
  const capError = errorAt("maxPerDay");

  return (
    <form onSubmit={submit} className="editor sections availability">
      <fieldset className="choices" disabled={!editable}>
        <legend>{t("availability.weekly")}</legend>
        <div className="week">
          {WEEKDAYS.map((day) => (
            <Hours
              key={day}
              label={t(`weekdays.${day}`)}
              intervals={form.weekly[day]}
              onChange={(intervals) => setForm({ ...form, weekly: { ...form.weekly, [day]: intervals } })}
              errorAt={(suffix) => errorAt(`weekly.${day}${suffix}`)}
            />
          ))}
        </div>
        <small className="muted">{t("availability.midnight")}</small>
      </fieldset>

      <fieldset className="choices" disabled={!editable}>
        <legend>{t("availability.exceptions")}</legend>
        <p className="muted small">{t("availability.exceptionsHelp")}</p>
        {form.exceptions.length === 0 && <p className="muted">{t("availability.noExceptions")}</p>}
        <ul className="exceptions">
          {form.exceptions.map((exception, i) => (
            <ExceptionRow
              // Exceptions have no id of their own, and their date is being edited.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              n={i + 1}
              exception={exception}
              onChange={(next) => setExceptions(form.exceptions.map((x, j) => (j === i ? next : x)))}
              onRemove={() => setExceptions(form.exceptions.filter((_, j) => j !== i))}
              errorAt={(suffix) => errorAt(`exceptions.${i}${suffix}`)}
            />
          ))}
        </ul>
        <div className="buttons">
          <button
            type="button"
            onClick={() => {
              const taken = new Set(form.exceptions.map((x) => x.date));
              let date = addDays(today, 1);
              while (taken.has(date)) date = addDays(date, 1);
              setExceptions([...form.exceptions, { date, intervals: [], note: null }]);
            }}
          >
            {t("availability.addException")}
          </button>
        </div>
        {errorAt("exceptions") && <small className="field-error">{errorAt("exceptions")}</small>}
      </fieldset>

      <fieldset className="choices" disabled={!editable}>
        <legend>{t("availability.cap")}</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={form.maxPerDay === null}
            onChange={(e) => setForm({ ...form, maxPerDay: e.target.checked ? null : lastCap })}
          />
          <span className="choice-text">{t("availability.noCap")}</span>
        </label>
        {form.maxPerDay !== null && (
          <label>
            {t("availability.maxPerDay")}
            <input
              type="number"
              min={1}
              max={50}
              step={1}
              required
              aria-invalid={capError ? true : undefined}
              value={form.maxPerDay}
              onChange={(e) => {
                setLastCap(Number(e.target.value));
                setForm({ ...form, maxPerDay: Number(e.target.value) });
              }}
            />
          </label>
        )}
        {capError && <small className="field-error">{capError}</small>}
      </fieldset>

      {save.error && <ErrorBox error={save.error} fields={false} />}
      {save.isSuccess && (
        <p className="ok" role="status">
          {t("settings.saved")}
        </p>
      )}
      {editable && (
        <div className="buttons">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t("availability.save")}
          </button>
        </div>
      )}
    </form>
  );
}

/** The hours of one day: from–until intervals, each removable, and a button for more. */
function Hours({
  label,
  intervals,
  onChange,
  errorAt,
}: {
  label: string;
  intervals: Interval[];
  onChange: (intervals: Interval[]) => void;
  /** The server's message for a path under this day: "" for the day, ".0.end" for a field. */
  errorAt: (suffix: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const set = (i: number, change: Partial<Interval>) =>
    onChange(intervals.map((x, j) => (j === i ? { ...x, ...change } : x)));
  const next = nextHours(intervals);
  const dayError = errorAt("");
  return (
    <fieldset className="day-hours">
      <legend className="day-name">{label}</legend>
      <ul className="intervals">
        {intervals.length === 0 && <li className="muted">{t("availability.closed")}</li>}
        {intervals.map((interval, i) => {
          const problems = [errorAt(`.${i}`), errorAt(`.${i}.start`), errorAt(`.${i}.end`)].filter(Boolean);
          const n = intervals.length > 1 ? ` ${i + 1}` : "";
          return (
            // Intervals have no id of their own, and both their times are being edited.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i} className="interval">
              <input
                type="time"
                required
                aria-label={t("availability.from", { day: label, n })}
                aria-invalid={problems.length > 0 ? true : undefined}
                value={interval.start}
                onChange={(e) => set(i, { start: e.target.value })}
              />
              <span aria-hidden="true">–</span>
              <input
                type="time"
                required
                aria-label={t("availability.until", { day: label, n })}
                aria-invalid={problems.length > 0 ? true : undefined}
                value={toBox(interval.end)}
                onChange={(e) => set(i, { end: fromBox(e.target.value) })}
              />
              <button
                type="button"
                className="link-button"
                aria-label={t("availability.remove", {
                  day: label,
                  from: interval.start,
                  until: interval.end,
                })}
                onClick={() => onChange(intervals.filter((_, j) => j !== i))}
              >
                {t("availability.removeShort")}
              </button>
              {problems.map((p) => (
                <small key={p} className="field-error">
                  {p}
                </small>
              ))}
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        aria-label={t("availability.addOn", { day: label })}
        disabled={next === null}
        onClick={() => next && onChange([...intervals, next])}
      >
        {t("availability.add")}
      </button>
      {dayError && <small className="field-error">{dayError}</small>}
    </fieldset>
  );
}

function ExceptionRow({
  n,
  exception,
  onChange,
  onRemove,
  errorAt,
}: {
  n: number;
  exception: Exception;
  onChange: (exception: Exception) => void;
  onRemove: () => void;
  errorAt: (suffix: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const away = exception.intervals.length === 0;
  const dateError = errorAt(".date");
  const noteError = errorAt(".note");
  return (
    <li className="exception">
      <div className="field-row">
        <label>
          {t("availability.exceptionDate", { n })}
          <input
            type="date"
            required
            aria-invalid={dateError ? true : undefined}
            value={exception.date}
            onChange={(e) => onChange({ ...exception, date: e.target.value })}
          />
        </label>
        <label>
          {t("availability.exceptionKind", { n })}
          <select
            value={away ? "away" : "hours"}
            onChange={(e) =>
              onChange({ ...exception, intervals: e.target.value === "away" ? [] : [NEW_HOURS] })
            }
          >
            <option value="away">{t("availability.away")}</option>
            <option value="hours">{t("availability.otherHours")}</option>
          </select>
        </label>
        <label className="grow">
          {t("availability.exceptionNote", { n })}
          <input
            maxLength={200}
            value={exception.note ?? ""}
            onChange={(e) => onChange({ ...exception, note: e.target.value ? e.target.value : null })}
          />
        </label>
        <button type="button" onClick={onRemove}>
          {t("availability.removeException", { n })}
        </button>
      </div>
      {dateError && <small className="field-error">{dateError}</small>}
      {noteError && <small className="field-error">{noteError}</small>}
      {!away && (
        <Hours
          label={exception.date}
          intervals={exception.intervals}
          onChange={(intervals) => onChange({ ...exception, intervals })}
          errorAt={(suffix) => errorAt(`.intervals${suffix}`)}
        />
      )}
    </li>
  );
}
