/** The dispatcher's queue: contacts waiting for a worker, oldest first, each with its best workers inline. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { SuggestionsShape } from "../../../src/core/dispatch/shapes.js";
import { api, query } from "../api.js";
import { StatusBadge } from "../contacts/status-badge.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { SuggestionList } from "./suggestion-list.js";
import { DispatchTabs } from "./tabs.js";

export function QueuePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queue = useInfiniteQuery({
    queryKey: ["dispatch", "queue"],
    queryFn: ({ pageParam }) =>
      api.get<{ items: SuggestionsShape[]; nextCursor: string | null }>(
        `/api/v1/dispatch/queue${query({ limit: 20, top: 3, cursor: pageParam })}`,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("dispatch.queueHelp")}</p>
      {queue.error && <ErrorBox error={queue.error} />}
      {queue.isPending && <p className="loading">{t("common.loading")}</p>}
      {!queue.isPending && items.length === 0 && <p className="empty">{t("dispatch.queueEmpty")}</p>}
      <ul className="queue">
        {items.map((item) => (
          <li key={item.contact.id} className="card queue-item">
            <div className="queue-contact">
              <Link to={`/contacts/${item.contact.id}`}>
                <strong>{item.contact.displayName}</strong>
              </Link>
              <StatusBadge status={item.contact.status} />
              <span className="muted">
                {[item.contact.placeName, item.contact.country].filter(Boolean).join(", ") || "—"} ·{" "}
                {item.contact.languages.join(", ") || t("common.any")} · {format.ago(item.contact.createdAt)}
              </span>
            </div>
            <SuggestionList suggestions={item} />
          </li>
        ))}
      </ul>
      {queue.hasNextPage && (
        <button type="button" onClick={() => void queue.fetchNextPage()} disabled={queue.isFetchingNextPage}>
          {t("common.more")}
        </button>
      )}
    </section>
  );
}
