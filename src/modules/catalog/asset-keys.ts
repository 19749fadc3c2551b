import { isUuid } from '../../platform/uuid.js';

/**
 * The organization an asset key belongs to by where it is stored: a key whose first path segment
 * is an organization id (`<organization id>/plumes/x.png`) belongs to that organization, whoever
 * names it first. Any other key is in the shared layout, registered to the first owner that names it.
 */
export function reservedOwnerOf(key: string): string | undefined {
  const first = key.split('/', 1)[0]!;
  return isUuid(first) ? first.toLowerCase() : undefined;
}

/** Whether an owner (null: the platform) may name this key by its place in the store. */
export function mayName(key: string, organizationId: string | null): boolean {
  const reserved = reservedOwnerOf(key);
  return reserved === undefined || reserved === organizationId?.toLowerCase();
}
