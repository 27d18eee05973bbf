/** The field team: each worker's load against capacity, status and languages. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { WORKER_STATUSES } from "../../../src/core/worker-status.js";
import { api, type Page, query, type Worker } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";

export function LoadBar({ load, capacity }: { load: number; capacity: number }) {
  const { t } = useTranslation();
  const share = capacity > 0 ? Math.min(1, load / capacity) : 1;
  const level = load >= capacity ? "full" : share >= 0.8 ? "high" : "ok";
  return (
    <span className="load" title={t("workers.loadOf", { load, capacity })}>
      <span className="bar" aria-hidden="true">
        <span className={`fill ${level}`} style={{ width: `${share * 100}%` }} />
      </span>
      <span>
        {load}/{capacity}
      </span>
    </span>
  );
}

export function WorkerList() {
  const { t } = useTranslation();
  const me = useMe();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const workers = useInfiniteQuery({
    queryKey: ["workers", "list", q, status],
    queryFn: ({ pageParam }) =>
      api.get<Page<Worker>>(
        `/api/v1/workers${query({ q: q.trim(), status, limit: 100, cursor: pageParam })}`,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const rows = workers.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="list-page">
      <div className="list-head">
        <h1>{me.user.role === "worker" ? t("nav.myRecord") : t("nouns:workers_cap")}</h1>
      </div>
      {me.user.role !== "worker" && (
        <search>
          <form className="filters" onSubmit={(e) => e.preventDefault()}>
            <label className="grow">
              {t("contacts.search")}
              <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            </label>
            <label>
              {t("workers.status")}
              <select value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">{t("common.any")}</option>
                {WORKER_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`workerStatus.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </form>
        </search>
      )}
      {workers.error && <ErrorBox error={workers.error} />}
      <table className="workers">
        <thead>
          <tr>
            <th scope="col">{t("contacts.name")}</th>
            <th scope="col">{t("workers.status")}</th>
            <th scope="col">{t("workers.load")}</th>
            <th scope="col">{t("contacts.languages")}</th>
            <th scope="col">{t("contacts.place")}</th>
            <th scope="col">{t("workers.radius")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.id}>
              <td>
                <Link to={`/workers/${w.id}`}>{w.name}</Link>
              </td>
              <td>
                <span className={`badge worker-${w.status}`}>{t(`workerStatus.${w.status}`)}</span>
              </td>
              <td>
                <LoadBar load={w.load} capacity={w.capacity} />
              </td>
              <td>{w.languages.join(" · ")}</td>
              <td>{w.placeName ?? "—"}</td>
              <td>{t("workers.km", { km: w.maxKm })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {workers.hasNextPage && (
        <button
          type="button"
          onClick={() => void workers.fetchNextPage()}
          disabled={workers.isFetchingNextPage}
        >
          {t("common.more")}
        </button>
      )}
    </section>
  );
}
