import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { runCli } from '../../../test/support/cli.js';
import { deliverDueMail, enqueueMail, listMail, smtpTransport } from './outbox.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let ctx: TestContext;
let server: SMTPServer;
let smtpUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('e-mail outbox', () => {
  it('delivers queued messages through SMTP once, marking them sent', async () => {
    await enqueueMail(ctx.db, { to: 'reader@x.test', subject: 'Hello', text: 'Follow https://atlas.test/account/verify?uidb64=MQ&token=abc' });
    const transport = smtpTransport(smtpUrl);
    expect(await deliverDueMail(ctx.db, transport, 'Carbon Atlas <no-reply@atlas.test>')).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDueMail(ctx.db, transport, 'Carbon Atlas <no-reply@atlas.test>')).toEqual({ sent: 0, failed: 0 });
    transport.close();

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'no-reply@atlas.test', to: ['reader@x.test'] });
    expect(received[0]!.data).toContain('Subject: Hello');
    expect(received[0]!.data).toContain('uidb64=MQ&token=abc');
    const [stored] = await listMail(ctx.db, { to: 'reader@x.test' });
    expect(stored!.sent_at).toBeInstanceOf(Date);
  });

  it('keeps a message it could not deliver and retries it later with back-off', async () => {
    await enqueueMail(ctx.db, { to: 'later@x.test', subject: 'Retry me', text: 'body' });
    const unreachable = smtpTransport('smtp://127.0.0.1:1');
    expect(await deliverDueMail(ctx.db, unreachable, 'a@b.test')).toEqual({ sent: 0, failed: 1 });
    unreachable.close();
    const [row] = await ctx.db.query<{ attempts: number; last_error: string; due_in_seconds: number }>(sql`
      SELECT attempts, last_error, extract(epoch FROM next_attempt_at - now())::float8 AS due_in_seconds FROM email_outbox WHERE to_address = 'later@x.test'`);
    expect(row).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) });
    expect(row!.due_in_seconds).toBeGreaterThan(50);
    const transport = smtpTransport(smtpUrl);
    expect(await deliverDueMail(ctx.db, transport, 'a@b.test')).toEqual({ sent: 0, failed: 0 });
    transport.close();
  });

  it('is delivered by the server itself when SMTP_URL is set', async () => {
    const mailing = await createTestContext({ SMTP_URL: smtpUrl, MAIL_FROM: 'Atlas <atlas@mail.test>', PUBLIC_URL: 'https://atlas.example.org' });
    try {
      const response = await mailing.request({
        method: 'POST',
        url: '/api/v1/account/register',
        payload: { email: 'smtp-reader@x.test', password1: '3v@b8cG4', password2: '3v@b8cG4', first_name: 'Smtp', last_name: 'Reader' },
      });
      expect(response.statusCode).toBe(204);
      const deadline = Date.now() + 10_000;
      while (!received.some((message) => message.to.includes('smtp-reader@x.test')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const message = received.find((m) => m.to.includes('smtp-reader@x.test'));
      expect(message?.from).toBe('atlas@mail.test');
      expect(message?.data).toContain('https://atlas.example.org/account/verify?uidb64=');
    } finally {
      await mailing.close();
    }
  });

  it('lists messages for an operator through the CLI', async () => {
    await ctx.request({
      method: 'POST',
      url: '/api/v1/account/register',
      payload: { email: 'cli-reader@x.test', password1: '3v@b8cG4', password2: '3v@b8cG4', first_name: 'Cli', last_name: 'Reader' },
    });
    await ctx.app.close();
    const listed = await runCli(['mail', 'list', '--to', 'cli-reader@x.test', '--unsent'], ctx.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Subject: Confirm your Carbon Atlas account');
    expect(listed.stdout).toMatch(/uidb64=[\w-]+&token=[\w-]{43}/);
  });
});
