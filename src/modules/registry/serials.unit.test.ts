import { describe, expect, it } from 'vitest';
import { planTake, rangesOf, serialization } from './serials.js';
import { canonicalJson, chainTxId, contentHash, GENESIS_TX_ID, type ChainContent } from './chain.js';

const blocks = [
  { id: 'b', serialFirst: 200, serialLast: 249 },
  { id: 'a', serialFirst: 100, serialLast: 129 },
];

describe('planTake', () => {
  it('takes whole blocks lowest serial first and splits at most one', () => {
    const plan = planTake(blocks, 45)!;
    expect(plan.whole.map((b) => b.id)).toEqual(['a']);
    expect(plan.partial).toEqual({ block: blocks[0], count: 15 });
    expect(rangesOf(plan)).toEqual([[100, 129], [200, 214]]);
  });

  it('takes exactly a block without splitting, and refuses more than is held', () => {
    expect(planTake(blocks, 30)).toEqual({ whole: [blocks[1]] });
    expect(planTake(blocks, 80)!.whole).toHaveLength(2);
    expect(planTake(blocks, 81)).toBeUndefined();
  });
});

describe('serialization', () => {
  it('names the country, project, serial range, kind and vintage', () => {
    expect(serialization({ countryCode: 'ISL', projectNum: 354, type: 'exPost', vintage: 2021 }, 78040, 78053)).toBe('ICR-ISL-354-78040-78053-R-0-2021');
    expect(serialization({ countryCode: 'ALB', projectNum: 355, type: 'exAnte', vintage: 2023 }, 1, 100)).toBe('ICR-ALB-355-1-100-A-0-2023');
  });
});

describe('chain', () => {
  const content: ChainContent = {
    id: 't1', ledger: 'live', sequence: 1, action: 'retire', organizationId: 'o1', toOrganizationId: null, toAddress: null,
    batchId: 'b1', amount: 5, serialRanges: [[1, 5]], retirement: { reason: 'offset', beneficiaryName: 'Ana', comment: null },
  };

  it('hashes content independently of key order and links each id to the previous one', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    const first = chainTxId(GENESIS_TX_ID, contentHash(content));
    expect(first).toMatch(/^0x[0-9a-f]{64}$/);
    expect(chainTxId(GENESIS_TX_ID, contentHash({ ...content, amount: 6 }))).not.toBe(first);
    expect(chainTxId(first, contentHash(content))).not.toBe(first);
  });
});
