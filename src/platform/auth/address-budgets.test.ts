import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext({ RATE_LIMIT_ANONYMOUS: '2' });
  key = await (await ctx.organization('Budget Keeper')).key();
});
afterAll(() => ctx?.close());

const statuses = async (requests: (() => ReturnType<TestContext['request']>)[]) => {
  const answers = [];
  for (const request of requests) answers.push(await request());
  return answers;
};

describe('per-address budgets', () => {
  it('count an IPv6 /64 as one client, whichever of its addresses calls', async () => {
    const answers = await statuses(
      [1, 2, 3, 4, 5].map((n) => () => ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?limit=1', remoteAddress: `2001:db8:1:2::${n}` })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 429, 429, 429]);
    // Another /64 is another client.
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?limit=1', remoteAddress: '2001:db8:1:3::1' })).statusCode).toBe(200);
  });

  it('are spent by refused x-organization-id headers too, which answer with rate-limit headers', async () => {
    const answers = await statuses(
      [1, 2, 3].map(() => () => ctx.request({ method: 'GET', url: '/v1/facilities', key, headers: { 'x-organization-id': 'nope' }, remoteAddress: '198.51.100.9' })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([403, 403, 429]);
    expect(answers[0]!.headers['x-ratelimit-limit']).toBe('2');
    expect(answers[1]!.headers['x-ratelimit-remaining']).toBe('0');
  });
});
