import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { addContact, assignTo, seedOrganisation } from "../support/seed.js";

describeEachDatabase("contacts", (env) => {
  it("creates a contact with normalised phones and e-mails, and reads it back", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/contacts",
      headers: { cookie: org.cookies.dispatcher },
      payload: {
        displayName: "Γιώργος Παπαδόπουλος",
        phones: ["+30 210 123 4567", "333 123 4567"],
        emails: [" Giorgos@Example.COM "],
        languages: ["el", "EN"],
        placeName: "Athens",
        country: "GR",
        lat: 37.98,
        lon: 23.72,
        inbound: true,
      },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json();
    expect(contact.phones).toEqual(["+302101234567", "3331234567"]);
    expect(contact.emails).toEqual(["giorgos@example.com"]);
    expect(contact.languages).toEqual(["el", "en"]);
    expect(contact.status).toBe("new");
    expect(contact.progress).toBe("none");
    const read = await app.inject({
      url: `/api/v1/contacts/${contact.id}`,
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: contact.id, displayName: "Γιώργος Παπαδόπουλος", inbound: true });
    expect(read.json().allowedStatuses).toEqual([
      "qualifying",
      "ready",
      "nurture",
      "unassignable",
      "paused",
      "closed",
    ]);
  });

  it("finds a Greek name by its Latin transliteration", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    await addContact(app, org.cookies.dispatcher, { displayName: "Γιώργος Παπαδόπουλος", phones: [] });
    await addContact(app, org.cookies.dispatcher, { displayName: "Anna Bianchi", phones: [] });
    const found = await app.inject({
      url: "/api/v1/contacts?q=papadopoulos",
      headers: { cookie: org.cookies.dispatcher },
    });
    expect(found.json().items.map((c: { displayName: string }) => c.displayName)).toEqual([
      "Γιώργος Παπαδόπουλος",
    ]);
  });

  it("walks a contact through offer and acceptance, recording each step on the timeline", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    await assignTo(app, org.cookies.dispatcher, org.cookies.worker, id, org.workers.worker.id);
    const contact = await app.inject({
      url: `/api/v1/contacts/${id}`,
      headers: { cookie: org.cookies.worker },
    });
    expect(contact.json()).toMatchObject({ status: "active", assignedWorkerId: org.workers.worker.id });
    const timeline = await app.inject({
      url: `/api/v1/contacts/${id}/activities`,
      headers: { cookie: org.cookies.worker },
    });
    const kinds = timeline
      .json()
      .items.map((a: { kind: string; data: { to?: string } }) => `${a.kind}:${a.data.to ?? ""}`);
    expect(kinds).toEqual(["status:active", "status:offered", "status:ready", "created:"]);
  });

  it("refuses an invalid transition with 409 naming the current state and the allowed ones", async () => {
    const { app, ctx } = env();
    const org = await seedOrganisation(ctx, app, "alpha");
    const id = await addContact(app, org.cookies.dispatcher);
    const response = await app.inject({
      method: "POST",
      url: `/api/v1/contacts/${id}/status`,
      headers: { cookie: org.cookies.dispatcher },
      payload: { to: "active" },
    });
    expect(response.statusCode).toBe(409);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json().detail).toBe(
      'cannot move from "new" to "active"; allowed next: qualifying, ready, nurture, unassignable, paused, closed',
    );
    expect(response.json().details).toEqual({
      current: "new",
      allowed: ["qualifying", "ready", "nurture", "unassignable", "paused", "closed"],
    });
  });
});
