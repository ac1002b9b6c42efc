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
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  // Discard-only (RFC 6666) and documentation (RFC 3849) prefixes.
  ['100::', 64],
  ['2001:db8::', 32],
  // NAT64 local-use prefix (RFC 8215): a translator on the operator's own network.
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local (deprecated, RFC 3879), still routed inside some networks.
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address in any textual form (`::`, embedded dotted quad, zone). */
function ipv6Bytes(address: string): Uint8Array {
  const text = address.replace(/%.*$/, '');
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (part: string): number[] => {
    if (part === '') {
      return [];
    }
    return part.split(':').flatMap((w) => {
      if (w.includes('.')) {
        const [a, b, c, d] = w.split('.').map(Number);
        return [(a << 8) | b, (c << 8) | d];
      }
      return [parseInt(w, 16)];
    });
  };
  const left = words(head);
  const right = text.includes('::') ? words(tail) : [];
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

const v4 = (b: Uint8Array, at: number, mask = 0): string =>
  [0, 1, 2, 3].map((i) => b[at + i] ^ mask).join('.');
const startsWith = (b: Uint8Array, prefix: number[]): boolean => prefix.every((x, i) => b[i] === x);
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/**
 * The IPv4 addresses an IPv6 address carries and that a packet to it may end up at: mapped
 * (`::ffff:a.b.c.d`), translated (`::ffff:0:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 with the
 * well-known prefix (`64:ff9b::a.b.c.d`), 6to4 (`2002:aabb:ccdd::`) and Teredo (`2001:0::`, with
 * its server and its obfuscated client address).
 */
function embeddedIPv4(b: Uint8Array): string[] {
  if (
    startsWith(b, [...zeros(10), 0xff, 0xff]) ||
    startsWith(b, [...zeros(8), 0xff, 0xff, 0, 0]) ||
    startsWith(b, zeros(12)) ||
    startsWith(b, [0, 0x64, 0xff, 0x9b, ...zeros(8)])
  ) {
    return [v4(b, 12)];
  }
  if (startsWith(b, [0x20, 0x02])) {
    return [v4(b, 2)];
  }
  if (startsWith(b, [0x20, 0x01, 0, 0])) {
    return [v4(b, 4), v4(b, 12, 0xff)];
  }
  return [];
}

/**
 * Whether `address` (an IP address as DNS returns it) lies in a range a webhook must not reach,
 * directly or through an IPv4 address its IPv6 form carries.
 */
export function isPrivateAddress(address: string): boolean {
  if (isIPv4(address)) {
    return BLOCKED.check(address, 'ipv4');
  }
  if (BLOCKED.check(address, 'ipv6')) {
    return true;
  }
  return embeddedIPv4(ipv6Bytes(address)).some((a) => BLOCKED.check(a, 'ipv4'));
}

/**
 * Whether a URL names a host on a private network by itself: an address in those ranges, or
 * `localhost` (fully qualified with a trailing dot too). Names that only resolve there are caught
 * when the request is sent.
 */
export function namesPrivateHost(url: URL): boolean {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  return isIP(host) !== 0 && isPrivateAddress(host);
}
