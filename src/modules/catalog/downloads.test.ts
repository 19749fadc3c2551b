import net from 'node:net';
import type { AddressInfo } from 'node:net';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { loadDemoCatalog } from './demo/demo.service.js';
import { SORTS } from './plume-filter.js';
import { orderBy } from './plumes.queries.js';

/*
 * Long downloads against a real listening server: readers that stop reading, or vanish mid-body,
 * must not take the database (the embedded one has a single connection) from everyone else.
 */

// About 9 MB of CSV: more than the kernel's socket buffers take in for a reader that reads nothing.
const PLUMES = 20_000;
let ctx: TestContext;
let base: string;
let port: number;
let keys: string[];
let published: number;

interface OpenDownload {
  socket: net.Socket;
  status: number;
  /** Settles when the connection is gone, whoever closed it. */
  closed: Promise<void>;
}

/** Sends a GET on a raw connection and stops reading as soon as the first bytes arrive: a paused reader. */
function pausedDownload(path: string, key?: string): Promise<OpenDownload> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.once('close', () => reject(new Error('closed before answering')));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      resolve({ socket, status: Number(first.toString('latin1').split(' ')[1]), closed });
    });
    const authorization = key ? `Authorization: Bearer ${key}\r\n` : '';
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n${authorization}\r\n`);
  });
}

const BIG_CSV = '/api/v1/catalog/plume-csv?limit=100000';

async function slotsFreed() {
  while (ctx.app.downloadSlots.count() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function expectServerAnswers() {
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready' });
  const page = await fetch(`${base}/api/v1/catalog/plumes/annotated?limit=5`);
  expect(page.status).toBe(200);
  expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(5);
}

async function publishedNames(sort: (typeof SORTS)[number]) {
  const rows = await ctx.db.query<{ plume_id: string }>(sql`SELECT p.plume_id FROM plumes p WHERE p.status = 'published' ORDER BY ${orderBy(sort)}`);
  return rows.map((row) => row.plume_id);
}

const namesIn = (csv: string) => csv.split('\r\n').slice(1, -1).map((line) => line.slice(0, line.indexOf(',')));

beforeAll(async () => {
  ctx = await createTestContext({ DOWNLOAD_LIMIT_PER_CLIENT: '2', DOWNLOAD_LIMIT_TOTAL: '3', DOWNLOAD_STALL_SECONDS: '600' });
  await loadDemoCatalog(ctx.db, { plumes: PLUMES, organizationId: null });
  const organization = await ctx.organization('Readers');
  keys = [await organization.key(['catalog:read']), await organization.key(['catalog:read'])];
  const [counted] = await ctx.db.query<{ published: number }>(sql`SELECT count(*)::int AS published FROM plumes WHERE status = 'published'`);
  published = counted!.published;
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ctx.app.server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
}, 300_000);
afterAll(() => ctx?.close());

describe('long downloads', () => {
  it('while readers are paused mid-body, /readyz and the catalog still answer, and downloads past the bounds get 429', { timeout: 120_000 }, async () => {
    const paused = [await pausedDownload(BIG_CSV), await pausedDownload(BIG_CSV), await pausedDownload(BIG_CSV, keys[0])];
    expect(paused.map((download) => download.status)).toEqual([200, 200, 200]);
    // More than a connection pool's worth (10 on PostgreSQL): the same address, the same credential, another credential.
    const refused: OpenDownload[] = [];
    for (let i = 0; i < 9; i += 1) refused.push(await pausedDownload(BIG_CSV, [undefined, keys[0], keys[1]][i % 3]));
    expect(refused.map((download) => download.status)).toEqual(Array(9).fill(429));

    await expectServerAnswers();
    expect(ctx.app.downloadSlots.count()).toBe(3);
    const answer = await fetch(`${base}${BIG_CSV}`);
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer.json()).toMatchObject({ code: 'RATE_LIMITED', detail: expect.any(String) });
    // Still paused, not cut off: the answers above came while they waited.
    expect(paused.every((download) => !download.socket.destroyed)).toBe(true);

    for (const download of [...paused, ...refused]) download.socket.destroy();
    await Promise.all(paused.map((download) => download.closed));
    await slotsFreed();
    await expectServerAnswers();
  });

  it('after readers vanish mid-body, round after round, the server keeps answering and a whole download is exact', { timeout: 180_000 }, async () => {
    for (let round = 0; round < 4; round += 1) {
      const vanishing = [await pausedDownload(BIG_CSV), await pausedDownload(BIG_CSV, keys[0])];
      for (const download of vanishing) download.socket.destroy();
      await Promise.all(vanishing.map((download) => download.closed));
      await expectServerAnswers();
    }
    await slotsFreed();
    const whole = await fetch(`${base}${BIG_CSV}`);
    expect(whole.status).toBe(200);
    const names = namesIn(await whole.text());
    expect(names).toHaveLength(published);
    expect(names).toEqual(await publishedNames('desc'));
  });

  it('reads every sort order in chunks without a duplicate or a missing row, offset included', { timeout: 180_000 }, async () => {
    expect(published).toBeGreaterThan(6600);
    for (const sort of SORTS) {
      const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plume-csv?sort=${sort}&offset=100&limit=2500` });
      expect(response.statusCode).toBe(200);
      expect(namesIn(response.body), sort).toEqual((await publishedNames(sort)).slice(100, 2600));
    }
    // Past the first lines read beside the ids (4,000 on PostgreSQL) and across two chunks after them.
    const response = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume-csv?sort=emissions_asc&offset=100&limit=6500' });
    expect(namesIn(response.body)).toEqual((await publishedNames('emissions_asc')).slice(100, 6600));
  });
});
