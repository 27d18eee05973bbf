/** /inbox: every notification of the signed-in person, newest first, unread ones marked, read on opening. */
import { type InfiniteData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, type Inbox, type Notification, query } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { UNREAD, useUnreadCount } from "./bell.js";
import { NotificationLine } from "./notification-line.js";

const INBOX = ["notifications", "inbox"];

/** The pages loaded so far with the given notifications (all when none are named) marked read. */
function markedRead(
  data: InfiniteData<Inbox> | undefined,
  read: { ids: string[] | undefined; at: string; unread: number },
) {
  if (!data) return data;
  const hit = (n: Notification) => n.readAt === null && (!read.ids || read.ids.includes(n.id));
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      unread: read.unread,
      items: page.items.map((n) => (hit(n) ? { ...n, readAt: read.at } : n)),
    })),
  };
}

export function InboxPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const unread = useUnreadCount();
  const inbox = useInfiniteQuery({
    queryKey: INBOX,
    queryFn: ({ pageParam }) =>
      api.get<Inbox>(`/api/v1/notifications${query({ limit: 30, before: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const markRead = useMutation({
    mutationFn: (ids?: string[]) =>
      api.post<{ marked: number; unread: number }>("/api/v1/notifications/read", ids ? { ids } : {}),
    onSuccess: (result, ids) => {
      client.setQueryData(UNREAD, { unread: result.unread });
      client.setQueryData<InfiniteData<Inbox>>(INBOX, (data) =>
        markedRead(data, { ids, at: new Date().toISOString(), unread: result.unread }),
      );
    },
  });
  // The bell counts more unread than the list knows of: something new arrived, so show it.
  const listed = inbox.data?.pages[0]?.unread;
  useEffect(() => {
    if (listed !== undefined && unread > listed) void client.invalidateQueries({ queryKey: INBOX });
  }, [client, listed, unread]);
  const items = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  const open = (n: Notification) => {
    if (n.readAt === null) markRead.mutate([n.id]);
  };

  return (
    <section className="list-page narrow">
      <div className="list-head">
        <h1>{t("inbox.title")}</h1>
        <span className="muted">{t("inbox.unreadCount", { count: unread })}</span>
        <button
          type="button"
          className="push-right"
          disabled={unread === 0 || markRead.isPending}
          onClick={() => markRead.mutate(undefined)}
        >
          {t("inbox.markAllRead")}
        </button>
      </div>
      <p className="muted">
        <Trans t={t} i18nKey="inbox.help" components={{ account: <Link to="/account" /> }} />
      </p>
      {(inbox.error || markRead.error) && <ErrorBox error={inbox.error ?? markRead.error} />}
      {inbox.isPending && <p className="loading">{t("common.loading")}</p>}
      {!inbox.isPending && items.length === 0 && <p className="empty">{t("inbox.empty")}</p>}
      <ul className="notices">
        {items.map((n) => (
          <li key={n.id} className={n.readAt ? "notice" : "notice unread"}>
            <p className="notice-line">
              {!n.readAt && <span className="visually-hidden">{t("inbox.unread")}: </span>}
              {n.urgent && <span className="badge urgent">{t("inbox.urgent")}</span>}{" "}
              <NotificationLine notification={n} onOpen={() => open(n)} />
            </p>
            <div className="notice-meta">
              <time dateTime={n.createdAt} title={format.dateTime(n.createdAt)}>
                {format.ago(n.createdAt)}
              </time>
              {!n.readAt && (
                <button
                  type="button"
                  className="link-button"
                  disabled={markRead.isPending}
                  onClick={() => open(n)}
                >
                  {t("inbox.markRead")}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {inbox.hasNextPage && (
        <button type="button" onClick={() => void inbox.fetchNextPage()} disabled={inbox.isFetchingNextPage}>
          {t("inbox.loadMore")}
        </button>
      )}
    </section>
  );
}
