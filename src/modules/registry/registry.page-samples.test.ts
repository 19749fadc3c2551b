import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';

// The credit registry page's own samples, sent as the page writes them (docs/registry.md, "Differences from the page").
let ctx: TestContext;
let acme: TestOrganization;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  acme = await ctx.organization('Acme');
  key = await acme.key(['organization_inventory:read', 'organization_inventory:read_write']);
});
afterAll(() => ctx?.close());

const PAGE_SAMPLE = {
  creditId: 'exPost-2-0x1234567890abcdef',
  amount: 100,
  toOrganizationId: '123e4567-e89b-12d3-a456-426614174000',
  toAddress: '0x1234567890abcdef',
  retirementData: { reason: 'Retirement reason', beneficiaryName: 'John Doe', comment: 'This is a comment' },
};

function act(action: string, payload: object) {
  return ctx.request({ method: 'POST', url: `/organizations/${acme.id}/inventory/action/${action}`, key, headers: { 'x-icr-api-version': '2023-06-16' }, payload });
}

describe("the registry page's transaction samples", () => {
  it("answers the page's transfer sample with a 422 saying a toAddress is 0x and 40 hex digits, or to send toOrganizationId alone", async () => {
    const response = await act('transfer', PAGE_SAMPLE);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'toAddress', location: 'body', message: expect.stringContaining('0x followed by 40 hex digits') }] });
    expect(response.json().details[0].message).toContain('send toOrganizationId alone');
  });

  it("answers cancel with the page's body (no transactionId) with a 422 saying to send the pending transaction's id", async () => {
    const response = await act('cancel', PAGE_SAMPLE);
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([{ field: 'transactionId', location: 'body', message: expect.stringContaining('send {"transactionId": "<id>"}') }]);
    const withoutAddress = await act('cancel', { creditId: PAGE_SAMPLE.creditId, amount: 100 });
    expect(withoutAddress.json().details).toEqual([{ field: 'transactionId', location: 'body', message: expect.stringContaining('send {"transactionId": "<id>"}') }]);
  });

  it('cancels a pending transfer when sent the transactionId the message asks for', async () => {
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/friendbot`, key })).statusCode).toBe(200);
    const [credit] = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory?development`, key })).json().credits;
    const other = await ctx.organization('Globex');
    const pending = await act('transfer', { creditId: credit.id, amount: 30, toOrganizationId: other.id });
    expect(pending.json()).toMatchObject({ state: 'pending', amount: 30 });
    const cancelled = await act('cancel', { transactionId: pending.json().id });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ id: pending.json().id, state: 'cancelled' });
  });

  it('still reports other faults of a cancel that names its transaction', async () => {
    const response = await act('cancel', { transactionId: 'not-a-uuid' });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([expect.objectContaining({ field: 'transactionId', message: 'must match format "uuid"' })]);
  });
});
