/** The user's second factor: set it up, renew the recovery codes, or turn it off where allowed. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type RecoveryCodes } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { TextField } from "../shell/text-field.js";
import { RecoveryCodesView } from "./recovery-codes.js";
import { TwoFactorSetupForm } from "./two-factor-setup.js";

type Mode = "idle" | "setup" | "renew" | "disable";

export function TwoFactorCard() {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [mode, setMode] = useState<Mode>("idle");
  const [codes, setCodes] = useState<string[] | null>(null);
  const { twoFactorEnabled: enabled, twoFactorRequired: required, unusedRecoveryCodes } = me.security;
  const refresh = () => client.invalidateQueries({ queryKey: ["me"] });

  function showCodes(next: string[]) {
    setCodes(next);
    setMode("idle");
    return refresh();
  }

  return (
    <section className="card editor" aria-labelledby="two-factor-title">
      <div className="card-head">
        <h2 id="two-factor-title">{t("twoFactor.title")}</h2>
        <span className={enabled ? "badge worker-active" : "badge worker-away"}>
          {enabled ? t("twoFactor.on") : t("twoFactor.off")}
        </span>
      </div>
      <p className="muted">{required ? t("twoFactor.requiredForYou") : t("twoFactor.optionalForYou")}</p>
      {codes && <RecoveryCodesView codes={codes} onDone={() => setCodes(null)} />}
      {!codes && !enabled && mode !== "setup" && (
        <div className="buttons">
          <button type="button" className="primary" onClick={() => setMode("setup")}>
            {t("twoFactor.setUp")}
          </button>
        </div>
      )}
      {!codes && !enabled && mode === "setup" && (
        <>
          <p className="muted">{t("twoFactor.appHelp")}</p>
          <TwoFactorSetupForm onConfirmed={showCodes} onCancel={() => setMode("idle")} />
        </>
      )}
      {!codes && enabled && (
        <>
          <p className={unusedRecoveryCodes < 3 ? "field-error" : undefined}>
            {t("twoFactor.unusedCodes", { count: unusedRecoveryCodes })}
          </p>
          {mode === "idle" && (
            <div className="buttons">
              <button type="button" onClick={() => setMode("renew")}>
                {t("twoFactor.renew")}
              </button>
              {!required && (
                <button type="button" onClick={() => setMode("disable")}>
                  {t("twoFactor.turnOff")}
                </button>
              )}
            </div>
          )}
          {mode === "renew" && (
            <PasswordStep
              help={t("twoFactor.renewHelp")}
              action={t("twoFactor.renew")}
              run={(password) =>
                api
                  .post<RecoveryCodes>("/api/v1/me/two-factor/recovery-codes", { password })
                  .then((result) => showCodes(result.recoveryCodes))
              }
              onCancel={() => setMode("idle")}
            />
          )}
          {mode === "disable" && (
            <PasswordStep
              help={t("twoFactor.turnOffHelp")}
              action={t("twoFactor.turnOff")}
              run={async (password) => {
                await api.post("/api/v1/me/two-factor/disable", { password });
                setMode("idle");
                await refresh();
              }}
              onCancel={() => setMode("idle")}
            />
          )}
          {required && <p className="muted small">{t("twoFactor.cannotTurnOff")}</p>}
        </>
      )}
    </section>
  );
}

/** An action that needs the password again: renewing recovery codes, turning the second factor off. */
function PasswordStep({
  help,
  action,
  run,
  onCancel,
}: {
  help: string;
  action: string;
  run: (password: string) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const step = useMutation({ mutationFn: () => run(password) });
  function submit(event: FormEvent) {
    event.preventDefault();
    step.mutate();
  }
  return (
    <form onSubmit={submit} className="editor">
      <p>{help}</p>
      <TextField
        label={t("account.currentPassword")}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError(step.error, "password")}
      />
      {step.error && <ErrorBox error={step.error} fields={false} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={step.isPending}>
          {action}
        </button>
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
