import { describe, expect, it } from "vitest";
import { comparablePhone, nameTokens, normaliseEmail, normaliseRecord } from "./normalise.js";
import { latinName } from "./transliterate.js";

describe("latinName", () => {
  it("romanises Greek digraphs as people write them", () => {
    expect(latinName("Ευαγγελία Παπαδοπούλου")).toBe("evangelia papadopoulou");
    expect(latinName("Μπάμπης Ντίνος")).toBe("bampis dinos");
  });

  it("romanises Ukrainian by the national standard and Russian the Russian way", () => {
    expect(latinName("Ганна Юлія Олександр")).toBe("hanna yuliia oleksandr");
    expect(latinName("Наталья Ёлкина")).toBe("natalya yolkina");
  });

  it("romanises Arabic and Persian long vowels as vowels", () => {
    expect(latinName("إبراهيم")).toBe("ibrahim");
    expect(latinName("يوسف")).toBe("yusf");
    expect(latinName("فاطمه")).toBe("fatmh");
  });
});

describe("nameTokens", () => {
  it("sorts the words, so swapped given and family names are equal", () => {
    expect(nameTokens("ROSSI Maria").tokens).toEqual(nameTokens("Maria Rossi").tokens);
    expect(nameTokens("Rossi Maria").first).toBe("rossi");
  });

  it("joins particles to their word, however they are written", () => {
    expect(nameTokens("Paolo De Luca").tokens).toEqual(["deluca", "paolo"]);
    expect(nameTokens("paolo de-luca").tokens).toEqual(["deluca", "paolo"]);
    expect(nameTokens("Karim Al-Ahmad").tokens).toEqual(["alahmad", "karim"]);
    expect(nameTokens("الأحمد").tokens).toEqual(["alahmd"]);
    expect(nameTokens("D'Angelo").tokens).toEqual(["dangelo"]);
  });

  it("keeps an initial in any script as one Latin letter", () => {
    expect(nameTokens("Χ. Παπαδόπουλος").tokens).toEqual(["c", "papadopoulos"]);
    expect(nameTokens("G. Rossi").tokens).toEqual(["g", "rossi"]);
  });

  it("gives no token for an empty name", () => {
    expect(nameTokens("  ").tokens).toEqual([]);
  });
});

describe("normaliseEmail", () => {
  it("lower-cases and trims", () => {
    expect(normaliseEmail("  Maria.Rossi@Libero.IT ")).toBe("maria.rossi@libero.it");
  });

  it("drops Gmail's dots and +tags, and reads googlemail as gmail", () => {
    expect(normaliseEmail("G.Papa+news@GoogleMail.com")).toBe("gpapa@gmail.com");
  });

  it("keeps dots and tags at other providers", () => {
    expect(normaliseEmail("g.papa+news@outlook.com")).toBe("g.papa+news@outlook.com");
  });

  it("refuses what is not an address", () => {
    expect(normaliseEmail("n/a")).toBeNull();
    expect(normaliseEmail("@x.it")).toBeNull();
  });
});

describe("comparablePhone", () => {
  it("reads a national number in the record's country", () => {
    expect(comparablePhone("333 123 4567", "IT")).toEqual({ phone: "+393331234567", national: "3331234567" });
    expect(comparablePhone("07911 123456", "GB")).toEqual({ phone: "+447911123456", national: "7911123456" });
  });

  it("gives one form for every way of writing an international number", () => {
    const forms = ["+39 333 123 4567", "0039 333-123-4567", "+393331234567", "+39 (333) 123.4567"];
    expect(new Set(forms.map((raw) => comparablePhone(raw, "GR")?.phone))).toEqual(
      new Set(["+393331234567"]),
    );
  });

  it("compares national digits when neither number nor record has a country", () => {
    const bare = comparablePhone("07911 123456", null);
    expect(bare?.phone).toBe("07911123456");
    expect(bare?.national).toBe(comparablePhone("+44 7911 123456", null)?.national);
  });

  it("gives nothing for a phone without digits", () => {
    expect(comparablePhone("n/a", "IT")).toBeNull();
  });
});

describe("normaliseRecord", () => {
  it("drops repeated phones and e-mails and folds the city", () => {
    const record = normaliseRecord({
      id: "1",
      name: "Γιώργος Παπαδόπουλος",
      phones: ["694 123 4567", "+30 694 123 4567"],
      emails: ["g@x.gr", "G@X.GR"],
      city: "Αθήνα",
      country: "GR",
    });
    expect(record.tokens).toEqual(["giorgos", "papadopoulos"]);
    expect(record.phones).toEqual(["+306941234567"]);
    expect(record.emails).toEqual(["g@x.gr"]);
    expect(record.city).toBe("athina");
  });
});
