/** /offers, for a worker: offers waiting for an answer, update requests to answer, and what else is due. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, type Deadline, query } from "../api.js";
import { useRefreshOnNews } from "../notifications/bell.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { Countdown } from "./countdown.js";
import { OfferCard } from "./offer-card.js";
import { RequestText, UpdateAnswerForm } from "./update-forms.js";

const MINE = ["deadlines", "mine"];

export function OffersPage() {
  const { t } = useTranslation();
  useRefreshOnNews(MINE);
  const deadlines = useQuery({
    queryKey: MINE,
    queryFn: () => api.get<{ items: Deadline[] }>(`/api/v1/deadlines${query({ limit: 500 })}`),
  });
  const items = deadlines.data?.items ?? [];
  const offers = items.filter((d) => d.kind === "accept");
  const requests = items.filter((d) => d.kind === "update_request");
  const others = items.filter((d) => d.kind !== "accept" && d.kind !== "update_request");
  return (
    <section className="list-page">
      <div className="list-head">
        <h1>{t("offers.title")}</h1>
      </div>
      <p className="muted">{t("offers.help")}</p>
      {deadlines.error && <ErrorBox error={deadlines.error} />}
      {deadlines.isPending && <p className="loading">{t("common.loading")}</p>}
      {deadlines.data && (
        <>
          <h2>{t("offers.waiting", { count: offers.length })}</h2>
          {offers.length === 0 && <p className="empty">{t("offers.none")}</p>}
          <ul className="queue offers">
            {offers.map((offer) => (
              <OfferCard key={offer.id} offer={offer} />
            ))}
          </ul>
          {requests.length > 0 && (
            <>
              <h2>{t("offers.requests", { count: requests.length })}</h2>
              <ul className="queue">
                {requests.map((request) => (
                  <UpdateRequestCard key={request.id} request={request} />
                ))}
              </ul>
            </>
          )}
          <h2>{t("offers.others")}</h2>
          {others.length === 0 ? (
            <p className="empty">{t("offers.noOthers")}</p>
          ) : (
            <DeadlineTable items={others} />
          )}
        </>
      )}
    </section>
  );
}

function UpdateRequestCard({ request }: { request: Deadline }) {
  return (
    <li className="card">
      <div className="queue-contact">
        <Link to={`/contacts/${request.contactId}`}>
          <strong>{request.contactName}</strong>
        </Link>
        <Countdown deadline={request} />
      </div>
      <RequestText request={request} />
      <UpdateAnswerForm contactId={request.contactId} requestId={request.id} />
    </li>
  );
}

function DeadlineTable({ items }: { items: Deadline[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <table className="workers deadlines">
      <thead>
        <tr>
          <th scope="col">{t("nouns:contact_cap")}</th>
          <th scope="col">{t("deadlines.what")}</th>
          <th scope="col">{t("deadlines.due")}</th>
          <th scope="col">{t("deadlines.timeLeft")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td>
              <Link to={`/contacts/${d.contactId}`}>{d.contactName}</Link>
            </td>
            <td>{t(`deadlines.kinds.${d.kind}`)}</td>
            <td>{format.dateTime(d.dueAt)}</td>
            <td>
              <Countdown deadline={d} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
