/** The facts about a contact that the contact page and the call screen both show, in the same words. */
import { useTranslation } from "react-i18next";
import type { ContactDetail } from "../api.js";

export const DASH = "—";

/** The e-mail addresses as mailto: links, or a dash. */
export function EmailLinks({ emails }: { emails: readonly string[] }) {
  if (emails.length === 0) return <>{DASH}</>;
  return (
    <>
      {emails.map((e) => (
        <a key={e} href={`mailto:${e}`}>
          {e}
        </a>
      ))}
    </>
  );
}

/** Languages, place and source, as rows of a `dl.facts`. */
export function PlaceFacts({ contact: c }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  return (
    <>
      <dt>{t("contacts.languages")}</dt>
      <dd>{c.languages.map((l) => t(`languages.${l}`, { defaultValue: l })).join(", ") || DASH}</dd>
      <dt>{t("contacts.place")}</dt>
      <dd>{[c.postalCode, c.placeName, c.region, c.country].filter(Boolean).join(", ") || DASH}</dd>
      <dt>{t("contacts.source")}</dt>
      <dd>{[c.source, c.campaign].filter(Boolean).join(" · ") || DASH}</dd>
    </>
  );
}
