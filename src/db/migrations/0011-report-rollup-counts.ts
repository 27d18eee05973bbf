/**
 * The rollups' counts in one covering index: reports by source or campaign (or filtered by them) and
 * their edges' reasons read these narrow entries instead of the rollup rows, whose 168 histogram columns
 * make them wide; only the medians read the histograms.
 */
import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: a migration runs before the typed schema exists.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: DialectName): Promise<void> {
  await db.schema
    .createIndex("report_rollups_counts")
    .on("report_rollups")
    .columns([
      "organisation_id",
      "grain",
      "period",
      "country",
      "region",
      "place_name",
      "source",
      "campaign",
      "reason",
      "contacts",
      "unassignable",
      "waiting",
      "accepted",
      "met",
      "offers_answered",
      "offers_accepted",
      "assigned",
      "first_contacted",
    ])
    .execute();
}
