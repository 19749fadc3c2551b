import nodemailer from 'nodemailer';
import type { Database, Queryable } from '../db/database.js';
import * as queries from './outbox.queries.js';

export type { OutboxRow } from './outbox.queries.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Queues a message in the caller's transaction, so mail is sent only for what was committed. */
export function enqueueMail(db: Queryable, message: MailMessage) {
  return queries.insertMessage(db, message);
}

export function listMail(db: Queryable, options: { unsentOnly?: boolean; to?: string; limit?: number } = {}) {
  return queries.selectMessages(db, { unsentOnly: options.unsentOnly ?? false, to: options.to, limit: options.limit ?? 50 });
}

export interface MailTransport {
  send(message: MailMessage & { from: string }): Promise<void>;
  close(): void;
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transporter.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transporter.close(),
  };
}

/** Sends every due message once; returns how many were sent and how many failed (to be retried later). */
export async function deliverDueMail(db: Database, transport: MailTransport, from: string) {
  let sent = 0;
  let failed = 0;
  for (let message = await queries.leaseDueMessage(db); message; message = await queries.leaseDueMessage(db)) {
    try {
      await transport.send({ from, to: message.to_address, subject: message.subject, text: message.body_text });
      await queries.markSent(db, message.id);
      sent += 1;
    } catch (error) {
      await queries.markFailed(db, message.id, error instanceof Error ? error.message : String(error));
      failed += 1;
    }
  }
  return { sent, failed };
}

/** Delivers the outbox every few seconds until stopped; used by `serve` when SMTP_URL is set. */
export function startMailDelivery(db: Database, transport: MailTransport, from: string, onError: (error: unknown) => void, intervalMs = 2000) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => deliverDueMail(db, transport, from)).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    transport.close();
  };
}
