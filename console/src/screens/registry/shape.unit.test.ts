import { describe, expect, it } from 'vitest';
import { actionBody, isSettled, serialRanges, shortHash, type ActionDraft } from './shape.js';

describe('serial ranges', () => {
  it('parses each range of a serialization', () => {
    expect(serialRanges('ICR-ISL-100-10000-10999-R-0-2021,ICR-ISL-100-12000-12009-A-0-2021')).toEqual([
      { text: 'ICR-ISL-100-10000-10999-R-0-2021', country: 'ISL', project: '100', first: 10000, last: 10999, tonnes: 1000, realised: true, vintage: '2021' },
      { text: 'ICR-ISL-100-12000-12009-A-0-2021', country: 'ISL', project: '100', first: 12000, last: 12009, tonnes: 10, realised: false, vintage: '2021' },
    ]);
  });
  it('skips pieces it does not know', () => {
    expect(serialRanges('something else')).toEqual([]);
  });
});

describe('transaction states', () => {
  it('knows settled states', () => {
    expect(['pending', 'processing'].map(isSettled)).toEqual([false, false]);
    expect(['processed', 'failed', 'cancelled'].map(isSettled)).toEqual([true, true, true]);
  });
});

describe('retire and transfer form', () => {
  const draft = (patch: Partial<ActionDraft>): ActionDraft => ({
    action: 'retire', creditId: 'exPost-1-0xabc', amount: '10', available: 100, toOrganizationId: '', beneficiaryName: 'Acme', reason: 'Offset 2024', comment: '', ...patch,
  });
  it('builds a retirement', () => {
    expect(actionBody(draft({}))).toEqual({ ok: true, body: { creditId: 'exPost-1-0xabc', amount: 10, retirementData: { beneficiaryName: 'Acme', reason: 'Offset 2024', comment: '' } } });
  });
  it('builds a transfer without retirement data', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(actionBody(draft({ action: 'transfer', toOrganizationId: ` ${id} ` }))).toEqual({ ok: true, body: { creditId: 'exPost-1-0xabc', amount: 10, toOrganizationId: id } });
  });
  it('says what to fix', () => {
    expect(actionBody(draft({ amount: '2.5', beneficiaryName: ' ' }))).toEqual({ ok: false, problems: { amount: 'Enter a whole number of tonnes, at least 1.', beneficiaryName: 'Name the beneficiary of the retirement.' } });
    expect(actionBody(draft({ amount: '101' }))).toMatchObject({ ok: false, problems: { amount: 'Only 100 t are available in this batch.' } });
    expect(actionBody(draft({ action: 'transfer_retire', toOrganizationId: 'x' }))).toMatchObject({ ok: false, problems: { toOrganizationId: expect.any(String) } });
  });
  it('shortens hashes', () => {
    expect(shortHash('0x1234567890abcdef1234')).toBe('0x123456…ef1234');
    expect(shortHash(null)).toBe('—');
  });
});
