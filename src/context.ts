/** Composition root: the database, the clock, id generation and the logger, built once and passed down. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "./config.js";
import { type Db, isPostgresUrl, type OpenOptions, openDatabase } from "./db/dialect.js";
import { migrateToLatest } from "./db/migrate.js";

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
}

export const systemClock: Clock = { now: () => new Date() };

export interface ContextOptions {
  clock?: Clock;
  log?: Logger;
  open?: OpenOptions;
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
  };
}
