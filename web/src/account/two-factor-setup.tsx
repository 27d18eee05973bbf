/** Setting up an authenticator app: a QR code (or the secret to type), then a code from the app to confirm. */
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type RecoveryCodes, type TwoFactorSetup } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { TextField } from "../shell/text-field.js";

export function TwoFactorSetupForm({
  onConfirmed,
  onCancel,
}: {
  onConfirmed: (codes: string[]) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const start = useMutation({
    mutationFn: () => api.post<TwoFactorSetup>("/api/v1/me/two-factor/setup"),
  });
  const confirm = useMutation({
    mutationFn: () => api.post<RecoveryCodes>("/api/v1/me/two-factor/confirm", { code }),
    onSuccess: (result) => onConfirmed(result.recoveryCodes),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate();
  }

  if (!start.data) {
    return (
      <div className="editor">
        {start.error && <ErrorBox error={start.error} />}
        <div className="buttons">
          <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending}>
            {t("twoFactor.start")}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t("common.cancel")}
            </button>
          )}
        </div>
      </div>
    );
  }

  const setup = start.data;
  return (
    <form onSubmit={submit} className="editor two-factor-setup">
      <ol className="steps">
        <li>
          <p>{t("twoFactor.scan")}</p>
          <img className="qr" src={setup.qrCode} alt={t("twoFactor.qrAlt")} width={200} height={200} />
          <p>{t("twoFactor.typeInstead")}</p>
          <code className="secret-value totp-secret">{setup.secret}</code>
        </li>
        <li>
          <TextField
            label={t("twoFactor.code")}
            hint={t("twoFactor.codeHint")}
            error={fieldError(confirm.error, "code")}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
          />
        </li>
      </ol>
      {confirm.error && <ErrorBox error={confirm.error} fields={false} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={confirm.isPending}>
          {t("twoFactor.confirm")}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
