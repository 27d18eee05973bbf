/** Admins add people, change their role, disable them, and deal with lost phones and stolen sessions. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ROLES } from "../../../src/core/access/roles.js";
import { PASSWORD_MIN_LENGTH } from "../../../src/core/access/sign-in.js";
import { SessionTable } from "../account/session-table.js";
import { api, type Session, type User, type UserCreate, type UserPatch } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { TextField } from "../shell/text-field.js";
import { SettingsTabs } from "./settings-tabs.js";

export const USERS = ["users"];

type Role = User["role"];

export function UsersPage() {
  const { t } = useTranslation();
  const users = useQuery({ queryKey: USERS, queryFn: () => api.get<User[]>("/api/v1/users") });
  return (
    <section className="list-page">
      <SettingsTabs />
      <p className="muted">{t("users.help")}</p>
      <NewUserForm />
      {users.error && <ErrorBox error={users.error} />}
      {users.data && (
        <table className="workers users">
          <thead>
            <tr>
              <th scope="col">{t("users.name")}</th>
              <th scope="col">{t("users.email")}</th>
              <th scope="col">{t("users.role")}</th>
              <th scope="col">{t("users.twoFactor")}</th>
              <th scope="col">{t("users.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("users.actions")}</span>
              </th>
            </tr>
          </thead>
          {users.data.map((user) => (
            <UserRows key={user.id} user={user} />
          ))}
        </table>
      )}
    </section>
  );
}

function NewUserForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const empty: UserCreate = { name: "", email: "", role: "setter", password: "" };
  const [form, setForm] = useState<UserCreate>(empty);
  const create = useMutation({
    mutationFn: () => api.post<User>("/api/v1/users", form),
    onSuccess: () => {
      setForm(empty);
      return client.invalidateQueries({ queryKey: USERS });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const field = (key: "name" | "email" | "password") => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
    error: fieldError(create.error, key),
    required: true,
  });
  return (
    <form onSubmit={submit} className="editor card" aria-labelledby="new-user-title">
      <h2 id="new-user-title">{t("users.new")}</h2>
      <div className="field-grid">
        <TextField label={t("users.name")} maxLength={200} autoComplete="off" {...field("name")} />
        <TextField label={t("users.email")} type="email" autoComplete="off" {...field("email")} />
        <label>
          {t("users.role")}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`roles.${role}`)}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label={t("users.initialPassword")}
          hint={t("account.passwordHint", { min: PASSWORD_MIN_LENGTH })}
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN_LENGTH}
          {...field("password")}
        />
      </div>
      {create.error && <ErrorBox error={create.error} fields={false} />}
      {create.isSuccess && (
        <p className="ok" role="status">
          {t("users.created", { name: create.data.name })}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t("users.create")}
        </button>
      </div>
    </form>
  );
}

/** One user's row, and below it, on demand, their sessions. */
function UserRows({ user }: { user: User }) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [showSessions, setShowSessions] = useState(false);
  const self = user.id === me.user.id;
  const sessionsKey = ["sessions", user.id];
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: USERS }),
      client.invalidateQueries({ queryKey: sessionsKey }),
    ]);
  const edit = useMutation({
    mutationFn: (patch: UserPatch) => api.patch<User>(`/api/v1/users/${user.id}`, patch),
    onSuccess: refresh,
  });
  const endAll = useMutation({
    mutationFn: () => api.delete<{ ended: number }>(`/api/v1/users/${user.id}/sessions`),
    onSuccess: refresh,
  });
  const resetTwoFactor = useMutation({
    mutationFn: () => api.delete(`/api/v1/users/${user.id}/two-factor`),
    onSuccess: refresh,
  });
  const error = edit.error ?? endAll.error ?? resetTwoFactor.error;
  return (
    <tbody>
      <tr>
        <td>
          {user.name}
          {self && <small className="muted"> · {t("users.you")}</small>}
        </td>
        <td>{user.email}</td>
        <td>
          <label>
            <span className="visually-hidden">{t("users.roleOf", { name: user.name })}</span>
            <select
              value={user.role}
              disabled={self || edit.isPending}
              onChange={(e) => edit.mutate({ role: e.target.value as Role })}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
          </label>
        </td>
        <td>
          <span className={user.twoFactorEnabled ? "badge worker-active" : "badge worker-away"}>
            {user.twoFactorEnabled ? t("twoFactor.on") : t("twoFactor.off")}
          </span>
        </td>
        <td>
          <span className={user.disabled ? "badge status-unassignable" : "badge"}>
            {user.disabled ? t("users.disabled") : t("users.active")}
          </span>
        </td>
        <td>
          <div className="buttons">
            <button type="button" aria-expanded={showSessions} onClick={() => setShowSessions(!showSessions)}>
              {t("users.sessions")}
            </button>
            {!self && (
              <button
                type="button"
                disabled={edit.isPending}
                onClick={() =>
                  (user.disabled || window.confirm(t("users.confirmDisable", { name: user.name }))) &&
                  edit.mutate({ disabled: !user.disabled })
                }
              >
                {user.disabled ? t("users.enable") : t("users.disable")}
              </button>
            )}
            {!self && (
              <button
                type="button"
                disabled={endAll.isPending}
                onClick={() =>
                  window.confirm(t("users.confirmEndAll", { name: user.name })) && endAll.mutate()
                }
              >
                {t("users.endAll")}
              </button>
            )}
            {user.twoFactorEnabled && !self && (
              <button
                type="button"
                disabled={resetTwoFactor.isPending}
                onClick={() =>
                  window.confirm(t("users.confirmReset", { name: user.name })) && resetTwoFactor.mutate()
                }
              >
                {t("users.resetTwoFactor")}
              </button>
            )}
          </div>
        </td>
      </tr>
      {(error || endAll.isSuccess) && (
        <tr>
          <td colSpan={6}>
            {error ? (
              <ErrorBox error={error} />
            ) : (
              <p className="ok" role="status">
                {t("users.ended", { count: endAll.data?.ended ?? 0 })}
              </p>
            )}
          </td>
        </tr>
      )}
      {showSessions && (
        <tr className="user-sessions">
          <td colSpan={6}>
            <UserSessions user={user} />
          </td>
        </tr>
      )}
    </tbody>
  );
}

function UserSessions({ user }: { user: User }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = ["sessions", user.id];
  const sessions = useQuery({
    queryKey: key,
    queryFn: () => api.get<Session[]>(`/api/v1/users/${user.id}/sessions`),
  });
  const end = useMutation({
    mutationFn: (session: Session) => api.delete(`/api/v1/users/${user.id}/sessions/${session.id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  return (
    <section aria-label={t("users.sessionsOf", { name: user.name })}>
      {(sessions.error || end.error) && <ErrorBox error={sessions.error ?? end.error} />}
      {sessions.data && <SessionTable sessions={sessions.data} onEnd={end.mutate} ending={end.isPending} />}
    </section>
  );
}
