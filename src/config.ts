/** Flags and environment, parsed once into a frozen object. The only reader of process.env. */
import { z } from "zod";

/** 10.0.0.0/8, 127.0.0.1, fd00::/8, ::1 */
const addressOrRange = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  HANDOFF_SESSION_HOURS: z.coerce.number().positive().optional(),
  HANDOFF_SECURE_COOKIES: z.enum(["true", "false"]).optional(),
  HANDOFF_RATE_LIMIT: z.coerce.number().int().min(0).optional(),
  HANDOFF_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  HANDOFF_MAIL_FROM: z.string().min(3).optional(),
  HANDOFF_PUBLIC_URL: z.url().optional(),
  HANDOFF_OUTBOX_SECONDS: z.coerce.number().positive().optional(),
  HANDOFF_SWEEP_SECONDS: z.coerce.number().positive().optional(),
  HANDOFF_WEBHOOK_ALLOW: z
    .string()
    .transform((text, ctx) => {
      const entries = text
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "");
      for (const entry of entries) {
        if (!addressOrRange.safeParse(entry).success) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or a CIDR range` });
        }
      }
      return entries;
    })
    .optional(),
  HANDOFF_SECRET_KEY: z
    .string()
    .min(32, "must be at least 32 characters (e.g. the output of: openssl rand -base64 32)")
    .optional(),
  HANDOFF_TEST_DB: z.enum(["sqlite", "postgres", "both"]).optional(),
  HANDOFF_TEST_PG_URL: z.string().min(1).optional(),
  /** The in-process integration tests' log level: errors by default, so a 500 shows its cause. */
  HANDOFF_TEST_LOG: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});

export interface Config {
  /** A SQLite file path, or a postgres:// URL. */
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  sessionHours: number;
  secureCookies: boolean;
  /** Requests per minute one session, API key or address may make; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Where e-mail goes out (smtp://user:pass@host:port); null: no e-mail, the inbox only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** The console's address as people reach it, for links in e-mails; by default host and port. */
  publicUrl: string;
  /** How often the outbox looks for messages to deliver. */
  outboxSeconds: number;
  /** How often the sweeper acts on what is due (deadlines, digests, batch dispatch, report rollups). */
  sweepSeconds: number;
  /** Private addresses and CIDR ranges webhooks may reach; every other private address is refused. */
  webhookAllow: readonly string[];
  /** Seals users' TOTP secrets (src/secret-box.ts); null: a key file beside a SQLite file, none on PostgreSQL. */
  secretKey: string | null;
  /** argon2id's cost: always "owasp" from loadConfig; the in-process test suite sets "fast". */
  passwordCost: "owasp" | "fast";
}

export const DEFAULT_DATABASE = "./data/handoff.db";

export interface Flags {
  db?: string | undefined;
  port?: string | number | undefined;
  host?: string | undefined;
}

export class ConfigError extends Error {}

function readEnv(env: NodeJS.ProcessEnv): z.infer<typeof EnvSchema> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}

export function loadConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const e = readEnv(env);
  const port = flags.port === undefined ? (e.PORT ?? 3000) : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port: "${flags.port}" is not a port number (0-65535)`);
  }
  const host = flags.host ?? e.HOST ?? "127.0.0.1";
  return Object.freeze({
    databaseUrl: flags.db ?? e.DATABASE_URL ?? DEFAULT_DATABASE,
    port,
    host,
    logLevel: e.LOG_LEVEL ?? "info",
    sessionHours: e.HANDOFF_SESSION_HOURS ?? 12,
    secureCookies: e.HANDOFF_SECURE_COOKIES === "true",
    rateLimitPerMinute: e.HANDOFF_RATE_LIMIT ?? 1200,
    smtpUrl: e.HANDOFF_SMTP_URL ?? null,
    mailFrom: e.HANDOFF_MAIL_FROM ?? "Handoff <handoff@localhost>",
    publicUrl: (e.HANDOFF_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, ""),
    outboxSeconds: e.HANDOFF_OUTBOX_SECONDS ?? 5,
    sweepSeconds: e.HANDOFF_SWEEP_SECONDS ?? 60,
    webhookAllow: Object.freeze(e.HANDOFF_WEBHOOK_ALLOW ?? []),
    secretKey: e.HANDOFF_SECRET_KEY ?? null,
    passwordCost: "owasp",
  });
}

/** Test settings: which databases the integration suite runs on, and where PostgreSQL is. */
export function loadTestConfig(env: NodeJS.ProcessEnv = process.env): {
  databases: Array<"sqlite" | "postgres">;
  postgresUrl: string;
  logLevel: string;
} {
  const e = readEnv(env);
  const which = e.HANDOFF_TEST_DB ?? "both";
  return {
    databases: which === "both" ? ["sqlite", "postgres"] : [which],
    postgresUrl: e.HANDOFF_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    logLevel: e.HANDOFF_TEST_LOG ?? "error",
  };
}
