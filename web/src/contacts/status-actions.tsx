/** The statuses this user may move the contact to, as buttons; a reason or a worker is asked for when needed. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type ContactDetail, type Page, query, type Worker } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";

const REASONED = new Set(["paused", "nurture", "unassignable", "closed"]);

export function StatusActions({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [target, setTarget] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [workerId, setWorkerId] = useState("");
  const workers = useQuery({
    queryKey: ["workers", "all"],
    queryFn: () => api.get<Page<Worker>>(`/api/v1/workers${query({ limit: 500 })}`),
    enabled: target === "offered",
  });
  const move = useMutation({
    mutationFn: (body: { to: string; reason?: string; workerId?: string }) =>
      api.post<ContactDetail>(`/api/v1/contacts/${contact.id}/status`, body),
    onSuccess: (updated) => {
      client.setQueryData(["contact", contact.id], updated);
      void client.invalidateQueries({ queryKey: ["contacts"] });
      void client.invalidateQueries({ queryKey: ["timeline", contact.id] });
      setTarget(null);
      setReason("");
      setWorkerId("");
    },
  });

  function choose(to: string) {
    if (REASONED.has(to) || to === "offered") setTarget(to);
    else move.mutate({ to });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!target) return;
    move.mutate({
      to: target,
      ...(REASONED.has(target) ? { reason } : {}),
      ...(target === "offered" ? { workerId } : {}),
    });
  }

  if (contact.allowedStatuses.length === 0) return <p className="muted">{t("contacts.noMoves")}</p>;
  const reasons =
    target && REASONED.has(target) ? (me.organisation.settings.reasons[target as "closed"] ?? []) : [];
  return (
    <div className="moves">
      <h3>{t("contacts.moveTo")}</h3>
      <div className="buttons">
        {contact.allowedStatuses.map((to) => (
          <button
            key={to}
            type="button"
            className={target === to ? "on" : ""}
            disabled={move.isPending}
            onClick={() => choose(to)}
          >
            {t(`actions.${to}`)}
          </button>
        ))}
      </div>
      {target && (
        <form onSubmit={submit} className="move-form">
          {REASONED.has(target) && (
            <label>
              {t("contacts.reason")}
              <select required value={reason} onChange={(e) => setReason(e.target.value)}>
                <option value="">{t("common.choose")}</option>
                {reasons.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          )}
          {target === "offered" && (
            <label>
              {t("nouns:worker_cap")}
              <select required value={workerId} onChange={(e) => setWorkerId(e.target.value)}>
                <option value="">{t("common.choose")}</option>
                {workers.data?.items
                  .filter((w) => w.status === "active")
                  .map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name} · {w.placeName ?? ""} · {w.load}/{w.capacity}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <div className="buttons">
            <button type="submit" className="primary" disabled={move.isPending}>
              {t(`actions.${target}`)}
            </button>
            <button type="button" onClick={() => setTarget(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {move.error && <ErrorBox error={move.error} />}
    </div>
  );
}
