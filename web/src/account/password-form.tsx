/** Changing one's own password with the current one; the server then ends every other session. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { PASSWORD_MIN_LENGTH } from "../../../src/core/access/sign-in.js";
import { api, type Me } from "../api.js";
import { ErrorBox, fieldError } from "../shell/error-box.js";
import { TextField } from "../shell/text-field.js";

export function PasswordForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => api.post<Me>("/api/v1/me/password", { currentPassword, newPassword }),
    onSuccess: async (me) => {
      setCurrent("");
      setNew("");
      setRepeat("");
      client.setQueryData(["me"], me);
      await client.invalidateQueries({ queryKey: ["sessions"] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const differ = newPassword !== repeat;
    setMismatch(differ);
    if (!differ) change.mutate();
  }

  return (
    <form onSubmit={submit} className="editor card" aria-labelledby="password-title">
      <h2 id="password-title">{t("account.password")}</h2>
      <TextField
        label={t("account.currentPassword")}
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
        error={fieldError(change.error, "currentPassword")}
      />
      <TextField
        label={t("account.newPassword")}
        hint={t("account.passwordHint", { min: PASSWORD_MIN_LENGTH })}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        value={newPassword}
        onChange={(e) => setNew(e.target.value)}
        error={fieldError(change.error, "newPassword")}
      />
      <TextField
        label={t("account.repeatPassword")}
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
        error={mismatch ? t("account.passwordsDiffer") : undefined}
      />
      {change.error && <ErrorBox error={change.error} fields={false} />}
      {change.isSuccess && (
        <p className="ok" role="status">
          {t("account.passwordChanged")}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={change.isPending}>
          {t("account.changePassword")}
        </button>
      </div>
    </form>
  );
}
