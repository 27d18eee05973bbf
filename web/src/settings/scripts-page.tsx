/**
 * /settings/scripts, for admins and dispatchers: the call scripts setters work from (the default, and
 * one per campaign), step by step, and the library of objections with their prepared answers.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Script, type ScriptInput, type ScriptStep } from "../api.js";
import { STEP_KINDS, type StepKind } from "../appointments/lists.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { TextField } from "../shell/text-field.js";
import { ObjectionLibrary } from "./objection-library.js";
import { SettingsTabs } from "./settings-tabs.js";

/** In a path, the organisation's default script (the server's DEFAULT_SCRIPT_KEY). */
const DEFAULT_KEY = "_default";
const SCRIPTS = ["scripts"];

export function ScriptsPage() {
  const { t } = useTranslation();
  const scripts = useQuery({
    queryKey: SCRIPTS,
    queryFn: () => api.get<{ items: Script[] }>("/api/v1/scripts"),
  });
  // The campaign whose script is open: "" is the default.
  const [campaign, setCampaign] = useState("");
  const [newCampaign, setNewCampaign] = useState("");
  const items = scripts.data?.items ?? [];
  const campaigns = [...new Set(["", ...items.map((s) => s.campaign), campaign])];
  const open = items.find((s) => s.campaign === campaign) ?? null;

  function addCampaign(event: FormEvent) {
    event.preventDefault();
    const name = newCampaign.trim();
    if (!name) return;
    setCampaign(name);
    setNewCampaign("");
  }

  return (
    <section className="scripts-page">
      <SettingsTabs />
      <section className="card" aria-labelledby="scripts-title">
        <h2 id="scripts-title">{t("scripts.title")}</h2>
        <p className="muted">{t("scripts.help")}</p>
        {scripts.error && <ErrorBox error={scripts.error} />}
        <div className="script-picker">
          <nav className="tabs" aria-label={t("scripts.title")}>
            {campaigns.map((c) => (
              <button
                key={c || DEFAULT_KEY}
                type="button"
                className={c === campaign ? "tab active" : "tab"}
                aria-current={c === campaign ? "true" : undefined}
                onClick={() => setCampaign(c)}
              >
                {c === "" ? t("scripts.default") : c}
              </button>
            ))}
          </nav>
          <form onSubmit={addCampaign} className="field-row">
            <TextField
              label={t("scripts.campaign")}
              hint={t("scripts.campaignHint")}
              maxLength={100}
              value={newCampaign}
              onChange={(e) => setNewCampaign(e.target.value)}
            />
            <button type="submit" disabled={!newCampaign.trim()}>
              {t("scripts.addCampaign")}
            </button>
          </form>
        </div>
        {scripts.data && (
          <ScriptEditor key={campaign} campaign={campaign} script={open} onDeleted={() => setCampaign("")} />
        )}
      </section>
      <ObjectionLibrary />
    </section>
  );
}

interface StepDraft {
  /** React's key: a step's id may be edited, its key stays. */
  key: number;
  id: string;
  kind: StepKind;
  text: string;
  /** One option a line; none makes a free-text question. */
  options: string;
}

let nextKey = 1;

function draftOf(step: ScriptStep): StepDraft {
  return {
    key: nextKey++,
    id: step.id,
    kind: step.kind,
    text: step.text,
    options: (step.options ?? []).join("\n"),
  };
}

function stepOf(draft: StepDraft): ScriptStep {
  const options = draft.options
    .split("\n")
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    id: draft.id.trim(),
    kind: draft.kind,
    text: draft.text.trim(),
    ...(draft.kind === "question" && options.length > 0 ? { options } : {}),
  };
}

