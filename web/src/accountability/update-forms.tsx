/** Update requests: a dispatcher asks the worker holding a contact how it goes; the worker answers. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { UpdateRequest } from "../../../src/services/update-requests.js";
import { api, type Deadline } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { useMe } from "../shell/me.js";
import { TextField } from "../shell/text-field.js";

/** What changes when a request is asked or answered: the deadlines, the timeline, the inbox. */
function useRefreshAfterUpdate(contactId: string) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ["deadlines"] });
    void client.invalidateQueries({ queryKey: ["timeline", contactId] });
    void client.invalidateQueries({ queryKey: ["notifications"] });
  };
}

export function UpdateRequestForm({
  contactId,
  onDone,
  onCancel,
}: {
  contactId: string;
  onDone: (dueAt: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const refresh = useRefreshAfterUpdate(contactId);
  const [note, setNote] = useState("");
  const [dueHours, setDueHours] = useState("");
  const ask = useMutation({
    mutationFn: () =>
      api.post<UpdateRequest>(`/api/v1/contacts/${contactId}/update-requests`, {
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(dueHours ? { dueHours: Number(dueHours) } : {}),
      }),
    onSuccess: (request) => {
      refresh();
      onDone(request.dueAt);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    ask.mutate();
  }
  const noteError = fieldError(ask.error, "note");
  return (
    <form onSubmit={submit} className="move-form">
      <div className="field">
        <label htmlFor={`${id}-note`}>{t("deadlines.requestNote")}</label>
        <textarea
          id={`${id}-note`}
          rows={2}
          maxLength={2000}
          value={note}
          placeholder={t("deadlines.requestNoteHint")}
          onChange={(e) => setNote(e.target.value)}
        />
        {noteError && <small className="field-error">{noteError}</small>}
      </div>
      <TextField
        label={t("deadlines.requestDueHours")}
        hint={t("deadlines.requestDueHoursHint", {
          hours: me.organisation.settings.accountability.updateRequestHours,
        })}
        type="number"
        min={0.25}
        max={720}
        step="any"
        value={dueHours}
        onChange={(e) => setDueHours(e.target.value)}
        error={fieldError(ask.error, "dueHours")}
      />
      {ask.error && <ErrorBox error={ask.error} fields={false} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={ask.isPending}>
          {t("deadlines.sendRequest")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

/** The button that opens the request form, and what was asked once it is sent. */
export function AskForUpdate({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [open, setOpen] = useState(false);
  const [askedUntil, setAskedUntil] = useState<string | null>(null);
  return (
    <div className="ask-update">
      {askedUntil && (
        <p className="ok" role="status">
          {t("deadlines.asked", { due: format.dateTime(askedUntil) })}
        </p>
      )}
      {open ? (
        <UpdateRequestForm
          contactId={contactId}
          onDone={(dueAt) => {
            setAskedUntil(dueAt);
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          {t("deadlines.askForUpdate")}
        </button>
      )}
    </div>
  );
}

export function UpdateAnswerForm({ contactId, requestId }: { contactId: string; requestId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const refresh = useRefreshAfterUpdate(contactId);
  const [answer, setAnswer] = useState("");
  const send = useMutation({
    mutationFn: () =>
      api.post<{ answered: string[]; answeredAt: string }>(`/api/v1/contacts/${contactId}/update-answer`, {
        answer: answer.trim(),
        requestId,
      }),
    onSuccess: refresh,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (answer.trim()) send.mutate();
  }
  const error = fieldError(send.error, "answer");
  return (
    <form onSubmit={submit} className="move-form">
      <div className="field">
        <label htmlFor={`${id}-answer`}>{t("deadlines.yourAnswer")}</label>
        <textarea
          id={`${id}-answer`}
          rows={3}
          required
          maxLength={10_000}
          value={answer}
          placeholder={t("deadlines.answerHint")}
          onChange={(e) => setAnswer(e.target.value)}
        />
        {error && <small className="field-error">{error}</small>}
      </div>
      {send.error && <ErrorBox error={send.error} fields={false} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={send.isPending || !answer.trim()}>
          {t("deadlines.sendAnswer")}
        </button>
      </div>
    </form>
  );
}

/** Who asked for the update, and what they asked. */
export function RequestText({ request }: { request: Deadline }) {
  const { t } = useTranslation();
  return (
    <p className="request-text">
      {request.requesterName
        ? t("deadlines.askedBy", { name: request.requesterName })
        : t("deadlines.askedByDispatch")}
      {request.note && (
        <>
          : <q>{request.note}</q>
        </>
      )}
    </p>
  );
}
