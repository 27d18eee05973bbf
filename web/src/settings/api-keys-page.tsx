/** Admins issue API keys for integrations (shown once), rotate and revoke them, and see when each was last used. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { API_KEY_SCOPES } from "../../../src/core/access/api-keys.js";
import { type ApiKey, type ApiKeyIssued, type ApiKeyScope, api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { OneTimeSecret } from "./one-time-secret.js";
import { SettingsTabs } from "./settings-tabs.js";

const KEYS = ["api-keys"];

/** i18next reads ":" as a namespace separator, so "contacts:read" is looked up as "contactsRead". */
function scopeKey(scope: ApiKeyScope): string {
  return `apiKeys.scope.${scope.replace(/:(\w)/g, (_, c: string) => c.toUpperCase())}`;
}

export function ApiKeysPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["intake"]);
  const [issued, setIssued] = useState<ApiKeyIssued | null>(null);
  const keys = useQuery({ queryKey: KEYS, queryFn: () => api.get<ApiKey[]>("/api/v1/api-keys") });
  const refresh = () => client.invalidateQueries({ queryKey: KEYS });
  const create = useMutation({
    mutationFn: () => api.post<ApiKeyIssued>("/api/v1/api-keys", { name, scopes }),
    onSuccess: (key) => {
      setIssued(key);
      setName("");
      return refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: (id: string) => api.post<ApiKeyIssued>(`/api/v1/api-keys/${id}/rotate`),
    onSuccess: (key) => {
      setIssued(key);
      return refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/api-keys/${id}`),
    onSuccess: refresh,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  function toggle(scope: ApiKeyScope, on: boolean) {
    setScopes(on ? [...scopes, scope] : scopes.filter((s) => s !== scope));
  }

  return (
    <section className="list-page">
      <SettingsTabs />
      <p className="muted">{t("apiKeys.help")}</p>
      {issued && (
        <OneTimeSecret
          label={t("apiKeys.issued", { name: issued.name })}
          value={issued.key}
          onDone={() => setIssued(null)}
        />
      )}
      <form onSubmit={submit} className="editor card">
        <h2>{t("apiKeys.new")}</h2>
        <label>
          {t("apiKeys.name")}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <fieldset className="statuses">
          <legend>{t("apiKeys.scopes")}</legend>
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope} className={scopes.includes(scope) ? "chip on" : "chip"}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => toggle(scope, e.target.checked)}
              />
              {t(scopeKey(scope))}
            </label>
          ))}
        </fieldset>
        {create.error && <ErrorBox error={create.error} />}
        <div className="buttons">
          <button type="submit" className="primary" disabled={create.isPending || scopes.length === 0}>
            {t("apiKeys.create")}
          </button>
        </div>
      </form>
      {keys.error && <ErrorBox error={keys.error} />}
      {(rotate.error || revoke.error) && <ErrorBox error={rotate.error ?? revoke.error} />}
      {keys.data && keys.data.length === 0 && <p className="empty">{t("apiKeys.none")}</p>}
      {keys.data && keys.data.length > 0 && (
        <table className="workers">
          <thead>
            <tr>
              <th scope="col">{t("apiKeys.name")}</th>
              <th scope="col">{t("apiKeys.prefix")}</th>
              <th scope="col">{t("apiKeys.scopes")}</th>
              <th scope="col">{t("apiKeys.lastUsed")}</th>
              <th scope="col">{t("apiKeys.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("apiKeys.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.scopes.map((s) => t(scopeKey(s))).join(", ")}</td>
                <td>
                  {key.lastUsedAt
                    ? `${format.dateTime(key.lastUsedAt)}${key.lastUsedIp ? ` · ${key.lastUsedIp}` : ""}`
                    : t("apiKeys.neverUsed")}
                </td>
                <td>
                  {key.revokedAt
                    ? t("apiKeys.revokedAt", { when: format.dateTime(key.revokedAt) })
                    : t("apiKeys.active")}
                </td>
                <td>
                  {!key.revokedAt && (
                    <div className="buttons">
                      <button
                        type="button"
                        disabled={rotate.isPending}
                        onClick={() => window.confirm(t("apiKeys.confirmRotate")) && rotate.mutate(key.id)}
                      >
                        {t("apiKeys.rotate")}
                      </button>
                      <button
                        type="button"
                        disabled={revoke.isPending}
                        onClick={() => window.confirm(t("apiKeys.confirmRevoke")) && revoke.mutate(key.id)}
                      >
                        {t("apiKeys.revoke")}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
