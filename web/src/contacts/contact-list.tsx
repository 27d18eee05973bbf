/**
 * The contact list: filters and sort on the server, cursor pages loaded as you scroll,
 * and only the visible rows in the DOM, so it stays fast at 100,000 contacts.
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { canCreateContact } from "../../../src/core/access/roles.js";
import { STATUSES } from "../../../src/core/lifecycle/states.js";
import { api, type Contact, type Page, query, type Worker } from "../api.js";
import { useDebounced } from "../shell/debounced.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { StatusBadge } from "./status-badge.js";

const PAGE = 100;
const ROW_HEIGHT = 56;
const SORTS = ["createdAt", "updatedAt", "displayName", "lastActivityAt"] as const;
const LANGUAGE_CODES = ["it", "el", "en", "es", "pt", "sq", "ar", "fa", "uk", "fr", "de"] as const;

/**
 * The URL's query as it is now, not as a render saw it: a debounced filter and a click can each
 * update it between two renders, and starting from the render's copy would undo the other's change.
 */
function currentParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

export function ContactList() {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const [place, setPlace] = useState(params.get("place") ?? "");
  const q = useDebounced(text.trim(), 250);
  const placeFilter = useDebounced(place.trim(), 250);
  const status = params.get("status") ?? "";
  const workerId = params.get("workerId") ?? "";
  const language = params.get("language") ?? "";
  const sort = (params.get("sort") as (typeof SORTS)[number] | null) ?? "createdAt";
  const order = params.get("order") === "asc" ? "asc" : "desc";
  const isDispatch = me.user.role === "admin" || me.user.role === "dispatcher";
  const mayImport = canCreateContact({
    userId: me.user.id,
    organisationId: me.organisation.id,
    role: me.user.role,
    workerId: me.user.workerId,
  });

  function setParam(key: string, value: string) {
    const next = currentParams();
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  useEffect(() => {
    const now = currentParams();
    const next = new URLSearchParams(now);
    for (const [key, value] of [
      ["q", q],
      ["place", placeFilter],
    ] as const) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (next.toString() !== now.toString()) setParams(next, { replace: true });
  }, [q, placeFilter, setParams]);

  const workers = useQuery({
    queryKey: ["workers", "all"],
    queryFn: () => api.get<Page<Worker>>(`/api/v1/workers${query({ limit: 500 })}`),
    enabled: isDispatch,
  });

  const filters = { status, workerId, language, q, place: placeFilter, sort, order };
  const contacts = useInfiniteQuery({
    queryKey: ["contacts", filters],
    queryFn: ({ pageParam }) =>
      api.get<Page<Contact>>(`/api/v1/contacts${query({ ...filters, limit: PAGE, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const rows = useMemo(() => contacts.data?.pages.flatMap((p) => p.items) ?? [], [contacts.data]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = contacts;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  const selected = new Set(status.split(",").filter(Boolean));
  function toggleStatus(s: string) {
    if (selected.has(s)) selected.delete(s);
    else selected.add(s);
    setParam("status", [...selected].join(","));
  }

  return (
    <section className="list-page">
      <div className="list-head">
        <h1>{me.user.role === "worker" ? t("nav.myContacts") : t("nouns:contacts_cap")}</h1>
        <span className="muted" aria-live="polite">
          {contacts.isFetching && !isFetchingNextPage
            ? t("common.loading")
            : t("contacts.shown", { count: rows.length, more: hasNextPage ? "+" : "" })}
        </span>
        <a
          className="button"
          href={`/api/v1/contacts/export${query({ status, workerId, language, q, place: placeFilter })}`}
          download
        >
          {t("contacts.exportCsv")}
        </a>
        {mayImport && (
          <Link className="button" to="/contacts/import">
            {t("contacts.importFile")}
          </Link>
        )}
      </div>
      <search>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("contacts.filters")}>
          <label className="grow">
            {t("contacts.search")}
            <input
              type="search"
              value={text}
              placeholder={t("contacts.searchHint")}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <label>
            {t("contacts.place")}
            <input
              value={place}
              placeholder={t("contacts.placeHint")}
              onChange={(e) => setPlace(e.target.value)}
            />
          </label>
          <label>
            {t("contacts.language")}
            <select value={language} onChange={(e) => setParam("language", e.target.value)}>
              <option value="">{t("common.any")}</option>
              {LANGUAGE_CODES.map((code) => (
                <option key={code} value={code}>
                  {t(`languages.${code}`)}
                </option>
              ))}
            </select>
          </label>
          {isDispatch && (
            <label>
              {t("nouns:worker_cap")}
              <select value={workerId} onChange={(e) => setParam("workerId", e.target.value)}>
                <option value="">{t("common.any")}</option>
                {workers.data?.items.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t("contacts.sort")}
            <select value={sort} onChange={(e) => setParam("sort", e.target.value)}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`contacts.sorts.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="order"
            onClick={() => setParam("order", order === "asc" ? "desc" : "asc")}
            aria-label={order === "asc" ? t("contacts.ascending") : t("contacts.descending")}
            title={order === "asc" ? t("contacts.ascending") : t("contacts.descending")}
          >
            {order === "asc" ? "↑" : "↓"}
          </button>
          <fieldset className="statuses">
            <legend>{t("contacts.status")}</legend>
            {STATUSES.map((s) => (
              <label key={s} className={`chip ${selected.has(s) ? "on" : ""}`}>
                <input type="checkbox" checked={selected.has(s)} onChange={() => toggleStatus(s)} />
                {t(`status.${s}`)}
              </label>
            ))}
          </fieldset>
        </form>
      </search>
      {contacts.error && <ErrorBox error={contacts.error} />}
      <div className="table-head" aria-hidden="true">
        <span>{t("contacts.name")}</span>
        <span>{t("contacts.status")}</span>
        <span>{t("contacts.place")}</span>
        <span>{t("nouns:worker_cap")}</span>
        <span>{t(`contacts.sorts.${sort}`)}</span>
      </div>
      <section className="rows" ref={scroller} aria-label={t("nouns:contacts_cap")}>
        {rows.length === 0 && !contacts.isPending && <p className="empty">{t("contacts.none")}</p>}
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const c = rows[item.index];
            if (!c) return null;
            const when = c[sort === "displayName" ? "createdAt" : sort];
            return (
              <Link
                key={c.id}
                to={`/contacts/${c.id}`}
                className="row"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <span className="name">
                  <strong>{c.displayName}</strong>
                  <small>{c.languages.join(" · ")}</small>
                </span>
                <span>
                  <StatusBadge status={c.status} />
                </span>
                <span className="place">{[c.placeName, c.country].filter(Boolean).join(", ") || "—"}</span>
                <span className="worker">{c.assignedWorkerName ?? "—"}</span>
                <span className="when" title={format.dateTime(when)}>
                  {format.ago(when)}
                </span>
              </Link>
            );
          })}
        </div>
      </section>
    </section>
  );
}
