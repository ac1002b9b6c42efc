import { BlockList, isIP } from 'node:net';

const HOST_NAME =
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: each repeated label starts with a dot, and the look-ahead caps the length at 253
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** A host as written in a URL or a list: lower-case, without brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Hosts an outbound client may reach: host names (exact, case and a trailing dot aside) and
 * IPv4/IPv6 addresses or CIDR ranges. An IPv4 range also holds the IPv4-mapped IPv6 form of its
 * addresses (`::ffff:10.0.0.1`), and the other way round, so neither spelling slips through.
 */
export class HostAllowList {
  private readonly names = new Set<string>();
  private readonly ranges = new BlockList();

  /** Throws with the offending entry's position (not its text) when one is not a host or range. */
  constructor(entries: readonly string[]) {
    entries.forEach((raw, i) => {
      const entry = normalizeHost(raw);
      const slash = entry.indexOf('/');
      const address = normalizeHost(slash < 0 ? entry : entry.slice(0, slash));
      const family = isIP(address);
      if (slash >= 0) {
        const prefix = entry.slice(slash + 1);
        const max = family === 6 ? 128 : 32;
        if (family === 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
          throw new Error(`entry ${i + 1} is not a valid CIDR range`);
        }
        this.ranges.addSubnet(address, Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
      } else if (family !== 0) {
        this.ranges.addAddress(address, family === 6 ? 'ipv6' : 'ipv4');
      } else if (HOST_NAME.test(entry)) {
        this.names.add(entry);
      } else {
        throw new Error(`entry ${i + 1} is neither a host name, an address nor a CIDR range`);
      }
    });
  }

  /** Parses a comma-separated list; empty entries are ignored. */
  static parse(list: string): HostAllowList {
    return new HostAllowList(
      list
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    );
  }

  /** Whether `host` (a URL's host name, or an address literal) is listed by name or address. */
  allowsHost(host: string): boolean {
    const h = normalizeHost(host);
    return isIP(h) !== 0 ? this.allowsAddress(h) : this.names.has(h);
  }

  /** Whether an IP address (as DNS returns it) lies in a listed address or range. */
  allowsAddress(address: string): boolean {
    const a = normalizeHost(address);
    const family = isIP(a);
    return family !== 0 && this.ranges.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }
}
