/** One offer waiting for the worker's answer: the time left, Accept, and Decline with a reason. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, type ContactDetail, type Deadline } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { Countdown } from "./countdown.js";

export function OfferCard({ offer }: { offer: Deadline }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const id = useId();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const answer = useMutation({
    mutationFn: (body: { to: "active" } | { to: "ready"; note: string }) =>
      api.post<ContactDetail>(`/api/v1/contacts/${offer.contactId}/status`, body),
    onSuccess: (updated) => {
      client.setQueryData(["contact", offer.contactId], updated);
      void client.invalidateQueries({ queryKey: ["deadlines"] });
      void client.invalidateQueries({ queryKey: ["contacts"] });
      void client.invalidateQueries({ queryKey: ["timeline", offer.contactId] });
    },
  });

  function decline(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) answer.mutate({ to: "ready", note: reason.trim() });
  }
  const reasonError = fieldError(answer.error, "note");
  return (
    <li className="card offer">
      <div className="queue-contact">
        <Link to={`/contacts/${offer.contactId}`}>
          <strong>{offer.contactName}</strong>
        </Link>
        <Countdown deadline={offer} />
        <span className="muted small">
          {t("offers.answerBy", { due: format.dateTime(offer.dueAt) })} ·{" "}
          {t("offers.offered", { when: format.ago(offer.createdAt) })}
        </span>
      </div>
      {!declining && (
        <div className="buttons">
          <button
            type="button"
            className="primary"
            disabled={answer.isPending}
            onClick={() => answer.mutate({ to: "active" })}
          >
            {t("offers.accept")}
          </button>
          <button type="button" disabled={answer.isPending} onClick={() => setDeclining(true)}>
            {t("offers.decline")}
          </button>
        </div>
      )}
      {declining && (
        <form onSubmit={decline} className="move-form">
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t("offers.reason")}</label>
            <textarea
              id={`${id}-reason`}
              rows={2}
              required
              maxLength={2000}
              value={reason}
              placeholder={t("offers.reasonHint")}
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonError && <small className="field-error">{reasonError}</small>}
          </div>
          <div className="buttons">
            <button type="submit" className="primary" disabled={answer.isPending || !reason.trim()}>
              {t("offers.confirmDecline")}
            </button>
            <button type="button" onClick={() => setDeclining(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {answer.error && <ErrorBox error={answer.error} fields={false} />}
    </li>
  );
}
