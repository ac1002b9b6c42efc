import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Addresses a webhook must not reach unless private networks are allowed: loopback, private,
 * shared (carrier-grade NAT), link-local (cloud metadata services live there), unspecified,
 * multicast and reserved ranges, for IPv4 and IPv6.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/**
 * Whether `address` (an IP address as DNS returns it) lies in a range a webhook must not reach.
 * BlockList checks an IPv4-mapped IPv6 address against the IPv4 ranges.
 */
export function isPrivateAddress(address: string): boolean {
  return BLOCKED.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

/**
 * Whether a URL names a host on a private network by itself: an address in those ranges, or
 * `localhost`. Names that only resolve there are caught when the request is sent.
 */
export function namesPrivateHost(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  return isIP(host) !== 0 && isPrivateAddress(host);
}
