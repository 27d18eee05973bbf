/** Catches a screen that fails to render, so the user sees what happened instead of a blank page. */
import { Component, type ReactNode } from "react";
import i18n from "../i18n/index.js";

export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="error page" role="alert">
        <p>{i18n.t("errors.unexpected")}</p>
        <button type="button" onClick={() => window.location.reload()}>
          {i18n.t("errors.reload")}
        </button>
      </div>
    );
  }
}
