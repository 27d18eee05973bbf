/** `handoff serve` and `handoff migrate`. */
import type { Command } from "commander";
import { buildApp } from "../api/app.js";
import { loadConfig } from "../config.js";
import { createContext } from "../context.js";
import { migrateToLatest } from "../db/migrate.js";
import { startOutbox } from "../jobs/outbox.js";
import { startSweeper } from "../jobs/sweeper.js";
import { warmGazetteer } from "../services/gazetteer.js";
import { demoHint, describeLogins, loadDemoIfEmpty } from "./demo.js";
import { dbOption } from "./options.js";

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("Start the web console and the HTTP API")
    .addOption(dbOption())
    .option("--port <n>", "port to listen on (env PORT; default 3000)")
    .option("--host <addr>", "address to listen on (env HOST; default 127.0.0.1)")
    .option("--demo", "load the demo organisations when the database is empty")
    .action(async (options: { db?: string; port?: string; host?: string; demo?: boolean }) => {
      const config = loadConfig(options);
      // A server's event loop must not stop for SQLite's checkpoints (src/db/sqlite-checkpoints.ts).
      const ctx = await createContext(config, { open: { backgroundCheckpoints: true } });
      const logins = options.demo ? await loadDemoIfEmpty(ctx) : null;
      const app = await buildApp(ctx);
      const stopSweeper = startSweeper(ctx, config.sweepSeconds * 1000);
      const stopOutbox = startOutbox(ctx, config.outboxSeconds * 1000);
      // The first intake with a place name should not wait for the gazetteer to decode.
      warmGazetteer();
      const address = await app.listen({ port: config.port, host: config.host });
      const url = address.replace("127.0.0.1", "localhost");
      process.stdout.write(`\nHandoff is running at ${url}  (database: ${ctx.db.label})\n`);
      if (logins) process.stdout.write(describeLogins(logins));
      else if (options.demo) process.stdout.write(await demoHint(ctx));
      const stop = async () => {
        stopSweeper();
        await app.close();
        await stopOutbox();
        ctx.mailer?.close();
        await ctx.db.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}

export function migrateCommand(program: Command): void {
  program
    .command("migrate")
    .description("Create or update the database schema, then exit")
    .addOption(dbOption())
    .action(async (options: { db?: string }) => {
      const ctx = await createContext(loadConfig(options));
      const applied = await migrateToLatest(ctx.db);
      process.stderr.write(
        `migrated ${ctx.db.label}: ${applied.length === 0 ? "already up to date" : applied.join(", ")}\n`,
      );
      await ctx.db.close();
    });
}
