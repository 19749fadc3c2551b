import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { TenantPrincipal } from '../../platform/auth/principal.js';
import { DeferJob, enqueueJob } from '../../platform/jobs/jobs.js';
import { isTransientDatabaseError } from '../../platform/db/database-errors.js';
import * as registry from './registry.queries.js';
import type { Ledger } from './registry.queries.js';
import * as ledger from './ledger.queries.js';
import { planTake, rangesOf } from './serials.js';
import { appendToChain } from './ledger-chain.js';
import { ensureDefaultAccount, requireOwn } from './registry-accounts.js';
import { batchNumOfCreditId, creditView, transactionView, type Links } from './registry.views.js';

// Transfers, retirements and cancellations of credits: requested by an organization, settled by the worker.

export const TRANSACTIONS_QUEUE = 'registry.transactions';
/** When the database fails a transaction's processing for a passing reason, the job runs again this much later. */
const TRANSIENT_RETRY_SECONDS = 5;
/** What a retirement record says in place of a private organization's words. */
export const UNDISCLOSED = 'Undisclosed';

export type Action = 'transfer' | 'retire' | 'transfer_retire' | 'cancel';

export interface ActionBody {
  creditId?: string | undefined;
  amount?: number | undefined;
  toOrganizationId?: string | undefined;
  toAddress?: string | undefined;
  transactionId?: string | undefined;
  retirementData?: { reason?: string | undefined; beneficiaryName?: string | undefined; comment?: string | undefined } | undefined;
}

async function destinationOf(db: Queryable, body: ActionBody) {
  if (body.toAddress) {
    const account = await registry.selectAccountByAddress(db, body.toAddress.toLowerCase());
    if (!account) throw ValidationError.field('body', ['toAddress'], 'No inventory account has this address');
    if (body.toOrganizationId && body.toOrganizationId !== account.organization_id) {
      throw ValidationError.field('body', ['toOrganizationId'], 'toAddress belongs to another organization');
    }
    return { organizationId: account.organization_id, address: account.address };
  }
  if (body.toOrganizationId) {
    if (!(await registry.selectProfile(db, body.toOrganizationId))) throw ValidationError.field('body', ['toOrganizationId'], 'Unknown organization');
    const account = await ensureDefaultAccount(db, body.toOrganizationId);
    return { organizationId: account.organization_id, address: account.address };
  }
  throw ValidationError.field('body', ['toOrganizationId'], 'toOrganizationId or toAddress is required for a transfer');
}

/**
 * Validates an action, reserves its tonnes (splitting a serial block where needed) and queues it,
 * all in one transaction: the worker later moves or retires exactly the reserved serials.
 */
export async function requestAction(db: Database, caller: TenantPrincipal, id: string, action: Action, body: ActionBody, links: Links) {
  requireOwn(caller, id);
  if (action === 'cancel') return cancelTransaction(db, caller, body.transactionId, links);
  const batchNum = body.creditId ? batchNumOfCreditId(body.creditId) : undefined;
  if (batchNum === undefined) throw ValidationError.field('body', ['creditId'], 'Unknown credit id');
  if (!Number.isInteger(body.amount) || (body.amount ?? 0) <= 0) throw ValidationError.field('body', ['amount'], 'Must be a whole number of tonnes above 0');
  const amount = body.amount!;
  const retiring = action !== 'transfer';
  if (retiring && !body.retirementData?.beneficiaryName) throw ValidationError.field('body', ['retirementData', 'beneficiaryName'], 'Required for retirements');

  const result = await db.transaction(async (tx) => {
    const batch = await registry.selectBatchByNum(tx, batchNum);
    if (!batch) throw ValidationError.field('body', ['creditId'], 'Unknown credit id');
    const to = action === 'retire' ? null : await destinationOf(tx, body);
    const blocks = await ledger.lockAvailableBlocks(tx, id, batch.id);
    const plan = planTake(blocks.map((b) => ({ id: b.id, serialFirst: Number(b.serial_first), serialLast: Number(b.serial_last) })), amount);
    if (!plan) throw ValidationError.field('body', ['amount'], 'More than the organization holds of this credit');
    const transactionId = randomUUID();
    for (const block of plan.whole) await ledger.reserveWholeBlock(tx, id, block.id, transactionId);
    if (plan.partial) {
      const { block, count } = plan.partial;
      const holder = blocks.find((b) => b.id === block.id)!.holder_address;
      await ledger.insertBlock(tx, { organizationId: id, batchId: batch.id, holderAddress: holder, serialFirst: block.serialFirst, serialLast: block.serialFirst + count - 1, state: 'reserved', transactionId });
      await ledger.shrinkBlockStart(tx, id, block.id, block.serialFirst + count);
    }
    await ledger.insertTransaction(tx, {
      id: transactionId,
      organizationId: id,
      ledger: batch.ledger,
      action,
      state: 'pending',
      batchId: batch.id,
      amount,
      toOrganizationId: to?.organizationId ?? null,
      toAddress: to?.address ?? null,
      retirement: {
        reason: retiring ? (body.retirementData?.reason ?? '') : null,
        beneficiaryName: retiring ? (body.retirementData?.beneficiaryName ?? '') : null,
        comment: retiring ? (body.retirementData?.comment ?? '') : null,
      },
      serialRanges: rangesOf(plan),
    });
    await enqueueJob(tx, TRANSACTIONS_QUEUE, { transactionId });
    return { batch, transaction: (await ledger.lockTransaction(tx, transactionId))! };
  });
  return transactionView(result.transaction, result.batch, links);
}

