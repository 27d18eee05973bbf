/** Composition root: the database, the clock, id generation and the logger, built once and passed down. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "./config.js";
import { type Db, isPostgresUrl, type OpenOptions, openDatabase } from "./db/dialect.js";
import { migrateToLatest } from "./db/migrate.js";
import { createMailer, type Mailer } from "./notify/mailer.js";

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
  };
}
