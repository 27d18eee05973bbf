/** A secret the server shows once: displayed with a copy button and a warning that it will not return. */
import { useState } from "react";
import { useTranslation } from "react-i18next";

export function OneTimeSecret({
  label,
  value,
  onDone,
}: {
  label: string;
  value: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="card secret" role="status">
      <p>
        <strong>{label}</strong>
      </p>
      <p className="secret-warning">{t("integrations.shownOnce")}</p>
      <code className="secret-value">{value}</code>
      <div className="buttons">
        <CopyButton value={value} className="primary" />
        <button type="button" onClick={onDone}>
          {t("integrations.done")}
        </button>
      </div>
    </div>
  );
}

/** Copies `value` to the clipboard and says so. */
export function CopyButton({ value, className }: { value: string; className?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard.writeText(value);
    setCopied(true);
  }
  return (
    <button type="button" className={className} onClick={copy}>
      {copied ? t("integrations.copied") : t("integrations.copy")}
    </button>
  );
}
