/** On a contact's page: what is due on it and by when; dispatchers ask for an update, its worker answers. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type ContactDetail, type Deadline, query } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { Countdown } from "./countdown.js";
import { AskForUpdate, RequestText, UpdateAnswerForm } from "./update-forms.js";

/** The statuses in which a worker holds a contact, and so can be asked for an update. */
const HELD = new Set(["offered", "active", "paused"]);

export function ContactDeadlines({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const dispatches = me.user.role === "admin" || me.user.role === "dispatcher";
  const holds = me.user.workerId !== null && me.user.workerId === contact.assignedWorkerId;
  const deadlines = useQuery({
    queryKey: ["deadlines", "contact", contact.id, contact.status, contact.progress],
    queryFn: () =>
      api.get<{ items: Deadline[] }>(`/api/v1/deadlines${query({ contactId: contact.id, limit: 100 })}`),
  });
  const items = deadlines.data?.items ?? [];
  return (
    <section aria-labelledby="deadlines-title" className="card">
      <h2 id="deadlines-title">{t("deadlines.title")}</h2>
      {deadlines.error && <ErrorBox error={deadlines.error} />}
      {deadlines.data && items.length === 0 && <p className="muted">{t("deadlines.none")}</p>}
      <ul className="deadline-list">
        {items.map((d) => (
          <li key={d.id}>
            <div className="deadline-head">
              <strong>{t(`deadlines.kinds.${d.kind}`)}</strong>
              <Countdown deadline={d} />
            </div>
            <small className="muted">
              {t("deadlines.dueAt", { due: format.dateTime(d.dueAt) })}
              {d.workerName && ` · ${d.workerName}`}
              {d.level > 0 && ` · ${t(`deadlines.levels.${Math.min(d.level, 2)}`)}`}
            </small>
            {d.kind === "update_request" && <RequestText request={d} />}
            {d.kind === "update_request" && holds && (
              <UpdateAnswerForm contactId={contact.id} requestId={d.id} />
            )}
          </li>
        ))}
      </ul>
      {dispatches && contact.assignedWorkerId && HELD.has(contact.status) && (
        <AskForUpdate contactId={contact.id} />
      )}
    </section>
  );
}
