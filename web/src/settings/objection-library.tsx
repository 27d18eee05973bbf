/** The objection library: what people say to say no, and the answers prepared for each, best first. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Objection, type ObjectionInput, query } from "../api.js";
import { useDebounced } from "../shell/debounced.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { TextField } from "../shell/text-field.js";

const OBJECTIONS = ["objections"];

export function ObjectionLibrary() {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState("");
  const [adding, setAdding] = useState(false);
  const q = useDebounced(text.trim(), 200);
  const list = useQuery({
    queryKey: [...OBJECTIONS, "library", q],
    queryFn: () => api.get<{ items: Objection[] }>(`/api/v1/objections${query({ q, limit: 500 })}`),
    placeholderData: (previous) => previous,
  });
  const items = list.data?.items ?? [];
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{t("objections.title")}</h2>
        {!adding && (
          <button type="button" onClick={() => setAdding(true)}>
            {t("objections.add")}
          </button>
        )}
      </div>
      <p className="muted">{t("objections.help")}</p>
      {adding && <ObjectionForm onDone={() => setAdding(false)} />}
      <search>
        <label>
          {t("objections.search")}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </search>
      {list.error && <ErrorBox error={list.error} />}
      {list.data && items.length === 0 && (
        <p className="muted">{q ? t("objections.noMatch") : t("objections.none")}</p>
      )}
      <ul className="objection-list">
        {items.map((o) => (
          <ObjectionItem key={o.id} objection={o} />
        ))}
      </ul>
    </section>
  );
}

function ObjectionItem({ objection: o }: { objection: Objection }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/objections/${o.id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: OBJECTIONS }),
  });
  if (editing) {
    return (
      <li>
        <ObjectionForm objection={o} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li>
      <div className="card-head">
        <strong>{o.objection}</strong>
        <span className="buttons">
          <button
            type="button"
            onClick={() => setEditing(true)}
            aria-label={t("objections.edit", { what: o.objection })}
          >
            {t("common.edit")}
          </button>
          <button
            type="button"
            disabled={remove.isPending}
            aria-label={t("objections.delete", { what: o.objection })}
            onClick={() => {
              if (window.confirm(t("objections.confirmDelete", { what: o.objection }))) remove.mutate();
            }}
          >
            {t("objections.deleteShort")}
          </button>
        </span>
      </div>
      <ol className="objection-answers">
        {o.answers.map((answer) => (
          <li key={answer}>{answer}</li>
        ))}
      </ol>
      {remove.error && <ErrorBox error={remove.error} />}
    </li>
  );
}

/** A new objection, or changes to one: what the person says, and the answers to it in order. */
function ObjectionForm({ objection, onDone }: { objection?: Objection; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [said, setSaid] = useState(objection?.objection ?? "");
  const [answers, setAnswers] = useState<string[]>(objection?.answers ?? [""]);
  const save = useMutation({
    mutationFn: (input: ObjectionInput) =>
      objection
        ? api.patch<Objection>(`/api/v1/objections/${objection.id}`, input)
        : api.post<Objection>("/api/v1/objections", input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: OBJECTIONS });
      onDone();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({
      objection: said.trim(),
      answers: answers.map((a) => a.trim()).filter(Boolean),
    });
  }
  const answersError = fieldError(save.error, "answers");
  return (
    <form onSubmit={submit} className="editor objection-form">
      <TextField
        label={t("objections.objection")}
        hint={t("objections.objectionHint")}
        required
        maxLength={500}
        value={said}
        onChange={(e) => setSaid(e.target.value)}
        error={fieldError(save.error, "objection")}
      />
      <ol className="answer-list">
        {answers.map((answer, i) => {
          const error = fieldError(save.error, `answers.${i}`);
          return (
            // Answers are text being typed: their place is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i} className="field">
              <label htmlFor={`${id}-answer-${i}`}>{t("objections.answer", { n: i + 1 })}</label>
              <textarea
                id={`${id}-answer-${i}`}
                rows={2}
                maxLength={4000}
                aria-invalid={error ? true : undefined}
                value={answer}
                onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))}
              />
              {answers.length > 1 && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setAnswers(answers.filter((_, j) => j !== i))}
                >
                  {t("objections.removeAnswer", { n: i + 1 })}
                </button>
              )}
              {error && <small className="field-error">{error}</small>}
            </li>
          );
        })}
      </ol>
      {answersError && <small className="field-error">{answersError}</small>}
      <div className="buttons">
        <button type="button" disabled={answers.length >= 20} onClick={() => setAnswers([...answers, ""])}>
          {t("objections.addAnswer")}
        </button>
      </div>
      {save.error && <ErrorBox error={save.error} fields={false} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {objection ? t("common.save") : t("objections.create")}
        </button>
        <button type="button" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
