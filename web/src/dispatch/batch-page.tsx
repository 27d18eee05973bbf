/** Batch dispatch: plan the whole backlog exactly, read the preview, then apply it. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { DispatchRunShape } from "../../../src/core/dispatch/shapes.js";
import { api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { DispatchTabs } from "./tabs.js";

export function BatchPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [run, setRun] = useState<DispatchRunShape | null>(null);
  const preview = useMutation({
    mutationFn: () => api.post<DispatchRunShape>("/api/v1/dispatch/runs"),
    onSuccess: setRun,
  });
  const apply = useMutation({
    mutationFn: (id: string) => api.post<DispatchRunShape>(`/api/v1/dispatch/runs/${id}/apply`),
    onSuccess: (applied) => {
      setRun(applied);
      void client.invalidateQueries({ queryKey: ["contacts"] });
      void client.invalidateQueries({ queryKey: ["dispatch"] });
    },
  });
  const s = run?.summary;
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("dispatch.batchHelp")}</p>
      <div className="buttons">
        <button
          type="button"
          className="primary"
          onClick={() => preview.mutate()}
          disabled={preview.isPending}
        >
          {preview.isPending ? t("dispatch.planning") : t("dispatch.plan")}
        </button>
        {run?.status === "preview" && (
          <button
            type="button"
            className="primary"
            onClick={() => apply.mutate(run.id)}
            disabled={apply.isPending}
          >
            {t("dispatch.apply", { count: s?.assigned ?? 0 })}
          </button>
        )}
      </div>
      {preview.error && <ErrorBox error={preview.error} />}
      {apply.error && <ErrorBox error={apply.error} />}
      {run && s && (
        <>
          <p className="run-summary" aria-live="polite">
            {run.status === "applied"
              ? t("dispatch.applied", { count: s.assigned - (run.skipped?.length ?? 0) })
              : t("dispatch.previewSummary", {
                  contacts: format.number(s.contacts),
                  workers: format.number(s.workers),
                  assigned: format.number(s.assigned),
                  none: format.number(s.noEligibleWorker),
                  full: format.number(s.noCapacity),
                  ms: format.number(Math.round(s.millis)),
                })}
          </p>
          {run.skipped && run.skipped.length > 0 && (
            <div className="error" role="alert">
              <p>{t("dispatch.skipped", { count: run.skipped.length })}</p>
              <ul>
                {run.skipped.map((k) => (
                  <li key={k.contactId}>{k.message}</li>
                ))}
              </ul>
            </div>
          )}
          <table className="workers">
            <thead>
              <tr>
                <th scope="col">{t("nouns:contact_cap")}</th>
                <th scope="col">{t("contacts.place")}</th>
                <th scope="col">{t("dispatch.outcome")}</th>
                <th scope="col">{t("dispatch.distance")}</th>
              </tr>
            </thead>
            <tbody>
              {run.plan.map((p) => (
                <tr key={p.contactId}>
                  <td>
                    <Link to={`/contacts/${p.contactId}`}>{p.displayName}</Link>
                  </td>
                  <td>{p.placeName ?? "—"}</td>
                  <td>
                    {p.workerName ??
                      (p.reason === "no_capacity"
                        ? t("dispatch.noCapacity")
                        : t("dispatch.noEligible", { rule: t(`dispatch.rules.${p.rule ?? "status"}`) }))}
                  </td>
                  <td>
                    {p.distanceKm === null
                      ? "—"
                      : t("workers.km", { km: format.number(Math.round(p.distanceKm * 10) / 10) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
