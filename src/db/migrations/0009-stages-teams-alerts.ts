/**
 * Reports, part two: each contact's stage changes (time spent in each status), workers' teams, contacts'
 * H3 cells (the hexagonal map), and the alerts raised when a place's contacts per available worker cross
 * the organisation's threshold. Contacts stored before this migration get their stage history from their
 * timeline and their cells from their coordinates.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import { h3CellsOf } from "../../core/reports/hexagons.js";
import { stageEntriesOf } from "../../core/reports/stage-history.js";
import { type DialectName, doubleType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

const PAGE = 2_000;

export async function up(db: AnyDb, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("contact_stage_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
    // The status entered, and the worker holding the contact from then on (null: nobody).
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("worker_id", "text")
    .addColumn("entered_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("contact_stage_changes_by_contact")
    .on("contact_stage_changes")
    .columns(["organisation_id", "contact_id", "entered_at"])
    .execute();
  await db.schema
    .createIndex("contact_stage_changes_by_worker")
    .on("contact_stage_changes")
    .columns(["organisation_id", "worker_id", "entered_at"])
    .execute();

  await db.schema.alterTable("workers").addColumn("team", "text").execute();
  await db.schema.createIndex("workers_by_team").on("workers").columns(["organisation_id", "team"]).execute();

  for (const resolution of [4, 5, 6, 7]) {
    await db.schema.alterTable("contacts").addColumn(`h3_r${resolution}`, "text").execute();
  }

  await db.schema
    .createTable("demand_alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
    .addColumn("country", "text")
    .addColumn("place_name", "text")
    // country|place: one open alert per place (the unique index below keeps two sweepers from both raising it).
    .addColumn("place_key", "text", (c) => c.notNull())
    .addColumn("contacts", "integer", (c) => c.notNull())
    .addColumn("workers", "integer", (c) => c.notNull())
    // Contacts per available worker when it crossed; null: contacts and no worker at all.
    .addColumn("ratio", doubleType(dialect))
    .addColumn("threshold", doubleType(dialect), (c) => c.notNull())
    .addColumn("raised_at", "text", (c) => c.notNull())
    // Set when the place drops back to the threshold or below; a new crossing raises a new alert.
    .addColumn("cleared_at", "text")
    .execute();
  await db.schema
    .createIndex("demand_alerts_open")
    .on("demand_alerts")
    .columns(["organisation_id", "place_key"])
    .unique()
    .where(sql<SqlBool>`cleared_at is null`)
    .execute();
  await db.schema
    .createIndex("demand_alerts_recent")
    .on("demand_alerts")
    .columns(["organisation_id", "raised_at"])
    .execute();

  await backfillStages(db);
  await backfillCells(db);
}

async function backfillStages(db: AnyDb): Promise<void> {
  let after = "";
  for (;;) {
    const contacts = await db
      .selectFrom("contacts")
      .select(["id", "organisation_id", "created_at"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    if (contacts.length === 0) return;
    const activities = await db
      .selectFrom("activities")
      .select(["contact_id", "created_at", "data"])
      .where("kind", "=", "status")
      .where(
        "contact_id",
        "in",
        contacts.map((c: { id: string }) => c.id),
      )
      .execute();
    const byContact = new Map<string, typeof activities>();
    for (const a of activities) byContact.set(a.contact_id, [...(byContact.get(a.contact_id) ?? []), a]);
    const rows = contacts.flatMap((c: { id: string; organisation_id: string; created_at: string }) =>
      stageEntriesOf(c, byContact.get(c.id) ?? []).map((e, i) => ({
        id: `${c.id}-stage-${String(i).padStart(4, "0")}`,
        organisation_id: e.organisationId,
        contact_id: e.contactId,
        status: e.status,
        worker_id: e.workerId,
        entered_at: e.enteredAt,
      })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto("contact_stage_changes")
        .values(rows.slice(i, i + 500))
        .execute();
    }
    after = (contacts[contacts.length - 1] as { id: string }).id;
  }
}

async function backfillCells(db: AnyDb): Promise<void> {
  let after = "";
  for (;;) {
    const contacts = await db
      .selectFrom("contacts")
      .select(["id", "lat", "lon"])
      .where("id", ">", after)
      .where("lat", "is not", null)
      .where("lon", "is not", null)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    if (contacts.length === 0) return;
    for (const c of contacts as Array<{ id: string; lat: number; lon: number }>) {
      await db.updateTable("contacts").set(h3CellsOf(c.lat, c.lon)).where("id", "=", c.id).execute();
    }
    after = (contacts[contacts.length - 1] as { id: string }).id;
  }
}
