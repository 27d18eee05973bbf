/** The progress path: where the relationship stands, and the steps it may move forward to. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type ContactDetail } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";

export function ProgressActions({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const advance = useMutation({
    mutationFn: (to: string) => api.post<ContactDetail>(`/api/v1/contacts/${contact.id}/progress`, { to }),
    onSuccess: (updated) => {
      client.setQueryData(["contact", contact.id], updated);
      void client.invalidateQueries({ queryKey: ["timeline", contact.id] });
    },
  });
  const steps = me.organisation.progressSteps;
  const current = steps.indexOf(contact.progress);
  return (
    <div className="progress">
      <h3>{t("contacts.progress")}</h3>
      <ol className="path">
        {steps.map((step, i) => {
          const allowed = contact.allowedProgress.includes(step);
          return (
            <li
              key={step}
              className={i <= current ? "done" : ""}
              aria-current={i === current ? "step" : undefined}
            >
              {allowed ? (
                <button type="button" disabled={advance.isPending} onClick={() => advance.mutate(step)}>
                  {t(`progress.${step}`)}
                </button>
              ) : (
                <span>{t(`progress.${step}`)}</span>
              )}
            </li>
          );
        })}
      </ol>
      {advance.error && <ErrorBox error={advance.error} />}
    </div>
  );
}
