/** The bell in the header: how many notifications wait unread, linking to the inbox. */
import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { api } from "../api.js";

export const UNREAD = ["notifications", "unread"];
const POLL_MS = 30_000;
/** Nobody has touched the page for this long: stop asking, so an idle session can still time out. */
const AWAY_AFTER_MS = 2 * 60_000;

function usePresent(): boolean {
  const [present, setPresent] = useState(true);
  useEffect(() => {
    let last = Date.now();
    const seen = () => {
      last = Date.now();
      setPresent(true);
    };
    const events = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"];
    for (const name of events) window.addEventListener(name, seen, { passive: true });
    const timer = setInterval(() => setPresent(Date.now() - last < AWAY_AFTER_MS), 15_000);
    return () => {
      for (const name of events) window.removeEventListener(name, seen);
      clearInterval(timer);
    };
  }, []);
  return present;
}

/** The unread count, asked for every 30 s while someone uses the page (and after every change they make). */
export function useUnreadCount(): number {
  const present = usePresent();
  const unread = useQuery({
    queryKey: UNREAD,
    queryFn: () => api.get<{ unread: number }>("/api/v1/notifications/unread-count"),
    refetchInterval: present ? POLL_MS : false,
  });
  return unread.data?.unread ?? 0;
}

/** Refreshes a query whenever the unread count rises: something arrived that it may show (a new offer). */
export function useRefreshOnNews(queryKey: QueryKey): void {
  const unread = useUnreadCount();
  const client = useQueryClient();
  const seen = useRef(unread);
  useEffect(() => {
    if (unread > seen.current) void client.invalidateQueries({ queryKey });
    seen.current = unread;
  }, [unread, client, queryKey]);
}

export function NotificationBell() {
  const { t } = useTranslation();
  const count = useUnreadCount();
  const label = count > 0 ? t("inbox.bellUnread", { count }) : t("inbox.title");
  return (
    <NavLink to="/inbox" className="bell" aria-label={label} title={label}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span className="count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </NavLink>
  );
}
