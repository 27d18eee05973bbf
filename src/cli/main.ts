/** The `handoff` command line (contract.md): serve, demo, user add, migrate. */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { dedupeCommand } from "./dedupe.js";
import { demoCommand } from "./demo.js";
import { dispatchCommand } from "./dispatch.js";
import { importCommand } from "./import.js";
import { UsageError } from "./options.js";
import { migrateCommand, serveCommand } from "./serve.js";
import { userCommand } from "./user.js";

const program = new Command()
  .name("handoff")
  .description("Handoff: from an online first touch to a face-to-face relationship.")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

serveCommand(program);
migrateCommand(program);
demoCommand(program);
dispatchCommand(program);
dedupeCommand(program);
importCommand(program);
userCommand(program);

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
