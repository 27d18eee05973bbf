/** On a contact's page: their meetings, coming and past, and a way to book one. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Appointment, api, type ContactDetail, query } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { BookedNote } from "./booked-note.js";
import { BookingDialog } from "./booking-dialog.js";

/** Who books from a contact's page: those who book for others, and the worker who holds the contact. */
export function canBookFor(me: ReturnType<typeof useMe>, contact: ContactDetail): boolean {
  const role = me.user.role;
  if (contact.status === "closed") return false;
  if (role === "admin" || role === "dispatcher" || role === "setter") return true;
  return role === "worker" && me.user.workerId !== null && me.user.workerId === contact.assignedWorkerId;
}

export function ContactMeetings({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const [booking, setBooking] = useState(false);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const meetings = useQuery({
    queryKey: ["appointments", "contact", contact.id],
    queryFn: () =>
      api.get<{ items: Appointment[] }>(`/api/v1/appointments${query({ contactId: contact.id, limit: 50 })}`),
  });
  const items = meetings.data?.items ?? [];
  const dispatches = me.user.role === "admin" || me.user.role === "dispatcher";
  return (
    <section aria-labelledby="meetings-title" className="card">
      <div className="card-head">
        <h2 id="meetings-title">{t("meetings.title")}</h2>
        {canBookFor(me, contact) && (
          <button type="button" className="primary" onClick={() => setBooking(true)}>
            {t("booking.open")}
          </button>
        )}
      </div>
      {booked && <BookedNote appointment={booked} />}
      {meetings.error && <ErrorBox error={meetings.error} />}
      {meetings.data && items.length === 0 && <p className="muted">{t("meetings.none")}</p>}
      <ul className="meeting-list">
        {items.map((a) => (
          <li key={a.id}>
            <div className="deadline-head">
              <strong>{format.when(a.start)}</strong>
              <span className={`badge appointment-${a.status}`}>{t(`appointmentStatus.${a.status}`)}</span>
            </div>
            <small className="muted">
              {dispatches ? <Link to={`/agenda?workerId=${a.workerId}`}>{a.workerName}</Link> : a.workerName}
              {" · "}
              {a.mode === "in_person" && a.placeName ? a.placeName : t(`meetingModes.${a.mode}`)}
              {a.cancelReason && ` · ${a.cancelReason}`}
            </small>
          </li>
        ))}
      </ul>
      {booking && (
        <BookingDialog
          contact={contact}
          onClose={() => setBooking(false)}
          onBooked={(appointment) => {
            setBooking(false);
            setBooked(appointment);
          }}
        />
      )}
    </section>
  );
}
