import sql, { empty } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { Ledger } from './registry.queries.js';

export interface BlockRow {
  organization_id: string;
  id: string;
  batch_id: string;
  holder_address: string;
  serial_first: number;
  serial_last: number;
  state: 'available' | 'reserved' | 'retired';
  transaction_id: string | null;
}

const BLOCK = sql`organization_id, id, batch_id, holder_address, serial_first, serial_last, state, transaction_id`;

export async function insertBlock(
  db: Queryable,
  input: { organizationId: string; batchId: string; holderAddress: string; serialFirst: number; serialLast: number; state: BlockRow['state']; transactionId: string | null },
) {
  await db.query(sql`
    INSERT INTO credit_blocks (organization_id, batch_id, holder_address, serial_first, serial_last, state, transaction_id)
    VALUES (${input.organizationId}, ${input.batchId}, ${input.holderAddress}, ${input.serialFirst}, ${input.serialLast}, ${input.state}, ${input.transactionId})`);
}

/** The organization's available blocks of a batch, locked for the caller's transaction. */
export function lockAvailableBlocks(db: Queryable, organizationId: string, batchId: string) {
  return db.query<BlockRow>(sql`
    SELECT ${BLOCK} FROM credit_blocks
    WHERE organization_id = ${organizationId} AND batch_id = ${batchId} AND state = 'available'
    ORDER BY serial_first FOR UPDATE`);
}

export async function reserveWholeBlock(db: Queryable, organizationId: string, id: string, transactionId: string) {
  await db.query(sql`
    UPDATE credit_blocks SET state = 'reserved', transaction_id = ${transactionId} WHERE organization_id = ${organizationId} AND id = ${id}`);
}

/** Moves the start of a block past the serials split off it. */
export async function shrinkBlockStart(db: Queryable, organizationId: string, id: string, newFirst: number) {
  await db.query(sql`UPDATE credit_blocks SET serial_first = ${newFirst} WHERE organization_id = ${organizationId} AND id = ${id}`);
}

export function lockReservedBlocks(db: Queryable, transactionId: string) {
  return db.query<BlockRow>(sql`
    SELECT ${BLOCK} FROM credit_blocks WHERE transaction_id = ${transactionId} AND state = 'reserved' ORDER BY serial_first FOR UPDATE`);
}

export async function releaseReservation(db: Queryable, transactionId: string) {
  await db.query(sql`UPDATE credit_blocks SET state = 'available', transaction_id = NULL WHERE transaction_id = ${transactionId} AND state = 'reserved'`);
}

export async function moveReservedBlocks(db: Queryable, transactionId: string, to: { organizationId: string; address: string; state: 'available' | 'retired' }) {
  await db.query(sql`
    UPDATE credit_blocks
    SET organization_id = ${to.organizationId}, holder_address = ${to.address}, state = ${to.state},
        transaction_id = CASE WHEN ${to.state} = 'retired' THEN transaction_id END
    WHERE transaction_id = ${transactionId} AND state = 'reserved'`);
}

export interface HoldingRow {
  batch_id: string;
  amount: number;
}

/** Available tonnes per batch an organization holds on one ledger. */
export function selectHoldings(db: Queryable, organizationId: string, ledger: Ledger) {
  return db.query<HoldingRow>(sql`
    SELECT k.batch_id, sum(k.serial_last - k.serial_first + 1)::bigint AS amount
    FROM credit_blocks k JOIN credit_batches b ON b.id = k.batch_id
    WHERE k.organization_id = ${organizationId} AND k.state = 'available' AND b.ledger = ${ledger}
    GROUP BY k.batch_id, b.num ORDER BY b.num`);
}

