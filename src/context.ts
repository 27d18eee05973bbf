/** Composition root: the database, the clock, id generation and the logger, built once and passed down. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "./config.js";
import { type Db, isPostgresUrl, type OpenOptions, openDatabase } from "./db/dialect.js";
import { migrateToLatest } from "./db/migrate.js";
import { createMailer, type Mailer } from "./notify/mailer.js";
import { isSealed, type SecretBox, secretBox, secretKeyOf } from "./secret-box.js";

export interface Clock {
  now(): Date;
}

export interface Context {
  db: Db;
  clock: Clock;
  /** Ids that sort by creation time (UUIDv7). */
  newId: () => string;
  log: Logger;
  config: Readonly<Config>;
  /** Null when no SMTP server is configured: notifications then stay in the inbox. */
  mailer: Mailer | null;
  /** Seals and opens users' TOTP secrets. */
  secrets: SecretBox;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ContextOptions {
  clock?: Clock;
  log?: Logger;
  open?: OpenOptions;
  mailer?: Mailer | null;
}

export async function createContext(
  config: Readonly<Config>,
  options: ContextOptions = {},
): Promise<Context> {
  if (!isPostgresUrl(config.databaseUrl) && config.databaseUrl !== ":memory:") {
    mkdirSync(dirname(config.databaseUrl), { recursive: true });
  }
  const db = openDatabase(config.databaseUrl, options.open);
  await migrateToLatest(db);
  const { key, source } = secretKeyOf(config);
  const secrets = secretBox(key);
  await sealStoredSecrets(db, secrets, source);
  return {
    db,
    clock: options.clock ?? systemClock,
    newId: () => uuidv7(),
    log: options.log ?? pino({ level: config.logLevel }),
    config,
    mailer:
      options.mailer !== undefined
        ? options.mailer
        : config.smtpUrl
          ? createMailer(config.smtpUrl, config.mailFrom)
          : null,
    secrets,
  };
}

/**
 * Seals the TOTP secrets stored before there was a key (or before sealing existed). Refuses to start
 * when secrets are sealed and this process has no key: every second factor would fail at sign-in.
 */
async function sealStoredSecrets(db: Db, secrets: SecretBox, source: string): Promise<void> {
  const rows = await db.kysely
    .selectFrom("users")
    .select(["id", "totp_secret"])
    .where("totp_secret", "is not", null)
    .execute();
  const sealed = rows.filter((row) => isSealed(row.totp_secret ?? ""));
  if (!secrets.sealing) {
    if (sealed.length > 0) {
      await db.close();
      throw new Error(
        `${sealed.length} users' second factors are sealed with a key this process lacks: set HANDOFF_SECRET_KEY to the key they were sealed with`,
      );
    }
    return;
  }
  for (const row of rows) {
    if (row.totp_secret === null || isSealed(row.totp_secret)) continue;
    await db.kysely
      .updateTable("users")
      .set({ totp_secret: secrets.seal(row.totp_secret) })
      .where("id", "=", row.id)
      .where("totp_secret", "=", row.totp_secret)
      .execute();
  }
  // Every secret is sealed with the one key: opening one shows whether this process has it.
  try {
    if (sealed[0]) secrets.open(sealed[0].totp_secret ?? "");
  } catch {
    await db.close();
    throw new Error(`the users' second factors were sealed with another key than ${source}'s`);
  }
}
