import { describe, expect, it } from "vitest";
import { foldText, normalisePhone, searchText } from "./normalise.js";

describe("foldText", () => {
  it("romanises Greek with ου as ou", () => {
    expect(foldText("Γιώργος Παπαδόπουλος")).toBe("giorgos papadopoulos");
  });
  it("drops accents and folds case", () => {
    expect(foldText("  Nicolò   D'ÀLESSIO ")).toBe("nicolo d'alessio");
  });
  it("transliterates Cyrillic and Arabic", () => {
    expect(foldText("Олена Коваленко")).toBe("olena kovalenko");
    expect(foldText("محمد")).toMatch(/^m/);
  });
});

describe("normalisePhone", () => {
  it("reads a national number in the given country", () => {
    expect(normalisePhone("333 123 4567", "IT")).toBe("+393331234567");
  });
  it("keeps an international number whatever the country", () => {
    expect(normalisePhone("+30 210 123 4567", "IT")).toBe("+302101234567");
  });
  it("keeps the digits of a number it cannot read", () => {
    expect(normalisePhone("12-34", null)).toBe("1234");
  });
});

describe("searchText", () => {
  it("holds the name as typed and romanised, phone digits and e-mails", () => {
    const text = searchText({ displayName: "Ελένη", phones: ["+302101234567"], emails: ["e@x.gr"] });
    expect(text).toContain("ελένη");
    expect(text).toContain("eleni");
    expect(text).toContain("302101234567");
    expect(text).toContain("e@x.gr");
  });
});
