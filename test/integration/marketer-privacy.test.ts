/**
 * A marketer sees aggregates, never a person: every documented operation, called by a marketer on
 * every kind of record, answers without a contact's name, phone, e-mail, place or note anywhere in it.
 */
import { expect, it } from "vitest";
import { buildApp } from "../../src/api/app.js";
import { describeEachDatabase } from "../support/databases.js";
import { send } from "../support/http.js";
import { apiOperations } from "../support/openapi.js";
import { sampleOf } from "../support/schema-sample.js";
import { addContact, assignTo, seedOrganisation } from "../support/seed.js";

/** What would identify the seeded people, as it could appear in any response. */
const PERSONAL = [
  "Zenobia",
  "Quaglietti",
  "3331239876",
  "zenobia@example.org",
  "Vicolo Stretto",
  "secret note",
];

describeEachDatabase("marketer privacy", (env) => {
  it("gives a marketer no personal data from any documented route", async () => {
    const { ctx } = env();
    const app = await buildApp({ ...ctx, config: { ...ctx.config, rateLimitPerMinute: 0 } });
    try {
      const org = await seedOrganisation(ctx, app, "alpha");
      const held = await addContact(app, org.cookies.dispatcher, {
        displayName: "Zenobia Quaglietti",
        phones: ["333 123 9876"],
        emails: ["zenobia@example.org"],
        placeName: "Vicolo Stretto",
        campaign: "spring",
      });
      await assignTo(app, org.cookies.dispatcher, org.cookies.worker, held, org.workers.worker.id);
      await send(app, org.cookies.worker, {
        method: "POST",
        url: `/api/v1/contacts/${held}/activities`,
        payload: { kind: "comment", body: "a secret note" },
      });
      const open = await addContact(app, org.cookies.dispatcher, {
        displayName: "Zenobia Quaglietti",
        emails: ["zenobia@example.org"],
        placeName: "Vicolo Stretto",
      });
      const ids: Record<string, string> = { workerId: org.workers.worker.id, userId: org.userIds.setter };
      const answered: string[] = [];
      // Signing out or changing the password would end the marketer's session for the rest of the sweep.
      const endsSession = new Set(["POST /api/v1/auth/logout", "POST /api/v1/me/password"]);
      for (const operation of await apiOperations(app)) {
        if (endsSession.has(`${operation.method} ${operation.path}`)) continue;
        // Each record a path may name: the contact a worker holds, one nobody holds, the worker, a user.
        for (const id of [held, open, org.workers.worker.id, org.userIds.setter]) {
          const url = operation.path.replace(/\{(\w+)\}/g, () => id);
          const payload =
            operation.body === undefined
              ? undefined
              : sampleOf(operation.body, "body", (n) => ids[n] ?? "", false);
          const response = await send(app, org.cookies.marketer, {
            method: operation.method,
            url,
            ...(payload === undefined ? {} : { payload }),
          });
          const leaked = PERSONAL.filter((value) => response.body.includes(value));
          expect(leaked, `${operation.method} ${url} → ${response.statusCode}`).toEqual([]);
          if (response.statusCode < 300) answered.push(`${operation.method} ${operation.path}`);
          if (operation.pathParams.length === 0) break;
        }
      }
      // The reports answer a marketer: the test reaches the routes that do give data.
      expect(answered).toContain("GET /api/v1/reports/demand");
    } finally {
      await app.close();
    }
  });
});
