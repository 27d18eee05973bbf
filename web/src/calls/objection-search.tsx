/** The objection library at hand during a call: type what the person says, read the prepared answers aloud. */
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Objection, query } from "../api.js";
import { useDebounced } from "../shell/debounced.js";
import { ErrorBox } from "../shell/error-box.js";

export function ObjectionSearch() {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState("");
  const q = useDebounced(text.trim(), 200);
  const found = useQuery({
    queryKey: ["objections", q],
    queryFn: () => api.get<{ items: Objection[] }>(`/api/v1/objections${query({ q, limit: 20 })}`),
    enabled: q !== "",
    placeholderData: (previous) => previous,
  });
  const items = q === "" ? [] : (found.data?.items ?? []);
  return (
    <section className="card objections" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("call.objections")}</h2>
      <search>
        <label>
          {t("call.objectionSearch")}
          <input
            type="search"
            value={text}
            placeholder={t("call.objectionHint")}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      </search>
      {found.error && <ErrorBox error={found.error} />}
      {q !== "" && found.data && items.length === 0 && <p className="muted">{t("call.noObjection")}</p>}
      <ul className="objection-list" aria-live="polite">
        {items.map((o) => (
          <li key={o.id}>
            <strong>{o.objection}</strong>
            <ol className="objection-answers">
              {o.answers.map((answer) => (
                <li key={answer}>{answer}</li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
    </section>
  );
}
