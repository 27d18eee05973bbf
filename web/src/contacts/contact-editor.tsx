/** Edits a contact's own fields; the server validates and names any bad field. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Contact, type ContactDetail } from "../api.js";
import { EditorActions } from "../shell/editor-actions.js";
import { useEditorForm } from "../shell/editor-form.js";

const list = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function ContactEditor({ contact, onDone }: { contact: ContactDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { form, set, submitWith } = useEditorForm({
    displayName: contact.displayName,
    phones: contact.phones.join(", "),
    emails: contact.emails.join(", "),
    gender: contact.gender ?? "",
    languages: contact.languages.join(", "),
    placeName: contact.placeName ?? "",
    postalCode: contact.postalCode ?? "",
    country: contact.country ?? "",
  });
  const save = useMutation({
    mutationFn: () =>
      api.patch<Contact>(`/api/v1/contacts/${contact.id}`, {
        displayName: form.displayName,
        phones: list(form.phones),
        emails: list(form.emails),
        gender: form.gender || null,
        languages: list(form.languages),
        placeName: form.placeName || null,
        postalCode: form.postalCode || null,
        country: form.country || null,
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["contact", contact.id] });
      void client.invalidateQueries({ queryKey: ["contacts"] });
      void client.invalidateQueries({ queryKey: ["timeline", contact.id] });
      onDone();
    },
  });
  return (
    <form onSubmit={submitWith(() => save.mutate())} className="editor">
      <label>
        {t("contacts.name")}
        <input required maxLength={200} value={form.displayName} onChange={set("displayName")} />
      </label>
      <label>
        {t("contacts.phones")}
        <input value={form.phones} onChange={set("phones")} />
      </label>
      <label>
        {t("contacts.emails")}
        <input value={form.emails} onChange={set("emails")} />
      </label>
      <label>
        {t("contacts.gender")}
        <select value={form.gender} onChange={set("gender")}>
          <option value="">{t("gender.unknown")}</option>
          <option value="f">{t("gender.f")}</option>
          <option value="m">{t("gender.m")}</option>
        </select>
      </label>
      <label>
        {t("contacts.languages")}
        <input value={form.languages} onChange={set("languages")} placeholder="it, en" />
      </label>
      <label>
        {t("contacts.place")}
        <input value={form.placeName} onChange={set("placeName")} />
      </label>
      <label>
        {t("contacts.postalCode")}
        <input value={form.postalCode} onChange={set("postalCode")} />
      </label>
      <label>
        {t("contacts.country")}
        <input value={form.country} onChange={set("country")} maxLength={2} placeholder="IT" />
      </label>
      <EditorActions pending={save.isPending} error={save.error} onCancel={onDone} />
    </form>
  );
}
