/** The end of an edit form: what went wrong, if anything, then Save and Cancel. */
import { useTranslation } from "react-i18next";
import { ErrorBox } from "./error-box.js";

export function EditorActions({
  pending,
  error,
  onCancel,
}: {
  pending: boolean;
  error: unknown;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {error ? <ErrorBox error={error} /> : null}
      <div className="buttons">
        <button type="submit" className="primary" disabled={pending}>
          {t("common.save")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </>
  );
}
