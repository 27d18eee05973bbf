/** One contact: every field, the moves allowed next as buttons, a call and meetings, what is due on it, and the timeline with a comment box. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ContactDeadlines } from "../accountability/contact-deadlines.js";
import { api, type ContactDetail } from "../api.js";
import { ContactMeetings } from "../appointments/contact-meetings.js";
import { CALLABLE } from "../appointments/lists.js";
import { ContactDispatch } from "../dispatch/contact-dispatch.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { ContactEditor } from "./contact-editor.js";
import { DASH, EmailLinks, PlaceFacts } from "./contact-facts.js";
import { ProgressActions } from "./progress-actions.js";
import { StatusActions } from "./status-actions.js";
import { StatusBadge } from "./status-badge.js";
import { Timeline } from "./timeline.js";

export function ContactPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { id = "" } = useParams();
  const [editing, setEditing] = useState(false);
  const contact = useQuery({
    queryKey: ["contact", id],
    queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${encodeURIComponent(id)}`),
  });

  if (contact.isPending) return <p className="loading">{t("common.loading")}</p>;
  if (contact.error) {
    return (
      <section>
        <Link to="/contacts">← {t("nouns:contacts_cap")}</Link>
        <ErrorBox error={contact.error} />
      </section>
    );
  }
  const c = contact.data;
  const role = me.user.role;
  const calls = role === "setter" || role === "dispatcher" || role === "admin";
  return (
    <article className="contact">
      <Link to="/contacts" className="back">
        ← {t("nouns:contacts_cap")}
      </Link>
      <header className="contact-head">
        <h1>{c.displayName}</h1>
        <StatusBadge status={c.status} />
        {c.statusReason && <span className="muted">({c.statusReason})</span>}
        {c.inbound && <span className="badge inbound">{t("contacts.inbound")}</span>}
        {calls && CALLABLE.has(c.status) && (
          <Link className="button primary call-button" to={`/call/${c.id}`}>
            {t("call.open")}
          </Link>
        )}
      </header>
      {c.mergedIntoId && (
        <p className="merged-note" role="note">
          {t("duplicates.mergedInto")}{" "}
          <Link to={`/contacts/${c.mergedIntoId}`}>{t("duplicates.openSurvivor")}</Link>
        </p>
      )}
      <div className="contact-grid">
        <section aria-labelledby="facts-title" className="card">
          <div className="card-head">
            <h2 id="facts-title">{t("contacts.details")}</h2>
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              {editing ? t("common.cancel") : t("common.edit")}
            </button>
          </div>
          {editing ? (
            <ContactEditor contact={c} onDone={() => setEditing(false)} />
          ) : (
            <dl className="facts">
              <dt>{t("contacts.phones")}</dt>
              <dd>
                {c.phones.length
                  ? c.phones.map((p) => (
                      <a key={p} href={`tel:${p}`}>
                        {p}
                      </a>
                    ))
                  : DASH}
              </dd>
              <dt>{t("contacts.emails")}</dt>
              <dd>
                <EmailLinks emails={c.emails} />
              </dd>
              <dt>{t("contacts.gender")}</dt>
              <dd>{c.gender ? t(`gender.${c.gender}`) : DASH}</dd>
              <PlaceFacts contact={c} />
              <dt>{t("nouns:worker_cap")}</dt>
              <dd>
                {c.assignedWorkerId ? (
                  <Link to={`/workers/${c.assignedWorkerId}`}>{c.assignedWorkerName}</Link>
                ) : (
                  DASH
                )}
              </dd>
              <dt>{t("contacts.progress")}</dt>
              <dd>{t(`progress.${c.progress}`)}</dd>
              <dt>{t("contacts.created")}</dt>
              <dd>{format.dateTime(c.createdAt)}</dd>
              <dt>{t("contacts.lastActivity")}</dt>
              <dd>{format.dateTime(c.lastActivityAt)}</dd>
            </dl>
          )}
        </section>
        <section aria-labelledby="moves-title" className="card">
          <h2 id="moves-title">{t("contacts.nextSteps")}</h2>
          <StatusActions contact={c} />
          <ProgressActions contact={c} />
        </section>
        {(me.user.role === "admin" || me.user.role === "dispatcher" || me.user.role === "worker") && (
          <ContactDeadlines contact={c} />
        )}
        {(me.user.role === "admin" || me.user.role === "dispatcher") && <ContactDispatch contact={c} />}
        {role !== "marketer" && <ContactMeetings contact={c} />}
        <section aria-labelledby="timeline-title" className="card wide">
          <h2 id="timeline-title">{t("timeline.title")}</h2>
          <Timeline contactId={c.id} />
        </section>
      </div>
    </article>
  );
}
