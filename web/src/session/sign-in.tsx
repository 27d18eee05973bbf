/**
 * Sign in with e-mail and password, then, for a user with two-factor authentication, a code from
 * their app or a recovery code; the server sets an httpOnly session cookie.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, type Me } from "../api.js";
import { LanguageSwitcher } from "../settings/language-switcher.js";
import { ErrorBox } from "../shell/error-box.js";
import { TextField } from "../shell/text-field.js";

/** The server asks for the second factor by a 401 whose details say so. */
function asksForCode(error: unknown): boolean {
  return (
    error instanceof ApiError && error.status === 401 && error.problem?.details?.secondFactor === "required"
  );
}

export function SignIn() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [recovery, setRecovery] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const signIn = useMutation({
    mutationFn: (withCode: boolean) =>
      api.post<Me>("/api/v1/auth/login", withCode ? { email, password, code } : { email, password }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["me"] });
    },
    onError: (error, withCode) => {
      if (!withCode && asksForCode(error)) setNeedsCode(true);
    },
  });

  useEffect(() => {
    if (needsCode) codeInput.current?.focus();
  }, [needsCode]);

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate(needsCode);
  }

  function startOver() {
    setNeedsCode(false);
    setCode("");
    setPassword("");
    signIn.reset();
  }

  /** The first 401 asking for a code is the next step, not an error. */
  const error =
    signIn.error && !(signIn.variables === false && asksForCode(signIn.error)) ? signIn.error : null;

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
        {needsCode ? (
          <>
            <h2>{t("signIn.secondStep")}</h2>
            <p className="muted">{t("signIn.codeHelp", { email })}</p>
            <TextField
              inputRef={codeInput}
              label={recovery ? t("signIn.recoveryCode") : t("signIn.code")}
              hint={recovery ? t("signIn.recoveryHint") : t("signIn.codeHint")}
              inputMode={recovery ? "text" : "numeric"}
              autoComplete={recovery ? "off" : "one-time-code"}
              pattern={recovery ? undefined : "[0-9]{6}"}
              maxLength={recovery ? 40 : 6}
              required
              spellCheck={false}
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
            />
            <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
              {recovery ? t("signIn.useApp") : t("signIn.useRecovery")}
            </button>
          </>
        ) : (
          <>
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
          </>
        )}
        {error && <SignInError error={error} />}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? t("signIn.signingIn") : needsCode ? t("signIn.verify") : t("signIn.submit")}
        </button>
        {needsCode && (
          <button type="button" onClick={startOver}>
            {t("signIn.startOver")}
          </button>
        )}
      </form>
    </main>
  );
}

/** Sign-in refusals in the user's language: wrong password, wrong code, or locked out for a while. */
function SignInError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError)) return <ErrorBox error={error} />;
  let message: string | null = null;
  if (error.status === 401) message = asksForCode(error) ? t("signIn.wrongCode") : t("signIn.wrong");
  if (error.status === 429) {
    const seconds = error.problem?.details?.retryAfterSeconds;
    message =
      typeof seconds === "number"
        ? t("signIn.locked", { count: Math.max(1, Math.ceil(seconds / 60)) })
        : t("signIn.tooMany");
  }
  if (!message) return <ErrorBox error={error} />;
  return (
    <div className="error" role="alert">
      <p>{message}</p>
    </div>
  );
}
