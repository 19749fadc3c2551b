import { anonymousFetch, api, dataOf, type Answer } from '../../api/client.js';
import { whoAmI } from '../../api/auth.js';
import type { paths } from '../../api/openapi.js';
import { session } from '../../api/session.js';
import type { ActionBody } from './shape.js';

export type Credit = Answer<'/organizations/{id}/inventory'>['credits'][number];
export type Transaction = Answer<'/organizations/{id}/transactions'>['transactions'][number];
export type Retirement = Answer<'/retirements/{id}'>;
export type ChainVerification = Answer<'/registry/chain/verify'>;
type Action = paths['/organizations/{id}/inventory/action/{action}']['post']['parameters']['path']['action'];

/** The registry's paths name the organization: the one the console acts for. */
export async function organizationId(signal: AbortSignal): Promise<string> {
  const current = session.get();
  if (current.kind !== 'anonymous' && current.organizationId) return current.organizationId;
  const who = await whoAmI();
  if (!who.organization) throw new Error('no organization');
  return who.organization.id;
}

export async function inventory(org: string, signal: AbortSignal): Promise<Credit[]> {
  return (await dataOf(api.GET('/organizations/{id}/inventory', { params: { path: { id: org } }, signal }))).credits;
}

export async function transactions(org: string, signal?: AbortSignal): Promise<Transaction[]> {
  return (await dataOf(api.GET('/organizations/{id}/transactions', { params: { path: { id: org }, query: { limit: 20 } }, ...(signal ? { signal } : {}) }))).transactions;
}

export function act(org: string, action: Action, body: ActionBody): Promise<Answer<'/organizations/{id}/inventory/action/{action}', 'post'>> {
  return dataOf(api.POST('/organizations/{id}/inventory/action/{action}', { params: { path: { id: org, action } }, body }));
}

export function retirement(id: string, signal: AbortSignal): Promise<Retirement> {
  return dataOf(api.GET('/retirements/{id}', { params: { path: { id } }, signal, fetch: anonymousFetch }));
}

export function verifyChain(signal: AbortSignal): Promise<ChainVerification> {
  return dataOf(api.GET('/registry/chain/verify', { params: { query: { ledger: 'live' } }, signal }));
}
