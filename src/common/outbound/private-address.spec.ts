import { isPrivateAddress } from './private-address';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '::FFFF:10.0.0.1',
    'fe80::1%eth0',
    'fec0::1',
    '2001:db8::1',
    '100::1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
  ])('lets %s through', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  describe('IPv6 forms that carry an IPv4 address', () => {
    it.each([
      ['IPv4-compatible, dotted', '::127.0.0.1', true],
      ['IPv4-compatible, hex', '::7f00:1', true],
      ['IPv4-compatible, private', '::10.0.0.1', true],
      ['IPv4-compatible, metadata', '::a9fe:a9fe', true],
      ['IPv4-compatible, public', '::8.8.8.8', false],
      ['IPv4-mapped, hex', '::ffff:7f00:1', true],
      ['IPv4-mapped, full form', '0:0:0:0:0:ffff:c0a8:0101', true],
      ['IPv4-translated', '::ffff:0:127.0.0.1', true],
      ['IPv4-translated, public', '::ffff:0:8.8.8.8', false],
      ['NAT64 well-known, loopback', '64:ff9b::127.0.0.1', true],
      ['NAT64 well-known, metadata', '64:ff9b::a9fe:a9fe', true],
      ['NAT64 well-known, private', '64:ff9b::10.1.2.3', true],
      ['NAT64 well-known, public', '64:ff9b::8.8.8.8', false],
      ['NAT64 local-use, any', '64:ff9b:1::8.8.8.8', true],
      ['NAT64 local-use, embedded', '64:ff9b:1:7f00:0:100::', true],
      ['6to4, loopback', '2002:7f00:1::', true],
      ['6to4, private', '2002:c0a8:101::1', true],
      ['6to4, metadata', '2002:a9fe:a9fe:1::1', true],
      ['6to4, public', '2002:808:808::1', false],
      ['Teredo, private client (obfuscated)', '2001:0:4136:e378:8000:63bf:f5ff:fffe', true],
      ['Teredo, loopback client (obfuscated)', '2001:0:4136:e378:8000:63bf:80ff:fffe', true],
      ['Teredo, private server', '2001:0:a00:1::f7f7:f7f7', true],
      ['Teredo, public server and client', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', false],
      ['not Teredo (2001:4860::/32)', '2001:4860:0:0:0:0:f5ff:fffe', false],
    ])('%s: %s is private: %s', (_, address, refused) => {
      expect(isPrivateAddress(address)).toBe(refused);
    });
  });
});
