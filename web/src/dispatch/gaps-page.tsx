/** Coverage gaps: where contacts arrive that no worker can serve, and where they wait. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { GapShape } from "../../../src/core/dispatch/shapes.js";
import { api } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { DispatchTabs } from "./tabs.js";

export function GapsPage() {
  const { t } = useTranslation();
  const gaps = useQuery({
    queryKey: ["dispatch", "gaps"],
    queryFn: () => api.get<GapShape[]>("/api/v1/dispatch/gaps"),
  });
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("dispatch.gapsHelp")}</p>
      {gaps.error && <ErrorBox error={gaps.error} />}
      {gaps.data && gaps.data.length === 0 && <p className="empty">{t("dispatch.noGaps")}</p>}
      {gaps.data && gaps.data.length > 0 && (
        <table className="workers">
          <thead>
            <tr>
              <th scope="col">{t("contacts.place")}</th>
              <th scope="col">{t("dispatch.unassignable")}</th>
              <th scope="col">{t("dispatch.waiting")}</th>
              <th scope="col">{t("contacts.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {gaps.data.map((g) => (
              <tr key={`${g.country}:${g.placeName}`}>
                <td>
                  <Link
                    to={`/contacts?status=unassignable,ready&place=${encodeURIComponent(g.placeName ?? g.country ?? "")}`}
                  >
                    {[g.placeName, g.country].filter(Boolean).join(", ") || "—"}
                  </Link>
                </td>
                <td>{g.unassignable}</td>
                <td>{g.waiting}</td>
                <td>
                  {Object.entries(g.reasons)
                    .map(([reason, n]) => `${reason} (${n})`)
                    .join(" · ") || "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
