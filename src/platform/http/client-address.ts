import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Expands an IPv6 address (no zone) to its eight 16-bit groups. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const [a, b, c, d] = embedded[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -embedded[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array(missing).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
}

/**
 * The unit a per-address budget counts: one IPv4 address, or one IPv6 /64 — a single host or
 * home is routinely given a whole /64, so counting each of its addresses apart would hand one
 * client 2^64 budgets. IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function addressBudgetKey(ip: string): string {
  const address = ip.split('%', 1)[0]!.toLowerCase();
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

let lastAddress = { ip: '', key: '' };

/** The client a request's per-address budgets (rate limits, sign-in throttle, download slots) count against. */
export function clientAddressOf(request: FastifyRequest): string {
  const ip = request.ip;
  // Consecutive requests mostly come from one address (a map loading its tiles): the last answer is kept.
  if (ip !== lastAddress.ip) lastAddress = { ip, key: addressBudgetKey(ip) };
  return lastAddress.key;
}
