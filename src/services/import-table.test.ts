import { describe, expect, it } from "vitest";
import { parseCsv } from "../core/intake/csv-table.js";
import { columnFields, convertValue, DISCIPLE_TOOLS, readRow } from "./import-table.js";

function table(text: string) {
  const problems: string[] = [];
  const read = parseCsv(text, "t.csv", problems);
  if (read === null) throw new Error(problems.join("; "));
  return read;
}

describe("columnFields", () => {
  it("answers a map naming a missing column or field as issues, not an exception", () => {
    const mapped = columnFields(table("Full name,Mobile\nAnna,1\n"), {
      maps: ["Cell=phone", "Mobile=fone", "x"],
    });
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    expect(mapped.issues.map((i) => i.map)).toEqual(["Cell=phone", "Mobile=fone", "x"]);
    expect(mapped.issues[0]?.message).toBe(
      '--map "Cell=phone": t.csv has no column "Cell"; its columns are "Full name", "Mobile"',
    );
  });

  it("names the map entry the API's way when told to", () => {
    const mapped = columnFields(table("name,Name2\nA,B\n"), {
      maps: ["Name2=name"],
      naming: { option: "map", entry: (spec) => `map=${spec}` },
    });
    expect(mapped.ok && [...mapped.value]).toEqual([[1, { field: "name" }]]);
    const both = columnFields(table("name,Name2\nA,B\n"), {
      maps: ["Name2=name", "name=name"],
      naming: { option: "map", entry: (spec) => `map=${spec}` },
    });
    expect(!both.ok && both.issues[0]?.message).toBe(
      't.csv:1:2: columns "name" and "Name2" both fill name; choose with map (e.g. map=Name2= ignores the second)',
    );
  });

  it("lets a preset choose over a header's name, a map over the preset, and keeps spare columns as notes", () => {
    const t = table("Name,city,Locations,Locations or Address,Seeker Path\nA,Roma,Torino,Milano,Met\n");
    const mapped = columnFields(t, { preset: DISCIPLE_TOOLS, maps: ["Seeker Path="] });
    expect(mapped.ok && Object.fromEntries(mapped.value)).toEqual({
      0: { field: "name" },
      1: { field: "city" },
      2: { field: "placeName", convert: "place" },
      3: { field: "note" },
    });
  });
});

describe("convertValue", () => {
  it("reads Disciple.Tools labels and keeps what it leaves out", () => {
    expect(convertValue("Female", "gender")).toEqual({ value: "f", leftOut: "" });
    expect(convertValue("Arabic;Dari;en", "languages")).toEqual({ value: "ar;en", leftOut: "Dari" });
    expect(convertValue("Torino, Piedmont, Italy", "place")).toEqual({
      value: "Torino",
      leftOut: "Torino, Piedmont, Italy",
    });
    expect(convertValue("Web;Facebook", "first")).toEqual({ value: "Web", leftOut: "Facebook" });
  });
});

describe("readRow", () => {
  it("joins note columns to the message, in column order", () => {
    const t = table("Status,name,message,Path\nActive,Anna,Hello,Met\n");
    const mapped = columnFields(t, { maps: ["Path=note", "Status=note"] });
    if (!mapped.ok || !t.rows[0]) throw new Error("not mapped");
    const read = readRow(t, mapped.value, t.rows[0]);
    expect(read.ok && read.value.message).toBe("Hello\nStatus: Active\nPath: Met");
  });
});
