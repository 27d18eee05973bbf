/** The frame of every screen: the organisation, navigation by role, the inbox bell, the language switcher, the account, sign-out. */
import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { api } from "../api.js";
import { NotificationBell } from "../notifications/bell.js";
import { LanguageSwitcher } from "../settings/language-switcher.js";
import { useMe } from "./me.js";

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const role = me.user.role;

  async function signOut() {
    await api.post("/api/v1/auth/logout");
    client.clear();
    await client.invalidateQueries({ queryKey: ["me"] });
  }

  return (
    <>
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          <span>{me.organisation.name}</span>
        </div>
        <nav aria-label={t("nav.main")}>
          {(role === "admin" || role === "dispatcher") && (
            <NavLink to="/dispatch">{t("dispatch.title")}</NavLink>
          )}
          {role === "worker" && <NavLink to="/offers">{t("offers.title")}</NavLink>}
          {role === "worker" && <NavLink to="/agenda">{t("agenda.title")}</NavLink>}
          {(role === "setter" || role === "admin" || role === "dispatcher") && (
            <NavLink to="/callbacks">{t("callbacks.title")}</NavLink>
          )}
          {role !== "marketer" && (
            <NavLink to="/contacts">
              {role === "worker" ? t("nav.myContacts") : t("nouns:contacts_cap")}
            </NavLink>
          )}
          {role !== "marketer" && (
            <NavLink to="/workers">{role === "worker" ? t("nav.myRecord") : t("nouns:workers_cap")}</NavLink>
          )}
          {(role === "marketer" || role === "admin" || role === "dispatcher") && (
            <NavLink to="/reports">{t("reports.title")}</NavLink>
          )}
          <NavLink to="/settings">{t("nav.settings")}</NavLink>
        </nav>
        <div className="user">
          <NotificationBell />
          <LanguageSwitcher />
          <NavLink className="who" to="/account" title={t("account.linkTitle", { email: me.user.email })}>
            {me.user.name} · {t(`roles.${role}`)}
          </NavLink>
          <button type="button" className="link" onClick={signOut}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
