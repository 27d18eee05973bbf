import { parse } from "csv-parse/sync";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { expectProblem, send } from "../support/http.js";
import { addContact, assignTo, seedOrganisation } from "../support/seed.js";

describeEachDatabase("exporting contacts", (env) => {
  it("exports what the caller may see as CSV, with the list's filters, and logs the export", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const mine = await addContact(app, org.cookies.dispatcher, {
      displayName: 'Eleni, "Lena" Papadopoulou',
      phones: ["+30 694 123 4567", "+30 210 123 4567"],
      languages: ["el", "en"],
      placeName: "Athens",
    });
    await addContact(app, org.cookies.dispatcher, { displayName: "Maria Rossi", placeName: "Roma" });
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, mine, org.workers.worker.id);

    const all = await send(app, org.cookies.dispatcher, { method: "GET", url: "/api/v1/contacts/export" });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.headers["content-type"]).toContain("text/csv");
    expect(all.headers["content-disposition"]).toMatch(
      /attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const rows = parse(all.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.name).sort()).toEqual(['Eleni, "Lena" Papadopoulou', "Maria Rossi"]);
    const eleni = rows.find((r) => r.name?.startsWith("Eleni"));
    expect(eleni).toMatchObject({
      phone: "+306941234567;+302101234567",
      language: "el;en",
      status: "active",
    });

    const filtered = await send(app, org.cookies.dispatcher, {
      method: "GET",
      url: "/api/v1/contacts/export?place=roma",
    });
    expect((parse(filtered.body, { columns: true }) as unknown[]).length).toBe(1);

    const worker = await send(app, org.cookies.worker, { method: "GET", url: "/api/v1/contacts/export" });
    const theirs = parse(worker.body, { columns: true }) as Array<Record<string, string>>;
    expect(theirs.map((r) => r.id)).toEqual([mine]);
    expectProblem(
      await send(app, org.cookies.marketer, { method: "GET", url: "/api/v1/contacts/export" }),
      403,
    );

    const log = await send(app, org.cookies.admin, {
      method: "GET",
      url: "/api/v1/audit?action=contact.export_list",
    });
    expect(
      log
        .json()
        .items.map((e: { after: { count: number } }) => e.after.count)
        .sort(),
    ).toEqual([1, 1, 2]);
  });
});
