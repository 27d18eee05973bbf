/** How the call ended: qualified at once; not now with a callback; disqualified with a reason; no answer, perhaps with a callback. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type CallOutcome, type CallRecord, type ScriptAnswers } from "../api.js";
import { CALL_OUTCOMES } from "../appointments/lists.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { useMe } from "../shell/me.js";
import { type CallbackDraft, CallbackPicker, callbackDraft, callbackRequest } from "./callback-picker.js";

export function OutcomePanel({
  contactId,
  answers,
  timeZone,
  onRecorded,
}: {
  contactId: string;
  /** The answers changed on this call ("" clears a saved one). */
  answers: ScriptAnswers;
  /** The zone a callback is agreed in unless changed: the person's, else the organisation's. */
  timeZone: string;
  onRecorded: (record: CallRecord, outcome: CallOutcome) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const id = useId();
  const [open, setOpen] = useState<Exclude<CallOutcome, "qualified"> | null>(null);
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");
  const [withCallback, setWithCallback] = useState(false);
  const [draft, setDraft] = useState<CallbackDraft>(() => callbackDraft(timeZone, Date.now()));
  const record = useMutation({
    mutationFn: (outcome: CallOutcome) => {
      const callback = outcome === "not_now" || (outcome === "no_answer" && withCallback);
      return api.post<CallRecord>(`/api/v1/contacts/${contactId}/calls`, {
        outcome,
        ...(Object.keys(answers).length > 0 ? { answers } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(outcome === "disqualified" ? { reason } : {}),
        ...(callback ? { callback: callbackRequest(draft) } : {}),
      });
    },
    onSuccess: (done, outcome) => {
      void client.invalidateQueries({ queryKey: ["script", contactId] });
      void client.invalidateQueries({ queryKey: ["contact", contactId] });
      void client.invalidateQueries({ queryKey: ["timeline", contactId] });
      void client.invalidateQueries({ queryKey: ["callbacks"] });
      void client.invalidateQueries({ queryKey: ["contacts"] });
      onRecorded(done, outcome);
    },
  });

  function choose(outcome: CallOutcome) {
    record.reset();
    if (outcome === "qualified") {
      setOpen(null);
      record.mutate("qualified");
    } else setOpen(open === outcome ? null : outcome);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (open) record.mutate(open);
  }

  const reasons = me.organisation.settings.reasons.nurture;
  const reasonError = fieldError(record.error, "reason");
  return (
    <section className="card outcome" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("call.outcome")}</h2>
      <div className="field">
        <label htmlFor={`${id}-note`}>{t("call.note")}</label>
        <textarea
          id={`${id}-note`}
          rows={3}
          maxLength={10_000}
          value={note}
          placeholder={t("call.noteHint")}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <div className="buttons outcomes">
        {CALL_OUTCOMES.map((outcome) => (
          <button
            key={outcome}
            type="button"
            className={`outcome-${outcome}${open === outcome ? " on" : ""}`}
            disabled={record.isPending}
            {...(outcome === "qualified" ? {} : { "aria-expanded": open === outcome })}
            onClick={() => choose(outcome)}
          >
            {t(`call.outcomes.${outcome}`)}
          </button>
        ))}
      </div>
      {open && (
        <form onSubmit={submit} className="move-form">
          {open === "disqualified" && (
            <label>
              {t("call.reason")}
              <select
                required
                value={reason}
                aria-invalid={reasonError ? true : undefined}
                onChange={(e) => setReason(e.target.value)}
              >
                <option value="">{t("common.choose")}</option>
                {reasons.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              {reasonError && <small className="field-error">{reasonError}</small>}
            </label>
          )}
          {open === "no_answer" && (
            <label className="choice">
              <input
                type="checkbox"
                checked={withCallback}
                onChange={(e) => setWithCallback(e.target.checked)}
              />
              <span className="choice-text">{t("call.alsoCallback")}</span>
            </label>
          )}
          {(open === "not_now" || (open === "no_answer" && withCallback)) && (
            <CallbackPicker value={draft} onChange={setDraft} error={record.error} />
          )}
          {record.error && <ErrorBox error={record.error} fields={false} />}
          <div className="buttons">
            <button type="submit" className="primary" disabled={record.isPending}>
              {t(`call.record.${open}`)}
            </button>
            <button type="button" onClick={() => setOpen(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {!open && record.error && <ErrorBox error={record.error} />}
    </section>
  );
}
