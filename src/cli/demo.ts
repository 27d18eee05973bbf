/** `handoff demo`: fills a database with two realistic organisations and prints how to sign in. */
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { type Context, createContext } from "../context.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import { PASSWORD as DEMO_PASSWORD } from "../services/demo/profiles.js";
import { type DemoLogin, loadDemo } from "../services/load-demo.js";
import { dbOption, UsageError } from "./options.js";

export function demoCommand(program: Command): void {
  program
    .command("demo")
    .description("Fill a database with a demo ministry network and a demo sales team, then print the logins")
    .addOption(dbOption())
    .option("--seed <n>", "random seed, for a repeatable demo", "1")
    .action(async (options: { db?: string; seed: string }) => {
      parseSeed(options.seed);
      const ctx = await createContext(loadConfig(options));
      try {
        const logins = await loadDemo(ctx, { seed: parseSeed(options.seed) });
        process.stdout.write(describeLogins(logins));
      } finally {
        await ctx.db.close();
      }
    });
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed: "${text}" is not a whole number ≥ 0`);
  return seed;
}

/** On the first start of an empty database: the demo, so a newcomer has something to work with. */
export async function loadDemoIfEmpty(ctx: Context): Promise<DemoLogin[] | null> {
  const any = await ctx.db.kysely.selectFrom("organisations").select("slug").limit(1).executeTakeFirst();
  if (any) return null;
  return loadDemo(ctx, { seed: 1 });
}

/** On later starts: a reminder of how to sign in, when the demo is there. */
export async function demoHint(ctx: Context): Promise<string> {
  const demo = await findOrganisationBySlug(ctx.db.kysely, "harvest");
  return demo
    ? `\nDemo data is loaded: sign in as dispatcher@harvest.example with password ${DEMO_PASSWORD}\n\n`
    : "";
}

export function describeLogins(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((l) => l.email.length));
  const lines = logins.map((l) => `  ${l.email.padEnd(width)}  ${l.password}  ${l.role} · ${l.organisation}`);
  return `\nDemo logins (e-mail, password, role · organisation):\n${lines.join("\n")}\n\n`;
}
