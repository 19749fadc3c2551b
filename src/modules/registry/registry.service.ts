import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '../../platform/errors.js';
import type { TenantPrincipal } from '../../platform/auth/principal.js';
import * as registry from './registry.queries.js';
import * as ledger from './ledger.queries.js';
import type { Ledger } from './registry.queries.js';
import { appendToChain } from './ledger-chain.js';
import { ensureDefaultAccount, newAddress, requireOwn } from './registry-accounts.js';
import { creditView, organizationView, projectView, transactionView, type Links } from './registry.views.js';

// The registry module's service functions (organizations, accounts, projects, issuance here; credit
// transactions and the chain in the files re-exported below).
export { ensureDefaultAccount } from './registry-accounts.js';
export { verifyChain } from './ledger-chain.js';
export * from './registry-transactions.service.js';

export const FRIENDBOT_AMOUNT = 100;
const SANDBOX_PROJECT = 'Carbon Atlas Sandbox Project';
/** Friendbot deposits per organization per UTC day: enough to test with, too few to flood the sandbox. */
export const FRIENDBOT_GRANTS_PER_DAY = 10;

async function visibleProfile(db: Queryable, caller: TenantPrincipal, organizationId: string) {
  const profile = await registry.selectProfile(db, organizationId);
  // Private organizations are invisible to others: the same 404 as for one that does not exist.
  if (!profile || (!profile.is_public && organizationId !== caller.organizationId)) throw new NotFoundError(`Organization ${organizationId} not found.`);
  return profile;
}

/** Sets registry profile fields, e.g. making an organization public or a registry operator. */
export const updateRegistryProfile = registry.upsertProfile;

export async function getOrganization(db: Queryable, caller: TenantPrincipal, id: string, links: Links) {
  return organizationView(await visibleProfile(db, caller, id), links);
}

function accountView(row: registry.AccountRow) {
  return { address: row.address, name: row.name, isDefault: row.is_default, createdAt: row.created_at.toISOString() };
}

export async function listAddresses(db: Queryable, caller: TenantPrincipal, id: string) {
  await visibleProfile(db, caller, id);
  await ensureDefaultAccount(db, id);
  return { organizationId: id, addresses: (await registry.selectAccounts(db, id)).map(accountView) };
}

export async function openSubaccount(db: Queryable, caller: TenantPrincipal, id: string, name: string) {
  requireOwn(caller, id);
  await ensureDefaultAccount(db, id);
  const row = await registry.insertAccount(db, { organizationId: id, address: newAddress(), name, isDefault: false });
  if (!row) throw new ConflictError('Address collision; try again.');
  return accountView(row);
}

export async function getInventory(db: Queryable, caller: TenantPrincipal, id: string, ledgerName: Ledger, links: Links) {
  requireOwn(caller, id);
  const holdings = await ledger.selectHoldings(db, id, ledgerName);
  const batches = new Map((await registry.selectBatches(db, holdings.map((h) => h.batch_id))).map((b) => [b.id, b]));
  return { credits: holdings.map((h) => creditView(id, batches.get(h.batch_id)!, h.amount, links)), organizationId: id };
}

export async function getProject(db: Queryable, id: string, links: Links) {
  const project = await registry.selectProject(db, id);
  if (!project) throw new NotFoundError(`Project ${id} not found.`);
  return projectView(project, links);
}

async function requireOperator(db: Queryable, caller: TenantPrincipal) {
  const profile = await registry.selectProfile(db, caller.organizationId);
  if (!profile?.is_registry_operator) throw new ForbiddenError('Only a registry operator may do this.');
}

export async function createProject(db: Queryable, caller: TenantPrincipal, input: { fullName: string; countryCode: string }, links: Links) {
  await requireOperator(db, caller);
  return projectView(await registry.insertProject(db, { ...input, organizationId: caller.organizationId }), links);
}

export interface IssueInput {
  vintage: number;
  supply: number;
  type: 'exAnte' | 'exPost';
  toOrganizationId: string;
  ledger: Ledger;
}

/** Issues a batch into an organization's default account, recorded on the ledger's chain. */
async function issueBatch(db: Database, projectId: string, input: IssueInput) {
  return db.transaction((tx) => issueBatchIn(tx, projectId, input));
}

