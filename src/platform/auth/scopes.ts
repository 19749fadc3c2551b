/**
 * Permission scopes. The credit registry's page names its own three; every other module has one
 * read/write pair. `organization:admin` manages the organization itself (members, API keys).
 */
export const SCOPES = [
  'organization:admin',
  'organization_info:read',
  'organization_inventory:read',
  'organization_inventory:read_write',
  'facilities:read',
  'facilities:write',
  'emissions:read',
  'emissions:write',
  'registry:read',
  'registry:write',
  'catalog:read',
  'catalog:write',
  'geo:read',
  'geo:write',
  'stac:read',
  'stac:write',
  'picker:read',
  'picker:write',
  'tasking:read',
  'tasking:write',
  'community:read',
  'community:write',
  'account:read',
  'account:write',
] as const;

export type Scope = (typeof SCOPES)[number];

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const TIERS = ['standard', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

const READ_SCOPES = SCOPES.filter((scope) => scope.endsWith(':read'));
const MEMBER_SCOPES = SCOPES.filter((scope) => scope !== 'organization:admin');

/** Every signed-in user may manage their own account and read the public catalog, organization or not. */
export const USER_SCOPES: readonly Scope[] = ['account:read', 'account:write', 'catalog:read', 'stac:read'];

/** A STAC token reads the catalog and STAC API and nothing else. */
export const STAC_TOKEN_SCOPES: readonly Scope[] = ['stac:read', 'catalog:read'];

/** A signed-in user's scopes: the user scopes, plus those of their role in the organization acted for. */
export function scopesForUser(role: Role | undefined): Scope[] {
  return [...new Set([...USER_SCOPES, ...(role ? scopesForRole(role) : [])])];
}

/** What a signed-in user may do in an organization follows from their role there. */
export function scopesForRole(role: Role): Scope[] {
  switch (role) {
    case 'owner':
    case 'admin':
      return [...SCOPES];
    case 'member':
      return MEMBER_SCOPES;
    case 'viewer':
      return READ_SCOPES;
  }
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** A write scope implies its read scope, so a key made for writing can read back what it wrote. */
export function grants(held: ReadonlySet<string>, required: Scope): boolean {
  if (held.has(required)) return true;
  if (required.endsWith(':read')) {
    const base = required.slice(0, -':read'.length);
    return held.has(`${base}:write`) || held.has(`${base}:read_write`);
  }
  return false;
}
