import { HostAllowList } from './host-allow-list';
import { allowListGuard } from './post-json';

describe('HostAllowList', () => {
  const list = HostAllowList.parse(
    'orders.internal, CRM.Corp.Example., 10.20.0.0/16, 192.168.7.9, fd00:abcd::/32, [2001:db8::5]',
  );

  it.each([
    ['a listed name', 'orders.internal', true],
    ['a listed name in capitals', 'ORDERS.Internal', true],
    ['a listed name with a trailing dot', 'orders.internal.', true],
    ['a name listed in capitals with a trailing dot', 'crm.corp.example', true],
    ['a sub-domain of a listed name', 'x.orders.internal', false],
    ['a name that only ends like a listed one', 'evilorders.internal', false],
    ['an unlisted name', 'metadata.google.internal', false],
    ['an address in an IPv4 range', '10.20.255.1', true],
    ['an address just outside an IPv4 range', '10.21.0.1', false],
    ['a listed single IPv4 address', '192.168.7.9', true],
    ['its neighbour', '192.168.7.10', false],
    ['the IPv4-mapped IPv6 form of an address in range', '[::ffff:10.20.1.2]', true],
    ['the IPv4-mapped IPv6 form, as URLs write it', '[::ffff:a14:102]', true],
    ['the IPv4-mapped IPv6 form of an address out of range', '[::ffff:169.254.169.254]', false],
    ['an address in an IPv6 range', '[fd00:abcd:1::2]', true],
    ['an address in an IPv6 range, in capitals', 'FD00:ABCD::9', true],
    ['an address outside the IPv6 range', '[fd00:abce::1]', false],
    ['a listed single IPv6 address', '[2001:db8::5]', true],
    ['loopback, unlisted', '127.0.0.1', false],
    ['IPv6 loopback, unlisted', '[::1]', false],
  ])('%s (%s): %s', (_, host, allowed) => {
    expect(list.allowsHost(host)).toBe(allowed);
  });

  it('holds IPv4-mapped IPv6 ranges for the IPv4 addresses they map', () => {
    const mapped = new HostAllowList(['::ffff:10.0.0.0/104']);
    expect(mapped.allowsAddress('10.9.8.7')).toBe(true);
    expect(mapped.allowsAddress('11.0.0.1')).toBe(false);
  });

  it('matches resolved addresses by range only, never by name', () => {
    expect(list.allowsAddress('10.20.3.4')).toBe(true);
    expect(list.allowsAddress('orders.internal')).toBe(false);
  });

  it.each([
    ['a prefix too long for IPv4', '10.0.0.0/33'],
    ['a prefix too long for IPv6', 'fd00::/129'],
    ['a range on a name', 'orders.internal/24'],
    ['a prefix that is not a number', '10.0.0.0/x'],
    ['a URL', 'http://orders.internal'],
    ['a host with a port', 'orders.internal:8080'],
  ])('refuses %s, naming the entry by position only', (_, entry) => {
    expect(() => new HostAllowList(['ok.internal', entry])).toThrow(/^entry 2 /);
    expect(() => new HostAllowList(['ok.internal', entry])).not.toThrow(entry);
  });

  it('allows nothing when empty', () => {
    const empty = HostAllowList.parse(' , ');
    expect(empty.allowsHost('localhost')).toBe(false);
    expect(empty.allowsAddress('10.0.0.1')).toBe(false);
  });
});

describe('allowListGuard', () => {
  const guard = allowListGuard(HostAllowList.parse('orders.internal,10.0.0.0/8'));

  it.each([
    ['orders.internal', 'allowed'],
    ['10.1.1.1', 'allowed'],
    ['[::ffff:10.1.1.1]', 'allowed'],
    ['127.0.0.1', 'refused'],
    ['[::1]', 'refused'],
    ['other.internal', 'by-address'],
  ])('judges %s as written: %s', (host, verdict) => {
    expect(guard.host(host)).toBe(verdict);
  });
});
