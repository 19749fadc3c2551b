import type { ProfileRow } from './profile.queries.js';
import type { INDUSTRIES, USAGES } from './accounts.schemas.js';

/** Platform-wide groups: every user is in `users`; staff and superusers in theirs as well. */
export function platformGroups(user: { is_staff: boolean; is_superuser: boolean }): string[] {
  return ['users', ...(user.is_staff ? ['staff'] : []), ...(user.is_superuser ? ['superusers'] : [])];
}

/** Group names by kind: `platform`, then each organization's id with the user's role there. */
export function groupsOf(row: ProfileRow): Record<string, string[]> {
  return { platform: platformGroups(row), ...Object.fromEntries(row.organizations.map((o) => [o.id, [o.role]])) };
}

export function userView(row: ProfileRow) {
  const name = `${row.first_name} ${row.last_name}`.trim();
  return {
    label: name || row.email,
    groups: groupsOf(row),
    organizations: row.organizations,
    id: Number(row.number),
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    industry: row.industry as (typeof INDUSTRIES)[number] | null,
    organization: row.organization,
    title: row.title,
    usage: row.usage as (typeof USAGES)[number] | null,
    notes: row.notes,
    date_joined: row.created_at.toISOString(),
    is_staff: row.is_staff,
    is_superuser: row.is_superuser,
  };
}
