/** One worker: languages, travel radius, time zone, status, load and availability; editable by dispatchers and by the worker. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { WORKER_STATUSES } from "../../../src/core/worker-status.js";
import { api, type Worker } from "../api.js";
import { AvailabilityCard } from "../appointments/availability-editor.js";
import { EditorActions } from "../shell/editor-actions.js";
import { useEditorForm } from "../shell/editor-form.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { LoadBar } from "./worker-list.js";

const ZONES = Intl.supportedValuesOf("timeZone");

function WorkerEditor({ worker, onDone }: { worker: Worker; onDone: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  // The team is for dispatch to set; a worker editing their own record does not see it.
  const managesTeam = me.user.role === "admin" || me.user.role === "dispatcher";
  const client = useQueryClient();
  const { form, set, submitWith } = useEditorForm({
    languages: worker.languages.join(", "),
    maxKm: String(worker.maxKm),
    capacity: String(worker.capacity),
    status: worker.status,
    timeZone: worker.timeZone,
    team: worker.team ?? "",
  });
  const save = useMutation({
    mutationFn: () =>
      api.patch<Worker>(`/api/v1/workers/${worker.id}`, {
        languages: form.languages
          .split(/[,;\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        maxKm: Number(form.maxKm),
        capacity: Number(form.capacity),
        status: form.status,
        timeZone: form.timeZone,
        ...(managesTeam ? { team: form.team.trim() || null } : {}),
      }),
    onSuccess: (updated) => {
      client.setQueryData(["worker", worker.id], updated);
      void client.invalidateQueries({ queryKey: ["workers"] });
      onDone();
    },
  });
  return (
    <form onSubmit={submitWith(() => save.mutate())} className="editor">
      <label>
        {t("contacts.languages")}
        <input value={form.languages} onChange={set("languages")} />
      </label>
      <label>
        {t("workers.radius")}
        <input type="number" min={1} step="any" value={form.maxKm} onChange={set("maxKm")} />
      </label>
      <label>
        {t("workers.capacity")}
        <input type="number" min={0} step={1} value={form.capacity} onChange={set("capacity")} />
      </label>
      <label>
        {t("workers.status")}
        <select value={form.status} onChange={set("status")}>
          {WORKER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`workerStatus.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("settings.timeZone")}
        <select value={form.timeZone} onChange={set("timeZone")}>
          {ZONES.map((z) => (
            <option key={z}>{z}</option>
          ))}
        </select>
      </label>
      {managesTeam && (
        <label>
          {t("workers.team")}
          <input value={form.team} onChange={set("team")} maxLength={100} />
        </label>
      )}
      <EditorActions pending={save.isPending} error={save.error} onCancel={onDone} />
    </form>
  );
}

interface TrackRecordView {
  history: { accepted: number; declined: number; expired: number; reachedInTime: number; met: number };
  record: { acceptance: number; speed: number; meetings: number; updates: number; trust: number };
}

function TrackRecordCard({ workerId }: { workerId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const record = useQuery({
    queryKey: ["worker", workerId, "track-record"],
    queryFn: () => api.get<TrackRecordView>(`/api/v1/workers/${workerId}/track-record`),
  });
  if (!record.data) return record.error ? <ErrorBox error={record.error} /> : null;
  const { history, record: r } = record.data;
  const pct = (x: number) => `${format.number(Math.round(x * 100))}%`;
  return (
    <section className="card">
      <h2>{t("workers.trackRecord")}</h2>
      <p className="muted">{t("workers.trackRecordHelp")}</p>
      <dl className="facts">
        <dt>{t("workers.acceptance")}</dt>
        <dd>
          {pct(r.acceptance)} (
          {t("workers.acceptedDeclined", { accepted: history.accepted, declined: history.declined })})
        </dd>
        <dt>{t("workers.speed")}</dt>
        <dd>
          {pct(r.speed)} ({t("workers.reachedInTime", { count: history.reachedInTime })})
        </dd>
        <dt>{t("workers.meetings")}</dt>
        <dd>
          {pct(r.meetings)} ({t("workers.met", { count: history.met })})
        </dd>
        <dt>
          <strong>{t("workers.trust")}</strong>
        </dt>
        <dd>
          <strong>{pct(r.trust)}</strong>
        </dd>
      </dl>
    </section>
  );
}

export function WorkerPage() {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const { id = "" } = useParams();
  const [editing, setEditing] = useState(false);
  const worker = useQuery({
    queryKey: ["worker", id],
    queryFn: () => api.get<Worker>(`/api/v1/workers/${encodeURIComponent(id)}`),
  });
  if (worker.isPending) return <p className="loading">{t("common.loading")}</p>;
  if (worker.error) return <ErrorBox error={worker.error} />;
  const w = worker.data;
  const canEdit = me.user.role === "admin" || me.user.role === "dispatcher" || me.user.workerId === w.id;
  return (
    <article className="narrow">
      <Link to="/workers" className="back">
        ← {t("nouns:workers_cap")}
      </Link>
      <header className="contact-head">
        <h1>{w.name}</h1>
        <span className={`badge worker-${w.status}`}>{t(`workerStatus.${w.status}`)}</span>
      </header>
      <section className="card">
        <div className="card-head">
          <h2>{t("contacts.details")}</h2>
          {canEdit && (
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              {editing ? t("common.cancel") : t("common.edit")}
            </button>
          )}
        </div>
        {editing ? (
          <WorkerEditor worker={w} onDone={() => setEditing(false)} />
        ) : (
          <dl className="facts">
            <dt>{t("workers.load")}</dt>
            <dd>
              <LoadBar load={w.load} capacity={w.capacity} />
            </dd>
            <dt>{t("contacts.languages")}</dt>
            <dd>{w.languages.map((l) => t(`languages.${l}`, { defaultValue: l })).join(", ")}</dd>
            <dt>{t("contacts.gender")}</dt>
            <dd>{w.gender ? t(`gender.${w.gender}`) : "—"}</dd>
            <dt>{t("contacts.place")}</dt>
            <dd>{[w.placeName, w.country].filter(Boolean).join(", ") || "—"}</dd>
            <dt>{t("workers.radius")}</dt>
            <dd>{t("workers.km", { km: format.number(w.maxKm) })}</dd>
            <dt>{t("workers.team")}</dt>
            <dd>{w.team ?? "—"}</dd>
            <dt>{t("settings.timeZone")}</dt>
            <dd>{w.timeZone}</dd>
            <dt>{t("workers.trust")}</dt>
            <dd>{format.number(Math.round(w.trust * 100))}%</dd>
            {w.awayUntil && (
              <>
                <dt>{t("workers.awayUntil")}</dt>
                <dd>{format.date(w.awayUntil)}</dd>
              </>
            )}
          </dl>
        )}
      </section>
      {(me.user.role === "admin" || me.user.role === "dispatcher" || me.user.workerId === w.id) && (
        <TrackRecordCard workerId={w.id} />
      )}
      {canEdit && <AvailabilityCard worker={w} editable={canEdit} />}
      {(me.user.role === "admin" || me.user.role === "dispatcher") && (
        <p className="buttons">
          <Link to={`/contacts?workerId=${w.id}`}>{t("workers.theirContacts")}</Link>
          <Link to={`/agenda?workerId=${w.id}`}>{t("workers.theirAgenda")}</Link>
        </p>
      )}
    </article>
  );
}
