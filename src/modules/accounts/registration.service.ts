import type { Database, Queryable } from '../../platform/db/database.js';
import { FormRejectedError } from '../../platform/errors.js';
import * as identity from '../../platform/identity/identity.service.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { enqueueMail } from '../../platform/mail/outbox.js';
import type { UserPrincipal } from '../../platform/auth/principal.js';
import type { LoginThrottle } from '../../platform/auth/login-throttle.js';
import * as links from './one-time-links.queries.js';
import * as profiles from './profile.queries.js';
import { decodeUid, digest, encodeUid, newLinkSecret } from './one-time-links.js';
import { passwordProblems, type PasswordOwner } from './password-rules.js';
import { profileOf } from './profile.service.js';
import type { RegisterBody } from './accounts.schemas.js';

export const VERIFY_LINK_TTL_SECONDS = 24 * 3600;
export const RESET_LINK_TTL_SECONDS = 3600;
export const PASSWORD_RESET_QUEUE = 'account.password_reset';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MISMATCH = 'The two password fields didn’t match.';
const BAD_LINK = 'The link is invalid or has expired.';

type FieldErrors = Record<string, string[]>;

function add(errors: FieldErrors, field: string, messages: string[]) {
  if (messages.length) errors[field] = [...(errors[field] ?? []), ...messages];
}

function checkNewPassword(errors: FieldErrors, fields: [string, string], passwords: [string, string], owner: PasswordOwner) {
  if (passwords[0] !== passwords[1]) add(errors, fields[1], [MISMATCH]);
  add(errors, fields[0], passwordProblems(passwords[0], owner));
}

function rejectIfAny(errors: FieldErrors, status: 403 | 422 = 403) {
  if (Object.keys(errors).length) throw new FormRejectedError(errors, status);
}

async function mailLink(db: Queryable, input: { userId: string; number: number; email: string; purpose: links.LinkPurpose; publicUrl: string }) {
  const secret = newLinkSecret();
  const ttlSeconds = input.purpose === 'verify_email' ? VERIFY_LINK_TTL_SECONDS : RESET_LINK_TTL_SECONDS;
  await links.insertLink(db, { tokenHash: digest(secret), userId: input.userId, purpose: input.purpose, ttlSeconds });
  const page = input.purpose === 'verify_email' ? 'verify' : 'reset-password';
  const url = `${input.publicUrl}/account/${page}?uidb64=${encodeUid(input.number)}&token=${secret}`;
  const text =
    input.purpose === 'verify_email'
      ? `Welcome to Carbon Atlas.\n\nConfirm your e-mail address within 24 hours:\n${url}\n\n(uidb64 ${encodeUid(input.number)}, token ${secret}: POST them to /api/v1/account/register_verify.)\n`
      : `Someone asked to reset the password of this Carbon Atlas account. If it was you, choose a new one within an hour:\n${url}\n\n(uidb64 ${encodeUid(input.number)}, token ${secret}: POST them with new_password1/new_password2 to /api/v1/account/reset_password.)\nIf it was not you, ignore this message.\n`;
  await enqueueMail(db, {
    to: input.email,
    subject: input.purpose === 'verify_email' ? 'Confirm your Carbon Atlas account' : 'Reset your Carbon Atlas password',
    text,
  });
}

/** Creates an inactive-until-verified account and mails its verification link, in one transaction. */
export async function register(db: Database, body: RegisterBody, publicUrl: string) {
  const errors: FieldErrors = {};
  const email = body.email.trim();
  if (!EMAIL.test(email)) add(errors, 'email', ['Enter a valid email address.']);
  if (!body.first_name.trim()) add(errors, 'first_name', ['This field is required.']);
  if (!body.last_name.trim()) add(errors, 'last_name', ['This field is required.']);
  checkNewPassword(errors, ['password1', 'password2'], [body.password1, body.password2], { email, first_name: body.first_name, last_name: body.last_name });
  rejectIfAny(errors);

  await db.transaction(async (tx) => {
    const user = await identity.insertUser(tx, {
      email,
      password: body.password1,
      firstName: body.first_name.trim(),
      lastName: body.last_name.trim(),
      emailVerified: false,
    });
    if (!user) throw new FormRejectedError({ email: ['A user with that email already exists.'] });
    const { password1: _p1, password2: _p2, email: _e, first_name: _f, last_name: _l, ...profile } = body;
    await profiles.updateProfile(tx, user.id, profile);
    await mailLink(tx, { userId: user.id, number: user.number, email: user.email, purpose: 'verify_email', publicUrl });
  });
}

