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
  for (;;) {
    const outcome = await db.transaction(async (tx) => {
      const message = await queries.claimDueMessage(tx);
      if (!message) return 'idle' as const;
      try {
        await transport.send({ from, to: message.to_address, subject: message.subject, text: message.body_text });
        await queries.markSent(tx, message.id);
        return 'sent' as const;
      } catch (error) {
        await queries.markFailed(tx, message.id, error instanceof Error ? error.message : String(error));
        return 'failed' as const;
      }
    });
    if (outcome === 'idle') return { sent, failed };
    if (outcome === 'sent') sent += 1;
    else failed += 1;
  }
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
