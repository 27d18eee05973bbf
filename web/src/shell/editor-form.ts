/** The state of a small edit form of text fields: the values, a change handler per field, and submit. */
import { type FormEvent, useState } from "react";

export function useEditorForm<T extends Record<string, string>>(initial: T) {
  const [form, setForm] = useState(initial);
  return {
    form,
    set: (key: keyof T) => (event: { target: { value: string } }) =>
      setForm({ ...form, [key]: event.target.value }),
    submitWith: (save: () => void) => (event: FormEvent) => {
      event.preventDefault();
      save();
    },
  };
}
