import { BlockList, isIP } from 'node:net';

/**
 * Which IP addresses the server may send requests to on a tenant's behalf (webhooks) or to
 * discover an identity provider: public unicast only. Everything else could reach this machine,
 * its private network or a cloud metadata service (server-side request forgery).
 */

function subnets(family: 'ipv4' | 'ipv6', ranges: [string, number][]) {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

/** IPv4 ranges that are not public unicast (RFC 6890 special-purpose registry), by kind. */
const IPV4_REFUSED: Record<string, BlockList> = {
  unspecified: subnets('ipv4', [['0.0.0.0', 8]]),
  loopback: subnets('ipv4', [['127.0.0.0', 8]]),
  'link-local': subnets('ipv4', [['169.254.0.0', 16]]),
  private: subnets('ipv4', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]),
  'carrier-grade NAT': subnets('ipv4', [['100.64.0.0', 10]]),
  multicast: subnets('ipv4', [['224.0.0.0', 4]]),
  // 240/4 includes the broadcast address 255.255.255.255.
  reserved: subnets('ipv4', [['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['240.0.0.0', 4]]),
};

/** IPv4 addresses written as IPv6 (::ffff:a.b.c.d) are judged as the IPv4 address they carry. */
const IPV4_MAPPED = subnets('ipv6', [['::ffff:0:0', 96]]);

/** IPv6 global unicast is 2000::/3; ::, ::1, fc00::/7, fe80::/10, ff00::/8, NAT64 and the rest lie outside it. */
const IPV6_GLOBAL_UNICAST = subnets('ipv6', [['2000::', 3]]);

/** Special-purpose blocks inside 2000::/3: IETF protocol assignments (Teredo…), documentation, 6to4 (embeds any IPv4). */
const IPV6_SPECIAL_IN_GLOBAL = subnets('ipv6', [['2001::', 23], ['2001:db8::', 32], ['2002::', 16], ['3fff::', 20]]);

const IPV6_KINDS: [string, BlockList][] = [
  ['unspecified', subnets('ipv6', [['::', 128]])],
  ['loopback', subnets('ipv6', [['::1', 128]])],
  ['link-local', subnets('ipv6', [['fe80::', 10]])],
  ['unique-local', subnets('ipv6', [['fc00::', 7]])],
  ['multicast', subnets('ipv6', [['ff00::', 8]])],
];

/**
 * Why an address must not be contacted ("a loopback address", …), or null for a public unicast
 * address. `address` is a bare IP (no brackets); anything that is not an IP is refused.
 */
export function refusedAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    for (const [kind, list] of Object.entries(IPV4_REFUSED)) if (list.check(address, 'ipv4')) return kind;
    return null;
  }
  if (family === 6) {
    if (IPV4_MAPPED.check(address, 'ipv6')) {
      // BlockList compares an IPv4-mapped IPv6 address with IPv4 rules directly.
      for (const [kind, list] of Object.entries(IPV4_REFUSED)) if (list.check(address, 'ipv6')) return kind;
      return null;
    }
    for (const [kind, list] of IPV6_KINDS) if (list.check(address, 'ipv6')) return kind;
    if (!IPV6_GLOBAL_UNICAST.check(address, 'ipv6') || IPV6_SPECIAL_IN_GLOBAL.check(address, 'ipv6')) return 'reserved';
    return null;
  }
  return 'not an IP';
}
