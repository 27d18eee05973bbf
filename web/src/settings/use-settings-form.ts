/** One section of the organisation's settings as an admin's form: edited locally, saved whole. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Organisation } from "../api.js";
import { useMe } from "../shell/me.js";

type Settings = Organisation["settings"];

export function useSettingsForm<K extends keyof Settings>(section: K) {
  const me = useMe();
  const client = useQueryClient();
  const [form, setForm] = useState<Settings[K]>(me.organisation.settings[section]);
  const save = useMutation({
    // The whole section is sent: the server replaces it, so nothing edited elsewhere is merged in.
    mutationFn: (value: Settings[K]) =>
      api.patch<Organisation>("/api/v1/organisation", { settings: { [section]: value } }),
    // The signed-in person's view of the organisation carries the settings: read it again.
    onSuccess: () => client.invalidateQueries({ queryKey: ["me"] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(form);
  }
  return { form, setForm, save, submit };
}
