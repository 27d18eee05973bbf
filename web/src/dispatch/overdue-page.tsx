/** The overdue board: every deadline past due, grouped by worker and by how late, with a request for an update. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Countdown } from "../accountability/countdown.js";
import { UpdateRequestForm } from "../accountability/update-forms.js";
import { api, type Deadline, type OverdueBoard } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { DispatchTabs } from "./tabs.js";

export function OverduePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const board = useQuery({
    queryKey: ["deadlines", "board"],
    queryFn: () => api.get<OverdueBoard>("/api/v1/deadlines/board"),
    refetchInterval: 60_000,
  });
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("overdue.help")}</p>
      {board.error && <ErrorBox error={board.error} />}
      {board.isPending && <p className="loading">{t("common.loading")}</p>}
      {board.data && (
        <p className="run-summary">
          {t("overdue.total", { count: board.data.total })}{" "}
          <span className="muted small">
            {t("overdue.asOf", { when: format.dateTime(board.data.generatedAt) })}
          </span>
        </p>
      )}
      {board.data && board.data.total === 0 && <p className="empty">{t("overdue.none")}</p>}
      {board.data?.workers.map((group) => (
        <section
          key={group.workerId ?? "none"}
          className="card overdue-worker"
          aria-labelledby={`overdue-${group.workerId ?? "none"}`}
        >
          <div className="card-head">
            <h2 id={`overdue-${group.workerId ?? "none"}`}>
              {group.workerId ? (
                <Link to={`/workers/${group.workerId}`}>{group.workerName}</Link>
              ) : (
                t("overdue.noWorker")
              )}
            </h2>
            <span className="badge late">{t("overdue.count", { count: group.total })}</span>
          </div>
          <dl className="buckets">
            {board.data.buckets.map((bucket) => (
              <div key={bucket} className={(group.counts[bucket] ?? 0) > 0 ? "bucket some" : "bucket"}>
                <dt>{t(`overdue.buckets.${bucket}`)}</dt>
                <dd>{group.counts[bucket] ?? 0}</dd>
              </div>
            ))}
          </dl>
          <table className="workers overdue-items">
            <thead>
              <tr>
                <th scope="col">{t("nouns:contact_cap")}</th>
                <th scope="col">{t("deadlines.what")}</th>
                <th scope="col">{t("overdue.howLate")}</th>
                <th scope="col">{t("overdue.level")}</th>
                <th scope="col">{t("overdue.action")}</th>
              </tr>
            </thead>
            <tbody>
              {group.items.map((item) => (
                <OverdueRow key={item.id} item={item} />
              ))}
            </tbody>
          </table>
          {group.total > group.items.length && (
            <p className="muted small">
              {t("overdue.more", { shown: group.items.length, total: group.total })}{" "}
              {group.workerId && (
                <Link to={`/contacts?workerId=${group.workerId}`}>{t("workers.theirContacts")}</Link>
              )}
            </p>
          )}
        </section>
      ))}
    </section>
  );
}

function OverdueRow({ item }: { item: Deadline }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [asking, setAsking] = useState(false);
  const [askedUntil, setAskedUntil] = useState<string | null>(null);
  return (
    <>
      <tr>
        <td>
          <Link to={`/contacts/${item.contactId}`}>{item.contactName}</Link>
        </td>
        <td>
          {t(`deadlines.kinds.${item.kind}`)}
          {item.kind === "update_request" && item.requesterName && (
            <small className="muted"> · {t("deadlines.askedBy", { name: item.requesterName })}</small>
          )}
        </td>
        <td>
          <Countdown deadline={item} />
          <small className="muted"> · {t("deadlines.dueAt", { due: format.dateTime(item.dueAt) })}</small>
        </td>
        <td>{t(`deadlines.levels.${Math.min(item.level, 2)}`)}</td>
        <td>
          {askedUntil ? (
            <span className="ok">{t("overdue.asked")}</span>
          ) : (
            <button
              type="button"
              aria-expanded={asking}
              aria-label={t("overdue.askFor", { name: item.contactName })}
              onClick={() => setAsking(!asking)}
            >
              {t("deadlines.askForUpdate")}
            </button>
          )}
        </td>
      </tr>
      {asking && (
        <tr className="form-row">
          <td colSpan={5}>
            <UpdateRequestForm
              contactId={item.contactId}
              onDone={(dueAt) => {
                setAskedUntil(dueAt);
                setAsking(false);
              }}
              onCancel={() => setAsking(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
