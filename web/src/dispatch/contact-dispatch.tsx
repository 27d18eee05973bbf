/** On a contact's page, for dispatchers: the best workers to offer it to, and why past decisions went as they did. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { DecisionShape, SuggestionsShape } from "../../../src/core/dispatch/shapes.js";
import { api, type ContactDetail } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { SuggestionList } from "./suggestion-list.js";

const WAITING = new Set(["new", "qualifying", "ready", "unassignable"]);

export function ContactDispatch({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const waiting = WAITING.has(contact.status) && contact.assignedWorkerId === null;
  const suggestions = useQuery({
    queryKey: ["dispatch", "suggestions", contact.id, contact.status],
    queryFn: () => api.get<SuggestionsShape>(`/api/v1/contacts/${contact.id}/suggestions?limit=5`),
    enabled: waiting,
  });
  const decisions = useQuery({
    queryKey: ["dispatch", "decisions", contact.id, contact.status],
    queryFn: () => api.get<DecisionShape[]>(`/api/v1/contacts/${contact.id}/decisions`),
  });
  return (
    <section aria-labelledby="dispatch-title" className="card">
      <h2 id="dispatch-title">{t("dispatch.title")}</h2>
      {waiting && suggestions.data && <SuggestionList suggestions={suggestions.data} />}
      {suggestions.error && <ErrorBox error={suggestions.error} />}
      {decisions.data && decisions.data.length > 0 && (
        <>
          <h3>{t("dispatch.decisions")}</h3>
          <ul className="decisions">
            {decisions.data.map((d) => (
              <li key={d.id}>
                <strong>
                  {d.outcome === "offered"
                    ? t("dispatch.offeredTo", { name: d.workerName ?? "?" })
                    : t("dispatch.markedUnassignable")}
                </strong>{" "}
                <span className="muted">
                  {t(`dispatch.modes.${d.mode}`)} · {format.dateTime(d.createdAt)}
                </span>
                {d.trace.score && (
                  <div className="muted small">
                    {t("dispatch.traceScore", {
                      marginal: format.number(Math.round(d.trace.score.marginal ?? 0)),
                      km: format.number(Math.round((d.trace.score.distanceKm ?? 0) * 10) / 10),
                    })}
                    {d.trace.runnerUp &&
                      ` · ${t("dispatch.runnerUp", { name: d.trace.runnerUp.name, marginal: format.number(Math.round(d.trace.runnerUp.marginal)) })}`}
                    {d.trace.overridden &&
                      ` · ${t("dispatch.overridden", { rule: t(`dispatch.rules.${d.trace.overridden}`) })}`}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
