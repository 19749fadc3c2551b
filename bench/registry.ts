import { randomUUID } from 'node:crypto';
import sql from 'sql-template-tag';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import * as identity from '../src/platform/identity/identity.service.js';
import * as registry from '../src/modules/registry/registry.service.js';
import * as ledger from '../src/modules/registry/ledger.queries.js';
import { planTake, rangesOf } from '../src/modules/registry/serials.js';
import { chainTxId, contentHash } from '../src/modules/registry/chain.js';
import { benchEnv, type Backend } from './backends.js';

const CONCURRENCY = 10;

interface Parties {
  from: string;
  to: string;
  toAddress: string;
  batchId: string;
  creditId: string;
  key: string;
}

async function setUp(db: Database, supply: number): Promise<Parties> {
  const from = await identity.createOrganization(db, { name: `bench-from-${randomUUID()}`, tier: 'enterprise' });
  const to = await identity.createOrganization(db, { name: `bench-to-${randomUUID()}` });
  const project = await registry.createDemoProject(db, { fullName: `Bench ${randomUUID()}`, countryCode: 'NOR', organizationId: from.id });
  const { batch } = await registry.issueDemoCredits(db, project.id, { vintage: 2024, supply, type: 'exPost', toOrganizationId: from.id, ledger: 'live' });
  const account = await registry.ensureDefaultAccount(db, to.id);
  const key = (await identity.createApiKey(db, { organizationId: from.id, name: 'bench', scopes: ['organization_inventory:read_write'], tier: 'enterprise' })).secret;
  return { from: from.id, to: to.id, toAddress: account.address, batchId: batch.id, creditId: `exPost-${batch.num}-${batch.token_address}`, key };
}

/** The baseline: one transfer of one tonne as the bare ledger SQL — reserve, move, chain — in one transaction. */
async function directTransfer(db: Database, p: Parties) {
  await db.transaction(async (tx) => {
    const blocks = await ledger.lockAvailableBlocks(tx, p.from, p.batchId);
    const plan = planTake(blocks.map((b) => ({ id: b.id, serialFirst: Number(b.serial_first), serialLast: Number(b.serial_last) })), 1)!;
    const id = randomUUID();
    const { block, count } = plan.partial!;
    await ledger.insertBlock(tx, { organizationId: p.from, batchId: p.batchId, holderAddress: blocks[0]!.holder_address, serialFirst: block.serialFirst, serialLast: block.serialFirst + count - 1, state: 'reserved', transactionId: id });
    await ledger.shrinkBlockStart(tx, p.from, block.id, block.serialFirst + count);
    const ranges = rangesOf(plan);
    await ledger.insertTransaction(tx, { id, organizationId: p.from, ledger: 'live', action: 'transfer', state: 'processing', batchId: p.batchId, amount: 1, toOrganizationId: p.to, toAddress: p.toAddress, retirement: { reason: null, beneficiaryName: null, comment: null }, serialRanges: ranges });
    await ledger.moveReservedBlocks(tx, id, { organizationId: p.to, address: p.toAddress, state: 'available' });
    const head = await ledger.lockChainHead(tx, 'live');
    const sequence = head.sequence + 1;
    const hash = contentHash({ id, ledger: 'live', sequence, action: 'transfer', organizationId: p.from, toOrganizationId: p.to, toAddress: p.toAddress, batchId: p.batchId, amount: 1, serialRanges: ranges, retirement: { reason: null, beneficiaryName: null, comment: null } });
    await ledger.recordOnChain(tx, { id, ledger: 'live', sequence, contentHash: hash, previousTxId: head.txId, txId: chainTxId(head.txId, hash), serialRanges: ranges });
  });
}

async function inParallel(total: number, work: () => Promise<void>) {
  let started = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started < total) {
        started += 1;
        await work();
      }
    }),
  );
}

async function openCount(db: Database) {
  const [row] = await db.query<{ open: number }>(sql`SELECT count(*)::int AS open FROM registry_transactions WHERE state IN ('pending', 'processing')`);
  return Number(row!.open);
}

/**
 * Processed registry transactions per second: transfers requested over HTTP, queued, and settled by
 * the server's workers, against the same ledger updates as one SQL transaction each.
 */
export async function benchRegistry(backend: Backend, transactions: number, workers: number) {
  const config = loadConfig({ ...benchEnv(backend), REGISTRY_WORKERS: String(workers) });
  const db = await openDatabase(config);
  await migrate(db);
  const direct = await setUp(db, transactions * 2);
  const viaApi = await setUp(db, transactions * 2);

  const baselineStart = performance.now();
  await inParallel(transactions, () => directTransfer(db, direct));
  const baselineSeconds = (performance.now() - baselineStart) / 1000;

  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/organizations/${viaApi.from}/inventory/action/transfer`;
  const body = JSON.stringify({ creditId: viaApi.creditId, amount: 1, toOrganizationId: viaApi.to });
  try {
    const apiStart = performance.now();
    await inParallel(transactions, async () => {
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${viaApi.key}`, 'content-type': 'application/json' }, body });
      if (response.status !== 200) throw new Error(`transfer answered ${response.status}: ${await response.text()}`);
    });
    const requestedSeconds = (performance.now() - apiStart) / 1000;
    while ((await openCount(db)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const apiSeconds = (performance.now() - apiStart) / 1000;
    const verified = await registry.verifyChain(db, 'live');
    if (!verified.valid) throw new Error('chain broken after the bench');
    return {
      backend: backend.name,
      transactions,
      workers,
      baselineTps: transactions / baselineSeconds,
      apiTps: transactions / apiSeconds,
      requestsPerSecond: transactions / requestedSeconds,
      ratio: baselineSeconds / apiSeconds,
    };
  } finally {
    await app.close();
  }
}

export function printRegistry(result: Awaited<ReturnType<typeof benchRegistry>>) {
  console.log(`\nRegistry transfers (1 tonne each, splitting a block every time) — ${result.backend}, ${result.transactions} transactions, ${CONCURRENCY} clients, ${result.workers} workers`);
  console.log(`same ledger SQL, one transaction each   ${result.baselineTps.toFixed(0).padStart(6)} tx/s`);
  console.log(`HTTP → queue → workers, until processed ${result.apiTps.toFixed(0).padStart(6)} tx/s (requests accepted at ${result.requestsPerSecond.toFixed(0)}/s)`);
  console.log(`ratio ${result.ratio.toFixed(3)} (target ≥ 0.3)`);
}
