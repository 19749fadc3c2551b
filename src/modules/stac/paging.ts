import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { BadRequestError } from '../../platform/errors.js';
import type { Keyset } from '../catalog/stac.service.js';
import type { SearchInput } from './search-request.js';

/**
 * Keyset paging tokens: the sort values of the last (next) or first (prev) item of a page, bound
 * to the query they page through and sealed (AES-256-GCM), so a token cannot be forged, edited or
 * reused with other filters — nor read: the item it points at may be an unpublished plume, and the
 * count it carries may include the organization's unpublished items, while links travel in logs,
 * tickets and Referer headers. A page starts strictly after its token's item, so no item is skipped
 * or repeated while items are added or removed elsewhere in the order.
 */
const NOT_A_TOKEN = 'token is not a paging token of this server.';

export function pagingTokens(key: Uint8Array) {
  const sealKey = Buffer.from(key).subarray(0, 32);
  const seal = (plain: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  };
  const open = (token: string): string => {
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length < 12 + 16 + 2) throw new BadRequestError(NOT_A_TOKEN);
    try {
      const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new BadRequestError(NOT_A_TOKEN);
    }
  };
  return {
    /** `matched`: the search's numberMatched (capped) as `viewer` saw it, carried so later pages need not count again. */
    sign(keyset: Keyset, scope: string, matched?: { count: number; viewer: string }): string {
      const carried = matched ? { m: matched.count, w: matched.viewer } : {};
      return seal(JSON.stringify({ v: keyset.values, k: keyset.kind, u: keyset.uid, d: keyset.direction === 'prev' ? 'p' : 'n', s: scope, ...carried }));
    },
    /** The token's place, and the count it carries when it was issued to this same viewer (another viewer counts afresh). */
    verify(token: string, scope: string, viewer = ''): { keyset: Keyset; matched?: number } {
      const data = JSON.parse(open(token)) as { v: (string | number)[]; k: 'plume' | 'scene'; u: string; d: 'n' | 'p'; s: string; m?: number; w?: string };
      if (data.s !== scope) throw new BadRequestError('token belongs to another search: page with the links of the search that gave it.');
      const keyset: Keyset = { values: data.v, kind: data.k, uid: data.u, direction: data.d === 'p' ? 'prev' : 'next' };
      return typeof data.m === 'number' && data.w === viewer ? { keyset, matched: data.m } : { keyset };
    },
  };
}

/** What a token is bound to: where it was issued and every parameter but the page's own (limit, token, offset, fields). */
export function searchScope(path: string, input: SearchInput): string {
  const { limit: _limit, token: _token, offset: _offset, fields: _fields, ...rest } = input;
  return createHash('sha256').update(path).update('\n').update(canonical(rest)).digest('base64url').slice(0, 22);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
