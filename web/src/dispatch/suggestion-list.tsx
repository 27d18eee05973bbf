/** A contact's best workers with one-click assign (urgent or not), and on demand the why: every score term, every exclusion. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { RankedWorkerShape, SuggestionsShape } from "../../../src/core/dispatch/shapes.js";
import { api, type ContactDetail } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";

function Why({ worker }: { worker: RankedWorkerShape }) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = (x: number) => format.number(Math.round(x * 10) / 10);
  return (
    <dl className="facts why">
      <dt>{t("dispatch.assignTerm")}</dt>
      <dd>+{n(worker.assignTerm)}</dd>
      <dt>{t("dispatch.distanceTerm", { km: n(worker.distanceKm) })}</dt>
      <dd>−{n(worker.distanceTerm)}</dd>
      <dt>{t("dispatch.trustTerm", { trust: Math.round(worker.trust * 100) })}</dt>
      <dd>−{n(worker.trustTerm)}</dd>
      <dt>{t("dispatch.loadTerm", { load: worker.active, capacity: worker.capacity })}</dt>
      <dd>−{n(worker.loadTerm)}</dd>
      <dt>
        <strong>{t("dispatch.marginal")}</strong>
      </dt>
      <dd>
        <strong>{n(worker.marginal)}</strong>
      </dd>
      <dt>{t("dispatch.languages")}</dt>
      <dd>{worker.sharedLanguages.join(", ")}</dd>
      <dt>{t("dispatch.genderRule")}</dt>
      <dd>{t(`dispatch.gender.${worker.genderRule}`)}</dd>
    </dl>
  );
}

export function SuggestionList({
  suggestions,
  onAssigned,
}: {
  suggestions: SuggestionsShape;
  onAssigned?: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [urgent, setUrgent] = useState(false);
  const contactId = suggestions.contact.id;
  const assign = useMutation({
    mutationFn: (workerId: string) =>
      api.post<ContactDetail>(`/api/v1/contacts/${contactId}/assign`, { workerId, urgent }),
    onSuccess: (updated) => {
      client.setQueryData(["contact", contactId], updated);
      void client.invalidateQueries({ queryKey: ["contacts"] });
      void client.invalidateQueries({ queryKey: ["dispatch"] });
      void client.invalidateQueries({ queryKey: ["timeline", contactId] });
      onAssigned?.();
    },
  });
  const excluded = Object.entries(suggestions.excludedByRule);
  return (
    <div className="suggestions">
      {suggestions.ranked.length === 0 && <p className="muted">{t("dispatch.noneCanServe")}</p>}
      {suggestions.ranked.length > 0 && (
        <label className="chip urgent-offer" title={t("dispatch.urgentHelp")}>
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
          {t("dispatch.urgent")}
        </label>
      )}
      <ol>
        {suggestions.ranked.map((w) => (
          <li key={w.workerId}>
            <div className="suggestion">
              <span className="who">
                <strong>{w.name}</strong>
                <small>
                  {t("dispatch.summary", {
                    km: Math.round(w.distanceKm * 10) / 10,
                    load: w.active,
                    capacity: w.capacity,
                    languages: w.sharedLanguages.join(", "),
                  })}
                </small>
              </span>
              <button
                type="button"
                className="link-button"
                aria-expanded={open === w.workerId}
                onClick={() => setOpen(open === w.workerId ? null : w.workerId)}
              >
                {t("dispatch.why")}
              </button>
              <button
                type="button"
                className="primary"
                disabled={assign.isPending}
                onClick={() => assign.mutate(w.workerId)}
              >
                {t("dispatch.assign")}
              </button>
            </div>
            {open === w.workerId && <Why worker={w} />}
          </li>
        ))}
      </ol>
      {excluded.length > 0 && (
        <p className="muted small">
          {t("dispatch.excluded")}{" "}
          {excluded
            .map(([rule, count]) => t("dispatch.excludedBy", { count, rule: t(`dispatch.rules.${rule}`) }))
            .join(" · ")}
        </p>
      )}
      {assign.error && <ErrorBox error={assign.error} />}
    </div>
  );
}
