/** POST /api/v1/imports: a CSV or XLSX file of contacts, checked on a dry run, imported once. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";
import { type ImportProgressLine, type ImportReport, PROGRESS_TYPE } from "../../src/api/routes/imports.js";
import { TABLE_TYPES } from "../../src/services/import-table.js";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { seedOrganisation } from "../support/seed.js";

const FIXTURES = join(import.meta.dirname, "../fixtures");

// Line 3 has a bad e-mail, line 4 a lat without lon; "E-mail" needs a map, "notes" is ignored.
const MIXED = `name,Phone,E-mail,lat,lon,notes
Anna Rossi,+39 333 1234567,anna@example.org,41.9,12.5,"likes ""tea"""
Bruno Bad,,bruno@,,,
Carla Half,,carla@example.org,41.9,,
Dario Neri,,dario@example.org,,,
`;

function upload(
  app: FastifyInstance,
  cookie: string,
  body: string | Buffer,
  options: { query?: string; type?: string } = {},
) {
  return app.inject({
    method: "POST",
    url: `/api/v1/imports${options.query ? `?${options.query}` : ""}`,
    headers: { cookie, "content-type": options.type ?? TABLE_TYPES.csv },
    payload: body,
  });
}

async function contactNames(app: FastifyInstance, cookie: string): Promise<string[]> {
  const page = await send(app, cookie, { method: "GET", url: "/api/v1/contacts?limit=100" });
  expect(page.statusCode, page.body).toBe(200);
  return page
    .json<{ items: Array<{ displayName: string }> }>()
    .items.map((c) => c.displayName)
    .sort();
}

describeEachDatabase("importing contacts", (env) => {
  it("writes nothing on a dry run, and reports the rows, columns, bad cells and a sample", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const dry = await upload(app, org.cookies.dispatcher, MIXED, { query: "map=E-mail%3Demail&dryRun=true" });
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json<ImportReport>();
    expect(report).toMatchObject({ rows: 4, created: 2, alreadyImported: 0 });
    expect(report.columns).toEqual([
      { column: 1, header: "name", field: "name" },
      { column: 2, header: "Phone", field: "phone" },
      { column: 3, header: "E-mail", field: "email" },
      { column: 4, header: "lat", field: "lat" },
      { column: 5, header: "lon", field: "lon" },
      { column: 6, header: "notes", field: null },
    ]);
    expect(report.bad).toEqual([
      {
        line: 3,
        column: 3,
        header: "E-mail",
        field: "email",
        value: "bruno@",
        message: "not an e-mail address",
      },
      {
        line: 4,
        column: 5,
        header: "lon",
        field: "lon",
        value: "",
        message: "lat and lon are given together",
      },
    ]);
    expect(report.sample.map((s) => [s.line, s.contact.displayName, s.contact.phones])).toEqual([
      [2, "Anna Rossi", ["+393331234567"]],
      [5, "Dario Neri", []],
    ]);
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual([]);
  });

  it("imports the good rows once, and creates nothing when the same file comes again", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const first = await upload(app, org.cookies.setter, MIXED, { query: "map=E-mail%3Demail&source=fair" });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<ImportReport>()).toMatchObject({ rows: 4, created: 2, alreadyImported: 0 });
    expect(first.json<ImportReport>().bad.map((b) => [b.line, b.column])).toEqual([
      [3, 3],
      [4, 5],
    ]);
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual(["Anna Rossi", "Dario Neri"]);

    const again = await upload(app, org.cookies.dispatcher, MIXED, {
      query: "map=E-mail%3Demail&source=fair",
    });
    expect(again.json<ImportReport>()).toMatchObject({ created: 0, alreadyImported: 2 });
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual(["Anna Rossi", "Dario Neri"]);

    const audit = await send(app, org.cookies.admin, {
      method: "GET",
      url: "/api/v1/audit?action=contact.import",
    });
    expect(audit.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it("answers progress lines after each batch when asked, then the report; a bad file still gets its problem", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const rows = Array.from({ length: 1_234 }, (_, i) => `Person ${i},person${i}@example.org`);
    const file = `name,email\n${rows.join("\n")}\n`;
    const streamed = await app.inject({
      method: "POST",
      url: "/api/v1/imports",
      headers: { cookie: org.cookies.dispatcher, "content-type": TABLE_TYPES.csv, accept: PROGRESS_TYPE },
      payload: file,
    });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = streamed.body
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ImportProgressLine);
    expect(lines.slice(0, -1)).toEqual([
      { done: 500, total: 1_234 },
      { done: 1_000, total: 1_234 },
      { done: 1_234, total: 1_234 },
    ]);
    const last = lines.at(-1);
    expect(last && "report" in last ? last.report : last).toMatchObject({
      rows: 1_234,
      created: 1_234,
      bad: [],
    });
    const count = await ctx.db.kysely
      .selectFrom("contacts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organisation_id", "=", org.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1_234);

    // Refused before any row is read: the usual problem, not a stream.
    const refused = await app.inject({
      method: "POST",
      url: "/api/v1/imports?map=Nope%3Dname",
      headers: { cookie: org.cookies.dispatcher, "content-type": TABLE_TYPES.csv, accept: PROGRESS_TYPE },
      payload: file,
    });
    expectProblem(refused, 400, { paths: ["map"] });
  }, 120_000);

  it("imports the first sheet of an XLSX workbook", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Leads");
    sheet.addRow(["Given name", "Family name", "Mobile", "City"]);
    sheet.addRow(["Elena", "Bianchi", 393331112222, "Roma"]);
    sheet.addRow(["Fabio", "Verdi", "+39 333 444 5555", ""]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await upload(app, org.cookies.admin, bytes, {
      type: TABLE_TYPES.xlsx,
      query: "map=Mobile%3Dphone",
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ImportReport>()).toMatchObject({ rows: 2, created: 2, bad: [] });
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual(["Elena Bianchi", "Fabio Verdi"]);
  });

  it("reads a Disciple.Tools export with its preset, keeping status, path, assignee and milestones as a note", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const file = readFileSync(join(FIXTURES, "disciple-tools-contacts.csv"));
    const response = await upload(app, org.cookies.dispatcher, file, { query: "preset=disciple-tools" });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<ImportReport>();
    expect(report).toMatchObject({ rows: 6, created: 5 });
    expect(report.bad).toEqual([
      expect.objectContaining({ line: 5, column: 8, header: "Email", message: "not an e-mail address" }),
    ]);
    const field = (header: string) => report.columns.find((c) => c.header === header)?.field;
    expect(
      ["Name", "Phone", "Email", "Gender", "Languages", "Locations", "Sources", "Seeker Path", "Tags"].map(
        field,
      ),
    ).toEqual(["name", "phone", "email", "gender", "language", "placeName", "source", "note", "note"]);
    expect(field("Locations [ID]")).toBeNull();
    const ahmad = report.sample.find((s) => s.contact.displayName === "Ahmad Karimi");
    expect(ahmad?.contact).toMatchObject({
      phones: ["+393451234567"],
      emails: ["ahmad.karimi@example.org"],
      gender: "m",
      languages: ["fa", "en"],
      placeName: "Torino",
      source: "Facebook",
    });
    expect(ahmad?.message?.split("\n")).toEqual([
      "ID: 1042",
      "Address: Via Nizza 12, 10125 Torino",
      "Age: 26-40 years old",
      "Assigned To: Luca Bianchi",
      "Contact Status: Active",
      "Faith Milestones: Has Bible;Reading Bible",
      "Locations: Torino, Piedmont, Italy",
      "Seeker Path: First Meeting Complete",
      "Sources: Web",
      "Tags: ramadan-2025",
    ]);
    // Dari has no two-letter code: it stays in the note rather than failing the row.
    const fatima = report.sample.find((s) => s.contact.displayName === "Fatima Haidari");
    expect(fatima?.contact).toMatchObject({ gender: "f", languages: ["fa"] });
    expect(fatima?.message).toContain("Languages: Dari");
    expect(await contactNames(app, org.cookies.dispatcher)).toHaveLength(5);
  });

  it("refuses a map naming a missing column or field, and an unreadable file, naming what and where", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const noColumn = expectProblem(
      await upload(app, org.cookies.dispatcher, MIXED, { query: "map=Cell%3Dphone" }),
      400,
      {
        paths: ["map"],
      },
    );
    expect(noColumn.detail).toContain('map=Cell=phone: upload.csv has no column "Cell"');
    const noField = expectProblem(
      await upload(app, org.cookies.dispatcher, MIXED, { query: "map=Phone%3Dfone" }),
      400,
    );
    expect(noField.errors?.[0]?.message).toContain('no field "fone"');
    const unclosed = expectProblem(await upload(app, org.cookies.dispatcher, 'name\n"Anna\n'), 400, {
      paths: ["body"],
    });
    expect(unclosed.detail).toMatch(/^upload\.csv:\d+: a quoted cell is never closed/);
    const notXlsx = expectProblem(
      await upload(app, org.cookies.dispatcher, "not a workbook", { type: TABLE_TYPES.xlsx }),
      400,
    );
    expect(notXlsx.detail).toContain("not a readable .xlsx workbook");
    expectProblem(await upload(app, org.cookies.dispatcher, "{}", { type: "application/json" }), 415);
    expectProblem(await upload(app, org.cookies.dispatcher, MIXED, { query: "preset=salesforce" }), 400, {
      paths: ["preset"],
    });
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual([]);
  });

  it("is refused to workers and marketers, who may not create contacts", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    for (const cookie of [org.cookies.worker, org.cookies.marketer]) {
      expectProblem(await upload(app, cookie, MIXED, { query: "map=E-mail%3Demail" }), 403);
      expectProblem(await send(app, cookie, { method: "GET", url: "/api/v1/imports/fields" }), 403);
    }
    const fields = await send(app, org.cookies.setter, { method: "GET", url: "/api/v1/imports/fields" });
    expect(fields.statusCode).toBe(200);
    expect(fields.json<{ presets: Array<{ id: string }> }>().presets.map((p) => p.id)).toEqual([
      "disciple-tools",
    ]);
    expect(await contactNames(app, org.cookies.dispatcher)).toEqual([]);
  });
});
