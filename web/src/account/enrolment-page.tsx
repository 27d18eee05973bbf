/**
 * The whole console while the organisation requires a second factor the user has not set up: the
 * set-up, and a way out. The API refuses everything else until it is done.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api.js";
import { LanguageSwitcher } from "../settings/language-switcher.js";
import { MeContext, useMe } from "../shell/me.js";
import { RecoveryCodesView } from "./recovery-codes.js";
import { TwoFactorSetupForm } from "./two-factor-setup.js";

export function EnrolmentPage() {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);

  async function signOut() {
    await api.post("/api/v1/auth/logout");
    client.clear();
    await client.invalidateQueries({ queryKey: ["me"] });
  }

  return (
    <>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          <span>{me.organisation.name}</span>
        </div>
        <div className="user">
          {/* Outside the signed-in context: the API would refuse to store the choice until enrolment is done. */}
          <MeContext.Provider value={null}>
            <LanguageSwitcher />
          </MeContext.Provider>
          <span className="who" title={me.user.email}>
            {me.user.name}
          </span>
          <button type="button" className="link" onClick={signOut}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="main" className="page narrow">
        <h1>{t("twoFactor.requiredTitle")}</h1>
        <p>{t("twoFactor.requiredHelp", { organisation: me.organisation.name })}</p>
        {codes ? (
          <RecoveryCodesView codes={codes} onDone={() => client.invalidateQueries({ queryKey: ["me"] })} />
        ) : (
          <div className="card">
            <p className="muted">{t("twoFactor.appHelp")}</p>
            <TwoFactorSetupForm onConfirmed={setCodes} />
          </div>
        )}
      </main>
    </>
  );
}