async function userOfLink(db: Queryable, uidb64: string) {
  const number = decodeUid(uidb64);
  return number === undefined ? undefined : identity.getUserByNumber(db, number);
}

export async function verifyRegistration(db: Database, input: { uidb64: string; token: string }) {
  await db.transaction(async (tx) => {
    const user = await userOfLink(tx, input.uidb64);
    const spent = user && (await links.spendLink(tx, { tokenHash: digest(input.token), userId: user.id, purpose: 'verify_email' }));
    if (!user || !spent) throw new FormRejectedError({ token: [BAD_LINK] });
    await identity.markEmailVerified(tx, user.id);
  });
}

/**
 * Queues a reset for any address without looking it up. Whether an account has this address is
 * decided off the request path (mailPasswordReset, in a worker), so the request does the same
 * work, answers the same and takes the same time for registered and unknown addresses.
 */
export async function requestPasswordReset(db: Queryable, email: string) {
  await enqueueJob(db, PASSWORD_RESET_QUEUE, { email: email.trim() });
}

/** The worker's half of a reset request: only the owner of an active account receives a link. */
export async function mailPasswordReset(db: Database, email: string, publicUrl: string) {
  await db.transaction(async (tx) => {
    const user = await identity.getUserByEmail(tx, email);
    if (!user?.is_active) return;
    await mailLink(tx, { userId: user.id, number: user.number, email: user.email, purpose: 'reset_password', publicUrl });
  });
}

/**
 * Sets a new password from an e-mailed link. A password breaking the rules is a 422 and leaves the
 * link usable; success spends it, ends every session (refresh and access tokens) and every STAC
 * token and, since the user proved they read the mailbox, verifies the address.
 */
export async function resetPassword(db: Database, input: { uidb64: string; token: string; new_password1: string; new_password2: string }) {
  const userId = await db.transaction(async (tx) => {
    const user = await userOfLink(tx, input.uidb64);
    const spent = user && (await links.spendLink(tx, { tokenHash: digest(input.token), userId: user.id, purpose: 'reset_password' }));
    if (!user || !spent) throw new FormRejectedError({ token: [BAD_LINK] });
    const errors: FieldErrors = {};
    checkNewPassword(errors, ['new_password1', 'new_password2'], [input.new_password1, input.new_password2], user);
    rejectIfAny(errors, 422);
    await identity.setPassword(tx, user.id, input.new_password1);
    await identity.markEmailVerified(tx, user.id);
    await identity.revokeUserRefreshTokens(tx, user.id, null);
    await identity.invalidateIssuedAccessTokens(tx, user.id, new Date());
    await identity.revokeAllUserTokens(tx, user.id);
    return user.id;
  });
  return profileOf(db, userId);
}

/**
 * Changes the caller's password. Guesses of the old one count against the same throttle as
 * sign-ins. Other sessions end (their refresh tokens are revoked, and with them their access
 * tokens) and so do STAC tokens, which the old password vouched for; the caller's session continues.
 */
export async function changePassword(
  db: Database,
  throttle: LoginThrottle,
  caller: UserPrincipal & { address: string },
  input: { old_password: string; new_password1: string; new_password2: string },
) {
  const attempt = { account: caller.userEmail, address: caller.address };
  await throttle.check(attempt);
  if (!(await identity.checkPassword(db, caller.userId, input.old_password))) {
    await throttle.failed(attempt);
    throw new FormRejectedError({ old_password: ['Your old password was entered incorrectly. Please enter it again.'] });
  }
  const user = await identity.getUser(db, caller.userId);
  const errors: FieldErrors = {};
  checkNewPassword(errors, ['new_password1', 'new_password2'], [input.new_password1, input.new_password2], user ?? {});
  rejectIfAny(errors);
  await db.transaction(async (tx) => {
    await identity.setPassword(tx, caller.userId, input.new_password1);
    await identity.revokeUserRefreshTokens(tx, caller.userId, caller.sessionFamilyId);
    await identity.revokeAllUserTokens(tx, caller.userId);
    await links.spendAllLinks(tx, caller.userId, 'reset_password');
  });
}
