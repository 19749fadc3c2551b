import { request } from '../../api/client.js';
import { whoAmI } from '../../api/auth.js';
import { session } from '../../api/session.js';
import type { TrackedTransaction } from './shape.js';

export interface Credit {
  id: string;
  project: { id: string; fullName: string; num: string; publicUrl: string };
  serialization: string;
  vintage: string;
  supply: number;
  amount: number;
  unit: string;
  type: string;
}

export interface Transaction extends TrackedTransaction {
  fromOrganizationId: string;
  toOrganizationId: string | null;
  beneficiaryName: string | null;
  project: { fullName: string };
  vintage: string;
}

export interface Retirement {
  id: string;
  organizationId: string | null;
  beneficiaryName: string;
  reason: string;
  comment: string;
  amount: number;
  serialRanges: number[][];
  serialization: string;
  project: { fullName: string; publicUrl: string };
  vintage: string;
  retiredAt: string;
  txId: string | null;
}

export interface ChainVerification {
  ledger: string;
  valid: boolean;
  length: number;
  headTxId: string;
  brokenAt: { sequence: number; transactionId: string; problem: string } | null;
}

/** The registry's paths name the organization: the one the console acts for. */
export async function organizationId(signal: AbortSignal): Promise<string> {
  const current = session.get();
  if (current.kind !== 'anonymous' && current.organizationId) return current.organizationId;
  const who = await whoAmI();
  if (!who.organization) throw new Error('no organization');
  return who.organization.id;
}

export async function inventory(org: string, signal: AbortSignal): Promise<Credit[]> {
  return (await request<{ credits: Credit[] }>(`/organizations/${org}/inventory`, { signal })).credits;
}

export async function transactions(org: string, signal?: AbortSignal): Promise<Transaction[]> {
  return (await request<{ transactions: Transaction[] }>(`/organizations/${org}/transactions`, { query: { limit: 20 }, ...(signal ? { signal } : {}) })).transactions;
}

export function act(org: string, action: string, body: Record<string, unknown>): Promise<Transaction> {
  return request<Transaction>(`/organizations/${org}/inventory/action/${action}`, { method: 'POST', body });
}

export function retirement(id: string, signal: AbortSignal): Promise<Retirement> {
  return request<Retirement>(`/retirements/${encodeURIComponent(id)}`, { signal, anonymous: true });
}

export function verifyChain(signal: AbortSignal): Promise<ChainVerification> {
  return request<ChainVerification>('/registry/chain/verify', { query: { ledger: 'live' }, signal });
}
