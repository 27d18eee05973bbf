/** Who is signed in decides everything: the sign-in page, or the console for their role. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { AccountPage } from "../account/account-page.js";
import { EnrolmentPage } from "../account/enrolment-page.js";
import { OffersPage } from "../accountability/offers-page.js";
import { ApiError, api, type Me } from "../api.js";
import { AgendaPage } from "../appointments/agenda-page.js";
import { CallPage } from "../calls/call-page.js";
import { CallbacksPage } from "../calls/callbacks-page.js";
import { ContactList } from "../contacts/contact-list.js";
import { ContactPage } from "../contacts/contact-page.js";
import { ImportPage } from "../contacts/import-page.js";
import { BatchPage } from "../dispatch/batch-page.js";
import { DuplicatesPage } from "../dispatch/duplicates-page.js";
import { GapsPage } from "../dispatch/gaps-page.js";
import { HealthPage } from "../dispatch/health-page.js";
import { OverduePage } from "../dispatch/overdue-page.js";
import { QueuePage } from "../dispatch/queue-page.js";
import { changeLanguage, loadVocabulary } from "../i18n/index.js";
import { InboxPage } from "../notifications/inbox-page.js";
import { ReportsPage } from "../reports/reports-page.js";
import { SignIn } from "../session/sign-in.js";
import { ApiKeysPage } from "../settings/api-keys-page.js";
import { AppointmentsPage } from "../settings/appointments-page.js";
import { AuditPage } from "../settings/audit-page.js";
import { DeadlinesPage } from "../settings/deadlines-page.js";
import { IntakePage } from "../settings/intake-page.js";
import { ScriptsPage } from "../settings/scripts-page.js";
import { SecurityPage } from "../settings/security-page.js";
import { SettingsPage } from "../settings/settings-page.js";
import { UsersPage } from "../settings/users-page.js";
import { WebhooksPage } from "../settings/webhooks-page.js";
import { WorkerList } from "../workers/worker-list.js";
import { WorkerPage } from "../workers/worker-page.js";
import { ErrorBox } from "./error-box.js";
import { Layout } from "./layout.js";
import { MeContext } from "./me.js";

export function homeFor(me: Me): string {
  switch (me.user.role) {
    case "marketer":
      return "/reports";
    case "admin":
    case "dispatcher":
      return "/dispatch";
    default:
      return "/contacts";
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => {
      const value = await api.get<Me>("/api/v1/me");
      loadVocabulary(value);
      if (value.user.locale !== i18n.language) await changeLanguage(value.user.locale);
      return value;
    },
    retry: false,
  });

  if (me.isPending) return <p className="loading">{t("common.loading")}</p>;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <SignIn />;
    return (
      <main className="page">
        <ErrorBox error={me.error} />
      </main>
    );
  }
  if (me.data.security.mustEnrolTwoFactor) {
    // The organisation requires a second factor: until it is set up the API answers nothing else.
    return (
      <MeContext.Provider value={me.data}>
        <EnrolmentPage />
      </MeContext.Provider>
    );
  }
  const canSeeWorkers = me.data.user.role !== "marketer";
  const role = me.data.user.role;
  const dispatches = role === "admin" || role === "dispatcher";
  const calls = dispatches || role === "setter";
  return (
    <MeContext.Provider value={me.data}>
      <Layout>
        <Routes>
          <Route path="/" element={<Navigate to={homeFor(me.data)} replace />} />
          {me.data.user.role !== "marketer" && <Route path="/contacts" element={<ContactList />} />}
          {calls && <Route path="/contacts/import" element={<ImportPage />} />}
          {me.data.user.role !== "marketer" && <Route path="/contacts/:id" element={<ContactPage />} />}
          {canSeeWorkers && <Route path="/workers" element={<WorkerList />} />}
          {canSeeWorkers && <Route path="/workers/:id" element={<WorkerPage />} />}
          {dispatches && <Route path="/dispatch" element={<QueuePage />} />}
          {dispatches && <Route path="/dispatch/batch" element={<BatchPage />} />}
          {dispatches && <Route path="/dispatch/gaps" element={<GapsPage />} />}
          {dispatches && <Route path="/dispatch/duplicates" element={<DuplicatesPage />} />}
          {dispatches && <Route path="/dispatch/overdue" element={<OverduePage />} />}
          {dispatches && <Route path="/dispatch/health" element={<HealthPage />} />}
          {me.data.user.role === "worker" && <Route path="/offers" element={<OffersPage />} />}
          {(dispatches || role === "worker") && <Route path="/agenda" element={<AgendaPage />} />}
          {calls && <Route path="/call/:contactId" element={<CallPage />} />}
          {calls && <Route path="/callbacks" element={<CallbacksPage />} />}
          {(dispatches || role === "marketer") && <Route path="/reports" element={<ReportsPage />} />}
          <Route path="/inbox" element={<InboxPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          {me.data.user.role === "admin" && <Route path="/settings/api-keys" element={<ApiKeysPage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/intake" element={<IntakePage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/webhooks" element={<WebhooksPage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/users" element={<UsersPage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/deadlines" element={<DeadlinesPage />} />}
          {me.data.user.role === "admin" && (
            <Route path="/settings/appointments" element={<AppointmentsPage />} />
          )}
          {dispatches && <Route path="/settings/scripts" element={<ScriptsPage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/security" element={<SecurityPage />} />}
          {me.data.user.role === "admin" && <Route path="/settings/audit" element={<AuditPage />} />}
          <Route path="/account" element={<AccountPage />} />
          <Route path="*" element={<p className="page">{t("common.notFound")}</p>} />
        </Routes>
      </Layout>
    </MeContext.Provider>
  );
}
