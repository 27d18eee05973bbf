/** /settings/security: who needs a second factor, when idle sessions end, how long closed contacts are kept. */

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { TWO_FACTOR_POLICIES } from "../../../src/core/access/sign-in.js";
import { api, type Organisation, type SecuritySettings } from "../api.js";
import { fieldError } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { SaveBar } from "../shell/save-bar.js";
import { TextField } from "../shell/text-field.js";
import { SettingsTabs } from "./settings-tabs.js";

export function SecurityPage() {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const saved = me.organisation.settings.security;
  const [form, setForm] = useState<SecuritySettings>(saved);
  const [months, setMonths] = useState(saved.retentionMonths ?? 24);
  const save = useMutation({
    mutationFn: (security: SecuritySettings) =>
      api.patch<Organisation>("/api/v1/organisation", { settings: { security } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["me"] }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(form);
  }
  const keep = form.retentionMonths === null;

  return (
    <section className="narrow">
      <SettingsTabs />
      <form onSubmit={submit} className="editor card" aria-labelledby="security-title">
        <h2 id="security-title">{t("security.title")}</h2>
        <fieldset className="choices">
          <legend>{t("security.twoFactor")}</legend>
          {TWO_FACTOR_POLICIES.map((policy) => (
            <label key={policy} className="choice">
              <input
                type="radio"
                name="twoFactor"
                value={policy}
                checked={form.twoFactor === policy}
                onChange={() => setForm({ ...form, twoFactor: policy })}
              />
              <span className="choice-text">
                <strong>{t(`security.policy.${policy}`)}</strong>
                <small className="muted">{t(`security.policyHelp.${policy}`)}</small>
              </span>
            </label>
          ))}
        </fieldset>
        {!me.security.twoFactorEnabled && form.twoFactor !== "optional" && (
          <p className="field-error">{t("security.youWillEnrol")}</p>
        )}
        <TextField
          label={t("security.idle")}
          hint={t("security.idleHelp")}
          type="number"
          min={5}
          max={24 * 60}
          required
          value={form.sessionIdleMinutes}
          onChange={(e) => setForm({ ...form, sessionIdleMinutes: Number(e.target.value) })}
          error={fieldError(save.error, "settings.security.sessionIdleMinutes")}
        />
        <fieldset className="choices">
          <legend>{t("security.retention")}</legend>
          <label className="choice">
            <input
              type="radio"
              name="retention"
              checked={keep}
              onChange={() => setForm({ ...form, retentionMonths: null })}
            />
            <span className="choice-text">{t("security.keep")}</span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="retention"
              checked={!keep}
              onChange={() => setForm({ ...form, retentionMonths: months })}
            />
            <span className="choice-text">{t("security.anonymiseAfter")}</span>
          </label>
          {!keep && (
            <TextField
              label={t("security.months")}
              type="number"
              min={1}
              max={240}
              required
              value={months}
              onChange={(e) => {
                setMonths(Number(e.target.value));
                setForm({ ...form, retentionMonths: Number(e.target.value) });
              }}
              error={fieldError(save.error, "settings.security.retentionMonths")}
            />
          )}
          <small className="muted">{t("security.retentionHelp")}</small>
        </fieldset>
        <SaveBar save={save} />
      </form>
    </section>
  );
}
