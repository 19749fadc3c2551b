import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { errorHandlerFor } from './error-handler.js';

/** Just enough of a request and a reply to watch what the error handler logs and sends. */
function exchange() {
  const log = { warn: vi.fn(), error: vi.fn() };
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  return { request: { log, headers: {} } as unknown as FastifyRequest, reply: reply as unknown as FastifyReply, log, sent };
}

describe('the error handler during a database outage', () => {
  it('logs one warning line naming the cause, without a stack trace, and answers 503 with Retry-After', () => {
    const { request, reply, log, sent } = exchange();
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    errorHandlerFor('emissions')(terminated, request, reply);
    expect(log.error).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith({ reason: '57P01: terminating connection due to administrator command' }, 'service unavailable');
    expect(sent).toEqual({ status: 503, headers: { 'retry-after': '5' }, body: { code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable; retry the request shortly.' } });
  });

  it('still logs an unexpected error with its stack, as a 500', () => {
    const { request, reply, log, sent } = exchange();
    const bug = new TypeError('undefined is not a function');
    errorHandlerFor('platform')(bug, request, reply);
    expect(log.error).toHaveBeenCalledWith({ err: bug }, 'request failed');
    expect(sent.status).toBe(500);
  });
});
