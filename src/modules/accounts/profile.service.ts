import type { Queryable } from '../../platform/db/database.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/auth/principal.js';
import * as identity from '../../platform/identity/identity.service.js';
import * as queries from './profile.queries.js';
import type { ProfilePatchBody, UsersQuery } from './accounts.schemas.js';
import { userView } from './user-view.js';

export async function profileOf(db: Queryable, userId: string) {
  const row = await queries.selectProfile(db, userId);
  if (!row) throw new NotFoundError('User not found.');
  return userView(row);
}

async function isStaff(db: Queryable, userId: string) {
  return (await identity.getUser(db, userId))?.is_staff ?? false;
}

/** Another user's profile is visible to staff only; refused alike whether or not that user exists. */
async function targetUserId(db: Queryable, caller: UserPrincipal, number: number) {
  const target = await identity.getUserByNumber(db, number);
  if (target?.id === caller.userId) return target.id;
  if (!(await isStaff(db, caller.userId))) throw new ForbiddenError('You may only read and change your own account.');
  if (!target) throw new NotFoundError(`User ${number} not found.`);
  return target.id;
}

export async function getUserProfile(db: Queryable, caller: UserPrincipal, number: number) {
  return profileOf(db, await targetUserId(db, caller, number));
}

export async function patchProfile(db: Queryable, userId: string, changes: ProfilePatchBody) {
  await queries.updateProfile(db, userId, changes);
  return profileOf(db, userId);
}

export async function patchUserProfile(db: Queryable, caller: UserPrincipal, number: number, changes: ProfilePatchBody) {
  return patchProfile(db, await targetUserId(db, caller, number), changes);
}

export async function listUsers(db: Queryable, caller: UserPrincipal, query: UsersQuery) {
  const filter: queries.UserFilter = {
    viewer: { userId: caller.userId, isStaff: await isStaff(db, caller.userId) },
    numbers: query.ids,
    search: query.search?.trim() || undefined,
    organizationIds: query.organizations,
  };
  const [rows, count] = await Promise.all([
    queries.selectProfiles(db, filter, { limit: query.limit, offset: query.offset }),
    queries.countProfiles(db, filter),
  ]);
  return { items: rows.map(userView), count };
}
