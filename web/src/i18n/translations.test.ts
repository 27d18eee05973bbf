import { describe, expect, it } from "vitest";
import el from "./el.json";
import en from "./en.json";
import it_ from "./it.json";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** Placeholders, nested nouns and the tags of <Trans> that a translation must keep: {{count}}, $t(nouns:contacts), <name/>. */
function tokens(text: string): string[] {
  return [...text.matchAll(/\{\{\w+\}\}|\$t\([^)]+\)|<\/?\w+\/?>/g)].map((m) => m[0]).sort();
}

const english = flatten(en);

describe.each([
  ["Italian", it_],
  ["Greek", el],
])("the %s console strings", (_name, translation) => {
  const strings = flatten(translation);

  it("have every English key and no other", () => {
    expect([...strings.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("keep every placeholder, nested noun and tag", () => {
    for (const [key, text] of english) {
      expect(tokens(strings.get(key) ?? ""), key).toEqual(tokens(text));
    }
  });

  it("are translated, not copied", () => {
    const copied = [...english].filter(([key, text]) => strings.get(key) === text && /[a-z]{4}/.test(text));
    expect(copied.length).toBeLessThan(english.size * 0.1);
  });
});
