/** Admins connect a web form or an ad platform in one go: an intake key, ready-to-paste examples, the fields, the keys in use. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type ApiKey, type ApiKeyIssued, api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { CopyButton, OneTimeSecret } from "./one-time-secret.js";
import { SettingsTabs } from "./settings-tabs.js";

/** The API keys page's query: a key created here shows there, and the other way round. */
const KEYS = ["api-keys"];
const PLACEHOLDER = "YOUR_INTAKE_KEY";

/** The fields POST /api/v1/intake accepts (src/core/intake/intake.ts), each with its i18n key. */
const FIELDS: Array<[field: string, meaning: string]> = [
  ["name", "name"],
  ["phone", "phone"],
  ["email", "email"],
  ["language", "language"],
  ["city / placeName", "place"],
  ["postalCode", "postalCode"],
  ["country", "country"],
  ["lat / lon", "coordinates"],
  ["source", "source"],
  ["campaign", "campaign"],
  ["utm_source, utm_medium, utm_campaign, utm_term, utm_content", "utm"],
  ["message", "message"],
  ["inbound", "inbound"],
];

const HIDDEN_FIELDS: Array<[name: string, value: string]> = [
  ["source", "website"],
  ["campaign", ""],
  ["utm_source", ""],
  ["utm_medium", ""],
  ["utm_campaign", ""],
];

/** Text safe inside an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function IntakePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [issued, setIssued] = useState<ApiKeyIssued | null>(null);
  // The snippets keep the new key until the admin leaves the page, after the secret card is closed.
  const [key, setKey] = useState<string | null>(null);
  // Other systems use the keys, not this console: their last use is read afresh each time the page opens.
  const keys = useQuery({
    queryKey: KEYS,
    queryFn: () => api.get<ApiKey[]>("/api/v1/api-keys"),
    staleTime: 0,
  });
  const create = useMutation({
    mutationFn: () => api.post<ApiKeyIssued>("/api/v1/api-keys", { name, scopes: ["intake"] }),
    onSuccess: (created) => {
      setIssued(created);
      setKey(created.key);
      setName("");
      return client.invalidateQueries({ queryKey: KEYS });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  const origin = window.location.origin;
  const shownKey = key ?? PLACEHOLDER;
  const htmlForm = [
    `<form method="post" action="${origin}/api/v1/intake?key=${encodeURIComponent(shownKey)}" accept-charset="utf-8">`,
    `  <label>${escapeHtml(t("intake.form.name"))} <input name="name" required></label>`,
    `  <label>${escapeHtml(t("intake.form.phone"))} <input name="phone" type="tel"></label>`,
    `  <label>${escapeHtml(t("intake.form.email"))} <input name="email" type="email"></label>`,
    `  <label>${escapeHtml(t("intake.form.city"))} <input name="city"></label>`,
    `  <label>${escapeHtml(t("intake.form.message"))} <textarea name="message"></textarea></label>`,
    `  <!-- ${escapeHtml(t("intake.form.hidden"))} -->`,
    ...HIDDEN_FIELDS.map(([field, value]) => `  <input type="hidden" name="${field}" value="${value}">`),
    `  <button type="submit">${escapeHtml(t("intake.form.send"))}</button>`,
    "</form>",
  ].join("\n");
  const curl = [
    `curl -X POST ${origin}/api/v1/intake \\`,
    `  -H "Authorization: Bearer ${shownKey}" \\`,
    `  -H "Idempotency-Key: lead-20260302-0042" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"name": "Maria Rossi", "phone": "+39 333 123 4567", "email": "maria@example.org",`,
    `       "city": "Roma", "country": "IT", "language": "it", "source": "facebook",`,
    `       "campaign": "spring", "utm_medium": "cpc", "message": "I would like to talk to someone"}'`,
  ].join("\n");
  const intakeKeys = keys.data?.filter((k) => k.scopes.includes("intake") && !k.revokedAt);

  return (
    <section className="list-page">
      <SettingsTabs />
      <p className="muted">{t("intake.help")}</p>
      {issued && (
        <OneTimeSecret
          label={t("intake.issued", { name: issued.name })}
          value={issued.key}
          onDone={() => setIssued(null)}
        />
      )}
      <form onSubmit={submit} className="editor card">
        <h2>{t("intake.newKey")}</h2>
        <p className="muted">{t("intake.keyHelp")}</p>
        <label>
          {t("apiKeys.name")}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t("intake.namePlaceholder")}
            required
            maxLength={100}
          />
        </label>
        {create.error && <ErrorBox error={create.error} />}
        <div className="buttons">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t("intake.create")}
          </button>
        </div>
      </form>

      <div className="card">
        <h2>{t("intake.formTitle")}</h2>
        <p className="muted">
          {key ? t("intake.filled") : t("intake.placeholder", { placeholder: PLACEHOLDER })}
        </p>
        <p>{t("intake.formHelp")}</p>
        <Snippet text={htmlForm} />
      </div>
      <div className="card">
        <h2>{t("intake.curlTitle")}</h2>
        <p>{t("intake.curlHelp")}</p>
        <Snippet text={curl} />
      </div>

      <h2>{t("intake.fields")}</h2>
      <table className="workers">
        <thead>
          <tr>
            <th scope="col">{t("intake.field")}</th>
            <th scope="col">{t("intake.meaning")}</th>
          </tr>
        </thead>
        <tbody>
          {FIELDS.map(([field, meaning]) => (
            <tr key={field}>
              <td>
                <code>{field}</code>
              </td>
              <td>{t(`intake.fieldHelp.${meaning}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("intake.keys")}</h2>
      {keys.error && <ErrorBox error={keys.error} />}
      {intakeKeys && intakeKeys.length === 0 && <p className="empty">{t("intake.noKeys")}</p>}
      {intakeKeys && intakeKeys.length > 0 && (
        <table className="workers" aria-label={t("intake.keys")}>
          <thead>
            <tr>
              <th scope="col">{t("apiKeys.name")}</th>
              <th scope="col">{t("apiKeys.prefix")}</th>
              <th scope="col">{t("apiKeys.lastUsed")}</th>
            </tr>
          </thead>
          <tbody>
            {intakeKeys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>
                  {k.lastUsedAt
                    ? `${format.dateTime(k.lastUsedAt)}${k.lastUsedIp ? ` · ${k.lastUsedIp}` : ""}`
                    : t("apiKeys.neverUsed")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to="/settings/api-keys">{t("intake.manage")}</Link>
      </p>
    </section>
  );
}

/** Code to paste elsewhere, with its own copy button. */
function Snippet({ text }: { text: string }) {
  return (
    <>
      <pre className="secret-value" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
        {text}
      </pre>
      <div className="buttons">
        <CopyButton key={text} value={text} />
      </div>
    </>
  );
}
