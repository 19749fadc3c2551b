import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isCredentialParameter, loggerOptions, redactUrl, requestLine, serializeRequest, usesPrettyLogs } from './log-redaction.js';

describe('URLs in request logs', () => {
  it('keep the path and ordinary parameters but hide credential-looking values', () => {
    expect(redactUrl('/api/v1/catalog/quicklook/abc/response?signature=1700000000.deadbeef&size=2')).toBe('/api/v1/catalog/quicklook/abc/response?signature=[REDACTED]&size=2');
    expect(redactUrl('/a?X-Amz-Credential=AKIA%2F2024&X-Amz-Signature=ff&X-Amz-Expires=900')).toBe('/a?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Expires=[REDACTED]');
    expect(redactUrl('/cb?code=abc&state=xyz&next=/home')).toBe('/cb?code=[REDACTED]&state=[REDACTED]&next=/home');
    expect(redactUrl('/x?access_token=t&apiKey=k&client_secret=s&password=p&page=2')).toBe('/x?access_token=[REDACTED]&apiKey=[REDACTED]&client_secret=[REDACTED]&password=[REDACTED]&page=2');
    expect(redactUrl('/v1/facilities?page=1&size=10')).toBe('/v1/facilities?page=1&size=10');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('recognise credentials by the words of the parameter name', () => {
    for (const name of ['token', 'stac_token', 'refreshToken', 'key', 'api-key', 'sig', 'x-amz-date', 'session_id', 'SECRET']) expect(isCredentialParameter(name), name).toBe(true);
    for (const name of ['page', 'size', 'bbox', 'datetime', 'monkeys', 'keyword']) expect(isCredentialParameter(name), name).toBe(false);
  });

  it('are what the request serializer logs', () => {
    const logged = serializeRequest({ method: 'GET', url: '/r?token=secret-value', host: 'example.test', ip: '10.0.0.1', socket: { remotePort: 5000 } });
    expect(logged).toEqual({ method: 'GET', url: '/r?token=[REDACTED]', host: 'example.test', remoteAddress: '10.0.0.1', remotePort: 5000 });
    expect(JSON.stringify(logged)).not.toContain('secret-value');
  });
});

describe("the server's logger", () => {
  it('writes neither credential headers nor credential fields nor signed query strings', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) });
    const app = Fastify({ logger: { ...loggerOptions('info'), stream } });
    app.get('/r', async (request) => {
      request.log.info({ headers: request.headers, body: { password: 'hunter2', refresh_token: 'rt' } }, 'handled');
      return {};
    });
    await app.inject({ method: 'GET', url: '/r?X-Amz-Signature=sig123&page=2', headers: { authorization: 'Bearer sk_live_secret', 'x-api-key': 'key123', cookie: 'session=abc' } });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('/r?X-Amz-Signature=[REDACTED]&page=2');
    for (const secret of ['sig123', 'sk_live_secret', 'key123', 'session=abc', 'hunter2', '"rt"']) expect(log).not.toContain(secret);
  });
});

describe('terminal log format', () => {
  it('is pretty on a terminal or when asked, JSON otherwise', () => {
    expect(usesPrettyLogs('auto', true)).toBe(true);
    expect(usesPrettyLogs('auto', false)).toBe(false);
    expect(usesPrettyLogs('json', true)).toBe(false);
    expect(usesPrettyLogs('pretty', false)).toBe(true);
  });

  it('writes one line per request with the credential in the URL redacted', () => {
    expect(requestLine('GET', '/api/v1/catalog/plumes?token=abc&limit=5', 200, 3.14159)).toBe('GET /api/v1/catalog/plumes?token=[REDACTED]&limit=5 200 3.1 ms');
  });
});