/**
 * The page lists cancel among the actions but its body has no field naming what to cancel: such a
 * request hears exactly what to send. Also used before schema errors, which would name other fields.
 */
export function cancelWithoutTransaction(params: unknown, body: unknown): ValidationError | undefined {
  const action = (params as { action?: unknown } | undefined)?.action;
  const transactionId = (body as { transactionId?: unknown } | null | undefined)?.transactionId;
  if (action !== 'cancel' || transactionId !== undefined) return undefined;
  return ValidationError.field('body', ['transactionId'], 'Required to cancel: send {"transactionId": "<id>"} with the id of the pending transfer, retire or transfer_retire to cancel, as its response gave it; no other field is read');
}

async function cancelTransaction(db: Database, caller: TenantPrincipal, transactionId: string | undefined, links: Links) {
  const missing = cancelWithoutTransaction({ action: 'cancel' }, { transactionId });
  if (missing || !transactionId) throw missing;
  return db.transaction(async (tx) => {
    const row = await ledger.lockTransaction(tx, transactionId);
    if (!row || row.organization_id !== caller.organizationId) throw new NotFoundError(`Transaction ${transactionId} not found.`);
    if (row.state !== 'pending') throw new ConflictError(`Only a pending transaction can be cancelled; this one is ${row.state}.`);
    await ledger.releaseReservation(tx, transactionId);
    await ledger.setTransactionState(tx, transactionId, 'cancelled', 'Cancelled by the organization.');
    const batch = (await registry.selectBatch(tx, row.batch_id))!;
    return transactionView((await ledger.lockTransaction(tx, transactionId))!, batch, links);
  });
}

export async function getTransaction(db: Queryable, caller: TenantPrincipal, id: string, transactionId: string, links: Links) {
  requireOwn(caller, id);
  const row = await ledger.selectTransactionFor(db, id, transactionId);
  if (!row) throw new NotFoundError(`Transaction ${transactionId} not found.`);
  return transactionView(row, (await registry.selectBatch(db, row.batch_id))!, links);
}

/** The organization's latest transactions (sent or received), newest first: a Carbon Atlas addition. */
export async function listTransactions(db: Queryable, caller: TenantPrincipal, id: string, options: { ledger: Ledger; state: ledger.TransactionRow['state'] | undefined; limit: number }, links: Links) {
  requireOwn(caller, id);
  const rows = await ledger.selectTransactionsFor(db, id, options);
  const batches = new Map((await registry.selectBatches(db, [...new Set(rows.map((row) => row.batch_id))])).map((batch) => [batch.id, batch]));
  return { organizationId: id, transactions: rows.map((row) => transactionView(row, batches.get(row.batch_id)!, links)) };
}

