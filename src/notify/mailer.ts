/** Sends e-mail over SMTP with nodemailer: one pooled transport per process, closed with it. */
import nodemailer from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per message, so a receiver can drop the copy of a retried send. */
  messageId: string;
  headers?: Record<string, string>;
  /** An iCalendar attachment sent as the invitation itself (text/calendar). */
  icalEvent?: { method: string; content: string };
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, { from });
  return {
    async send(message) {
      await transport.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
        ...(message.headers ? { headers: message.headers } : {}),
        ...(message.icalEvent ? { icalEvent: message.icalEvent } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
