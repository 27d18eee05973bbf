/** Admins subscribe URLs to events (the signing secret shown once), enable or disable them, test them and watch deliveries. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { WEBHOOK_EVENTS } from "../../../src/core/webhooks.js";
import { api, type Webhook, type WebhookCreated, type WebhookDelivery, type WebhookEvent } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { OneTimeSecret } from "./one-time-secret.js";
import { SettingsTabs } from "./settings-tabs.js";

const HOOKS = ["webhooks"];

export function WebhooksPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["contact.created"]);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const hooks = useQuery({ queryKey: HOOKS, queryFn: () => api.get<Webhook[]>("/api/v1/webhooks") });
  const create = useMutation({
    mutationFn: () => api.post<WebhookCreated>("/api/v1/webhooks", { url, events }),
    onSuccess: (hook) => {
      setCreated(hook);
      setUrl("");
      return client.invalidateQueries({ queryKey: HOOKS });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <section className="list-page">
      <SettingsTabs />
      <p className="muted">{t("webhooks.help")}</p>
      {created && (
        <OneTimeSecret
          label={t("webhooks.secretFor", { url: created.url })}
          value={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
      <form onSubmit={submit} className="editor card">
        <h2>{t("webhooks.new")}</h2>
        <label>
          {t("webhooks.url")}
          <input
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://"
            required
            maxLength={2000}
          />
        </label>
        <EventChoice value={events} onChange={setEvents} />
        {create.error && <ErrorBox error={create.error} />}
        <div className="buttons">
          <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
            {t("webhooks.add")}
          </button>
        </div>
      </form>
      {hooks.error && <ErrorBox error={hooks.error} />}
      {hooks.data && hooks.data.length === 0 && <p className="empty">{t("webhooks.none")}</p>}
      {hooks.data?.map((hook) => (
        <WebhookCard key={hook.id} hook={hook} />
      ))}
    </section>
  );
}

function EventChoice({
  value,
  onChange,
}: {
  value: WebhookEvent[];
  onChange: (next: WebhookEvent[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="statuses">
      <legend>{t("webhooks.events")}</legend>
      {WEBHOOK_EVENTS.map((event) => (
        <label key={event} className={value.includes(event) ? "chip on" : "chip"}>
          <input
            type="checkbox"
            checked={value.includes(event)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, event] : value.filter((v) => v !== event))
            }
          />
          {t(`webhooks.event.${event}`)}
        </label>
      ))}
    </fieldset>
  );
}

function WebhookCard({ hook }: { hook: Webhook }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const deliveriesKey = ["webhooks", hook.id, "deliveries"];
  const deliveries = useQuery({
    queryKey: deliveriesKey,
    queryFn: () => api.get<WebhookDelivery[]>(`/api/v1/webhooks/${hook.id}/deliveries`),
    enabled: showDeliveries,
  });
  const refresh = () => client.invalidateQueries({ queryKey: HOOKS });
  const edit = useMutation({
    mutationFn: (patch: { active?: boolean; events?: WebhookEvent[] }) =>
      api.patch<Webhook>(`/api/v1/webhooks/${hook.id}`, patch),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/webhooks/${hook.id}`),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: () => api.post<{ idempotencyKey: string }>(`/api/v1/webhooks/${hook.id}/test`),
    onSuccess: () => {
      setShowDeliveries(true);
      return client.invalidateQueries({ queryKey: deliveriesKey });
    },
  });
  const error = edit.error ?? remove.error ?? test.error ?? deliveries.error;
  return (
    <article className="card">
      <div className="card-head">
        <h2>
          <code>{hook.url}</code>
        </h2>
        <span className={hook.active ? "badge worker-active" : "badge worker-away"}>
          {hook.active ? t("webhooks.enabled") : t("webhooks.disabled")}
        </span>
      </div>
      <EventChoice value={hook.events} onChange={(events) => events.length > 0 && edit.mutate({ events })} />
      {error && <ErrorBox error={error} />}
      {test.isSuccess && <p className="muted">{t("webhooks.testQueued")}</p>}
      <div className="buttons">
        <button type="button" onClick={() => edit.mutate({ active: !hook.active })} disabled={edit.isPending}>
          {hook.active ? t("webhooks.disable") : t("webhooks.enable")}
        </button>
        <button type="button" onClick={() => test.mutate()} disabled={!hook.active || test.isPending}>
          {t("webhooks.sendTest")}
        </button>
        <button
          type="button"
          onClick={() => setShowDeliveries(!showDeliveries)}
          aria-expanded={showDeliveries}
        >
          {t("webhooks.deliveries")}
        </button>
        <button
          type="button"
          onClick={() => window.confirm(t("webhooks.confirmDelete")) && remove.mutate()}
          disabled={remove.isPending}
        >
          {t("webhooks.delete")}
        </button>
      </div>
      {showDeliveries && deliveries.data && deliveries.data.length === 0 && (
        <p className="empty">{t("webhooks.noDeliveries")}</p>
      )}
      {showDeliveries && deliveries.data && deliveries.data.length > 0 && (
        <table className="workers">
          <thead>
            <tr>
              <th scope="col">{t("webhooks.when")}</th>
              <th scope="col">{t("webhooks.eventColumn")}</th>
              <th scope="col">{t("webhooks.status")}</th>
              <th scope="col">{t("webhooks.attempts")}</th>
              <th scope="col">{t("webhooks.lastError")}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((d) => (
              <tr key={d.id}>
                <td>{format.dateTime(d.createdAt)}</td>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>
                  {t(`webhooks.state.${d.status}`)}
                  {d.nextAttemptAt && d.attempts > 0 && (
                    <small> · {t("webhooks.nextAttempt", { when: format.dateTime(d.nextAttemptAt) })}</small>
                  )}
                </td>
                <td>{format.number(d.attempts)}</td>
                <td>{d.lastError ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
