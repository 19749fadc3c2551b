import { describe, expect, it } from 'vitest';
import { addressBudgetKey } from './client-address.js';

describe('the address a per-address budget counts', () => {
  it('is the IPv4 address itself', () => {
    expect(addressBudgetKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however the address is written', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2::5', '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:9%eth0'].map(addressBudgetKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(addressBudgetKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressBudgetKey('::1')).toBe('0:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressBudgetKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBudgetKey('::ffff:cb00:7107')).toBe('203.0.113.7');
  });
});
