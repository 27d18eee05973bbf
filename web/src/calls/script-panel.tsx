/** The call script, step by step: lines to say, and questions answered by a choice or in words. */
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Script, ScriptAnswers } from "../api.js";
import { useMe } from "../shell/me.js";

export function ScriptPanel({
  script,
  answers,
  onAnswer,
}: {
  script: Script | null;
  answers: ScriptAnswers;
  onAnswer: (questionId: string, answer: string) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const edits = me.user.role === "admin" || me.user.role === "dispatcher";
  return (
    <section className="card script" aria-labelledby="script-title">
      <h2 id="script-title">{script ? script.name : t("call.script")}</h2>
      {!script && (
        <p className="muted">
          {t("call.noScript")} {edits && <Link to="/settings/scripts">{t("call.writeScript")}</Link>}
        </p>
      )}
      {script && (
        <ol className="script-steps">
          {script.steps.map((step) => (
            <li key={step.id} className={`script-step step-${step.kind}`}>
              {step.kind === "say" ? (
                <p className="say">
                  <span className="badge">{t("call.say")}</span> {step.text}
                </p>
              ) : (
                <Question
                  id={step.id}
                  text={step.text}
                  options={step.options}
                  answer={answers[step.id] ?? ""}
                  onAnswer={(answer) => onAnswer(step.id, answer)}
                />
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Question({
  id,
  text,
  options,
  answer,
  onAnswer,
}: {
  id: string;
  text: string;
  options: string[] | undefined;
  answer: string;
  onAnswer: (answer: string) => void;
}) {
  const { t } = useTranslation();
  const labelId = `question-${id}`;
  return (
    <fieldset className="question">
      <legend id={labelId} className="question-text">
        <span className="badge">{t("call.ask")}</span> {text}
      </legend>
      {options ? (
        <div className="buttons">
          {options.map((option) => (
            <button
              key={option}
              type="button"
              className={answer === option ? "on" : ""}
              aria-pressed={answer === option}
              // A second press takes the choice back.
              onClick={() => onAnswer(answer === option ? "" : option)}
            >
              {option}
            </button>
          ))}
        </div>
      ) : (
        <textarea
          aria-labelledby={labelId}
          rows={2}
          maxLength={2000}
          value={answer}
          onChange={(e) => onAnswer(e.target.value)}
        />
      )}
    </fieldset>
  );
}