/**
 * The worker's job: pending → processing → processed, or failed with its reservation released.
 * A transaction left `processing` by a worker that died is resumed (settling is one database
 * transaction, so nothing of it was applied); one already settled is left alone, so a job that runs
 * twice never settles twice. Only a refusal fails a transaction: when the database itself fails (a
 * restart, a lost connection, a timeout, a lost race) the transaction stays as it was and the job
 * runs it again a few seconds later, for as long as that takes.
 */
export async function processTransaction(db: Database, transactionId: string) {
  try {
    const claimed = await db.transaction(async (tx) => {
      const row = await ledger.lockTransaction(tx, transactionId);
      if (row?.state === 'pending') await ledger.setTransactionState(tx, transactionId, 'processing');
      return row?.state === 'pending' || row?.state === 'processing';
    });
    if (!claimed) return;
    await settleOrFail(db, transactionId);
  } catch (error) {
    if (isTransientDatabaseError(error)) throw new DeferJob(TRANSIENT_RETRY_SECONDS);
    throw error;
  }
}

async function settleOrFail(db: Database, transactionId: string) {
  try {
    await db.transaction((tx) => settle(tx, transactionId));
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error;
    await db.transaction(async (tx) => {
      if ((await ledger.lockTransaction(tx, transactionId))?.state !== 'processing') return;
      await ledger.releaseReservation(tx, transactionId);
      await ledger.setTransactionState(tx, transactionId, 'failed', error instanceof Error ? error.message : 'Processing failed.');
    });
  }
}

async function settle(tx: Queryable, transactionId: string) {
  const row = (await ledger.lockTransaction(tx, transactionId))!;
  if (row.state !== 'processing') return;
  const blocks = await ledger.lockReservedBlocks(tx, transactionId);
  const reserved = blocks.reduce((sum, b) => sum + Number(b.serial_last) - Number(b.serial_first) + 1, 0);
  if (reserved !== Number(row.amount)) throw new Error(`Reserved ${reserved} tonnes for a transaction of ${row.amount}.`);
  const ranges = blocks.map((b): [number, number] => [Number(b.serial_first), Number(b.serial_last)]);
  const holder = row.to_organization_id && row.to_address ? { organizationId: row.to_organization_id, address: row.to_address } : { organizationId: row.organization_id, address: blocks[0]!.holder_address };
  const state = row.action === 'transfer' ? 'available' : 'retired';
  await ledger.moveReservedBlocks(tx, transactionId, { ...holder, state });
  if (state === 'retired') {
    await ledger.insertRetirement(tx, {
      organizationId: holder.organizationId,
      transactionId,
      ledger: row.ledger,
      batchId: row.batch_id,
      amount: Number(row.amount),
      serialRanges: ranges,
      beneficiaryName: row.retirement_beneficiary ?? '',
      reason: row.retirement_reason ?? '',
      comment: row.retirement_comment ?? '',
    });
  }
  await appendToChain(tx, row, ranges);
}

/**
 * A public retirement record, by its opaque id. It names the retiring organization, and repeats
 * the words it wrote (beneficiary, reason, comment), only while that organization's registry
 * profile is public; otherwise the record proves the tonnes, serials and chain entry and says
 * `Undisclosed` — the text could name a private organization.
 */
export async function getRetirement(db: Queryable, id: string, links: Links) {
  const row = await ledger.selectRetirement(db, id);
  if (!row) throw new NotFoundError(`Retirement ${id} not found.`);
  const batch = (await registry.selectBatch(db, row.batch_id))!;
  const view = creditView(row.organization_id, batch, Number(row.amount), links);
  const parts = transactionView((await ledger.selectTransactionFor(db, row.organization_id, row.transaction_id))!, batch, links);
  const named = (await registry.selectProfile(db, row.organization_id))?.is_public === true;
  return {
    id: row.public_id,
    organizationId: named ? row.organization_id : null,
    beneficiaryName: named ? row.beneficiary_name : UNDISCLOSED,
    reason: named ? row.reason : '',
    comment: named ? row.comment : '',
    amount: Number(row.amount),
    serialRanges: row.serial_ranges,
    serialization: parts.serialization,
    project: view.project,
    vintage: view.vintage,
    type: view.type,
    ledger: row.ledger,
    retiredAt: row.retired_at.toISOString(),
    txId: parts.txId,
  };
}
