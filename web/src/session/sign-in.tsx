/** Sign in with e-mail and password; the server sets an httpOnly session cookie. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Me } from "../api.js";
import { LanguageSwitcher } from "../settings/language-switcher.js";
import { ErrorBox } from "../shell/error-box.js";

export function SignIn() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => api.post<Me>("/api/v1/auth/login", { email, password }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["me"] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate();
  }

  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="sign-in-head">
          <h1 id="sign-in-title">
            <span className="logo" aria-hidden="true">
              ⇄
            </span>{" "}
            Handoff
          </h1>
          <LanguageSwitcher />
        </div>
        <p className="muted">{t("signIn.tagline")}</p>
        <label>
          {t("signIn.email")}
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t("signIn.password")}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {signIn.error && <ErrorBox error={signIn.error} />}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? t("signIn.signingIn") : t("signIn.submit")}
        </button>
      </form>
    </main>
  );
}
