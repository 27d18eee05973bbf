/** Recovery codes, shown this once: copy or download them, with a warning that they will not return. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../shell/me.js";

export function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [copied, setCopied] = useState<boolean | null>(null);
  const text = `${t("recoveryCodes.fileHeading", { email: me.user.email })}\n\n${codes.join("\n")}\n`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "handoff-recovery-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <div className="card secret" role="status" aria-labelledby="recovery-codes-title">
      <h2 id="recovery-codes-title">{t("recoveryCodes.title")}</h2>
      <p className="secret-warning">{t("recoveryCodes.warning")}</p>
      <p>{t("recoveryCodes.help")}</p>
      <ol className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      {copied === false && <p className="field-error">{t("recoveryCodes.copyFailed")}</p>}
      <div className="buttons">
        <button type="button" onClick={copy}>
          {copied ? t("integrations.copied") : t("integrations.copy")}
        </button>
        <button type="button" onClick={download}>
          {t("recoveryCodes.download")}
        </button>
        <button type="button" className="primary" onClick={onDone}>
          {t("recoveryCodes.saved")}
        </button>
      </div>
    </div>
  );
}
