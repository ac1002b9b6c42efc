import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client's network rather than its address, enough to tell "home" from "elsewhere" without
 * keeping where exactly someone was: an IPv4 /24 or an IPv6 /48.
 */
export function coarseAddress(ip: string | undefined): string | null {
  if (!ip) {
    return null;
  }
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: three fixed repetitions, each after a dot
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const v4 = mapped ? mapped[1] : ip;
  if (isIPv4(v4)) {
    return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  }
  if (!isIPv6(ip)) {
    return null;
  }
  const groups = expandIPv6(ip.split('%')[0]);
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const toGroups = (part: string | undefined): string[] =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? v4Groups(g) : [g])) : [];
  const left = toGroups(head);
  const right = toGroups(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().padStart(4, '0'));
}

function v4Groups(v4: string): string[] {
  const [a, b, c, d] = v4.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
