import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import downloadsPlugin from './downloads-plugin.js';
import { pullStream } from './streaming.js';

/*
 * The stall rule on its own, with an endless download and a one-second stall: a reader that takes
 * nothing loses its connection and its slot. (The catalog's downloads are tested in
 * src/modules/catalog/downloads.test.ts.)
 */

let app: FastifyInstance;
let port: number;

/** Stands in for the auth plugin the downloads plugin runs after: nobody is signed in. */
const noAuth = fp(
  async (instance) => {
    instance.decorateRequest('principal', null);
  },
  { name: 'carbon-atlas-auth' },
);

beforeAll(async () => {
  app = Fastify();
  await app.register(noAuth);
  await app.register(downloadsPlugin, { perClient: 1, total: 1, stallSeconds: 1, maxSeconds: 3600 });
  const megabyte = 'x'.repeat(1 << 20);
  app.get('/endless', { config: { download: true } }, (_request, reply) => reply.type('text/plain').send(pullStream(async () => megabyte)));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app?.close());

/** Requests /endless on a raw connection and reads only the first bytes. */
function pausedReader(): Promise<{ status: number; socket: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.once('close', () => reject(new Error('closed before answering')));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      resolve({ status: Number(first.toString('latin1').split(' ')[1]), socket, closed });
    });
    socket.write('GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

describe('downloads plugin', () => {
  it('cuts off a reader that takes nothing for the stall time, and frees its slot for the next download', { timeout: 60_000 }, async () => {
    const stalled = await pausedReader();
    expect(stalled.status).toBe(200);
    expect(app.downloadSlots.count()).toBe(1);

    while (app.downloadSlots.count() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // An endless download that ends: the server closed it (a paused socket sees that once it reads again).
    stalled.socket.resume();
    await stalled.closed;

    const next = await pausedReader();
    expect(next.status).toBe(200);
    next.socket.destroy();
    await next.closed;
  });
});

describe('a download read slowly but steadily', () => {
  it('is closed at its deadline, so a trickling reader cannot keep a slot for hours', { timeout: 60_000 }, async () => {
    const trickle = Fastify();
    await trickle.register(noAuth);
    await trickle.register(downloadsPlugin, { perClient: 1, total: 1, stallSeconds: 3600, maxSeconds: 1 });
    trickle.get('/endless', { config: { download: true } }, (_request, reply) => reply.type('text/plain').send(pullStream(async () => 'x'.repeat(1024))));
    await trickle.listen({ port: 0, host: '127.0.0.1' });
    try {
      const socket = net.connect((trickle.server.address() as AddressInfo).port, '127.0.0.1');
      socket.on('error', () => undefined);
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.write('GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await closed;
      expect(received).toBeGreaterThan(0);
      expect(trickle.downloadSlots.count()).toBe(0);
    } finally {
      await trickle.close();
    }
  });
});
