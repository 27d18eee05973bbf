/** The `handoff` command line (contract.md): serve, migrate, demo, dispatch, dedupe, import, user. */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { UsageError } from "./options.js";

/**
 * Each command's module, loaded only for that command: `handoff dispatch` reads two CSV files and
 * need not load the server, the database drivers and the gazetteer first (seconds on a busy machine).
 * Help and an unknown command load them all.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  serve: async () => (await import("./serve.js")).serveCommand,
  migrate: async () => (await import("./serve.js")).migrateCommand,
  demo: async () => (await import("./demo.js")).demoCommand,
  dispatch: async () => (await import("./dispatch.js")).dispatchCommand,
  dedupe: async () => (await import("./dedupe.js")).dedupeCommand,
  import: async () => (await import("./import.js")).importCommand,
  user: async () => (await import("./user.js")).userCommand,
};

const program = new Command()
  .name("handoff")
  .description("Handoff: from an online first touch to a face-to-face relationship.")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const named = COMMANDS[process.argv[2] ?? ""];
for (const load of named ? [named] : Object.values(COMMANDS)) (await load())(program);

// Exit codes of contract.md: 0 success, 1 a runtime failure, 2 bad usage or bad input.
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`handoff: ${error.message}\n`);
    process.exit(2);
  }
  // A runtime failure: its message says what went wrong; a stack trace only helps with a bug of ours.
  const bug = !(error instanceof Error) || error instanceof TypeError || error instanceof ReferenceError;
  process.stderr.write(
    `handoff: ${bug ? String(error instanceof Error ? error.stack : error) : error.message}\n`,
  );
  process.exit(1);
}
