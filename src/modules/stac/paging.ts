import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from '../../platform/errors.js';
import type { Keyset } from '../catalog/stac.service.js';
import type { SearchInput } from './search-request.js';

/**
 * Keyset paging tokens: the sort values of the last (next) or first (prev) item of a page, bound
 * to the query they page through and signed, so a token cannot be forged, edited or reused with
 * other filters. A page starts strictly after its token's item, so no item is skipped or repeated
 * while items are added or removed elsewhere in the order.
 */
export function pagingTokens(key: Uint8Array) {
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    /** `matched`: the search's numberMatched (capped) as `viewer` saw it, carried so later pages need not count again. */
    sign(keyset: Keyset, scope: string, matched?: { count: number; viewer: string }): string {
      const carried = matched ? { m: matched.count, w: viewerTag(matched.viewer) } : {};
      const payload = Buffer.from(JSON.stringify({ v: keyset.values, k: keyset.kind, u: keyset.uid, d: keyset.direction === 'prev' ? 'p' : 'n', s: scope, ...carried })).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    /** The token's place, and the count it carries when it was issued to this same viewer (another viewer counts afresh). */
    verify(token: string, scope: string, viewer = ''): { keyset: Keyset; matched?: number } {
      const [payload, signature] = token.split('.');
      const expected = payload ? Buffer.from(mac(payload)) : Buffer.alloc(0);
      const given = Buffer.from(signature ?? '');
      if (!payload || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadRequestError('token is not a paging token of this server.');
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { v: (string | number)[]; k: 'plume' | 'scene'; u: string; d: 'n' | 'p'; s: string; m?: number; w?: string };
      if (data.s !== scope) throw new BadRequestError('token belongs to another search: page with the links of the search that gave it.');
      const keyset: Keyset = { values: data.v, kind: data.k, uid: data.u, direction: data.d === 'p' ? 'prev' : 'next' };
      return typeof data.m === 'number' && data.w === viewerTag(viewer) ? { keyset, matched: data.m } : { keyset };
    },
  };
}

/** Whom a carried count was made for, without writing an organization's id into a URL. */
function viewerTag(viewer: string) {
  return createHash('sha256').update(`viewer:${viewer}`).digest('base64url').slice(0, 16);
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
