/** /account, for every role: password, second factor and recovery codes, notifications, and the sessions signed in. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Session } from "../api.js";
import { NotificationSettingsCard } from "../notifications/notification-settings.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { PasswordForm } from "./password-form.js";
import { SessionTable } from "./session-table.js";
import { TwoFactorCard } from "./two-factor-card.js";

const MY_SESSIONS = ["sessions", "me"];

export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <section className="narrow account">
      <h1>{t("account.title")}</h1>
      <dl className="facts">
        <dt>{t("settings.name")}</dt>
        <dd>{me.user.name}</dd>
        <dt>{t("settings.email")}</dt>
        <dd>{me.user.email}</dd>
        <dt>{t("settings.role")}</dt>
        <dd>{t(`roles.${me.user.role}`)}</dd>
      </dl>
      <PasswordForm />
      <TwoFactorCard />
      <NotificationSettingsCard />
      <MySessions />
    </section>
  );
}

function MySessions() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: MY_SESSIONS,
    queryFn: () => api.get<Session[]>("/api/v1/me/sessions"),
  });
  const end = useMutation({
    mutationFn: (session: Session) => api.delete(`/api/v1/me/sessions/${session.id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: MY_SESSIONS }),
  });
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("sessions.title")}</h2>
      <p className="muted">{t("sessions.help")}</p>
      {(sessions.error || end.error) && <ErrorBox error={sessions.error ?? end.error} />}
      {sessions.data && <SessionTable sessions={sessions.data} onEnd={end.mutate} ending={end.isPending} />}
    </section>
  );
}
