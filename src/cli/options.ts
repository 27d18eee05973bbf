/** Options and errors shared by every command. */
import { Option } from "commander";

/** Bad usage or bad input: exit code 2 (contract.md). */
export class UsageError extends Error {}

export const dbOption = () =>
  new Option(
    "--db <path|postgres://…>",
    "SQLite file or PostgreSQL URL (env DATABASE_URL; default ./data/handoff.db)",
  );
