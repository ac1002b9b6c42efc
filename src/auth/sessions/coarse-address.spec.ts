import { coarseAddress } from './coarse-address';

describe('coarseAddress', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
  ])('keeps only the network of %s', (ip, expected) => {
    expect(coarseAddress(ip)).toBe(expected);
  });

  it.each([undefined, '', 'not-an-address'])('knows no network for %p', (ip) => {
    expect(coarseAddress(ip)).toBeNull();
  });
});