/** A new id no other step has: q1, q2… for questions, s1, s2… for lines to say. */
export function freshId(kind: StepKind, taken: readonly string[]): string {
  const prefix = kind === "question" ? "q" : "s";
  let n = 1;
  while (taken.includes(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

function ScriptEditor({
  campaign,
  script,
  onDeleted,
}: {
  campaign: string;
  script: Script | null;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = encodeURIComponent(campaign === "" ? DEFAULT_KEY : campaign);
  const [name, setName] = useState(
    script?.name ?? (campaign === "" ? t("scripts.defaultName") : t("scripts.campaignName", { campaign })),
  );
  const [steps, setSteps] = useState<StepDraft[]>(() => (script?.steps ?? []).map(draftOf));
  const save = useMutation({
    mutationFn: (input: ScriptInput) => api.put<Script>(`/api/v1/scripts/${key}`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: SCRIPTS }),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/scripts/${key}`),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: SCRIPTS });
      onDeleted();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ name: name.trim(), steps: steps.map(stepOf) });
  }
  const add = (kind: StepKind) =>
    setSteps([
      ...steps,
      {
        key: nextKey++,
        id: freshId(
          kind,
          steps.map((s) => s.id),
        ),
        kind,
        text: "",
        options: "",
      },
    ]);
  const change = (i: number, next: Partial<StepDraft>) =>
    setSteps(steps.map((s, j) => (j === i ? { ...s, ...next } : s)));
  const swap = (i: number, j: number) => {
    const next = [...steps];
    const a = next[i];
    const b = next[j];
    if (!a || !b) return;
    next[i] = b;
    next[j] = a;
    setSteps(next);
  };
  const stepsError = fieldError(save.error, "steps");

  return (
    <form onSubmit={submit} className="editor script-editor" aria-label={t("scripts.editing", { name })}>
      {!script && <p className="notice-box">{t("scripts.notYet")}</p>}
      <TextField
        label={t("scripts.name")}
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(save.error, "name")}
      />
      <ol className="script-steps editing">
        {steps.map((step, i) => (
          <StepEditor
            key={step.key}
            n={i + 1}
            step={step}
            first={i === 0}
            last={i === steps.length - 1}
            onChange={(next) => change(i, next)}
            onUp={() => swap(i, i - 1)}
            onDown={() => swap(i, i + 1)}
            onRemove={() => setSteps(steps.filter((_, j) => j !== i))}
            errorAt={(field) => fieldError(save.error, `steps.${i}${field}`)}
          />
        ))}
      </ol>
      {steps.length === 0 && <p className="muted">{t("scripts.noSteps")}</p>}
      {stepsError && <small className="field-error">{stepsError}</small>}
      <div className="buttons">
        <button type="button" onClick={() => add("say")}>
          {t("scripts.addSay")}
        </button>
        <button type="button" onClick={() => add("question")}>
          {t("scripts.addQuestion")}
        </button>
      </div>
      {(save.error || remove.error) && <ErrorBox error={save.error ?? remove.error} fields={false} />}
      {save.isSuccess && (
        <p className="ok" role="status">
          {t("settings.saved")}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t("scripts.save")}
        </button>
        {script && (
          <button
            type="button"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t("scripts.confirmDelete", { name: script.name }))) remove.mutate();
            }}
          >
            {t("scripts.delete")}
          </button>
        )}
      </div>
    </form>
  );
}

function StepEditor({
  n,
  step,
  first,
  last,
  onChange,
  onUp,
  onDown,
  onRemove,
  errorAt,
}: {
  n: number;
  step: StepDraft;
  first: boolean;
  last: boolean;
  onChange: (next: Partial<StepDraft>) => void;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
  /** The server's message for a field of this step: ".text", ".options". */
  errorAt: (field: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  const textError = errorAt(".text");
  const optionsError =
    errorAt(".options") ??
    step.options
      .split("\n")
      .map((_, j) => errorAt(`.options.${j}`))
      .find(Boolean);
  const idError = errorAt(".id") ?? errorAt("");
  return (
    <li className={`script-step step-${step.kind}`}>
      <div className="step-head">
        <label>
          {t("scripts.stepKind", { n })}
          <select value={step.kind} onChange={(e) => onChange({ kind: e.target.value as StepKind })}>
            {STEP_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`scripts.kinds.${kind}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" title={t("scripts.idHelp")}>
          {t("scripts.id", { id: step.id })}
        </span>
        <span className="buttons push-right">
          <button type="button" disabled={first} onClick={onUp} aria-label={t("scripts.up", { n })}>
            ↑
          </button>
          <button type="button" disabled={last} onClick={onDown} aria-label={t("scripts.down", { n })}>
            ↓
          </button>
          <button type="button" onClick={onRemove}>
            {t("scripts.removeStep", { n })}
          </button>
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>
          {step.kind === "question" ? t("scripts.question", { n }) : t("scripts.say", { n })}
        </label>
        <textarea
          id={`${id}-text`}
          rows={2}
          required
          maxLength={4000}
          aria-invalid={textError ? true : undefined}
          value={step.text}
          onChange={(e) => onChange({ text: e.target.value })}
        />
        {textError && <small className="field-error">{textError}</small>}
      </div>
      {step.kind === "question" && (
        <div className="field">
          <label htmlFor={`${id}-options`}>{t("scripts.options", { n })}</label>
          <textarea
            id={`${id}-options`}
            rows={3}
            aria-invalid={optionsError ? true : undefined}
            aria-describedby={`${id}-options-hint`}
            value={step.options}
            onChange={(e) => onChange({ options: e.target.value })}
          />
          <small id={`${id}-options-hint`} className="muted">
            {t("scripts.optionsHint")}
          </small>
          {optionsError && <small className="field-error">{optionsError}</small>}
        </div>
      )}
      {idError && <small className="field-error">{idError}</small>}
    </li>
  );
}
