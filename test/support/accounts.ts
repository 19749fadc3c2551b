import { expect } from 'vitest';
import sql from 'sql-template-tag';
import type { TestContext } from './test-app.js';
import * as identity from '../../src/platform/identity/identity.service.js';
import { listMail } from '../../src/platform/mail/outbox.js';
import type { Role } from '../../src/platform/auth/scopes.js';
import { PASSWORD_RESET_QUEUE } from '../../src/modules/accounts/registration.service.js';

export const GOOD_PASSWORD = '3v@b8cG4';

export interface TestUser {
  id: string;
  number: number;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

/** Waits until every queued password-reset request has been handled (they are mailed by a worker). */
export async function resetRequestsHandled(ctx: TestContext) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await ctx.db.query<{ pending: number }>(
      sql`SELECT count(*)::int AS pending FROM jobs WHERE queue = ${PASSWORD_RESET_QUEUE} AND state <> 'failed'`,
    );
    if (row!.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('password-reset requests still queued after 10 s');
}

/** The uidb64 and token of the newest link mailed to this address. */
export async function lastLink(ctx: TestContext, email: string) {
  await resetRequestsHandled(ctx);
  const [message] = await listMail(ctx.db, { to: email, limit: 1 });
  expect(message, `a message to ${email}`).toBeDefined();
  const match = /uidb64=([\w-]+)&token=([\w-]+)/.exec(message!.body_text);
  expect(match).not.toBeNull();
  return { uidb64: match![1]!, token: match![2]!, subject: message!.subject };
}

export function pair(ctx: TestContext, email: string, password: string, remoteAddress?: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/token/pair', payload: { email, password }, ...(remoteAddress ? { remoteAddress } : {}) });
}

export function asUser(token: string) {
  return { authorization: `Bearer ${token}` };
}

/** A verified user, signed in, optionally a member of an organization. */
export async function signedInUser(
  ctx: TestContext,
  email: string,
  options: { password?: string; staff?: boolean; organization?: { id: string; role: Role } } = {},
): Promise<TestUser> {
  const password = options.password ?? 'k9!Tmw2#Lqz';
  const user = await identity.createUser(ctx.db, { email, password, firstName: 'Test', lastName: email.split('@')[0]!, isStaff: options.staff ?? false });
  if (options.organization) await identity.addMember(ctx.db, options.organization.id, user.id, options.organization.role);
  const response = await pair(ctx, email, password);
  expect(response.statusCode, response.body).toBe(200);
  const { access, refresh } = response.json();
  return { id: user.id, number: Number(user.number), email, password, access, refresh };
}
