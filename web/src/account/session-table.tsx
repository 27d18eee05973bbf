/** Signed-in sessions (yours, or a user's for an admin): device, address, when, and a way to end each other one. */
import { useTranslation } from "react-i18next";
import type { Session } from "../api.js";
import { useFormat } from "../shell/format.js";
import { deviceOf } from "./device.js";

export function SessionTable({
  sessions,
  onEnd,
  ending,
}: {
  sessions: Session[];
  onEnd: (session: Session) => void;
  ending: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  if (sessions.length === 0) return <p className="empty">{t("sessions.none")}</p>;
  return (
    <table className="workers sessions">
      <thead>
        <tr>
          <th scope="col">{t("sessions.device")}</th>
          <th scope="col">{t("sessions.ip")}</th>
          <th scope="col">{t("sessions.created")}</th>
          <th scope="col">{t("sessions.lastSeen")}</th>
          <th scope="col">
            <span className="visually-hidden">{t("sessions.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td title={session.userAgent ?? undefined}>
              <DeviceName userAgent={session.userAgent} />
            </td>
            <td>{session.ip ?? "—"}</td>
            <td>{format.dateTime(session.createdAt)}</td>
            <td>{format.dateTime(session.lastSeenAt)}</td>
            <td>
              {session.current ? (
                <span className="badge worker-active">{t("sessions.thisDevice")}</span>
              ) : (
                <button type="button" disabled={ending} onClick={() => onEnd(session)}>
                  {t("sessions.end")}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DeviceName({ userAgent }: { userAgent: string | null }) {
  const { t } = useTranslation();
  const { browser, os } = deviceOf(userAgent);
  if (browser && os) return <>{t("sessions.browserOn", { browser, os })}</>;
  return <>{browser ?? os ?? t("sessions.unknownDevice")}</>;
}
