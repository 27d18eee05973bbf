/** One notification as one sentence in the reader's language, saying what the server's e-mail says. */
import type { ReactElement } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { NotificationData } from "../../../src/core/notifications/messages.js";
import type { Notification, NotificationKind } from "../api.js";
import { useFormat } from "../shell/format.js";

/** Kinds whose sentence reads differently when they carry a reason, a note or a place. */
const VARIANTS: Partial<Record<NotificationKind, { field: keyof NotificationData; suffix: string }>> = {
  offer_declined: { field: "reason", suffix: "WithReason" },
  update_requested: { field: "note", suffix: "WithNote" },
  callback_due: { field: "note", suffix: "WithNote" },
  appointment_booked: { field: "placeName", suffix: "WithPlace" },
  appointment_changed: { field: "reason", suffix: "WithReason" },
  appointment_cancelled: { field: "reason", suffix: "WithReason" },
  appointment_reminder: { field: "placeName", suffix: "WithPlace" },
};

function lineKey(n: Notification): string {
  if (n.kind === "contact_merged") return `contact_merged_${n.data.keeper ?? "you"}`;
  if (n.kind === "demand_alert")
    return n.data.contactsPerWorker === null || n.data.contactsPerWorker === undefined
      ? "demand_alertNoWorker"
      : "demand_alert";
  const variant = VARIANTS[n.kind];
  return variant && n.data[variant.field] ? `${n.kind}${variant.suffix}` : n.kind;
}

export function NotificationLine({
  notification: n,
  onOpen,
}: {
  notification: Notification;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const d = n.data;
  const contactName = n.contactName ?? t("inbox.aContact");
  // A worker told that a merged record is no longer theirs cannot open it any more.
  const opens =
    n.kind !== "contact_merged" || (n.data.keeper ?? "you") === "you" || n.data.keeper === "restored";
  const name: ReactElement =
    n.contactId && opens ? (
      <Link to={`/contacts/${n.contactId}`} onClick={onOpen}>
        {contactName}
      </Link>
    ) : (
      <span>{contactName}</span>
    );
  // Names and free text go in as elements, never into the string: React escapes them, Trans would not.
  return (
    <Trans
      t={t}
      i18nKey={`inbox.lines.${lineKey(n)}`}
      values={{
        due: d.dueAt ? format.dateTime(d.dueAt) : "—",
        what: t(`deadlines.owed.${d.deadlineKind ?? "other"}`),
        ratio: d.contactsPerWorker ?? "",
        threshold: d.threshold ?? "",
      }}
      components={{
        name,
        worker: <strong>{d.workerName ?? t("inbox.aWorker")}</strong>,
        who: <strong>{d.requesterName ?? t("inbox.dispatch")}</strong>,
        text: <q>{d.answer ?? d.note ?? d.reason ?? ""}</q>,
        place: <span>{d.country ? `${d.placeName ?? ""} (${d.country})` : (d.placeName ?? "")}</span>,
        reports: <Link to="/reports" onClick={onOpen} />,
      }}
    />
  );
}
