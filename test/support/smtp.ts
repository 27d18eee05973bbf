/** A real SMTP server for tests (smtp-server), keeping every message it accepts, parsed (mailparser). */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach } from "vitest";
import type { Context } from "../../src/context.js";
import { createMailer } from "../../src/notify/mailer.js";

export interface TestSmtp {
  /** smtp://127.0.0.1:PORT, for createMailer or HANDOFF_SMTP_URL. */
  url: string;
  messages: ParsedMail[];
  /** Waits until at least `count` messages have arrived, or fails after `ms`. */
  waitFor(count: number, ms?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    messages,
    async waitFor(count, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For each test of a suite: a fresh SMTP server, and the test's context sending mail to it.
 * Returns the server of the test under way.
 */
export function mailEachTest(ctx: () => Context): () => TestSmtp {
  let smtp: TestSmtp | undefined;
  beforeEach(async () => {
    smtp = await startSmtp();
    ctx().mailer = createMailer(smtp.url, "Handoff <handoff@alpha.test>");
  });
  afterEach(async () => {
    ctx().mailer?.close();
    await smtp?.close();
  });
  return () => {
    if (!smtp) throw new Error("no SMTP server: call inside a test");
    return smtp;
  };
}
