import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../platform/db/database.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { TenantPrincipal } from '../../platform/auth/principal.js';
import * as registry from './registry.queries.js';

export function newAddress(): string {
  return `0x${randomBytes(20).toString('hex')}`;
}

export function requireOwn(caller: TenantPrincipal, organizationId: string) {
  if (organizationId !== caller.organizationId) throw new ForbiddenError('This token acts for another organization.');
}

/** Every organization has a default inventory account, opened the first time it is needed. */
export async function ensureDefaultAccount(db: Queryable, organizationId: string) {
  const existing = await registry.selectDefaultAccount(db, organizationId);
  if (existing) return existing;
  await registry.insertAccount(db, { organizationId, address: newAddress(), name: 'default', isDefault: true });
  return (await registry.selectDefaultAccount(db, organizationId))!;
}