/** The same, inside the caller's transaction. */
async function issueBatchIn(tx: Queryable, projectId: string, input: IssueInput) {
  const project = await registry.selectProject(tx, projectId);
  if (!project) throw new NotFoundError(`Project ${projectId} not found.`);
  const account = await ensureDefaultAccount(tx, input.toOrganizationId);
  const serialFirst = await registry.allocateSerials(tx, input.ledger, input.supply);
  const batch = await registry.insertBatch(tx, { ledger: input.ledger, projectId, vintage: input.vintage, type: input.type, supply: input.supply, serialFirst, tokenAddress: newAddress() });
  const serialLast = serialFirst + input.supply - 1;
  await ledger.insertBlock(tx, { organizationId: input.toOrganizationId, batchId: batch.id, holderAddress: account.address, serialFirst, serialLast, state: 'available', transactionId: null });
  const id = randomUUID();
  await ledger.insertTransaction(tx, {
    id,
    organizationId: input.toOrganizationId,
    ledger: input.ledger,
    action: 'issue',
    state: 'processing',
    batchId: batch.id,
    amount: input.supply,
    toOrganizationId: input.toOrganizationId,
    toAddress: account.address,
    retirement: { reason: null, beneficiaryName: null, comment: null },
    serialRanges: [[serialFirst, serialLast]],
  });
  const row = (await ledger.lockTransaction(tx, id))!;
  await appendToChain(tx, row, [[serialFirst, serialLast]]);
  return { batch, transaction: (await ledger.lockTransaction(tx, id))! };
}

/** For seeding: no operator check, the caller is the operator of the machine. */
export function createDemoProject(db: Queryable, input: { fullName: string; countryCode: string; organizationId: string }) {
  return registry.insertProject(db, input);
}
export const issueDemoCredits = issueBatch;

/**
 * Only the organization that registered a project issues under it. Projects are public
 * (`GET /projects/{id}`), so saying that it is someone else's reveals nothing.
 */
async function requireProjectOwner(db: Queryable, caller: TenantPrincipal, projectId: string) {
  const project = await registry.selectProject(db, projectId);
  if (!project) throw new NotFoundError(`Project ${projectId} not found.`);
  if (project.owner_organization_id !== caller.organizationId) throw new ForbiddenError('Only the organization that registered this project may issue credits under it.');
}

export async function issueCredits(db: Database, caller: TenantPrincipal, projectId: string, input: IssueInput, links: Links) {
  await requireOperator(db, caller);
  await requireProjectOwner(db, caller, projectId);
  if (!(await registry.selectProfile(db, input.toOrganizationId))) throw ValidationError.field('body', ['toOrganizationId'], 'Unknown organization');
  const { batch, transaction } = await issueBatch(db, projectId, input);
  return transactionView(transaction, batch, links);
}

function secondsToUtcMidnight(now = new Date()) {
  return Math.max(1, Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000));
}

/**
 * Sandbox credits for the caller's own organization, at most FRIENDBOT_GRANTS_PER_DAY times a UTC
 * day (counted in the same transaction, so a refused or failed deposit spends nothing); the live
 * ledger is never touched. The sandbox project belongs to no organization: nobody issues under it.
 */
export async function friendbot(db: Database, caller: TenantPrincipal, id: string) {
  requireOwn(caller, id);
  return db.transaction(async (tx) => {
    if (!(await registry.spendFriendbotGrant(tx, id, FRIENDBOT_GRANTS_PER_DAY))) throw new RateLimitedError(secondsToUtcMidnight());
    const project =
      (await registry.selectSandboxProject(tx, SANDBOX_PROJECT)) ??
      (await registry.insertProject(tx, { fullName: SANDBOX_PROJECT, countryCode: 'ISL', organizationId: null }));
    const vintage = new Date().getUTCFullYear() - 1;
    const { batch, transaction } = await issueBatchIn(tx, project.id, { vintage, supply: FRIENDBOT_AMOUNT, type: 'exPost', toOrganizationId: id, ledger: 'sandbox' });
    const { serialization } = creditView(id, batch, FRIENDBOT_AMOUNT, { base: '' });
    return { serialization, amount: FRIENDBOT_AMOUNT, transactionId: transaction.tx_id! };
  });
}
