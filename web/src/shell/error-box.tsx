/** A failed request, said plainly: what went wrong and, for bad input, which field. */
import { useTranslation } from "react-i18next";
import { ApiError } from "../api.js";

/** The server's message for one field of a refused request, to show beside that field. */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem?.errors?.find((e) => e.path === path)?.message;
}

/** `fields={false}` when the form shows each field's error beside the field already. */
export function ErrorBox({ error, fields: listFields = true }: { error: unknown; fields?: boolean }) {
  const { t } = useTranslation();
  if (!error) return null;
  let message = t("errors.unexpected");
  let fields: Array<{ path: string; message: string }> = [];
  if (error instanceof ApiError) {
    if (error.status === 0) message = t("errors.offline");
    else if (error.status === 403) message = t("errors.forbidden");
    else if (error.status === 404) message = t("errors.notFound");
    else if (error.status >= 500) message = t("errors.server");
    else message = error.problem?.detail ?? t("errors.unexpected");
    fields = listFields ? (error.problem?.errors ?? []) : [];
  }
  return (
    <div className="error" role="alert">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={`${f.path}:${f.message}`}>
              <code>{f.path}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
