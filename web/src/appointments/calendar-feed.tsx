/** A private address calendar apps subscribe to, so the worker's meetings appear in their own calendar. */
import { useMutation } from "@tanstack/react-query";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api.js";
import { CopyButton } from "../settings/one-time-secret.js";
import { ErrorBox } from "../shell/error-box.js";

export function CalendarFeed({ workerId, own }: { workerId: string; own: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const feed = useMutation({
    mutationFn: () => api.post<{ url: string }>(`/api/v1/workers/${workerId}/calendar-feed`),
  });
  const url = feed.data?.url;
  return (
    <section className="card calendar-feed" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("calendarFeed.title")}</h2>
      <p className="muted">{own ? t("calendarFeed.help") : t("calendarFeed.helpOther")}</p>
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
      {feed.error && <ErrorBox error={feed.error} />}
      <div className="buttons">
        <button
          type="button"
          className={url ? "" : "primary"}
          disabled={feed.isPending}
          onClick={() => {
            if (!url || window.confirm(t("calendarFeed.confirmNew"))) feed.mutate();
          }}
        >
          {url
            ? t("calendarFeed.again")
            : own
              ? t("calendarFeed.subscribe")
              : t("calendarFeed.subscribeOther")}
        </button>
      </div>
      <p className="muted small">{t("calendarFeed.revokes")}</p>
    </section>
  );
}
