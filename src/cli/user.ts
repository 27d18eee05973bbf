/** `handoff user add`: creates a user, such as the first admin of a new organisation. */
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { createContext } from "../context.js";
import { type UserCreate, UserCreateSchema } from "../core/model.js";
import { findOrganisationBySlug } from "../db/organisations.js";
import { systemCaller } from "../services/record.js";
import { createOrganisation } from "../services/save-organisation.js";
import { createUser } from "../services/save-user.js";
import { dbOption, UsageError } from "./options.js";

interface AddOptions {
  db?: string;
  org: string;
  orgName?: string;
  kind: string;
  email: string;
  name: string;
  role: string;
  password?: string;
  locale?: string;
}

export function userCommand(program: Command): void {
  const user = program.command("user").description("Manage users");
  user
    .command("add")
    .description("Add a user; creates the organisation too when it does not exist yet")
    .addOption(dbOption())
    .requiredOption("--org <slug>", "the organisation's short name, e.g. harvest")
    .option("--org-name <name>", "the organisation's full name, when it is created now")
    .option("--kind <ministry|sales>", "the kind of organisation, when it is created now", "ministry")
    .requiredOption("--email <address>", "the e-mail the user signs in with")
    .requiredOption("--name <name>", "the user's full name")
    .option("--role <role>", "admin, dispatcher, setter, worker or marketer", "admin")
    .option(
      "--password <password>",
      "at least 10 characters (env HANDOFF_PASSWORD is not read: pass it here or on stdin)",
    )
    .option("--locale <en|it|el>", "console language", "en")
    .action(async (options: AddOptions) => {
      const password = options.password ?? (await readStdin()).trim();
      const parsed = UserCreateSchema.safeParse({
        email: options.email,
        name: options.name,
        role: options.role,
        password,
        locale: options.locale,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(`--${String(issue?.path[0] ?? "input")}: ${issue?.message}`);
      }
      if (options.kind !== "ministry" && options.kind !== "sales") {
        throw new UsageError(`--kind: "${options.kind}" must be ministry or sales`);
      }
      const ctx = await createContext(loadConfig(options));
      try {
        const organisationId = await ensureOrganisation(
          ctx,
          options.org,
          options.orgName ?? options.org,
          options.kind,
        );
        const created = await createUser(ctx, systemCaller(organisationId), parsed.data as UserCreate);
        if (!created.ok) throw new UsageError(created.error.message);
        process.stderr.write(`added ${created.value.role} ${created.value.email} to ${options.org}\n`);
      } finally {
        await ctx.db.close();
      }
    });
}

async function ensureOrganisation(
  ctx: Awaited<ReturnType<typeof createContext>>,
  slug: string,
  name: string,
  kind: "ministry" | "sales",
): Promise<string> {
  const existing = await findOrganisationBySlug(ctx.db.kysely, slug);
  if (existing) return existing.id;
  const created = await createOrganisation(ctx, { name, slug, kind });
  if (!created.ok) throw new UsageError(created.error.message);
  return created.value.id;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError("--password is required (or pipe it on stdin)");
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
