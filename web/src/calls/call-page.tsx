/**
 * /call/:contactId, the setter's call screen: the person and their numbers beside the script, the
 * objection library, and the outcome; after a qualified call, a meeting is booked straight away.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
  type Appointment,
  api,
  type CallOutcome,
  type CallRecord,
  type ContactDetail,
  type ContactScript,
} from "../api.js";
import { BookedNote } from "../appointments/booked-note.js";
import { BookingDialog } from "../appointments/booking-dialog.js";
import { EmailLinks, PlaceFacts } from "../contacts/contact-facts.js";
import { StatusBadge } from "../contacts/status-badge.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { useNow } from "../shell/now.js";
import { ObjectionSearch } from "./objection-search.js";
import { OutcomePanel } from "./outcome-panel.js";
import { ScriptPanel } from "./script-panel.js";

export function CallPage() {
  const { t } = useTranslation();
  const { contactId = "" } = useParams();
  const contact = useQuery({
    queryKey: ["contact", contactId],
    queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${encodeURIComponent(contactId)}`),
  });
  const script = useQuery({
    queryKey: ["script", contactId],
    queryFn: () => api.get<ContactScript>(`/api/v1/contacts/${encodeURIComponent(contactId)}/script`),
  });
  if (contact.data && script.data) {
    // Keyed by the contact: another person's call starts afresh. A later refetch that fails (a setter no
    // longer sees a contact once a meeting hands it to a worker) leaves the screen as it was.
    return <CallScreen key={contactId} contact={contact.data} script={script.data} />;
  }
  if (contact.error || script.error) {
    return (
      <section>
        <Link to="/callbacks" className="back">
          ← {t("callbacks.title")}
        </Link>
        <ErrorBox error={contact.error ?? script.error} />
      </section>
    );
  }
  return <p className="loading">{t("common.loading")}</p>;
}

function CallScreen({ contact: c, script }: { contact: ContactDetail; script: ContactScript }) {
  const { t } = useTranslation();
  const me = useMe();
  const [answers, setAnswers] = useState(script.answers);
  const [recorded, setRecorded] = useState<{ record: CallRecord; outcome: CallOutcome } | null>(null);
  const [booking, setBooking] = useState(false);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const zone = script.timeZone ?? me.organisation.settings.timeZone;
  // Only what changed on this call is sent: an answer cleared is sent empty, which removes it.
  const changed = useMemo(() => {
    const questions = (script.script?.steps ?? []).filter((s) => s.kind === "question");
    const out: Record<string, string> = {};
    for (const q of questions) {
      const now = (answers[q.id] ?? "").trim();
      if (now !== (script.answers[q.id] ?? "")) out[q.id] = now;
    }
    return out;
  }, [answers, script]);

  return (
    <article className="call">
      <Link to={`/contacts/${c.id}`} className="back">
        ← {c.displayName}
      </Link>
      <header className="contact-head">
        <h1>{t("call.title", { name: c.displayName })}</h1>
        <StatusBadge status={c.status} />
        <span className="muted">{t("call.attempt", { count: script.callAttempts + 1 })}</span>
      </header>
      <div className="call-grid">
        <div className="call-side">
          <ContactCard contact={c} timeZone={script.timeZone} />
          <ObjectionSearch />
        </div>
        <ScriptPanel
          script={script.script}
          answers={answers}
          onAnswer={(id, answer) => setAnswers({ ...answers, [id]: answer })}
        />
        <div className="call-side">
          {recorded ? (
            <CallResult
              record={recorded.record}
              outcome={recorded.outcome}
              name={c.displayName}
              onBook={() => setBooking(true)}
              onAgain={() => {
                setRecorded(null);
                setBooked(null);
              }}
              booked={booked}
            />
          ) : (
            <OutcomePanel
              contactId={c.id}
              answers={changed}
              timeZone={zone}
              onRecorded={(record, outcome) => setRecorded({ record, outcome })}
            />
          )}
        </div>
      </div>
      {booking && (
        <BookingDialog
          contact={c}
          onClose={() => setBooking(false)}
          onBooked={(appointment) => {
            setBooking(false);
            setBooked(appointment);
          }}
        />
      )}
    </article>
  );
}

function ContactCard({ contact: c, timeZone }: { contact: ContactDetail; timeZone: string | null }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="call-contact-title">
      <h2 id="call-contact-title">{t("contacts.details")}</h2>
      <ul className="phone-links">
        {c.phones.map((p) => (
          <li key={p}>
            <a className="button phone" href={`tel:${p.replace(/[^\d+]/g, "")}`}>
              {t("call.dial", { phone: p })}
            </a>
          </li>
        ))}
      </ul>
      {c.phones.length === 0 && <p className="muted">{t("call.noPhone")}</p>}
      <dl className="facts">
        <dt>{t("contacts.emails")}</dt>
        <dd>
          <EmailLinks emails={c.emails} />
        </dd>
        <PlaceFacts contact={c} />
        {timeZone && (
          <>
            <dt>{t("call.theirTime")}</dt>
            <dd>
              <TheirClock zone={timeZone} />
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The time it is where the person is: no one wants a call at seven in the morning. */
function TheirClock({ zone }: { zone: string }) {
  const format = useFormat();
  const now = new Date(useNow()).toISOString();
  return (
    <span>
      {format.time(now, zone)} ({zone})
    </span>
  );
}

function CallResult({
  record,
  outcome,
  name,
  booked,
  onBook,
  onAgain,
}: {
  record: CallRecord;
  outcome: CallOutcome;
  name: string;
  booked: Appointment | null;
  onBook: () => void;
  onAgain: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const callback = record.callback;
  return (
    <section className="card outcome" aria-labelledby="call-result-title">
      <h2 id="call-result-title">{t("call.outcome")}</h2>
      <p className="ok" role="status">
        {t(`call.recorded.${outcome}`, {
          name,
          reason: record.contact.statusReason ?? "",
          count: record.callAttempts,
        })}
        {callback && (
          <>
            {" "}
            {t("call.callbackSet", {
              when: format.when(callback.dueAt, callback.timeZone),
              zone: callback.timeZone,
              yours: format.when(callback.dueAt),
            })}
          </>
        )}
      </p>
      {booked && <BookedNote appointment={booked} />}
      {!booked && outcome === "qualified" && (
        <div className="buttons">
          <button type="button" className="primary" onClick={onBook}>
            {t("booking.open")}
          </button>
        </div>
      )}
      <div className="buttons">
        {callback && <Link to="/callbacks">{t("callbacks.title")}</Link>}
        <button type="button" className="link-button" onClick={onAgain}>
          {t("call.again")}
        </button>
      </div>
    </section>
  );
}