export interface TransactionRow {
  organization_id: string;
  id: string;
  ledger: Ledger;
  action: 'issue' | 'transfer' | 'retire' | 'transfer_retire';
  state: 'pending' | 'processing' | 'processed' | 'failed' | 'cancelled';
  batch_id: string;
  amount: number;
  to_organization_id: string | null;
  to_address: string | null;
  retirement_reason: string | null;
  retirement_beneficiary: string | null;
  retirement_comment: string | null;
  failure_reason: string | null;
  serial_ranges: [number, number][];
  sequence: number | null;
  content_hash: string | null;
  previous_tx_id: string | null;
  tx_id: string | null;
  /** The public retirement record's opaque id. */
  retirement_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const TRANSACTION = sql`
  SELECT t.organization_id, t.id, t.ledger, t.action, t.state, t.batch_id, t.amount, t.to_organization_id, t.to_address,
         t.retirement_reason, t.retirement_beneficiary, t.retirement_comment, t.failure_reason, t.serial_ranges,
         t.sequence, t.content_hash, t.previous_tx_id, t.tx_id, r.public_id AS retirement_id, t.created_at, t.updated_at
  FROM registry_transactions t LEFT JOIN retirements r ON r.transaction_id = t.id`;

export async function insertTransaction(
  db: Queryable,
  input: {
    id: string;
    organizationId: string;
    ledger: Ledger;
    action: TransactionRow['action'];
    state: TransactionRow['state'];
    batchId: string;
    amount: number;
    toOrganizationId: string | null;
    toAddress: string | null;
    retirement: { reason: string | null; beneficiaryName: string | null; comment: string | null };
    serialRanges: [number, number][];
  },
) {
  await db.query(sql`
    INSERT INTO registry_transactions (organization_id, id, ledger, action, state, batch_id, amount, to_organization_id, to_address,
      retirement_reason, retirement_beneficiary, retirement_comment, serial_ranges)
    VALUES (${input.organizationId}, ${input.id}, ${input.ledger}, ${input.action}, ${input.state}, ${input.batchId}, ${input.amount},
      ${input.toOrganizationId}, ${input.toAddress}, ${input.retirement.reason}, ${input.retirement.beneficiaryName}, ${input.retirement.comment},
      ${JSON.stringify(input.serialRanges)}::jsonb)`);
}

/** A transaction visible to an organization: one it sent or one it received. */
export async function selectTransactionFor(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<TransactionRow>(sql`
    ${TRANSACTION} WHERE t.id = ${id} AND (t.organization_id = ${organizationId} OR t.to_organization_id = ${organizationId})`);
  return row;
}

/**
 * The transactions an organization sent or received on one ledger, newest first. The two arms
 * each use an index on the party column, so neither side scans the other organizations' rows.
 */
export function selectTransactionsFor(db: Queryable, organizationId: string, options: { ledger: Ledger; state: TransactionRow['state'] | undefined; limit: number }) {
  const state = options.state === undefined ? empty : sql`AND t.state = ${options.state}`;
  return db.query<TransactionRow>(sql`
    ${TRANSACTION} WHERE t.id IN (
      (SELECT id FROM registry_transactions WHERE organization_id = ${organizationId} AND ledger = ${options.ledger})
      UNION
      (SELECT id FROM registry_transactions WHERE to_organization_id = ${organizationId} AND ledger = ${options.ledger}))
    ${state}
    ORDER BY t.created_at DESC, t.id DESC
    LIMIT ${options.limit}`);
}

export async function lockTransaction(db: Queryable, id: string) {
  const [row] = await db.query<TransactionRow>(sql`${TRANSACTION} WHERE t.id = ${id} FOR UPDATE OF t`);
  return row;
}

export async function setTransactionState(db: Queryable, id: string, state: TransactionRow['state'], failureReason: string | null = null) {
  await db.query(sql`UPDATE registry_transactions SET state = ${state}, failure_reason = ${failureReason}, updated_at = now() WHERE id = ${id}`);
}

/** Appends a transaction to its ledger's chain; the head row lock orders concurrent appends. */
export async function lockChainHead(db: Queryable, ledger: Ledger) {
  const [row] = await db.query<{ sequence: number; tx_id: string }>(sql`SELECT sequence, tx_id FROM registry_chain_heads WHERE ledger = ${ledger} FOR UPDATE`);
  return { sequence: Number(row!.sequence), txId: row!.tx_id };
}

export async function recordOnChain(
  db: Queryable,
  input: { id: string; ledger: Ledger; sequence: number; contentHash: string; previousTxId: string; txId: string; serialRanges: [number, number][] },
) {
  await db.query(sql`
    UPDATE registry_transactions SET state = 'processed', sequence = ${input.sequence}, content_hash = ${input.contentHash},
      previous_tx_id = ${input.previousTxId}, tx_id = ${input.txId}, serial_ranges = ${JSON.stringify(input.serialRanges)}::jsonb, updated_at = now()
    WHERE id = ${input.id}`);
  await db.query(sql`UPDATE registry_chain_heads SET sequence = ${input.sequence}, tx_id = ${input.txId} WHERE ledger = ${input.ledger}`);
}

export function selectChain(db: Queryable, ledger: Ledger) {
  return db.query<TransactionRow>(sql`${TRANSACTION} WHERE t.ledger = ${ledger} AND t.sequence IS NOT NULL ORDER BY t.sequence`);
}

export async function insertRetirement(
  db: Queryable,
  input: { organizationId: string; transactionId: string; ledger: Ledger; batchId: string; amount: number; serialRanges: [number, number][]; beneficiaryName: string; reason: string; comment: string },
) {
  await db.query(sql`
    INSERT INTO retirements (organization_id, transaction_id, ledger, batch_id, amount, serial_ranges, beneficiary_name, reason, comment)
    VALUES (${input.organizationId}, ${input.transactionId}, ${input.ledger}, ${input.batchId}, ${input.amount},
      ${JSON.stringify(input.serialRanges)}::jsonb, ${input.beneficiaryName}, ${input.reason}, ${input.comment})`);
}

export interface RetirementRow {
  id: number;
  public_id: string;
  organization_id: string;
  transaction_id: string;
  ledger: Ledger;
  batch_id: string;
  amount: number;
  serial_ranges: [number, number][];
  beneficiary_name: string;
  reason: string;
  comment: string;
  retired_at: Date;
}

/** By the public, opaque id. */
export async function selectRetirement(db: Queryable, publicId: string) {
  const [row] = await db.query<RetirementRow>(sql`
    SELECT id, public_id, organization_id, transaction_id, ledger, batch_id, amount, serial_ranges, beneficiary_name, reason, comment, retired_at
    FROM retirements WHERE public_id = ${publicId}`);
  return row;
}
