/** On /account: per kind of notification, e-mail at once, in the digest or never; digest times; quiet hours. */

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, type NotificationPreferences, type NotificationSettings } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { SaveBar } from "../shell/save-bar.js";
import { CHANNELS, NOTIFICATION_KINDS } from "./kinds.js";

const SETTINGS = ["notification-settings"];
const MAX_DIGEST_TIMES = 6;
const QUIET_DEFAULT = { start: "21:00", end: "07:00" };

export function NotificationSettingsCard() {
  const { t } = useTranslation();
  const settings = useQuery({
    queryKey: SETTINGS,
    queryFn: () => api.get<NotificationSettings>("/api/v1/me/notification-settings"),
  });
  return (
    <section className="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t("notifications.title")}</h2>
      <p className="muted">{t("notifications.help")}</p>
      {settings.error && <ErrorBox error={settings.error} />}
      {settings.isPending && <p className="loading">{t("common.loading")}</p>}
      {settings.data && <NotificationSettingsForm saved={settings.data} />}
    </section>
  );
}

function NotificationSettingsForm({ saved }: { saved: NotificationSettings }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState<NotificationPreferences>(saved.preferences);
  const [quiet, setQuiet] = useState(saved.preferences.quietHours ?? QUIET_DEFAULT);
  const save = useMutation({
    mutationFn: (preferences: NotificationPreferences) =>
      api.put<NotificationSettings>("/api/v1/me/notification-settings", preferences),
    onSuccess: (next) => client.setQueryData(SETTINGS, next),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(form);
  }
  const setTimes = (digestTimes: string[]) => setForm({ ...form, digestTimes });
  const setQuietTime = (edge: "start" | "end", value: string) => {
    const next = { ...quiet, [edge]: value };
    setQuiet(next);
    setForm({ ...form, quietHours: next });
  };

  return (
    <form onSubmit={submit} className="editor">
      {!saved.emailEnabled && (
        <p className="notice-box" role="note">
          {t("notifications.noEmail")}
        </p>
      )}
      <fieldset className="choices">
        <legend>{t("notifications.byEmail")}</legend>
        <div className="setting-rows">
          {NOTIFICATION_KINDS.map((kind) => {
            const channel = form.channels[kind];
            return (
              <label key={kind} className="setting-row">
                <span>{t(`notifications.kinds.${kind}`)}</span>
                <select
                  value={channel ?? ""}
                  onChange={(e) =>
                    setForm({
                      ...form,
                      channels: { ...form.channels, [kind]: e.target.value as (typeof CHANNELS)[number] },
                    })
                  }
                >
                  {channel === undefined && <option value="">{t("notifications.asDefault")}</option>}
                  {CHANNELS.map((c) => (
                    <option key={c} value={c}>
                      {t(`notifications.channels.${c}`)}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        </div>
        <small className="muted">{t("notifications.inboxKeepsAll")}</small>
      </fieldset>
      <fieldset className="choices">
        <legend>{t("notifications.digestTimes")}</legend>
        {form.digestTimes.length === 0 && <p className="muted">{t("notifications.noDigestTimes")}</p>}
        <ul className="time-list">
          {form.digestTimes.map((time, i) => (
            // The times have no identity of their own: two may even be equal while being typed.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i}>
              <label className="inline">
                <span className="visually-hidden">{t("notifications.digestTime", { n: i + 1 })}</span>
                <input
                  type="time"
                  required
                  value={time}
                  onChange={(e) => setTimes(form.digestTimes.map((x, j) => (j === i ? e.target.value : x)))}
                />
              </label>
              <button type="button" onClick={() => setTimes(form.digestTimes.filter((_, j) => j !== i))}>
                {t("notifications.removeTime", { time })}
              </button>
              {fieldError(save.error, `digestTimes.${i}`) && (
                <small className="field-error">{fieldError(save.error, `digestTimes.${i}`)}</small>
              )}
            </li>
          ))}
        </ul>
        <div className="buttons">
          <button
            type="button"
            disabled={form.digestTimes.length >= MAX_DIGEST_TIMES}
            onClick={() => setTimes([...form.digestTimes, "12:00"])}
          >
            {t("notifications.addTime")}
          </button>
        </div>
        <small className="muted">{t("notifications.digestHelp", { max: MAX_DIGEST_TIMES })}</small>
      </fieldset>
      <fieldset className="choices">
        <legend>{t("notifications.quietHours")}</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={form.quietHours !== null}
            onChange={(e) => setForm({ ...form, quietHours: e.target.checked ? quiet : null })}
          />
          <span className="choice-text">{t("notifications.quietOn")}</span>
        </label>
        {form.quietHours !== null && (
          <div className="field-row">
            <label>
              {t("notifications.quietStart")}
              <input
                type="time"
                required
                value={quiet.start}
                onChange={(e) => setQuietTime("start", e.target.value)}
              />
            </label>
            <label>
              {t("notifications.quietEnd")}
              <input
                type="time"
                required
                value={quiet.end}
                onChange={(e) => setQuietTime("end", e.target.value)}
              />
            </label>
          </div>
        )}
        {(["start", "end"] as const).map((edge) => {
          const error = fieldError(save.error, `quietHours.${edge}`);
          return error ? (
            <small key={edge} className="field-error">
              {error}
            </small>
          ) : null;
        })}
        <small className="muted">{t("notifications.quietHelp")}</small>
      </fieldset>
      <p className="muted">
        {t("notifications.timeZone", { zone: saved.timeZone })}{" "}
        <Link to="/settings">{t("notifications.changeZone")}</Link>
      </p>
      <SaveBar save={save} label={t("notifications.save")} />
    </form>
  );
}
