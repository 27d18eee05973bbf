import { describe, expect, it } from "vitest";
import { readIntake } from "./intake.js";

describe("readIntake", () => {
  it("reads a web form's strings: lists, flags, coordinates and utm fields", () => {
    const read = readIntake({
      name: "  Maria Rossi ",
      phone: "333 123 4567; +39 06 1234 5678",
      email: "Maria@Example.org",
      language: "IT,en",
      city: "Roma",
      country: "it",
      lat: "41.9",
      lon: "12.5",
      utm_source: "facebook",
      utm_campaign: "spring",
      message: "Call me after six",
      inbound: "on",
      submit: "Send",
    });
    expect(read).toEqual({
      ok: true,
      value: {
        contact: expect.objectContaining({
          displayName: "Maria Rossi",
          phones: ["333 123 4567", "+39 06 1234 5678"],
          emails: ["maria@example.org"],
          languages: ["it", "en"],
          placeName: "Roma",
          country: "IT",
          lat: 41.9,
          lon: 12.5,
          source: "facebook",
          campaign: "spring",
          inbound: true,
        }),
        attribution: { utm_source: "facebook", utm_campaign: "spring" },
        message: "Call me after six",
      },
    });
  });

  it("flags a contact as inbound unless told otherwise", () => {
    const read = readIntake({ email: "a@b.org", inbound: false });
    expect(read.ok && read.value.contact.inbound).toBe(false);
    const defaulted = readIntake({ email: "a@b.org" });
    expect(defaulted.ok && defaulted.value.contact.inbound).toBe(true);
  });

  it("names every bad field, by the name the caller sent", () => {
    const read = readIntake({ email: "not an e-mail", lat: "north", gender: "x", inbound: "maybe" });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.issues.map((i) => i.path).sort()).toEqual(["email.0", "gender", "inbound", "lat"]);
  });

  it("refuses a request with neither name, phone nor e-mail", () => {
    expect(readIntake({ city: "Roma" })).toEqual({
      ok: false,
      issues: [{ path: "name", message: "give a name, a phone or an e-mail" }],
    });
  });

  it("builds the name from its parts, and lat with lon or not at all", () => {
    const read = readIntake({ givenName: "Giorgos", familyName: "Papadopoulos", lat: 37.9 });
    expect(!read.ok && read.issues.map((i) => i.path)).toEqual(["lon"]);
    const ok = readIntake({ givenName: "Giorgos", familyName: "Papadopoulos" });
    expect(ok.ok && ok.value.contact.displayName).toBe("Giorgos Papadopoulos");
  });
});
