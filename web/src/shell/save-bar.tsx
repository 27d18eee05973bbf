/** The end of a settings form: what went wrong (the fields show their own), "Saved", and Save. */
import { useTranslation } from "react-i18next";
import { ErrorBox } from "./error-box.js";

export function SaveBar({
  save,
  label,
}: {
  save: { error: unknown; isSuccess: boolean; isPending: boolean };
  /** The button's words; "Save" when not given. */
  label?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {save.error ? <ErrorBox error={save.error} fields={false} /> : null}
      {save.isSuccess && (
        <p className="ok" role="status">
          {t("settings.saved")}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {label ?? t("common.save")}
        </button>
      </div>
    </>
  );
}
