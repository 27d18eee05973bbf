/** Vocabulary packs: the nouns each kind of organisation uses, in every console language. */
import type { Vocabulary } from "./model.js";

export type Nouns = Record<
  "contact" | "contacts" | "worker" | "workers" | "setter" | "setters" | "dispatcher",
  string
>;

export const PACKS: Record<Vocabulary["pack"], Record<"en" | "it" | "el", Nouns>> = {
  ministry: {
    en: {
      contact: "seeker",
      contacts: "seekers",
      worker: "multiplier",
      workers: "multipliers",
      setter: "digital responder",
      setters: "digital responders",
      dispatcher: "dispatcher",
    },
    it: {
      contact: "ricercatore",
      contacts: "ricercatori",
      worker: "moltiplicatore",
      workers: "moltiplicatori",
      setter: "risponditore digitale",
      setters: "risponditori digitali",
      dispatcher: "smistatore",
    },
    el: {
      contact: "αναζητητής",
      contacts: "αναζητητές",
      worker: "πολλαπλασιαστής",
      workers: "πολλαπλασιαστές",
      setter: "ψηφιακός ανταποκριτής",
      setters: "ψηφιακοί ανταποκριτές",
      dispatcher: "συντονιστής",
    },
  },
  sales: {
    en: {
      contact: "lead",
      contacts: "leads",
      worker: "rep",
      workers: "reps",
      setter: "appointment setter",
      setters: "appointment setters",
      dispatcher: "sales ops",
    },
    it: {
      contact: "lead",
      contacts: "lead",
      worker: "agente",
      workers: "agenti",
      setter: "fissatore di appuntamenti",
      setters: "fissatori di appuntamenti",
      dispatcher: "sales ops",
    },
    el: {
      contact: "υποψήφιος πελάτης",
      contacts: "υποψήφιοι πελάτες",
      worker: "πωλητής",
      workers: "πωλητές",
      setter: "υπεύθυνος ραντεβού",
      setters: "υπεύθυνοι ραντεβού",
      dispatcher: "συντονιστής πωλήσεων",
    },
  },
};

/** The nouns an organisation shows in one locale: its pack, then its own overrides. */
export function nounsFor(vocabulary: Vocabulary, locale: "en" | "it" | "el"): Nouns {
  return { ...PACKS[vocabulary.pack][locale], ...(vocabulary.overrides[locale] ?? {}) } as Nouns;
}
