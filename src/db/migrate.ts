/** Runs the one forward-only migration set on either database. */
import { type Migration, type MigrationProvider, Migrator } from "kysely";
import { type Db, type DialectName, migrationSchema } from "./dialect.js";
import * as m0001 from "./migrations/0001-initial.js";
import * as m0002 from "./migrations/0002-dispatch.js";
import * as m0003 from "./migrations/0003-security.js";
import * as m0004 from "./migrations/0004-intake.js";
import * as m0005 from "./migrations/0005-accountability.js";
import * as m0006 from "./migrations/0006-appointments.js";
import * as m0007 from "./migrations/0007-duplicates.js";
import * as m0008 from "./migrations/0008-reports.js";
import * as m0009 from "./migrations/0009-stages-teams-alerts.js";
import * as m0010 from "./migrations/0010-report-rollups.js";
import * as m0011 from "./migrations/0011-report-rollup-counts.js";
import * as m0012 from "./migrations/0012-stage-left-at.js";
import * as m0013 from "./migrations/0013-report-cells.js";
import * as m0014 from "./migrations/0014-contacts-accepted.js";
import * as m0015 from "./migrations/0015-accept-deadlines-by-time.js";
import * as m0016 from "./migrations/0016-report-stays.js";
import * as m0017 from "./migrations/0017-report-stays-by-group.js";
import * as m0018 from "./migrations/0018-stage-rollups-all-periods.js";
import * as m0019 from "./migrations/0019-open-held-stays.js";
import * as m0020 from "./migrations/0020-offers-by-worker.js";
import * as m0021 from "./migrations/0021-worker-last-offer.js";
import * as m0022 from "./migrations/0022-drop-offers-by-worker.js";
import * as m0023 from "./migrations/0023-held-weeks.js";

type DialectMigration = { up: (db: Parameters<Migration["up"]>[0], dialect: DialectName) => Promise<void> };

/** Listed by hand, in order: a migration is never renamed or edited once it has shipped. */
const MIGRATIONS: Record<string, DialectMigration> = {
  "0001-initial": m0001,
  "0002-dispatch": m0002,
  "0003-security": m0003,
  "0004-intake": m0004,
  "0005-accountability": m0005,
  "0006-appointments": m0006,
  "0007-duplicates": m0007,
  "0008-reports": m0008,
  "0009-stages-teams-alerts": m0009,
  "0010-report-rollups": m0010,
  "0011-report-rollup-counts": m0011,
  "0012-stage-left-at": m0012,
  "0013-report-cells": m0013,
  "0014-contacts-accepted": m0014,
  "0015-accept-deadlines-by-time": m0015,
  "0016-report-stays": m0016,
  "0017-report-stays-by-group": m0017,
  "0018-stage-rollups-all-periods": m0018,
  "0019-open-held-stays": m0019,
  "0020-offers-by-worker": m0020,
  "0021-worker-last-offer": m0021,
  "0022-drop-offers-by-worker": m0022,
  "0023-held-weeks": m0023,
};

function provider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db) => migration.up(db, dialect) };
      }
      return out;
    },
  };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const schema = await migrationSchema(db);
  const migrator = new Migrator({
    db: db.kysely,
    provider: provider(db.dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
