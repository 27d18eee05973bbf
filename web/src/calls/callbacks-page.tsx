/** /callbacks: the calls promised, soonest first, overdue ones marked; each on the person's clock and the caller's own. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { api, type Callback, query } from "../api.js";
import { useRefreshOnNews } from "../notifications/bell.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";

export function CallbacksPage() {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const dispatches = me.user.role === "admin" || me.user.role === "dispatcher";
  const everyone = dispatches && params.get("all") === "true";
  const key = ["callbacks", everyone ? "all" : "mine"];
  useRefreshOnNews(key);
  const callbacks = useQuery({
    queryKey: key,
    queryFn: () =>
      api.get<{ items: Callback[] }>(`/api/v1/callbacks${query({ all: everyone ? "true" : undefined })}`),
    // Overdue is the server's word at the time of asking: ask again now and then.
    refetchInterval: 60_000,
  });
  const done = useMutation({
    mutationFn: (id: string) => api.post<Callback>(`/api/v1/callbacks/${id}/done`),
    onSuccess: () => client.invalidateQueries({ queryKey: ["callbacks"] }),
  });
  const items = callbacks.data?.items ?? [];
  const overdue = items.filter((c) => c.overdue).length;
  return (
    <section className="list-page">
      <div className="list-head">
        <h1>{t("callbacks.title")}</h1>
        {callbacks.data && (
          <span className="muted">
            {t("callbacks.count", { count: items.length })}
            {overdue > 0 && ` · ${t("callbacks.overdueCount", { count: overdue })}`}
          </span>
        )}
        {dispatches && (
          <label className="choice push-right">
            <input
              type="checkbox"
              checked={everyone}
              onChange={(e) => setParams(e.target.checked ? { all: "true" } : {}, { replace: true })}
            />
            <span className="choice-text">{t("callbacks.everyone")}</span>
          </label>
        )}
      </div>
      <p className="muted">{t("callbacks.help")}</p>
      {(callbacks.error || done.error) && <ErrorBox error={callbacks.error ?? done.error} />}
      {callbacks.isPending && <p className="loading">{t("common.loading")}</p>}
      {callbacks.data && items.length === 0 && <p className="empty">{t("callbacks.none")}</p>}
      <ul className="queue callbacks">
        {items.map((c) => (
          <CallbackItem
            key={c.id}
            callback={c}
            showSetter={everyone}
            pending={done.isPending}
            onDone={() => done.mutate(c.id)}
          />
        ))}
      </ul>
    </section>
  );
}

function CallbackItem({
  callback: c,
  showSetter,
  pending,
  onDone,
}: {
  callback: Callback;
  showSetter: boolean;
  pending: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const elsewhere = c.timeZone !== format.timeZone;
  return (
    <li className={c.overdue ? "card callback overdue" : "card callback"}>
      <div className="queue-contact">
        <Link to={`/contacts/${c.contactId}`}>
          <strong>{c.contactName}</strong>
        </Link>
        {c.overdue && <span className="badge late">{t("callbacks.overdue")}</span>}
        <time className="muted" dateTime={c.dueAt} title={format.dateTime(c.dueAt)}>
          {format.ago(c.dueAt)}
        </time>
      </div>
      <dl className="facts callback-times">
        <dt>{t("callbacks.theirTime")}</dt>
        <dd className="their-time">
          {format.when(c.dueAt, c.timeZone)} <span className="muted">{c.timeZone}</span>
        </dd>
        {elsewhere && (
          <>
            <dt>{t("callbacks.yourTime")}</dt>
            <dd className="your-time">
              {format.when(c.dueAt)} <span className="muted">{format.timeZone}</span>
            </dd>
          </>
        )}
        {showSetter && (
          <>
            <dt>{t("nouns:setter_cap")}</dt>
            <dd>{c.setterName ?? "—"}</dd>
          </>
        )}
      </dl>
      {c.note && <p className="request-text">{c.note}</p>}
      <div className="buttons">
        <Link className="button primary" to={`/call/${c.contactId}`}>
          {t("callbacks.callNow")}
        </Link>
        <button type="button" disabled={pending} onClick={onDone}>
          {t("callbacks.done")}
        </button>
      </div>
    </li>
  );
}
