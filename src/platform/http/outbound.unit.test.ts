import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddressKind } from './outbound-address.js';
import { checkOutboundTarget, outboundFetch, outboundRequest, OutboundTargetRefused, type Resolver } from './outbound.js';

const strict = { allowPrivateTargets: false };
const permissive = { allowPrivateTargets: true };
const resolvesTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/redirect') {
      response.writeHead(302, { location: `${base}/elsewhere` });
      return response.end();
    }
    if (request.url === '/silent') return; // never answers
    if (request.url === '/big') return response.end('x'.repeat(10_000));
    response.setHeader('content-type', 'application/json');
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

describe('which addresses are public', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'reserved'],
  ])('%s is refused as %s', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(refusedAddressKind(address)).toBeNull();
  });
});

describe('checking a target before it is stored', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
    ['http://[fe80::1]:8080/x', 'fe80::1 is a link-local address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://0.0.0.0:3000/', '0.0.0.0 is an unspecified address'],
  ])('refuses %s, in whatever notation the IP is written', async (url, reason) => {
    await expect(checkOutboundTarget(url, strict)).rejects.toThrow(reason);
  });

  it('refuses a name that resolves to a non-public address, even when others are public', async () => {
    await expect(checkOutboundTarget('https://hooks.example.com/x', strict, resolvesTo('93.184.215.14', '10.0.0.7'))).rejects.toThrow('hooks.example.com resolves to a private address');
    await expect(checkOutboundTarget('http://localhost:3000/', strict)).rejects.toThrow(/localhost resolves to a loopback address/);
  });

  it('accepts a name that does not resolve yet (it is checked on every connection), and refuses URLs that are not http(s)', async () => {
    const unresolvable: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect((await checkOutboundTarget('https://later.example/', strict, unresolvable)).hostname).toBe('later.example');
    await expect(checkOutboundTarget('ftp://example.com/', strict)).rejects.toBeInstanceOf(OutboundTargetRefused);
    await expect(checkOutboundTarget('http://[zz/', strict)).rejects.toThrow('is not a valid URL');
  });

  it('accepts public targets, and private ones only when the policy allows them', async () => {
    expect((await checkOutboundTarget('https://hooks.example.com/x', strict, resolvesTo('93.184.215.14'))).href).toBe('https://hooks.example.com/x');
    expect((await checkOutboundTarget('http://2130706433:8080/', permissive)).href).toBe('http://127.0.0.1:8080/');
  });
});

describe('sending', () => {
  it('refuses at connection time a name that now resolves to a private address (DNS rebinding)', async () => {
    const port = new URL(base).port;
    const url = `http://rebinding.example:${port}/hook`;
    await checkOutboundTarget(url, strict, resolvesTo('93.184.215.14'));
    hits.length = 0;
    await expect(outboundRequest(url, { method: 'POST', body: '{}', timeoutMs: 5000, maxResponseBytes: 0 }, strict, resolvesTo('127.0.0.1'))).rejects.toThrow(
      'rebinding.example resolves to a loopback address',
    );
    expect(hits).toEqual([]);
  });

  it('refuses a literal private address without connecting', async () => {
    hits.length = 0;
    await expect(outboundRequest(`${base}/hook`, { method: 'GET', timeoutMs: 5000, maxResponseBytes: 100 }, strict)).rejects.toBeInstanceOf(OutboundTargetRefused);
    expect(hits).toEqual([]);
  });

  it('answers a redirect with its 3xx status and never follows it', async () => {
    hits.length = 0;
    const answer = await outboundRequest(`${base}/redirect`, { method: 'POST', headers: { 'x-signature': 's' }, body: '{}', timeoutMs: 5000, maxResponseBytes: 0 }, permissive);
    expect(answer.status).toBe(302);
    expect(hits).toEqual(['/redirect']);
  });

  it('gives up on a target that does not answer in time, and on a response larger than allowed', async () => {
    await expect(outboundRequest(`${base}/silent`, { method: 'GET', timeoutMs: 200, maxResponseBytes: 100 }, permissive)).rejects.toThrow();
    await expect(outboundRequest(`${base}/big`, { method: 'GET', timeoutMs: 5000, maxResponseBytes: 1000 }, permissive)).rejects.toThrow('Response larger than 1000 bytes.');
  });

  it('serves libraries a fetch that reads JSON and reports redirects as such', async () => {
    const fetchLike = outboundFetch(permissive, { timeoutMs: 5000, maxResponseBytes: 1000 });
    const response = await fetchLike(`${base}/jwks`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect((await fetchLike(`${base}/redirect`)).status).toBe(302);
    await expect(outboundFetch(strict, { timeoutMs: 5000, maxResponseBytes: 1000 })(`${base}/jwks`)).rejects.toBeInstanceOf(OutboundTargetRefused);
  });
});
