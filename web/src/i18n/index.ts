/** i18next with the console's three languages; the organisation's nouns live in the "nouns" namespace. */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import type { Me } from "../api.js";
import el from "./el.json";
import en from "./en.json";
import it from "./it.json";

export const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "it", name: "Italiano" },
  { code: "el", name: "Ελληνικά" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];

const STORED = "handoff.locale";

export function storedLanguage(): Language {
  const value = localStorage.getItem(STORED);
  return value === "it" || value === "el" ? value : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, it: { translation: it }, el: { translation: el } },
  lng: storedLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

function capitalise(word: string): string {
  return word.charAt(0).toLocaleUpperCase() + word.slice(1);
}

/** Loads the organisation's vocabulary pack: "seeker" or "lead", in every language. */
export function loadVocabulary(me: Me): void {
  for (const [locale, nouns] of Object.entries(me.nouns)) {
    const bundle: Record<string, string> = {};
    for (const [key, word] of Object.entries(nouns)) {
      bundle[key] = word;
      bundle[`${key}_cap`] = capitalise(word);
    }
    i18n.addResourceBundle(locale, "nouns", bundle, true, true);
  }
}

export async function changeLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORED, language);
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

export default i18n;
