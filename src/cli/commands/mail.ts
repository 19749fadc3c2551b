import { deliverDueMail, listMail, smtpTransport } from '../../platform/mail/outbox.js';
import type { Registration } from '../context.js';
import { parseInteger } from '../options.js';

export const registerMail: Registration = (program, { terminal, withDatabase, config }) => {
  const mail = program.command('mail').description('The e-mail outbox (verification and password-reset links)');
  mail
    .command('list')
    .description('Show queued and sent messages, newest first, so an operator without SMTP can pass links on')
    .option('--to <email>', 'only messages to this address')
    .option('--unsent', 'only messages not yet delivered')
    .option('--limit <n>', 'how many (1-1000)', parseInteger('--limit', 1, 1000), 20)
    .option('--json', 'machine-readable output')
    .action((options: { to?: string; unsent?: boolean; limit: number; json?: boolean }) =>
      withDatabase(async (db) => {
        const messages = await listMail(db, { ...(options.to ? { to: options.to } : {}), unsentOnly: options.unsent ?? false, limit: options.limit });
        if (options.json) return terminal.out(JSON.stringify(messages, null, 2));
        for (const message of messages) {
          const status = message.sent_at ? `sent ${message.sent_at.toISOString()}` : `queued${message.last_error ? ` (last error: ${message.last_error})` : ''}`;
          terminal.out(`#${message.id} to ${message.to_address} · ${message.created_at.toISOString()} · ${status}\nSubject: ${message.subject}\n\n${message.body_text}\n`);
        }
        if (messages.length === 0) terminal.out('No messages.');
      }),
    );
  mail
    .command('send')
    .description('Deliver every due message now through SMTP_URL')
    .action(() =>
      withDatabase(async (db) => {
        const settings = config();
        if (!settings.SMTP_URL) throw new Error('Set SMTP_URL to send mail (e.g. smtp://user:pass@mail.example.com:587).');
        const transport = smtpTransport(settings.SMTP_URL);
        try {
          const { sent, failed } = await deliverDueMail(db, transport, settings.MAIL_FROM);
          terminal.out(`Sent ${sent}, failed ${failed} (failures are retried with back-off).`);
        } finally {
          transport.close();
        }
      }),
    );
};
