/** A private address calendar apps subscribe to, so the worker's meetings appear in their own calendar. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api.js";
import { CopyButton } from "../settings/one-time-secret.js";
import { ErrorBox } from "../shell/error-box.js";

export function CalendarFeed({ workerId, own }: { workerId: string; own: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const path = `/api/v1/workers/${workerId}/calendar-feed`;
  const state = useQuery({
    queryKey: ["calendar-feed", workerId],
    queryFn: () => api.get<{ active: boolean }>(path),
  });
  const feed = useMutation({
    mutationFn: () => api.post<{ url: string }>(path),
    onSuccess: () => client.setQueryData(["calendar-feed", workerId], { active: true }),
  });
  const stop = useMutation({
    mutationFn: () => api.delete<{ active: boolean }>(path),
    onSuccess: (next) => {
      feed.reset();
      client.setQueryData(["calendar-feed", workerId], next);
    },
  });
  const url = feed.data?.url;
  const active = state.data?.active ?? false;
  return (
    <section className="card calendar-feed" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("calendarFeed.title")}</h2>
      <p className="muted">{own ? t("calendarFeed.help") : t("calendarFeed.helpOther")}</p>
      {active && !url && <p className="feed-state">{t("calendarFeed.active")}</p>}
      {url && (
        <div className="secret" role="status">
          <p className="secret-warning">{t("calendarFeed.private")}</p>
          <code className="secret-value feed-url">{url}</code>
          <div className="buttons">
            <CopyButton value={url} className="primary" />
            <a className="button" href={url.replace(/^https?:/, "webcal:")}>
              {t("calendarFeed.open")}
            </a>
          </div>
        </div>
      )}
      {(state.error || feed.error || stop.error) && (
        <ErrorBox error={state.error ?? feed.error ?? stop.error} />
      )}
      <div className="buttons">
        <button
          type="button"
          className={active ? "" : "primary"}
          disabled={feed.isPending || state.isPending}
          onClick={() => {
            if (!active || window.confirm(t("calendarFeed.confirmNew"))) feed.mutate();
          }}
        >
          {active
            ? t("calendarFeed.again")
            : own
              ? t("calendarFeed.subscribe")
              : t("calendarFeed.subscribeOther")}
        </button>
        {active && (
          <button
            type="button"
            disabled={stop.isPending}
            onClick={() => {
              if (window.confirm(t("calendarFeed.confirmOff"))) stop.mutate();
            }}
          >
            {t("calendarFeed.off")}
          </button>
        )}
      </div>
      <p className="muted small">{t("calendarFeed.revokes")}</p>
    </section>
  );
}
