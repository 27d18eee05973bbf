import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ApiError } from "./api.js";
import "./i18n/index.js";
import { UNREAD } from "./notifications/bell.js";
import { App } from "./shell/app.js";
import { ErrorBoundary } from "./shell/error-boundary.js";
import "./styles.css";

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error) => {
      // The organisation began requiring a second factor: reload who we are, which shows the set-up.
      if (error instanceof ApiError && error.problem?.details?.twoFactor === "enrolment_required") {
        void client.invalidateQueries({ queryKey: ["me"] });
      }
    },
  }),
  // Whatever the user just did may have told someone, or answered what they were told: recount the bell.
  mutationCache: new MutationCache({
    onSuccess: () => client.invalidateQueries({ queryKey: UNREAD }),
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal will not change on retry; a lost connection may.
      retry: (count, error) => !(error instanceof ApiError && error.status > 0) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <ErrorBoundary>
            <App />
          </ErrorBoundary>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}
